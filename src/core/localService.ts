/**
 * The client side of the local transcription service, shared by the extension host and the CLI (the service itself,
 * src/local, runs in its own process). Runs the bundled `dist/local-service.js` as a child process: started on first use,
 * restarted when it crashes (a bounded number of times; after a clean exit it starts again on the next use), stopped
 * on deactivate. Plain Node (no VS Code import), so the integration tests can drive it directly.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { redactUrlsIn } from './redact';

/** Where log lines go (the extension passes its LogOutputChannel). */
export interface ServiceLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface LocalServiceOptions {
  /** Absolute path of `dist/local-service.js`. */
  scriptPath: string;
  /** Folder for the service's jobs and results. */
  dataDir: string;
  /** The key clients must send (read when the service starts); never logged. */
  key: () => Promise<string>;
  log: ServiceLogger;
  /**
   * Files and folders the service may read file:// inputs from (it reads nothing else); more can be added while it
   * runs with {@link LocalService.allow}. The extension passes the workspace folders, the CLI its command line's paths.
   */
  allowPaths?: readonly string[];
  /** The folder of whisper.cpp / Parakeet models the service offers (its `--models-dir`); default `<dataDir>/models`. */
  modelsDir?: string;
  /** Node binary; defaults to the current one (run as plain Node inside Electron). */
  nodePath?: string;
  /** How long to wait for the "listening on" line. */
  startTimeoutMs?: number;
  /** Unexpected exits tolerated within {@link restartWindowMs} before giving up. */
  maxRestarts?: number;
  restartWindowMs?: number;
}

/** Why the service could not be started; `message` is meant for users. */
export class LocalServiceError extends Error {
  override name = 'LocalServiceError';
}

/** The local service's own route (not part of the Azure API) that adds paths it may read; same key as the API. */
export const ALLOWED_PATHS_ROUTE = '/speechbatch/allowed-paths';
/** The local service's own route that says whether whisper.cpp can run (`{ whisper: { available, reason? } }`). */
export const ENGINES_ROUTE = '/speechbatch/engines';
const KEY_HEADER = 'Ocp-Apim-Subscription-Key';

/**
 * A response header of the local service's `transcriptions:transcribe` (not Azure's): what its engine did with the
 * phrase list (e.g. "whisper initial prompt …", "not used: …"), URI-encoded. The client logs it.
 */
export const PHRASE_LIST_HEADER = 'x-speechbatch-phrase-list';

/** What {@link LocalService.engines} reports. */
export interface EngineStatus {
  whisper: { available: boolean; reason?: string };
}

const LISTENING = /listening on (http:\/\/127\.0\.0\.1:\d+)/;
const STDERR_LINES_KEPT = 40;

/** The command that installs the built-in recogniser and its US English model (Debian/Ubuntu). */
export const POCKETSPHINX_INSTALL = 'sudo apt-get install pocketsphinx pocketsphinx-en-us';

/**
 * The error code the local service puts on a job (`properties.error.code`) and on a file (`errorKind` in the report)
 * that failed because the recogniser or its model is not installed. Clients test this code, never the message text.
 */
export const ENGINE_NOT_INSTALLED = 'EngineNotInstalled';

export class LocalService {
  private child: ChildProcess | undefined;
  private starting: Promise<string> | undefined;
  private stopping = false;
  /** A stop for a restart ({@link setModelsDir}): uses of the service wait for it, then start it again. */
  private restarting: Promise<void> | undefined;
  private readonly crashes: number[] = [];
  private readonly stderrTail: string[] = [];
  /** Every path allowed so far: passed again at each (re)start, so a restarted service can read what it could before. */
  private readonly allowed: Set<string>;

  constructor(private readonly options: LocalServiceOptions) {
    this.allowed = new Set((options.allowPaths ?? []).map((p) => path.resolve(p)));
  }

