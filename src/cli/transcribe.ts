/**
 * `speech-batch transcribe`: transcribes audio files in ONE batch job and prints (or writes) the merged conversation
 * of each. Without --endpoint it runs the bundled local service (dist/local-service.js) on a free port with a
 * temporary data directory and a random key, and stops it afterwards.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { AUDIO_EXTENSIONS, expandAudioPaths } from '../core/audioFiles';
import { SpeechClient } from '../core/client';
import { fastTranscriptionFit, transcribeFile } from '../core/fastFlow';
import { formatConversation } from '../core/formats';
import { isSameSource, readJobOutputs, resultIndex, waitForJob, type JobOutputs } from '../core/jobFlow';
import { LocalService } from '../core/localService';
import { mergeFile } from '../core/merge';
import { baseModelSelf, defaultModelsDir } from '../core/models';
import type { TranscriptFormat } from '../core/model';
import { redactUrl } from '../core/redact';
import { parseResult } from '../core/result';
import type { TranscriptionReportFile } from '../core/wire';
import { parseCommandArgs, parseFormat, parseNames, UsageError } from './args';
import { finalText, measureProgress, ProgressLine } from './progress';

export const TRANSCRIBE_USAGE = `Usage: speech-batch transcribe <file|folder|URL>... [--format txt|srt|vtt|md|json] [--out DIR]
                               [--names "Agent,Customer"] [--locale en-US] [--endpoint URL --key KEY]
                               [--fast [--phrase TEXT]... [--phrase-list FILE]]
  Transcribes the audio (folders: every audio file in them, recursively) in one job and prints the
  conversation of each file: the channels interleaved by time ("who said what, when").
  --fast      fast transcription instead of a batch job: each file is sent in its request and transcribed at
              once (files under 2 hours and 250 MB; local files only). With --endpoint on Azure this needs only
              the Speech key, no storage account.
  --phrase    a word or name likely in the audio (repeatable), for fast transcription's phrase list
  --phrase-list  a file of such phrases, one per line
  --format    txt (default), srt, vtt, md or json
  --out       write one <name>.<format> per input into DIR instead of printing
  --names     party names by channel, comma-separated
  --locale    locale of the recordings (default en-US)
  --model     the model: a name from "speech-batch models list" (e.g. base.en, pocketsphinx), a base model id or
              URL; default the local service's best installed model for the locale
  --endpoint  a Speech endpoint (Azure or a running local service) instead of a local service of its own; it must
              be able to read the inputs (local files only work with a local service; for Azure give SAS URLs).
              The key comes from --key or the SPEECH_BATCH_KEY environment variable. The job is deleted afterwards.
  --quiet     no progress on stderr (what failed is still said)
  --strict    exit with 1 when a file's audio is damaged (cut short, corrupt, silent, clipped), though transcribed
  --verbose   show the local service's log
While the job runs, stderr shows files done of the total, hours of audio done and the time left (redrawn in place
on a terminal, a line now and then in a log). Damage found in a file's audio is said on stderr ("call.wav: warning:
Only 0:23 of 0:48 could be decoded: the file ends early") and in the transcript (text, Markdown, WebVTT, JSON);
what could be decoded is transcribed.
Exit codes: 0 every file transcribed, 1 the job or a file failed (or, with --strict, a file's audio is damaged),
  2 usage error.`;


/** One input: what the user named it and the URL the service reads. */
interface Input {
  label: string;
  url: string;
  /** Size of a local file, bytes (for the time left). */
  bytes?: number;
}

interface Options {
  inputs: Input[];
  /** The files and folders named on the command line (what a local service may read). */
  localPaths: string[];
  format: TranscriptFormat;
  out?: string;
  names?: string[];
  locale: string;
  model?: string;
  endpoint?: string;
  key?: string;
  verbose: boolean;
  fast: boolean;
  phrases: string[];
  quiet: boolean;
  /** Damaged audio (warnings) makes the exit code 1. */
  strict: boolean;
}

