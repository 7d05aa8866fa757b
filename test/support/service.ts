/**
 * Test helper: runs the built local batch transcription service (`dist/local-service.js`) as a child process on a
 * free port with its own data directory, the way the extension and the CLI run it.
 *
 * ```ts
 * const service = await startService();
 * const client = new SpeechClient({ endpoint: service.endpoint, key: service.key });
 * // ...
 * await service.stop();
 * ```
 * In a mocha suite, `useService()` does this in before/after hooks.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { SpeechClient } from '../../src/core/client';
import type { Status, Transcription } from '../../src/core/wire';
import { AUDIO_CACHE_DIR } from './audio';

const ROOT = path.resolve(__dirname, '..', '..');
/** The bundled service every test runs. */
export const SERVICE_SCRIPT = path.join(ROOT, 'dist', 'local-service.js');

export interface StartServiceOptions {
  /** Data directory (jobs, results). Default: a new temp directory that `stop()` removes. A given one is kept. */
  dataDir?: string;
  /** Subscription key the service demands. Default: a random key. */
  key?: string;
  /** Extra command-line arguments for the service. */
  args?: string[];
  /**
   * Paths `file://` inputs may come from (`--allow-path`). Default: the generated audio and the OS temp folder, where
   * the tests put their files; `[]` passes none.
   */
  allowPaths?: readonly string[];
  /** Give the service a stdin pipe and `--exit-with-parent` (see `closeStdin()`). */
  exitWithParent?: boolean;
  /** Extra environment variables for the service. */
  env?: NodeJS.ProcessEnv;
  /** How long to wait for the `listening on` line. Default 30 s. */
  startTimeoutMs?: number;
}

export interface RunningService {
  /** `http://127.0.0.1:<port>`: pass to `SpeechClient` as is. */
  readonly endpoint: string;
  readonly key: string;
  readonly port: number;
  readonly dataDir: string;
  readonly pid: number;
  /** Everything the service logged on stderr so far (for assertions and failure messages). */
  stderr(): string;
  /** SIGTERM, wait for the exit, then remove the data directory if the helper created it. Safe to call twice. */
  stop(): Promise<void>;
  /** SIGKILL (a crash: nothing is flushed), wait for the exit; the data directory is kept for a restart. */
  kill(): Promise<void>;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  readonly exited: Promise<number | string>;
  /** Ends the service's stdin (what the parent's death does to the pipe); only with `exitWithParent`. */
  closeStdin(): void;
}

/** The folders the tests' services may read `file://` inputs from unless a test says otherwise. */
export const DEFAULT_ALLOW_PATHS: readonly string[] = [AUDIO_CACHE_DIR, os.tmpdir()];

/** Starts the service and resolves once it printed `listening on http://127.0.0.1:<port>`. */
export async function startService(options: StartServiceOptions = {}): Promise<RunningService> {
  ensureBuilt();
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'speech-batch-service-'));
  const key = options.key ?? randomBytes(16).toString('hex');
  const allow = (options.allowPaths ?? DEFAULT_ALLOW_PATHS).flatMap((p) => ['--allow-path', p]);
  const child = spawn(
    process.execPath,
    [
      SERVICE_SCRIPT, '--port', '0', '--data', dataDir, '--key', key, ...allow,
      ...(options.exitWithParent ? ['--exit-with-parent'] : []), ...(options.args ?? []),
    ],
    { env: { ...process.env, ...options.env }, stdio: [options.exitWithParent ? 'pipe' : 'ignore', 'pipe', 'pipe'] },
  );
  child.stdin?.on('error', () => {});
  let log = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (log += chunk));
  // A test run that dies must not leave services behind.
  const killOnExit = (): boolean => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => {
      process.removeListener('exit', killOnExit);
      resolve(code ?? signal ?? 'unknown');
    }),
  );
  let port: number;
  try {
    port = await waitForListening(child, exited, options.startTimeoutMs ?? 30_000, () => log);
  } catch (err) {
    child.kill('SIGKILL');
    await exited;
    if (ownsDataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }

  const terminate = async (signal: NodeJS.Signals): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    key,
    port,
    dataDir,
    pid: child.pid!,
    exited,
    stderr: () => log,
    closeStdin: () => void child.stdin?.end(),
    async stop() {
      await terminate('SIGTERM');
      if (ownsDataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
    kill: () => terminate('SIGKILL'),
  };
}

export interface ServiceHandle {
  /** The running service (throws outside the tests of the suite). */
  readonly service: RunningService;
  /** A client of it. */
  readonly client: SpeechClient;
}

/**
 * Registers mocha hooks that start a service before the suite's tests (`before`) and stop it after (`after`);
 * with `each: true`, a fresh one for every test (`beforeEach`/`afterEach`). Call inside `describe`.
 */
export function useService(options: StartServiceOptions | (() => StartServiceOptions) = {}, { each = false } = {}): ServiceHandle {
  let running: { service: RunningService; client: SpeechClient } | undefined;
  (each ? beforeEach : before)(async function () {
    const service = await startService(typeof options === 'function' ? options() : options);
    running = { service, client: new SpeechClient({ endpoint: service.endpoint, key: service.key }) };
  });
  (each ? afterEach : after)(async function () {
    await running?.service.stop();
    running = undefined;
  });
  const current = () => {
    if (!running) throw new Error('useService(): the service runs only during the tests of its suite');
    return running;
  };
  return {
    get service() {
      return current().service;
    },
    get client() {
      return current().client;
    },
  };
}

function waitForListening(
  child: ChildProcess,
  exited: Promise<number | string>,
  timeoutMs: number,
  log: () => string,
): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(
      () => reject(new Error(`local service did not start within ${timeoutMs} ms. stderr:\n${log()}`)),
      timeoutMs,
    );
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const match = /^listening on http:\/\/127\.0\.0\.1:(\d+)$/m.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`local service exited (${code}) before listening. stderr:\n${log()}`));
    });
  });
}

