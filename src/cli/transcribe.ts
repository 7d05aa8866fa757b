/**
 * `speech-batch transcribe`: transcribes audio files in ONE batch job and prints (or writes) the merged conversation
 * of each. Without --endpoint it runs the bundled local service (dist/local-service.js) on a free port with a
 * temporary data directory and a random key, and stops it afterwards.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { isAudioPath } from '../core/audioFiles';
import { SpeechClient } from '../core/client';
import { formatConversation } from '../core/formats';
import { mergeFile } from '../core/merge';
import type { TranscriptFormat } from '../core/model';
import { redactUrl } from '../core/redact';
import { parseResult } from '../core/result';
import {
  isTerminal,
  type Transcription,
  type TranscriptionFile,
  type TranscriptionReportFile,
} from '../core/wire';
import { LocalService } from '../core/localService';
import { parseCommandArgs, parseFormat, parseNames, UsageError } from './args';

export const TRANSCRIBE_USAGE = `Usage: speech-batch transcribe <file|folder|URL>... [--format txt|srt|vtt|md|json] [--out DIR]
                               [--names "Agent,Customer"] [--locale en-US] [--endpoint URL --key KEY]
  Transcribes the audio (folders: every .wav and .mp3 in them, recursively) in one job and prints the
  conversation of each file: the channels interleaved by time ("who said what, when").
  --format    txt (default), srt, vtt, md or json
  --out       write one <name>.<format> per input into DIR instead of printing
  --names     party names by channel, comma-separated
  --locale    locale of the recordings (default en-US)
  --endpoint  a Speech endpoint (Azure or a running local service) instead of a local service of its own; it must
              be able to read the inputs (local files only work with a local service; for Azure give SAS URLs).
              The key comes from --key or the SPEECH_BATCH_KEY environment variable. The job is deleted afterwards.
  --verbose   show the local service's log
Exit codes: 0 every file transcribed, 1 the job or a file failed, 2 usage error.`;


/** One input: what the user named it and the URL the service reads. */
interface Input {
  label: string;
  url: string;
}

interface Options {
  inputs: Input[];
  format: TranscriptFormat;
  out?: string;
  names?: string[];
  locale: string;
  endpoint?: string;
  key?: string;
  verbose: boolean;
}

/** `speech-batch transcribe`. Returns the process exit code. */
export async function runTranscribe(args: string[]): Promise<number> {
  const options = await parseCommandLine(args);
  const started = Date.now();
  const service = options.endpoint ? undefined : await startLocalService(options.verbose);
  const abort = new AbortController();
  const onSigint = (): void => abort.abort(new Error('interrupted'));
  process.once('SIGINT', onSigint);
  try {
    const endpoint = options.endpoint ?? (await service!.local.endpoint());
    const client = new SpeechClient({ endpoint, key: options.key ?? service!.key });
    return await transcribe(client, options, started, abort.signal);
  } finally {
    process.removeListener('SIGINT', onSigint);
    await service?.local.stop();
    if (service) await fs.rm(service.dataDir, { recursive: true, force: true });
  }
}

async function transcribe(client: SpeechClient, options: Options, started: number, signal: AbortSignal): Promise<number> {
  const job = await client.submit({
    displayName: `speech-batch transcribe (${options.inputs.length} file${options.inputs.length === 1 ? '' : 's'})`,
    locale: options.locale,
    contentUrls: options.inputs.map((input) => input.url),
    properties: { timeToLiveHours: 24, wordLevelTimestampsEnabled: true, displayFormWordLevelTimestampsEnabled: true },
  });
  try {
    const done = await waitUntilDone(client, job, started, signal);
    const files = await client.listFiles(done.self!);
    const exitCode = await report(client, options, files);
    if (done.status === 'Failed') {
      progress(`the job failed: ${done.properties.error?.message ?? 'no reason given'}`);
      return 1;
    }
    return exitCode;
  } finally {
    await client.delete(job.self!).catch(() => {});
  }
}

/** Polls until the job ends, printing each status change and, every 10 s, that it is still going. */
async function waitUntilDone(client: SpeechClient, job: Transcription, started: number, signal: AbortSignal): Promise<Transcription> {
  let status = job.status;
  let lastLine = Date.now();
  progress(`${status} (${elapsed(started)})`);
  for (;;) {
    const { transcription, retryAfterMs } = await client.get(job.self!);
    if (transcription.status !== status || Date.now() - lastLine >= 10_000) {
      status = transcription.status;
      lastLine = Date.now();
      progress(`${status} (${elapsed(started)})`);
    }
    if (isTerminal(transcription.status)) return transcription;
    await sleep(Math.min(Math.max(retryAfterMs ?? 0, 500), 30_000), signal);
  }
}

