/**
 * `npm run test:vscode`: the suites that need a real VS Code (code-server 4.100.3, installed on first use into
 * `.tools/`), run one after the other; the command fails if any suite fails.
 *
 * - `host`: `test/vscode/*.test.ts` inside the Node extension host, through the runner `test/vscode/index.ts`.
 * - `e2e`: `test/e2e/*.e2e.ts`, Playwright flows against the workbench, run by mocha in this Node process tree.
 *
 * Options: `--suite host|e2e` (repeatable; default both), `--grep <regexp>` (both suites), `--keep` (keep temp folders).
 * Limits: `SPEECH_BATCH_HOST_SUITE_TIMEOUT_S` (default 900) and `SPEECH_BATCH_E2E_SUITE_TIMEOUT_S` (default 900).
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildVscodeTests } from './buildVscodeTests';
import { startCodeServer } from './codeServer';
import { ensureCodeServer } from './codeServerInstall';
import { delay, StepTimeoutError, withTimeout } from './timeouts';
import { openWorkbench, type Workbench } from './workbench';

const SUITES = ['host', 'e2e'] as const;
type Suite = (typeof SUITES)[number];

interface Options {
  suites: Suite[];
  grep?: string;
  keep: boolean;
}

/** Where suites put screenshots and other artefacts (git-ignored). */
export function testOutputDir(repoRoot: string, ...parts: string[]): string {
  const dir = path.join(repoRoot, '.test-output', ...parts);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { suites: [], keep: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--suite') {
      const suite = argv[++i] as Suite;
      if (!SUITES.includes(suite)) throw new Error(`--suite must be one of ${SUITES.join(', ')}, got ${String(suite)}`);
      options.suites.push(suite);
    } else if (arg === '--grep') {
      options.grep = argv[++i];
    } else if (arg === '--keep') {
      options.keep = true;
    } else {
      throw new Error(`unknown option ${arg}. Usage: npm run test:vscode -- [--suite host|e2e]... [--grep <regexp>] [--keep]`);
    }
  }
  if (options.suites.length === 0) options.suites = [...SUITES];
  return options;
}