let built = false;

/** The bundled CLI (`speech-batch`). */
export const CLI_SCRIPT = path.join(ROOT, 'dist', 'cli.js');

/** What a run of the CLI printed and its exit code. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI (`speech-batch <args>`) to its end, with `env` added to the environment. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  ensureBuilt();
  const child = spawn(process.execPath, [CLI_SCRIPT, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

/**
 * Rebuilds `dist/` (npm run build) when the bundled service or CLI is missing or older than a source file, so the
 * tests never run stale code. Runs at most once per test process.
 */
export function ensureBuilt(): void {
  if (built) return;
  const bundles = [SERVICE_SCRIPT, CLI_SCRIPT];
  const bundleTime = Math.min(...bundles.map((file) => (fs.existsSync(file) ? fs.statSync(file).mtimeMs : 0)));
  const sources = listTs(path.join(ROOT, 'src'));
  if (sources.some((file) => fs.statSync(file).mtimeMs > bundleTime)) {
    const result = spawnSync(process.execPath, [path.join(ROOT, 'esbuild.js')], { cwd: ROOT, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`build failed:\n${result.stderr}${result.stdout}`);
  }
  built = true;
}

function listTs(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => path.join(entry.parentPath ?? entry.path, entry.name));
}

/** A raw answer of the service: status, headers and the parsed JSON body (undefined when empty or not JSON). */
export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON
}

export interface RawRequestOptions {
  /** JSON-encoded unless a string or a Buffer (sent as is). */
  body?: unknown;
  /** Default: the service's key, except for content URLs (`/content/…`); `null` sends no key header. */
  key?: string | null;
  /** Default 2024-11-15; `null` sends no api-version. */
  apiVersion?: string | null;
  headers?: Record<string, string>;
}

/**
 * One HTTP request to the service without the client: `path` is relative to `/speechtotext` (e.g. `/transcriptions`,
 * may carry a query) or a full URL (self links, content URLs, sent as they are).
 */
export async function callService(
  service: Pick<RunningService, 'endpoint' | 'key'>,
  method: string,
  path: string,
  options: RawRequestOptions = {},
): Promise<RawResponse> {
  const full = /^https?:/.test(path);
  const url = new URL(full ? path : `${service.endpoint}/speechtotext${path}`);
  const apiVersion = options.apiVersion === undefined ? '2024-11-15' : options.apiVersion;
  if (!full && apiVersion !== null && !url.searchParams.has('api-version')) url.searchParams.set('api-version', apiVersion);
  const headers: Record<string, string> = { ...options.headers };
  const key = options.key === undefined ? (url.pathname.startsWith('/content/') ? null : service.key) : options.key;
  if (key !== null) headers['ocp-apim-subscription-key'] = key;
  let body: string | Buffer | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === 'string' || Buffer.isBuffer(options.body) ? options.body : JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(url, { method, headers, body });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: response.headers, text, body: parsed };
}

/**
 * One HTTP request with a Host header of the test's choice (fetch always sends the URL's): `path` is the path and
 * query on the service (e.g. `/speechtotext/transcriptions?api-version=2024-11-15`).
 */
export function requestWithHost(
  service: Pick<RunningService, 'port' | 'key'>,
  method: string,
  path: string,
  host: string,
  options: { key?: string | null; body?: unknown } = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  const headers: http.OutgoingHttpHeaders = { host };
  const key = options.key === undefined ? service.key : options.key;
  if (key !== null) headers['ocp-apim-subscription-key'] = key;
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  if (body !== undefined) headers['content-type'] = 'application/json';
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: service.port, method, path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Polls a job (every 200 ms) until its status is one of `statuses` (default: Succeeded or Failed) and returns it;
 * fails with the last status seen after `timeoutMs`.
 */
export async function waitForStatus(
  client: SpeechClient,
  id: string,
  statuses: readonly Status[] = ['Succeeded', 'Failed'],
  timeoutMs = 120_000,
): Promise<Transcription> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { transcription } = await client.get(id);
    if (transcription.status && statuses.includes(transcription.status)) return transcription;
    if (Date.now() > deadline) {
      throw new Error(`job ${id} is still ${transcription.status} after ${timeoutMs} ms (waiting for ${statuses.join('/')})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
