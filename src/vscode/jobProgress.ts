/**
 * What a job's row says about it: its outcome (succeeded, partly failed, failed), how many of its files are done,
 * failure reasons without the service's internal file ids, and an estimate of the time left. Plain Node (no VS Code
 * import) so it is unit-testable.
 */
import { redactUrlsIn } from '../core/redact';
import type { JobRecord } from './jobRecord';

/** How a job ended, or that it has not yet. */
export type JobOutcome = 'pending' | 'succeeded' | 'partial' | 'failed';

export function jobOutcome(job: Pick<JobRecord, 'status' | 'files'>): JobOutcome {
  if (job.status === 'Failed') return 'failed';
  if (job.status !== 'Succeeded') return 'pending';
  return job.files.some((f) => f.state === 'failed') ? 'partial' : 'succeeded';
}

/** Files of a job: how many there are, how many are done (transcribed or failed), how many failed. */
export interface FileCounts {
  /** Inputs of the job, when known (jobs imported from Azure: only once finished). */
  total: number | undefined;
  done: number;
  transcribed: number;
  failed: number;
}

export function fileCounts(job: Pick<JobRecord, 'audioPaths' | 'files'>): FileCounts {
  const transcribed = job.files.filter((f) => f.state === 'transcription').length;
  const failed = job.files.filter((f) => f.state === 'failed').length;
  const done = transcribed + failed;
  const total = job.audioPaths.length > 0 ? Math.max(job.audioPaths.length, done) : done > 0 ? done : undefined;
  return { total, done, transcribed, failed };
}

/** The service's `contenturl_3 (empty.wav): ` prefix of a file's error, anywhere in a message. */
const FILE_ID_PREFIX = /contenturl_\d+ \(([^)]*)\): /g;
/** A lone `contenturl_3` or `contenturl_3.json`. */
const FILE_ID = /\bcontenturl_\d+(?:\.json)?\b/g;

/**
 * A failure reason for users: URLs without their query (SAS), and the service's file ids replaced by the file names
 * (`contenturl_3 (empty.wav): no audio` → `empty.wav: no audio`), or dropped when the name is not given.
 * With `fileName`, a leading `<fileName>: ` is dropped too (the row already names the file).
 */
export function readableReason(message: string, fileName?: string): string {
  let text = redactUrlsIn(message).replace(FILE_ID_PREFIX, '$1: ');
  text = text.replace(FILE_ID, (id) => (id.endsWith('.json') ? id : 'a file')).trim();
  if (fileName && text.startsWith(`${fileName}: `)) text = text.slice(fileName.length + 2);
  return text;
}

/**
 * Estimated time left of a running job from the audio still to do and the speed measured so far: `doneWeight` of
 * `totalWeight` (bytes or ms of audio) took `elapsedMs`. Undefined until something is done or when nothing is left.
 */
export function estimateRemainingMs(doneWeight: number, totalWeight: number, elapsedMs: number): number | undefined {
  if (!(doneWeight > 0) || !(totalWeight > doneWeight) || !(elapsedMs > 0)) return undefined;
  return Math.round(((totalWeight - doneWeight) * elapsedMs) / doneWeight);
}

/** What a running local job has left: the time, and the audio done and measured speed it comes from. */
export interface JobEstimate {
  remainingMs: number;
  /** Audio of the files done and of all files (ms), when their lengths are known. */
  audioDoneMs?: number;
  audioTotalMs?: number;
  /** Audio transcribed per second of running (1 = real time), when lengths are known. */
  speed?: number;
}

/**
 * The weight of each input in the estimate: its audio length (files whose header did not tell it count their size at
 * the ms-per-byte of the others), or, for jobs submitted before lengths were read, its size.
 */
export function fileWeights(job: Pick<JobRecord, 'audioPaths' | 'audioBytes' | 'audioMs'>): { weights: number[]; unit: 'ms' | 'bytes' } {
  const bytes = job.audioPaths.map((_, i) => job.audioBytes?.[i] || 0);
  const ms = job.audioPaths.map((_, i) => job.audioMs?.[i] || 0);
  const knownMs = ms.reduce((a, b) => a + b, 0);
  if (knownMs === 0) return { weights: bytes.map((b) => b || 1), unit: 'bytes' };
  const knownBytes = bytes.reduce((sum, b, i) => sum + (ms[i] ? b : 0), 0);
  const known = ms.filter(Boolean);
  const msPerByte = knownBytes > 0 ? knownMs / knownBytes : 0;
  return { weights: ms.map((m, i) => m || bytes[i]! * msPerByte || knownMs / known.length), unit: 'ms' };
}

/** The estimate for a running local job that has finished some files (`now`: epoch ms). */
export function estimateJob(job: Pick<JobRecord, 'status' | 'backend' | 'runningSince' | 'audioPaths' | 'audioBytes' | 'audioMs' | 'files'>, now: number): JobEstimate | undefined {
  if (job.status !== 'Running' || job.backend !== 'local' || !job.runningSince) return undefined;
  const { weights, unit } = fileWeights(job);
  const done = new Set(job.files.map((f) => f.audioPath));
  const doneWeight = job.audioPaths.reduce((sum, p, i) => sum + (done.has(p) ? weights[i]! : 0), 0);
  const total = weights.reduce((a, b) => a + b, 0);
  const elapsed = now - Date.parse(job.runningSince);
  const remainingMs = estimateRemainingMs(doneWeight, total, elapsed);
  if (remainingMs === undefined) return undefined;
  if (unit === 'bytes') return { remainingMs };
  return { remainingMs, audioDoneMs: Math.round(doneWeight), audioTotalMs: Math.round(total), speed: doneWeight / elapsed };
}

/** "about 3 min", "less than a minute", "about 1 h 20 min": a rough remaining time (English fallback wording). */
export function roughDuration(ms: number): { unit: 'lessThanMinute' | 'minutes' | 'hours'; minutes: number; hours: number } {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  if (ms < 60_000) return { unit: 'lessThanMinute', minutes: 0, hours: 0 };
  if (minutes < 60) return { unit: 'minutes', minutes, hours: 0 };
  return { unit: 'hours', hours: Math.floor(minutes / 60), minutes: minutes % 60 };
}
