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
 * The whisper.cpp native module (the CPU build of @fugood/whisper.node for this platform) goes next to the bundles as
 * dist/native/whisper-<platform>-<arch>.node: the .vsix carries no node_modules, and the service loads it from there.
 * Where the package is not installed (another platform, optional dependency skipped), nothing is copied and the
 * service runs with pocketsphinx only.
 */
function copyNativeModules() {
  const fs = require('fs');
  const path = require('path');
  const name = `${process.platform}-${process.arch}`;
  let source;
  try {
    source = require.resolve(`@fugood/node-whisper-${name}/index.node`);
  } catch {
    console.warn(`esbuild: no whisper.cpp build for ${name} installed; the service will offer pocketsphinx only`);
    return;
  }
  fs.mkdirSync(path.join('dist', 'native'), { recursive: true });
  fs.copyFileSync(source, path.join('dist', 'native', `whisper-${name}.node`));
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