/** Signals that end the CLI: each stops the job and the service it started and removes their temp data. */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** `speech-batch transcribe`. Returns the process exit code. */
export async function runTranscribe(args: string[]): Promise<number> {
  const options = await parseCommandLine(args);
  line = new ProgressLine(process.stderr, { quiet: options.quiet });
  const started = Date.now();
  const abort = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => abort.abort(new InterruptedError(signal));
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  const service = options.endpoint ? undefined : await startLocalService(options);
  try {
    const endpoint = options.endpoint ?? (await service!.local.endpoint());
    abort.signal.throwIfAborted();
    const client = new SpeechClient({ endpoint, key: options.key ?? service!.key });
    if (options.fast) return await transcribeFast(client, options, abort.signal);
    return await transcribe(client, options, started, abort.signal);
  } catch (err) {
    if (!(err instanceof InterruptedError)) throw err;
    progress(`stopped (${err.signal})`);
    return 128 + (os.constants.signals[err.signal] ?? 2);
  } finally {
    line.clear();
    for (const signal of STOP_SIGNALS) process.removeListener(signal, onSignal);
    await service?.local.stop();
    if (service) await fs.rm(service.dataDir, { recursive: true, force: true });
  }
}

/** The CLI was told to stop by a signal. */
class InterruptedError extends Error {
  constructor(readonly signal: NodeJS.Signals) {
    super(`interrupted by ${signal}`);
  }
}

async function transcribe(client: SpeechClient, options: Options, started: number, signal: AbortSignal): Promise<number> {
  const job = await client.submit({
    displayName: `speech-batch transcribe (${options.inputs.length} file${options.inputs.length === 1 ? '' : 's'})`,
    locale: options.locale,
    ...(options.model && { model: { self: baseModelSelf(client.baseUrl, options.model) } }),
    contentUrls: options.inputs.map((input) => input.url),
    properties: { timeToLiveHours: 24, wordLevelTimestampsEnabled: true, displayFormWordLevelTimestampsEnabled: true },
  });
  try {
    let status = job.status;
    line.status(`${status} (${elapsed(started)})`);
    const watch = new ProgressWatch(client, job.self!, options);
    const done = await waitForJob(client, job.self!, {
      signal,
      // Each status change on its own line; while running, the files done, the audio done and the time left.
      onStatus: (t) => {
        if (t.status !== status) {
          status = t.status;
          line.status(`${status} (${elapsed(started)})`);
        }
        if (t.status === 'Running' && !options.quiet) watch.poll();
      },
    });
    await watch.settled();
    const outputs = await readJobOutputs(client, done.self!);
    const details = outputs.failures.map((f) => ({ source: f.source, status: 'Failed' as const }));
    line.finish(finalText(measureProgress(options.inputs, outputs.results, { details }, 0), watch.elapsedMs(started)));
    const exitCode = await report(client, options, outputs);
    if (done.status === 'Failed') {
      progress(`the job failed: ${done.properties.error?.message ?? 'no reason given'}`);
      return 1;
    }
    return exitCode;
  } finally {
    await client.delete(job.self!).catch(() => {});
  }
}

/**
 * `--fast`: each file in a request of its own (`transcriptions:transcribe`), one after the other; the answer is the
 * transcript. A file that fails is reported and the others go on.
 */
async function transcribeFast(client: SpeechClient, options: Options, signal: AbortSignal): Promise<number> {
  const output = new Output(options);
  let failed = 0;
  const choices = { locale: options.locale, phrases: options.phrases };
  for (const input of options.inputs) {
    const audioPath = fileURLToPath(input.url);
    const started = Date.now();
    try {
      const fit = await fastTranscriptionFit(audioPath);
      if (!fit.fits) throw new Error(`${fit.reason}; transcribe it without --fast`);
      const log = (message: string): void => (options.verbose || /phrase list/i.test(message) ? progress(`${input.label}: ${message}`) : undefined);
      const file = await transcribeFile(client, audioPath, choices, { signal, log });
      line.status(`${input.label}: transcribed (${elapsed(started)})`);
      await output.emit(input.label, file);
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      progress(`${input.label}: ${(err as Error).message}`);
      failed++;
    }
  }
  output.flush();
  return output.exitCode(failed);
}

/** Where transcripts go: printed together at the end, or one file each in --out. */
class Output {
  private readonly printed: string[] = [];
  private readonly usedNames = new Set<string>();

