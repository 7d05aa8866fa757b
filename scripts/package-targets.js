#!/usr/bin/env node
/**
 * `npm run package:targets [-- <target>...]`: one platform-specific .vsix per VS Code target, the way VS Code expects
 * for native modules (`vsce package --target <target>`): each carries the whisper.cpp CPU build of its own platform
 * only (dist/native/<target>/, from @fugood/node-whisper-<target>), never the CUDA/Vulkan variants. A target whose
 * package is not installed here is fetched with `npm pack` (same version as package.json's optional dependency) into
 * .tools/native/. Default target: this machine's. Writes speech-batch-<target>.vsix and prints the sizes.
 *
 * The universal `npm run package` carries this machine's build only: on other platforms (and wherever a native
 * module cannot load) the extension still activates and transcribes with pocketsphinx, and says why whisper.cpp
 * models cannot be used.
 */
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { copyNativeBuild, installedNativeDir, nativePackage } = require('./native-whisper');

const ROOT = path.resolve(__dirname, '..');
/** VS Code targets with a CPU build of @fugood/whisper.node. */
const TARGETS = ['linux-x64', 'linux-arm64', 'darwin-x64', 'darwin-arm64', 'win32-x64', 'win32-arm64'];

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit', shell: process.platform === 'win32', ...options });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status})`);
  return result;
}

/** The installed package of `target`, else the same version fetched with npm pack into .tools/native/<target>. */
function nativeDir(target) {
  const installed = installedNativeDir(target);
  if (installed) return installed;
  const pkg = require(path.join(ROOT, 'package.json'));
  const version = pkg.optionalDependencies?.[nativePackage('linux-x64')] ?? 'latest';
  const cache = path.join(ROOT, '.tools', 'native', `${target}-${version}`);
  const extracted = path.join(cache, 'package');
  if (!fs.existsSync(path.join(extracted, 'index.node'))) {
    fs.rmSync(cache, { recursive: true, force: true });
    fs.mkdirSync(cache, { recursive: true });
    const packed = spawnSync('npm', ['pack', `${nativePackage(target)}@${version}`, '--silent'], { cwd: cache, encoding: 'utf8', shell: process.platform === 'win32' });
    if (packed.status !== 0) throw new Error(`${nativePackage(target)}@${version} could not be fetched: ${(packed.stderr || '').trim().split('\n')[0]}`);
    run('tar', ['xzf', packed.stdout.trim().split('\n').pop(), '-C', cache]);
  }
  return extracted;
}

function main() {
  const targets = process.argv.slice(2);
  const wanted = targets.length > 0 ? targets : [`${process.platform}-${process.arch}`];
  for (const t of wanted) if (!TARGETS.includes(t)) throw new Error(`unknown target ${t} (one of ${TARGETS.join(', ')})`);
  run(process.execPath, ['esbuild.js', '--production']);
  const failed = [];
  for (const target of wanted) {
    let copied;
    try {
      copied = copyNativeBuild(path.join(ROOT, 'dist'), target, nativeDir(target));
    } catch (err) {
      console.error(`package:targets: ${target}: ${err.message}`);
      failed.push(target);
      continue;
    }
    const out = `speech-batch-${target}.vsix`;
    run('npx', ['vsce', 'package', '--target', target, '--no-dependencies', '--no-rewrite-relative-links', '-o', out]);
    const native = copied.reduce((n, c) => n + c.bytes, 0);
    console.log(`${out}: ${(fs.statSync(path.join(ROOT, out)).size / 1e6).toFixed(1)} MB (native ${target}: ${copied.map((c) => path.basename(c.file)).join(', ')}, ${(native / 1e6).toFixed(1)} MB unpacked)`);
  }
  // Leave dist/native as a plain build would: this machine's build.
  const host = `${process.platform}-${process.arch}`;
  copyNativeBuild(path.join(ROOT, 'dist'), host, installedNativeDir(host));
  if (failed.length > 0) {
    console.error(`package:targets: no .vsix for ${failed.join(', ')}`);
    process.exit(1);
  }
}

try {
  main();
} catch (err) {
  console.error(`package:targets: ${err.message}`);
  process.exit(1);
}