function seconds(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

function buildExtension(repoRoot: string): void {
  const result = spawnSync(process.execPath, ['esbuild.js'], { cwd: repoRoot, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('building the extension (node esbuild.js) failed');
}

/** Longer than mocha's per-test limit in the runner (180 s): this much silence means the extension host is stuck. */
const HOST_SILENCE_LIMIT_MS = 240_000;

/** Rejects once `lastActivity()` is more than `ms` ago (checked every second) unless `signal` aborts first. */
async function failWhenSilent(lastActivity: () => number, ms: number, signal: AbortSignal): Promise<never> {
  while (!signal.aborted) {
    const silentMs = Date.now() - lastActivity();
    if (silentMs > ms) throw new StepTimeoutError(`the extension host printed nothing for ${Math.round(silentMs / 1000)} s`);
    await delay(1000, signal);
  }
  throw new StepTimeoutError('aborted');
}

/** Runs the extension-host tests in a fresh code-server; true when they passed. */
async function runHostSuite(repoRoot: string, options: Options): Promise<boolean> {
  const runner = await buildVscodeTests(repoRoot);
  const limitMs = seconds('SPEECH_BATCH_HOST_SUITE_TIMEOUT_S', 900) * 1000;
  const server = await startCodeServer({
    repoRoot,
    keep: options.keep,
    env: options.grep ? { SPEECH_BATCH_TEST_GREP: options.grep } : {},
  });
  let workbench: Workbench | undefined;
  let lastOutput = Date.now();
  const onLog = (line: string) => {
    lastOutput = Date.now();
    console.log(line);
  };
  try {
    workbench = await openWorkbench(server, { extensionDevelopmentPath: repoRoot, extensionTestsPath: runner, onLog });
    const exitCode = workbench.exitCode;
    const code = await withTimeout(
      (signal) => Promise.race([exitCode, failWhenSilent(() => lastOutput, HOST_SILENCE_LIMIT_MS, signal)]),
      limitMs,
      () => 'the extension-host tests did not finish',
    );
    return code === 0;
  } catch (err) {
    console.error(`host suite: ${err instanceof Error ? err.message : String(err)}`);
    if (workbench) {
      const file = path.join(testOutputDir(repoRoot, 'vscode'), 'host-suite-failure.png');
      await workbench.page.screenshot({ path: file }).catch(() => undefined);
      console.error(`host suite: screenshot of the workbench at ${file}`);
    }
    console.error(`host suite: code-server output (last 4000 characters):\n${server.output().slice(-4000)}`);
    return false;
  } finally {
    await workbench?.close();
    await server.stop();
  }
}

/** Runs the Playwright flows with mocha in a child process; true when they passed (or there are none). */
async function runE2eSuite(repoRoot: string, options: Options): Promise<boolean> {
  const dir = path.join(repoRoot, 'test', 'e2e');
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((name) => name.endsWith('.e2e.ts')) : [];
  if (files.length === 0) {
    console.log('e2e suite: no test/e2e/*.e2e.ts files');
    return true;
  }
  // Screenshots of an earlier run would pass for this one's.
  fs.rmSync(path.join(repoRoot, '.test-output', 'e2e'), { recursive: true, force: true });
  const mocha = path.join(repoRoot, 'node_modules', 'mocha', 'bin', 'mocha.js');
  const args = [mocha, '--require', 'tsx/cjs', '--extension', 'ts', '--timeout', '300000', '--reporter', 'spec'];
  if (options.grep) args.push('--grep', options.grep);
  args.push(...files.sort().map((name) => path.join('test', 'e2e', name)));
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    stdio: 'inherit',
    detached: true,
    env: { ...process.env, SPEECH_BATCH_KEEP_TEMP: options.keep ? '1' : '' },
  });
  const exited = new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
  const onExit = () => signalGroup(child.pid, 'SIGTERM');
  process.once('exit', onExit);
  const limitMs = seconds('SPEECH_BATCH_E2E_SUITE_TIMEOUT_S', 900) * 1000;
  try {
    return (await withTimeout(() => exited, limitMs, () => 'the e2e flows did not finish')) === 0;
  } catch (err) {
    console.error(`e2e suite: ${err instanceof Error ? err.message : String(err)}`);
    return false;
  } finally {
    process.removeListener('exit', onExit);
    await endProcessGroup(child.pid, exited);
  }
}

/** Ends a detached child's process group: SIGTERM (the flows then stop their code-servers), SIGKILL 5 s later. */
async function endProcessGroup(pid: number | undefined, exited: Promise<unknown>): Promise<void> {
  signalGroup(pid, 'SIGTERM');
  await withTimeout(() => exited, 5000, () => 'ignored').catch(() => undefined);
  signalGroup(pid, 'SIGKILL');
}

function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

const RUNNERS: Record<Suite, (repoRoot: string, options: Options) => Promise<boolean>> = {
  host: runHostSuite,
  e2e: runE2eSuite,
};

/** Runs the chosen suites and returns the process exit code (0 when all passed). */
export async function main(repoRoot: string, argv: string[]): Promise<number> {
  const options = parseArgs(argv);
  buildExtension(repoRoot);
  ensureCodeServer(repoRoot);
  const results: string[] = [];
  let failed = false;
  for (const suite of options.suites) {
    console.log(`\n=== ${suite} suite ===`);
    const started = Date.now();
    const passed = await RUNNERS[suite](repoRoot, options);
    failed ||= !passed;
    results.push(`${suite}: ${passed ? 'passed' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  console.log(`\n=== test:vscode summary ===\n${results.join('\n')}`);
  return failed ? 1 : 0;
}
