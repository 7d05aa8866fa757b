/**
 * The whisper.cpp CPU build of @fugood/whisper.node for one VS Code target (`linux-x64`, `darwin-arm64`, …) next to
 * the bundles, in dist/native/<target>/: its `index.node` and the libraries the package ships beside it (`*.so`,
 * `*.dll`, `*.dylib`, `*.metallib`), so the .vsix carries it without node_modules and the service loads it from there
 * (src/local/engine/whisperBinding.ts). Only the CPU package `@fugood/node-whisper-<target>` is ever used: the CUDA
 * and Vulkan variants (`…-cuda`, `…-vulkan`, 190 MB / 54 MB) are never copied. Used by esbuild.js (this machine's
 * target) and scripts/package-targets.js (one .vsix per target).
 */
const fs = require('fs');
const path = require('path');

/** Files of a native package that belong next to its index.node. */
const NATIVE_FILE = /^(index\.node|.+\.(so(\.\d+)*|dll|dylib|metallib))$/;

/** The CPU build's package of a target. */
function nativePackage(target) {
  return `@fugood/node-whisper-${target}`;
}

/** The folder of the installed CPU package of a target, or undefined. */
function installedNativeDir(target) {
  try {
    return path.dirname(require.resolve(`${nativePackage(target)}/package.json`));
  } catch {
    return undefined;
  }
}

/**
 * Makes dist/native hold the build of `target` only (taken from `packageDir`); returns the files copied with their
 * sizes. Without a package dir, dist/native is emptied (the service then offers pocketsphinx only).
 */
function copyNativeBuild(distDir, target, packageDir) {
  const nativeRoot = path.join(distDir, 'native');
  fs.rmSync(nativeRoot, { recursive: true, force: true });
  if (!packageDir) return [];
  const dest = path.join(nativeRoot, target);
  fs.mkdirSync(dest, { recursive: true });
  const copied = [];
  for (const name of fs.readdirSync(packageDir)) {
    if (!NATIVE_FILE.test(name)) continue;
    fs.copyFileSync(path.join(packageDir, name), path.join(dest, name));
    copied.push({ file: path.join('native', target, name), bytes: fs.statSync(path.join(dest, name)).size });
  }
  if (!copied.some((c) => c.file.endsWith('index.node'))) throw new Error(`${packageDir} has no index.node`);
  return copied;
}

module.exports = { copyNativeBuild, installedNativeDir, nativePackage };
