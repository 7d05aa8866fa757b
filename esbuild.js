// Bundles every entry point of the extension. `--production` minifies; `--watch` rebuilds on change.
const esbuild = require('esbuild');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/**
 * Entry points: the extension (loaded by VS Code), the local service (its own process), its audio worker threads
 * (loaded by the service from next to its own bundle) and the CLI.
 */
const builds = [
  { entryPoints: { extension: 'src/extension.ts' }, external: ['vscode'] },
  { entryPoints: { 'local-service': 'src/local/main.ts' } },
  { entryPoints: { 'local-worker': 'src/local/audio/worker.ts' } },
  { entryPoints: { cli: 'src/cli/main.ts' }, banner: { js: '#!/usr/bin/env node' } },
];

/**
 * Bundled ESM dependencies (e.g. @azure/storage-common) read `import.meta.url`, which is empty in CommonJS output:
 * give them the bundle's own file URL ("use strict" first keeps the bundle in strict mode).
 */
const IMPORT_META_URL_SHIM = "'use strict'; const __importMetaUrl = require('url').pathToFileURL(__filename).href;";

/**
 * The whisper.cpp native module (the CPU build of @fugood/whisper.node for this platform) goes next to the bundles in
 * dist/native/<platform>-<arch>/ (scripts/native-whisper.js): the .vsix carries no node_modules, and the service
 * loads it from there. Where the package is not installed (another platform, optional dependency skipped), nothing is
 * copied and the service runs with pocketsphinx only. `npm run package:targets` packages other targets.
 */
function copyNativeModules() {
  const { copyNativeBuild, installedNativeDir, nativePackage } = require('./scripts/native-whisper');
  const target = `${process.platform}-${process.arch}`;
  const dir = installedNativeDir(target);
  if (!dir) console.warn(`esbuild: ${nativePackage(target)} is not installed; the service will offer pocketsphinx only`);
  copyNativeBuild('dist', target, dir);
}

async function main() {
  copyNativeModules();
  const contexts = await Promise.all(
    builds.map((b) =>
      esbuild.context({
        bundle: true,
        platform: 'node',
        target: 'node20',
        format: 'cjs',
        outdir: 'dist',
        sourcemap: !production,
        minify: production,
        logLevel: 'warning',
        define: { 'import.meta.url': '__importMetaUrl' },
        ...b,
        banner: { js: [b.banner?.js, IMPORT_META_URL_SHIM].filter(Boolean).join('\n') },
      }),
    ),
  );
  if (watch) {
    await Promise.all(contexts.map((c) => c.watch()));
    return;
  }
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