  constructor(private readonly options: Options) {}

  /** Files whose audio was damaged (transcribed with warnings). */
  private damaged = 0;

  async emit(label: string, result: unknown): Promise<void> {
    const conversation = mergeFile(parseResult(result), { names: this.options.names });
    // Damage is said like a failure (also with --quiet); the transcript says it too.
    for (const warning of conversation.warnings ?? []) progress(`${label}: warning: ${warning}`);
    if (conversation.warnings) this.damaged++;
    const text = formatConversation(conversation, this.options.format);
    if (this.options.out) {
      const target = path.join(this.options.out, uniqueName(label, this.options.format, this.usedNames));
      await fs.writeFile(target, text);
      progress(`${label} → ${target}`);
    } else {
      this.printed.push(this.options.inputs.length > 1 ? `==> ${label} <==\n${text}` : text);
    }
  }

  flush(): void {
    if (this.printed.length > 0) process.stdout.write(this.printed.join('\n'));
    if (this.damaged > 0) {
      progress(`${this.damaged} of ${this.options.inputs.length} file(s) with damaged audio${this.options.strict ? ' (--strict: exit code 1)' : ''}`);
    }
  }

  /** 1 when files failed, or (with --strict) when audio was damaged; else 0. */
  exitCode(failed: number): number {
    return failed > 0 || (this.options.strict && this.damaged > 0) ? 1 : 0;
  }
}

/** How often the files of a running job are listed for the progress line. */
const PROGRESS_EVERY_MS = 2_000;

/**
 * Lists the files of the running job now and then (the result files carry their audio length; the partial
 * report.json names the files that failed) and shows the progress line. One listing at a time; a listing that fails
 * only skips an update.
 */
class ProgressWatch {
  private runningSince: number | undefined;
  private listing: Promise<void> | undefined;
  private lastListed = -Infinity;
  private report: { size: number | undefined; content: TranscriptionReportFile } | undefined;
  private lastChange: { done: number; at: number; remainingMs: number | undefined } | undefined;

  constructor(
    private readonly client: SpeechClient,
    private readonly job: string,
    private readonly options: Options,
  ) {}

  poll(): void {
    this.runningSince ??= Date.now();
    if (this.listing || Date.now() - this.lastListed < PROGRESS_EVERY_MS) return;
    this.lastListed = Date.now();
    this.listing = this.list()
      .catch(() => {})
      .finally(() => (this.listing = undefined));
  }

  /** Waits for a listing in flight. */
  async settled(): Promise<void> {
    await this.listing;
  }

  /** Time since the job started running (or since `started`, if it was never seen running). */
  elapsedMs(started: number): number {
    return Date.now() - (this.runningSince ?? started);
  }

  private async list(): Promise<void> {
    const listed = await this.client.listFiles(this.job);
    const results = listed.filter((f) => f.kind === 'Transcription');
    const reportFile = listed.find((f) => f.kind === 'TranscriptionReport' && f.links?.contentUrl);
    // report.json changes whenever a file finishes; read it again only then.
    if (reportFile && (!this.report || reportFile.properties?.size !== this.report.size)) {
      const content = await this.client.fetchContent<TranscriptionReportFile>(reportFile.links!.contentUrl!);
      this.report = { size: reportFile.properties?.size, content };
    }
    const now = Date.now();
    const progress = measureProgress(this.options.inputs, results, this.report?.content, now - this.runningSince!);
    // The speed is measured when files finish; in between, the time left counts down instead of growing while a
    // long file is being transcribed.
    if (progress.done !== this.lastChange?.done) this.lastChange = { done: progress.done, at: now, remainingMs: progress.remainingMs };
    const { at, remainingMs } = this.lastChange;
    line.update({ ...progress, remainingMs: remainingMs === undefined ? undefined : Math.max(0, remainingMs - (now - at)) });
  }
}

