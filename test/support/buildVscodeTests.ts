/**
 * Bundles the extension-host tests for VS Code: `test/vscode/index.ts` (the runner) and every `test/vscode/*.test.ts`
 * to `out/test/vscode/*.js` (CommonJS, `vscode` and npm packages left external and resolved from the repository's
 * node_modules at run time). New test files are picked up automatically. Each bundled source file keeps its own
 * `__dirname`/`__filename`, so shared helpers (`test/support/*.ts`) find the repository as they do under mocha + tsx.
 */
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Builds the bundles and returns the path of the runner (`out/test/vscode/index.js`). */
export async function buildVscodeTests(repoRoot: string): Promise<string> {
  const sourceDir = path.join(repoRoot, 'test', 'vscode');
  const outDir = path.join(repoRoot, 'out', 'test', 'vscode');
  const tests = fs.readdirSync(sourceDir).filter((name) => name.endsWith('.test.ts'));
  const runner = path.join(sourceDir, 'index.ts');
  fs.rmSync(outDir, { recursive: true, force: true });
  await esbuild.build({
    absWorkingDir: repoRoot,
    entryPoints: [runner, ...tests.map((name) => path.join(sourceDir, name))],
    outdir: outDir,
    bundle: true,
    packages: 'external',
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'inline',
    logLevel: 'warning',
    plugins: [keepModulePaths(runner)],
  });
  return path.join(outDir, 'index.js');
}

/**
 * Gives every TypeScript module that mentions `__dirname` or `__filename` its own source location (esbuild would
 * otherwise leave both pointing at the bundle), except the runner, which loads the bundles beside itself. The
 * declarations go on the first line to keep line numbers intact; esbuild renames them apart between modules.
 */
function keepModulePaths(runner: string): esbuild.Plugin {
  return {
    name: 'keep-module-paths',
    setup(build) {
      build.onLoad({ filter: /\.ts$/ }, async (args) => {
        if (args.path === runner) return undefined;
        const source = await fs.promises.readFile(args.path, 'utf8');
        if (!/\b__(dirname|filename)\b/.test(source)) return undefined;
        const header = `const __dirname = ${JSON.stringify(path.dirname(args.path))}; const __filename = ${JSON.stringify(args.path)}; `;
        return { contents: header + source, loader: 'ts' };
      });
    },
  };
}
