/**
 * Starts a throw-away code-server (VS Code served over HTTP) for tests: its own user data, extensions folder, config and
 * port, in its own process group so that stopping it ends every process it started (extension hosts, the extension's
 * local service, …), pass or fail.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureCodeServer } from './codeServerInstall';
import { delay, withTimeout } from './timeouts';

/** A running code-server. */
export interface CodeServer {
  /** Base URL, e.g. `http://127.0.0.1:41234`, without a trailing slash. */
  url: string;
  /** Authority for `vscode-remote://` URIs of files on this machine, e.g. `127.0.0.1:41234`. */
  authority: string;
  /** The folder opened as the workspace. */
  workspace: string;
  /** The temp folder holding user data, extensions and logs; removed by `stop()` unless `keep` was set. */
  home: string;
  /** Everything code-server printed so far (for failure messages). */
  output(): string;
  /** Ends code-server's whole process group and removes its temp folder. Safe to call twice. */
  stop(): Promise<void>;
}

/** Options of {@link startCodeServer}. */
export interface CodeServerOptions {
  /** Repository root (where `.tools/` and the extension live). */
  repoRoot: string;
  /** Folder to open; a fresh empty temp folder when omitted. */
  workspace?: string;
  /** User settings written to `User/settings.json` before start, merged over quiet test defaults. */
  settings?: Record<string, unknown>;
  /** Extra environment for code-server and so for its extension hosts. */
  env?: NodeJS.ProcessEnv;
  /** Keep the temp folder after `stop()` (for debugging). */
  keep?: boolean;
  /** How long to wait for `/healthz`; default 60 s. */
  startTimeoutMs?: number;
}

/** Settings that keep the workbench quiet and deterministic under test. */
const TEST_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'files.simpleDialog.enable': true,
  'git.enabled': false,
  'chat.commandCenter.enabled': false,
};

const LISTENING = /HTTP server listening on (http:\/\/[\d.]+:(\d+))/;

/** Starts code-server (installing it first if needed) and resolves once `/healthz` answers. */
export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  const { entry } = ensureCodeServer(options.repoRoot);
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'speech-batch-code-server-'));
  const userDataDir = path.join(home, 'user-data');
  const extensionsDir = path.join(home, 'extensions');
  const workspace = options.workspace ?? path.join(home, 'workspace');
  for (const dir of [path.join(userDataDir, 'User'), extensionsDir, workspace]) fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({ ...TEST_SETTINGS, ...options.settings }, null, 2),
  );
  const config = path.join(home, 'config.yaml');
  fs.writeFileSync(config, 'auth: none\n');

  const args = [
    entry,
    '--config', config,
    '--auth', 'none',
    '--bind-addr', '127.0.0.1:0',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    workspace,
  ];
  const child = spawn(process.execPath, args, {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    // No extension gallery: the machine is offline and nothing is installed from a marketplace under test. The local
    // models folder is this run's own (empty): local jobs run on pocketsphinx unless a test installs a model.
    env: { ...process.env, EXTENSIONS_GALLERY: '{}', SPEECH_BATCH_MODELS_DIR: path.join(home, 'models'), ...options.env },
  });
  let output = '';
  const onData = (chunk: Buffer) => (output += chunk.toString());
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // If this process exits without stop() (Ctrl-C, a suite timeout), still end code-server and drop its temp folder.
  const killGroup = () => {
    killProcessGroup(child);
    if (!options.keep) fs.rmSync(home, { recursive: true, force: true });
  };
  process.once('exit', killGroup);

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.removeListener('exit', killGroup);
    killProcessGroup(child, 'SIGTERM');
    const waitForExit = (ms: number) => withTimeout(() => exited, ms, () => 'code-server did not exit').catch(() => undefined);
    await waitForExit(5000);
    // The server may be gone while its children (extension hosts, services they started) live on: end them too.
    killProcessGroup(child, 'SIGKILL');
    await waitForExit(2000);
    if (options.keep) console.log(`kept code-server's temp folder ${home}`);
    else fs.rmSync(home, { recursive: true, force: true, maxRetries: 3 });
  };

  try {
    const limit = options.startTimeoutMs ?? 60_000;
    const url = await withTimeout(
      (signal) => waitForListening(child, () => output, signal),
      limit,
      () => `code-server did not start listening. Its output:\n${output}`,
    );
    await withTimeout((signal) => waitForHealthz(url, signal), limit, () => `code-server's ${url}/healthz never answered`);
    return { url, authority: new URL(url).host, workspace, home, output: () => output, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

function waitForListening(child: ChildProcess, output: () => string, signal: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const match = LISTENING.exec(output());
      if (match) {
        cleanup();
        resolve(match[1]);
      }
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`code-server exited (code ${code}) before listening. Its output:\n${output()}`));
    };
    const cleanup = () => {
      child.stdout?.off('data', check);
      child.stderr?.off('data', check);
      child.off('exit', onExit);
      signal.removeEventListener('abort', cleanup);
    };
    child.stdout?.on('data', check);
    child.stderr?.on('data', check);
    child.once('exit', onExit);
    signal.addEventListener('abort', cleanup, { once: true });
    check();
  });
}

async function waitForHealthz(url: string, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    try {
      const res = await fetch(`${url}/healthz`, { signal });
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await delay(200, signal);
  }
}

function killProcessGroup(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

