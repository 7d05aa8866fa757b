/**
 * The life of a batch job after it was submitted, shared by the CLI, the extension and the tests: wait until the
 * service finishes it, then collect its outputs — the result file of each input that was transcribed and the reason
 * of each input that failed (from the job's report.json). Plain Node: works against Azure and the local service alike.
 */
import { SpeechClient } from './client';
import { redactUrl } from './redact';
import { sleep } from './sleep';
import type { Status, Transcription, TranscriptionFile, TranscriptionReportFile } from './wire';

/** Result files are named after the index of their input in the request's `contentUrls`. */
const RESULT_NAME = /^contenturl_(\d+)\.json$/i;
/** The local service starts a file's error message with the file's id and name; users need neither. */
const ERROR_PREFIX = /^contenturl_\d+ \([^)]*\): /;

export interface WaitOptions {
  /** Statuses that end the wait (default: Succeeded or Failed). */
  until?: readonly Status[];
  /** Called with every answer (for progress output). */
  onStatus?(transcription: Transcription): void;
  /** Shortest and longest wait between two checks; the service's Retry-After is honoured within them. */
  minIntervalMs?: number;
  maxIntervalMs?: number;
  /** Give up (reject) after this long; default: never. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Polls a job until its status is one of `options.until` (default: a final one) and returns it. */
export async function waitForJob(client: SpeechClient, job: string, options: WaitOptions = {}): Promise<Transcription> {
  const until = options.until ?? ['Succeeded', 'Failed'];
  const minMs = options.minIntervalMs ?? 500;
  const maxMs = options.maxIntervalMs ?? 30_000;
  const deadline = options.timeoutMs === undefined ? Infinity : Date.now() + options.timeoutMs;
  for (;;) {
    options.signal?.throwIfAborted();
    const { transcription, retryAfterMs } = await client.get(job);
    options.onStatus?.(transcription);
    if (transcription.status && until.includes(transcription.status)) return transcription;
    if (Date.now() > deadline) {
      throw new Error(`job ${SpeechClient.idOf(job) || job} is still ${transcription.status} after ${options.timeoutMs} ms (waiting for ${until.join('/')})`);
    }
    await sleep(Math.min(Math.max(retryAfterMs ?? 0, minMs), maxMs), options.signal);
  }
}

/** An input that the service could not transcribe. */
export interface FailedInput {
  /** The input's URL as the service reports it (its query may be redacted). */
  source: string;
  /** The service's message as it is. */
  message: string;
  /** The reason for users: the message without the service's file id prefix. */
  reason: string;
  /** The service's error kind (e.g. InvalidData, EngineNotInstalled). */
  kind?: string;
}

export interface JobOutputs {
  /** The transcription result files (kind Transcription), in the service's order. */
  results: TranscriptionFile[];
  /** The inputs that failed, from report.json. */
  failures: FailedInput[];
  /** Why report.json could not be read, when it could not (the results are still listed). */
  reportError?: string;
}

/**
 * Lists a finished job's result files and reads its report for the inputs that failed (`listed`: the job's files,
 * when they were just listed).
 */
export async function readJobOutputs(client: SpeechClient, job: string, listed?: readonly TranscriptionFile[]): Promise<JobOutputs> {
  listed ??= await client.listFiles(job);
  const results = listed.filter((f) => f.kind === 'Transcription' && f.name);
  const report = listed.find((f) => f.kind === 'TranscriptionReport' && f.links?.contentUrl);
  if (!report) return { results, failures: [] };
  try {
    const content = await client.fetchContent<TranscriptionReportFile>(report.links!.contentUrl!);
    const failures = (content.details ?? [])
      .filter((d) => d.status !== 'Succeeded')
      .map((d): FailedInput => {
        const message = d.errorMessage ?? d.errorKind ?? 'no reason given';
        return { source: d.source, message, reason: message.replace(ERROR_PREFIX, ''), ...(d.errorKind ? { kind: d.errorKind } : {}) };
      });
    return { results, failures };
  } catch (err) {
    return { results, failures: [], reportError: (err as Error).message };
  }
}

/** The index in the request's `contentUrls` of the input a result file belongs to (`contenturl_3.json` → 3). */
export function resultIndex(file: Pick<TranscriptionFile, 'name'>): number | undefined {
  const match = RESULT_NAME.exec(file.name ?? '');
  return match ? Number(match[1]) : undefined;
}

/** Whether a reported source is this input URL (sources may come back with their query, i.e. a SAS, redacted). */
export function isSameSource(reported: string, input: string): boolean {
  return reported === input || redactUrl(reported).replace(/\?…$/, '') === redactUrl(input).replace(/\?…$/, '');
}