  /**
   * Lets the service read these files or folders (absolute after resolving): a service already running learns them
   * through its authenticated `POST /speechbatch/allowed-paths`; a later start gets them on its command line.
   */
  async allow(paths: readonly string[]): Promise<void> {
    const added = paths.map((p) => path.resolve(p)).filter((p) => !this.allowed.has(p));
    if (added.length === 0) return;
    for (const p of added) this.allowed.add(p);
    if (!this.starting) return; // not started: the start passes them
    const endpoint = await this.starting;
    const response = await fetch(`${endpoint}${ALLOWED_PATHS_ROUTE}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [KEY_HEADER]: await this.options.key() },
      body: JSON.stringify({ paths: added }),
    });
    if (!response.ok) {
      for (const p of added) this.allowed.delete(p);
      throw new LocalServiceError(`The local transcription service refused to read ${added.length === 1 ? added[0] : `${added.length} paths`} (HTTP ${response.status}).`);
    }
  }

  /** Whether the service can run whisper.cpp / Parakeet models here, and why not (starts the service if needed). */
  async engines(): Promise<EngineStatus> {
    const endpoint = await this.endpoint();
    const response = await fetch(`${endpoint}${ENGINES_ROUTE}`, { headers: { [KEY_HEADER]: await this.options.key() } });
    if (!response.ok) throw new LocalServiceError(`The local transcription service did not say which engines it has (HTTP ${response.status}).`);
    return (await response.json()) as EngineStatus;
  }

  /**
   * Uses another models folder from the next start; a running service is stopped so that the next use starts it
   * with the new folder (the jobs it was running resume then).
   */
  async setModelsDir(modelsDir: string): Promise<void> {
    if (path.resolve(modelsDir) === (this.options.modelsDir && path.resolve(this.options.modelsDir))) return;
    this.options.modelsDir = modelsDir;
    if (!this.starting || this.stopping) return;
    this.options.log.info(`The models folder is now ${modelsDir}: restarting the local transcription service.`);
    const restart = this.stop().finally(() => {
      this.stopping = false;
      this.restarting = undefined;
    });
    this.restarting = restart;
    await restart;
  }

  /** The models folder the service is (or will be) started with. */
  get modelsDir(): string {
    return this.options.modelsDir ?? path.join(this.options.dataDir, 'models');
  }

  /** Base URL of the running service (`http://127.0.0.1:<port>`), starting it if needed. */
  endpoint(): Promise<string> {
    if (this.restarting) return this.restarting.then(() => this.endpoint());
    if (this.stopping) return Promise.reject(new LocalServiceError('The local transcription service is shutting down.'));
    if (!this.starting) {
      this.starting = this.start();
      this.starting.catch(() => (this.starting = undefined));
    }
    return this.starting;
  }

  /** Whether the service process is running now. */
  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The last lines the service wrote to stderr (for diagnosing a failed start). */
  recentErrors(): string {
    return this.stderrTail.join('\n');
  }

  /** Stops the service (SIGTERM, then SIGKILL after a grace period). */
  async stop(graceMs = 3000): Promise<void> {
    this.stopping = true;
    // A start in progress first finishes (or bails out), so no child it spawns is left behind.
    await this.starting?.catch(() => {});
    const child = this.child;
    this.starting = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }

  private async start(): Promise<string> {
    const { scriptPath, dataDir, log } = this.options;
    const key = await this.options.key();
    await fs.mkdir(dataDir, { recursive: true });
    if (this.stopping) throw new LocalServiceError('The local transcription service is shutting down.');
    // --exit-with-parent: the service watches its stdin (a pipe from this process) and ends, with its engines, when
    // this process goes away, however it ends (SIGKILL included).
    const args = [scriptPath, '--port', '0', '--data', dataDir, '--exit-with-parent', ...[...this.allowed].flatMap((p) => ['--allow-path', p])];
    if (this.options.modelsDir) args.push('--models-dir', this.options.modelsDir);
    log.info(`Starting the local transcription service: ${[scriptPath, '--port', '0', '--data', dataDir].join(' ')} (${this.allowed.size} allowed path(s))`);
    // The key travels in the environment, not on the command line, so it does not show in the process list.
    const child = spawn(this.options.nodePath ?? process.execPath, args, {
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', SPEECH_BATCH_SERVICE_KEY: key },
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
    child.stdin!.on('error', () => {}); // the service exiting first is reported by 'exit'
    this.child = child;
    this.stderrTail.length = 0;
    readline.createInterface({ input: child.stderr! }).on('line', (line) => {
      const safe = redactUrlsIn(line);
      this.stderrTail.push(safe);
      if (this.stderrTail.length > STDERR_LINES_KEPT) this.stderrTail.shift();
      // The service logs progress on stderr too: only its warnings and errors are logged as such.
      (/\b(warning|error|failed|fatal)\b/i.test(safe) ? log.warn : log.info).call(log, `[local service] ${safe}`);
    });

    return new Promise<string>((resolve, reject) => {
      let settled = false;
      const fail = (message: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (this.child === child) this.child = undefined; // a failed start is not a crash to restart from
        child.kill();
        reject(new LocalServiceError(message));
      };
      const timer = setTimeout(
        () => fail(`The local transcription service did not start within ${Math.round(this.startTimeout / 1000)} s.`),
        this.startTimeout,
      );
      readline.createInterface({ input: child.stdout! }).on('line', (line) => {
        const match = LISTENING.exec(line);
        if (match && !settled) {
          settled = true;
          clearTimeout(timer);
          log.info(`Local transcription service listening on ${match[1]} (pid ${child.pid}).`);
          resolve(match[1]);
        } else {
          log.info(`[local service] ${redactUrlsIn(line)}`);
        }
      });
      child.on('error', (err) => fail(`The local transcription service could not be started: ${err.message}`));
      child.on('exit', (code, signal) => {
        if (!settled) {
          const reason = this.recentErrors();
          fail(`The local transcription service exited (${signal ?? `code ${code}`}) before it was ready.${reason ? ` ${lastLine(reason)}` : ''}`);
          return;
        }
        this.onUnexpectedExit(child, code, signal);
      });
    });
  }

  private get startTimeout(): number {
    return this.options.startTimeoutMs ?? 20_000;
  }

  private onUnexpectedExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.stopping || child !== this.child) return;
    this.child = undefined;
    this.starting = undefined;
    const { log } = this.options;
    if (code === 0) {
      // A clean exit (e.g. SIGINT from the terminal) is not a crash: the next endpoint() starts it again.
      log.info('The local transcription service exited; it starts again when it is needed.');
      return;
    }
    const now = Date.now();
    const windowMs = this.options.restartWindowMs ?? 5 * 60_000;
    while (this.crashes.length && now - this.crashes[0] > windowMs) this.crashes.shift();
    this.crashes.push(now);
    const max = this.options.maxRestarts ?? 3;
    if (this.crashes.length > max) {
      log.error(`The local transcription service stopped (${signal ?? `code ${code}`}) ${this.crashes.length} times in a row; not restarting it until it is needed again.`);
      return;
    }
    log.warn(`The local transcription service stopped (${signal ?? `code ${code}`}); restarting it (${this.crashes.length}/${max}).`);
    this.endpoint().catch((err: Error) => log.error(err.message));
  }
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return lines[lines.length - 1];
}
