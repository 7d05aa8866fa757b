#!/usr/bin/env node
// `npm run test:electron`: the extension-host tests (test/vscode, same runner as `npm run test:vscode`) in desktop
// VS Code 1.100.3, downloaded by @vscode/test-electron into .vscode-test/. Machines that cannot download it (offline,
// or no display for Electron) skip with the reason and exit 0; test failures exit 1.
/* global fetch, AbortSignal */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

require('tsx/cjs');
const { buildVscodeTests } = require('../support/buildVscodeTests.ts');

const VSCODE_VERSION = '1.100.3';
const UPDATE_SERVICE = 'https://update.code.visualstudio.com/api/releases/stable';
const repoRoot = path.resolve(__dirname, '..', '..');

function skip(reason) {
  console.log(`test:electron skipped: ${reason}`);
  process.exit(0);
}

/** Why VS Code cannot be downloaded from here, or undefined when its update service answers. */
async function downloadBlocker() {
  try {
    const res = await fetch(UPDATE_SERVICE, { method: 'HEAD', signal: AbortSignal.timeout(5000) });
    return res.ok ? undefined : `${UPDATE_SERVICE} answered HTTP ${res.status}`;
  } catch (err) {
    const code = err && err.cause && err.cause.code ? ` (${err.cause.code})` : '';
    return `cannot reach ${UPDATE_SERVICE}: ${err.message}${code}`;
  }
}

async function main() {
  const blocker = await downloadBlocker();
  if (blocker) skip(`${blocker}. Run \`npm run test:vscode\` for the same tests in code-server.`);
  if (process.platform === 'linux' && !process.env.DISPLAY) {
    skip('no X display for Electron (run it under `xvfb-run -a npm run test:electron`)');
  }
  const { downloadAndUnzipVSCode, runTests } = require('@vscode/test-electron');
  let vscodeExecutablePath;
  try {
    vscodeExecutablePath = await downloadAndUnzipVSCode({ version: VSCODE_VERSION, cachePath: path.join(repoRoot, '.vscode-test') });
  } catch (err) {
    skip(`downloading VS Code ${VSCODE_VERSION} failed: ${err.message}`);
  }
  if (spawnSync(process.execPath, ['esbuild.js'], { cwd: repoRoot, stdio: 'inherit' }).status !== 0) {
    throw new Error('building the extension (node esbuild.js) failed');
  }
  const extensionTestsPath = await buildVscodeTests(repoRoot);
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'speech-batch-electron-'));
  try {
    await runTests({
      vscodeExecutablePath,
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath,
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome'],
    });
  } finally {
    fs.rmSync(workspace, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(`test:electron failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