/** Prints or writes the conversation of every transcribed file, and the reason of every failed one. */
async function report(client: SpeechClient, options: Options, outputs: JobOutputs): Promise<number> {
  if (outputs.reportError) progress(`cannot read the job's report: ${outputs.reportError}`);
  const output = new Output(options);
  let failed = 0;
  for (const [index, input] of options.inputs.entries()) {
    const file = outputs.results.find((f) => resultIndex(f) === index);
    if (!file) {
      const failure = outputs.failures.find((f) => isSameSource(f.source, input.url));
      progress(`${input.label}: ${failure?.reason ?? 'no result'}`);
      failed++;
      continue;
    }
    // One result that cannot be read or written is reported; the other files' output is not lost.
    try {
      await output.emit(input.label, await client.fetchContent(file.links!.contentUrl!));
    } catch (err) {
      progress(`${input.label}: ${(err as Error).message}`);
      failed++;
    }
  }
  output.flush();
  return output.exitCode(failed);
}

async function parseCommandLine(args: string[]): Promise<Options> {
  const { values, positionals } = parseCommandArgs(args, {
    format: { type: 'string', short: 'f' },
    out: { type: 'string', short: 'o' },
    names: { type: 'string' },
    locale: { type: 'string' },
    model: { type: 'string' },
    endpoint: { type: 'string' },
    key: { type: 'string' },
    verbose: { type: 'boolean' },
    fast: { type: 'boolean' },
    phrase: { type: 'string', multiple: true },
    'phrase-list': { type: 'string' },
    quiet: { type: 'boolean', short: 'q' },
    strict: { type: 'boolean' },
  });
  if (positionals.length === 0) throw new UsageError('no audio file or folder given');
  const format = parseFormat(values.format);
  const key = values.key ?? process.env.SPEECH_BATCH_KEY;
  if (values.endpoint && !key) throw new UsageError('--endpoint needs --key (or SPEECH_BATCH_KEY)');
  if (values.key && !values.endpoint) throw new UsageError('--key is only used with --endpoint');
  const inputs = withoutRepeats((await Promise.all(positionals.map(expandInput))).flat());
  const fast = values.fast ?? false;
  if (fast && inputs.some((i) => !i.url.startsWith('file:'))) throw new UsageError('--fast sends local files: give files or folders, not URLs');
  if (fast && values.model) throw new UsageError('--model is for batch jobs; --fast uses the service\'s model for the locale');
  if (!fast && (values.phrase || values['phrase-list'])) throw new UsageError('--phrase and --phrase-list need --fast (batch transcription takes no phrase list)');
  if (!fast && values.endpoint && !isLocalEndpoint(values.endpoint) && inputs.some((i) => i.url.startsWith('file:'))) {
    throw new UsageError('a remote --endpoint cannot read local files: give URLs it can read (e.g. blob SAS URLs), or use --fast');
  }
  const phrases = [...(values.phrase ?? []), ...(values['phrase-list'] ? await readPhraseList(values['phrase-list']) : [])];
  const out = values.out === undefined ? undefined : await ensureOutputFolder(values.out);
  return {
    inputs,
    localPaths: positionals.filter((arg) => !/^https?:\/\//i.test(arg)).map((arg) => path.resolve(arg)),
    format,
    out,
    names: parseNames(values.names),
    locale: values.locale ?? 'en-US',
    model: values.model,
    endpoint: values.endpoint,
    key,
    verbose: values.verbose ?? false,
    fast,
    phrases,
    quiet: values.quiet ?? false,
    strict: values.strict ?? false,
  };
}

/** The phrases of a --phrase-list file: one per line, blank lines and lines starting with # skipped. */
async function readPhraseList(file: string): Promise<string[]> {
  const text = await fs.readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new UsageError(`--phrase-list ${file}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
  });
  return text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line && !line.startsWith('#'));
}

/** A URL as is; a file named on the command line as is (the service decides by content); a folder: its audio files. */
async function expandInput(arg: string): Promise<Input[]> {
  if (/^https?:\/\//i.test(arg)) return [{ label: redactUrl(arg), url: arg }];
  const stat = await fs.stat(arg).catch(() => undefined);
  if (!stat) throw new UsageError(`${arg}: no such file or folder`);
  if (!stat.isDirectory()) return [{ label: arg, url: pathToFileURL(path.resolve(arg)).href, bytes: stat.size }];
  const audio = await expandAudioPaths([arg]);
  if (audio.length === 0) throw new UsageError(`${arg}: no audio files (${AUDIO_EXTENSIONS.join(', ')}) in this folder`);
  return Promise.all(
    audio.map(async (file) => ({
      label: path.relative(process.cwd(), file) || file,
      url: pathToFileURL(file).href,
      bytes: await fs.stat(file).then((s) => s.size, () => undefined),
    })),
  );
}

/** The inputs without repeats (a file named twice, or also inside a named folder), in order. */
function withoutRepeats(inputs: Input[]): Input[] {
  const seen = new Set<string>();
  return inputs.filter((input) => !seen.has(input.url) && seen.add(input.url));
}

/**
 * Makes sure --out names a folder the CLI can write, creating missing folders one level at a time (Node's recursive
 * mkdir spins forever below /proc), before any audio is sent anywhere.
 */
async function ensureOutputFolder(dir: string): Promise<string> {
  const target = path.resolve(dir);
  const missing: string[] = [];
  let existing = target;
  for (;;) {
    const stat = await fs.stat(existing).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' || err.code === 'ENOTDIR' ? undefined : Promise.reject(err)));
    if (stat) {
      if (!stat.isDirectory()) throw new UsageError(`--out ${dir}: ${existing} is not a folder`);
      break;
    }
    missing.unshift(existing);
    const parent = path.dirname(existing);
    if (parent === existing) break;
    existing = parent;
  }
  try {
    for (const folder of missing) await fs.mkdir(folder);
    const probe = path.join(target, `.speech-batch-${process.pid}.tmp`);
    await fs.writeFile(probe, '');
    await fs.rm(probe);
  } catch (err) {
    throw new UsageError(`--out ${dir}: cannot write there (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return target;
}

/** `<base name>.<format>`, numbered when two inputs share a base name. */
function uniqueName(label: string, format: string, used: Set<string>): string {
  const base = path.basename(label.split('?')[0]!).replace(/\.[^.]*$/, '') || 'transcript';
  let name = `${base}.${format}`;
  for (let n = 2; used.has(name); n++) name = `${base}-${n}.${format}`;
  used.add(name);
  return name;
}

function isLocalEndpoint(endpoint: string): boolean {
  try {
    return ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(endpoint).hostname);
  } catch {
    throw new UsageError(`--endpoint: "${endpoint}" is not a URL`);
  }
}

/**
 * Starts the bundled local service (next to this script) with a temp data dir and a random key. It may read only the
 * files and folders named on the command line, and it ends with this process, whatever ends it.
 */
async function startLocalService(options: Options): Promise<{ local: LocalService; key: string; dataDir: string }> {
  await removeStaleTempFolders();
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), TEMP_PREFIX));
  await fs.writeFile(path.join(dataDir, OWNER_FILE), String(process.pid));
  const key = randomBytes(24).toString('base64url');
  const quiet = (): void => {};
  const local = new LocalService({
    scriptPath: path.join(__dirname, 'local-service.js'),
    dataDir,
    key: async () => key,
    allowPaths: options.localPaths,
    modelsDir: defaultModelsDir(),
    log: { info: options.verbose ? progress : quiet, warn: options.verbose ? progress : quiet, error: progress },
  });
  return { local, key, dataDir };
}

const TEMP_PREFIX = 'speech-batch-cli-';
const OWNER_FILE = 'cli.pid';

/** Removes the temp folders of earlier runs that were killed (SIGKILL) before they could clean up. */
async function removeStaleTempFolders(): Promise<void> {
  const names = await fs.readdir(os.tmpdir()).catch(() => []);
  for (const name of names.filter((n) => n.startsWith(TEMP_PREFIX))) {
    const dir = path.join(os.tmpdir(), name);
    const owner = Number(await fs.readFile(path.join(dir, OWNER_FILE), 'utf8').catch(() => 'NaN'));
    if (Number.isInteger(owner) && owner > 0 && !isRunning(owner)) await fs.rm(dir, { recursive: true, force: true }).catch(() => {});
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** stderr: messages and the progress line of this run. */
let line = new ProgressLine(process.stderr);

function progress(message: string): void {
  line.message(message);
}

function elapsed(started: number): string {
  return `${((Date.now() - started) / 1000).toFixed(1)} s`;
}