/** Prints or writes the conversation of every transcribed file, and the reason of every failed one. */
async function report(client: SpeechClient, options: Options, files: TranscriptionFile[]): Promise<number> {
  const reportFile = files.find((f) => f.kind === 'TranscriptionReport');
  const details = reportFile
    ? await client.fetchContent<TranscriptionReportFile>(reportFile.links!.contentUrl!).then(
        (r) => r.details,
        (err: Error) => (progress(`cannot read the job's report: ${err.message}`), []),
      )
    : [];
  const outputs: string[] = [];
  let failed = 0;
  const usedNames = new Set<string>();
  for (const [index, input] of options.inputs.entries()) {
    const file = files.find((f) => f.name === `contenturl_${index}.json`);
    if (!file) {
      const detail = details.find((d) => d.source === input.url);
      progress(`${input.label}: ${detail?.errorMessage?.replace(/^contenturl_\d+ \([^)]*\): /, '') ?? 'no result'}`);
      failed++;
      continue;
    }
    // One result that cannot be read or written is reported; the other files' output is not lost.
    try {
      const conversation = mergeFile(parseResult(await client.fetchContent(file.links!.contentUrl!)), { names: options.names });
      const text = formatConversation(conversation, options.format);
      if (options.out) {
        const target = path.join(options.out, uniqueName(input.label, options.format, usedNames));
        await fs.writeFile(target, text);
        progress(`${input.label} → ${target}`);
      } else {
        outputs.push(options.inputs.length > 1 ? `==> ${input.label} <==\n${text}` : text);
      }
    } catch (err) {
      progress(`${input.label}: ${(err as Error).message}`);
      failed++;
    }
  }
  if (outputs.length > 0) process.stdout.write(outputs.join('\n'));
  return failed > 0 ? 1 : 0;
}

async function parseCommandLine(args: string[]): Promise<Options> {
  const { values, positionals } = parseCommandArgs(args, {
    format: { type: 'string', short: 'f' },
    out: { type: 'string', short: 'o' },
    names: { type: 'string' },
    locale: { type: 'string' },
    endpoint: { type: 'string' },
    key: { type: 'string' },
    verbose: { type: 'boolean' },
  });
  if (positionals.length === 0) throw new UsageError('no audio file or folder given');
  const format = parseFormat(values.format);
  const key = values.key ?? process.env.SPEECH_BATCH_KEY;
  if (values.endpoint && !key) throw new UsageError('--endpoint needs --key (or SPEECH_BATCH_KEY)');
  if (values.key && !values.endpoint) throw new UsageError('--key is only used with --endpoint');
  const inputs = (await Promise.all(positionals.map(expandInput))).flat();
  if (values.endpoint && !isLocalEndpoint(values.endpoint) && inputs.some((i) => i.url.startsWith('file:'))) {
    throw new UsageError('a remote --endpoint cannot read local files: give URLs it can read (e.g. blob SAS URLs)');
  }
  if (values.out) await fs.mkdir(values.out, { recursive: true });
  return {
    inputs,
    format,
    out: values.out,
    names: parseNames(values.names),
    locale: values.locale ?? 'en-US',
    endpoint: values.endpoint,
    key,
    verbose: values.verbose ?? false,
  };
}

/** A URL as is; a file; a folder: its .wav and .mp3 files (recursively, sorted). */
async function expandInput(arg: string): Promise<Input[]> {
  if (/^https?:\/\//i.test(arg)) return [{ label: redactUrl(arg), url: arg }];
  const stat = await fs.stat(arg).catch(() => undefined);
  if (!stat) throw new UsageError(`${arg}: no such file or folder`);
  if (!stat.isDirectory()) return [{ label: arg, url: pathToFileURL(path.resolve(arg)).href }];
  const entries = await fs.readdir(arg, { recursive: true, withFileTypes: true });
  const audio = entries
    .filter((e) => e.isFile() && isAudioPath(e.name))
    .map((e) => path.join(e.parentPath ?? e.path, e.name))
    .sort();
  if (audio.length === 0) throw new UsageError(`${arg}: no .wav or .mp3 files in this folder`);
  return audio.map((file) => ({ label: file, url: pathToFileURL(path.resolve(file)).href }));
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

/** Starts the bundled local service (next to this script) with a temp data dir and a random key. */
async function startLocalService(verbose: boolean): Promise<{ local: LocalService; key: string; dataDir: string }> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'speech-batch-cli-'));
  const key = randomBytes(24).toString('base64url');
  const quiet = (): void => {};
  const local = new LocalService({
    scriptPath: path.join(__dirname, 'local-service.js'),
    dataDir,
    key: async () => key,
    log: { info: verbose ? progress : quiet, warn: verbose ? progress : quiet, error: progress },
  });
  return { local, key, dataDir };
}

function progress(message: string): void {
  process.stderr.write(`speech-batch: ${message}\n`);
}

function elapsed(started: number): string {
  return `${((Date.now() - started) / 1000).toFixed(1)} s`;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
