/**
 * The persisted form of a transcription job the extension knows about, and its (de)serialisation.
 * Plain Node (no VS Code import) so the storage format is unit-testable; `jobStore.ts` keeps these in globalState.
 */
import type { EntityError, Status } from '../core/wire';

/** Where a job runs. */
export type BackendKind = 'local' | 'azure';

/** One result file of a finished job (from the files list and report.json). */
export interface JobFileRecord {
  /** File name on the service, e.g. `contenturl_0.json`. */
  name: string;
  /** `Transcription` files have results; `failed` files have only a reason. */
  state: 'transcription' | 'failed';
  /** The input audio this file belongs to, as a local path when the job was started here. */
  audioPath?: string;
  /** Display name of the input (file name of the audio), when known. */
  audioName?: string;
  /** Index of the input in the job's contentUrls, when known (failed inputs: base names need not be unique). */
  index?: number;
  /** Why the service could not transcribe this input (report.json `errorMessage`). */
  error?: string;
  /** A `failed` input that was never transcribed because the user cancelled its job (not a failure of the file). */
  cancelled?: boolean;
  durationMs?: number;
  /** Damage found in a transcribed input (the files list's `properties.warnings`): sentences for users. */
  warnings?: string[];
}

/** A transcription job, as stored in globalState. Never holds keys or SAS URLs. */
export interface JobRecord {
  backend: BackendKind;
  /** Speech endpoint of the job (azure), or `local` for the bundled service (its port changes per start). */
  endpoint: string;
  /** Transcription id (the last segment of its `self` URL). */
  id: string;
  displayName: string;
  locale: string;
  status: Status;
  createdDateTime: string;
  lastActionDateTime?: string;
  /** Total audio duration once known. */
  durationMs?: number;
  error?: EntityError;
  /** Local audio files in the order of the job's contentUrls (empty for jobs created elsewhere). */
  audioPaths: string[];
  /** Blob names uploaded for this job (azure), deleted with the job. */
  uploads: string[];
  /** Result files once the job finished. */
  files: JobFileRecord[];
  /** True for jobs found on the Speech resource rather than started from this VS Code. */
  imported?: boolean;
  /** Sizes in bytes of `audioPaths` at submission (the estimate of the time left weighs files by them). */
  audioBytes?: number[];
  /** Audio length in ms of each of `audioPaths`, read from their headers at submission (0: not told). */
  audioMs?: number[];
  /** When this VS Code first saw the job Running (the estimate of the time left measures speed from it). */
  runningSince?: string;
  /** The job finished with failed files and the user has not looked at it yet (the view's badge counts these). */
  attention?: boolean;
  /** The user cancelled the job: the service stopped it; the files finished before are kept. */
  cancelled?: boolean;
  /**
   * A fast transcription: one `transcriptions:transcribe` request per file, run by this VS Code; `id` is this VS
   * Code's own (there is no job on the service) and the results exist only in its saved results.
   */
  fast?: boolean;
}

/** A key that identifies a job across backends and endpoints. */
export function jobKey(job: Pick<JobRecord, 'backend' | 'endpoint' | 'id'>): string {
  return `${job.backend}|${job.endpoint}|${job.id}`;
}

/** Version of the stored shape; bump when the shape changes incompatibly. */
export const JOB_STORE_VERSION = 1;

/** The globalState value. */
export interface StoredJobs {
  version: number;
  jobs: JobRecord[];
}

export function serializeJobs(jobs: readonly JobRecord[]): StoredJobs {
  return { version: JOB_STORE_VERSION, jobs: jobs.map((job) => ({ ...job })) };
}

/**
 * Reads what was stored, keeping every well-formed job and dropping malformed entries (a damaged or older entry must
 * not take the whole list down). Returns the jobs and how many entries were dropped.
 */
export function deserializeJobs(value: unknown): { jobs: JobRecord[]; dropped: number } {
  if (!isObject(value) || value.version !== JOB_STORE_VERSION || !Array.isArray(value.jobs)) {
    return { jobs: [], dropped: isObject(value) && Array.isArray(value.jobs) ? value.jobs.length : 0 };
  }
  const jobs: JobRecord[] = [];
  const seen = new Set<string>();
  let dropped = 0;
  for (const entry of value.jobs) {
    const job = toJobRecord(entry);
    if (!job || seen.has(jobKey(job))) {
      dropped++;
      continue;
    }
    seen.add(jobKey(job));
    jobs.push(job);
  }
  return { jobs, dropped };
}

const STATUSES: readonly Status[] = ['NotStarted', 'Running', 'Succeeded', 'Failed'];

function toJobRecord(entry: unknown): JobRecord | undefined {
  if (!isObject(entry)) return undefined;
  const { backend, endpoint, id, displayName, locale, status, createdDateTime } = entry;
  if (backend !== 'local' && backend !== 'azure') return undefined;
  if (!isString(endpoint) || !isString(id) || !isString(displayName) || !isString(createdDateTime)) return undefined;
  if (!STATUSES.includes(status as Status)) return undefined;
  const job: JobRecord = {
    backend,
    endpoint,
    id,
    displayName,
    locale: isString(locale) ? locale : '',
    status: status as Status,
    createdDateTime,
    audioPaths: stringArray(entry.audioPaths),
    uploads: stringArray(entry.uploads),
    files: Array.isArray(entry.files) ? entry.files.flatMap((f) => toFileRecord(f, entry.cancelled === true) ?? []) : [],
  };
  if (isString(entry.lastActionDateTime)) job.lastActionDateTime = entry.lastActionDateTime;
  if (typeof entry.durationMs === 'number') job.durationMs = entry.durationMs;
  if (isObject(entry.error)) {
    job.error = {
      ...(isString(entry.error.code) ? { code: entry.error.code } : {}),
      ...(isString(entry.error.message) ? { message: entry.error.message } : {}),
    };
  }
  if (entry.imported === true) job.imported = true;
  if (Array.isArray(entry.audioBytes) && entry.audioBytes.every((n) => typeof n === 'number' && n >= 0)) job.audioBytes = entry.audioBytes as number[];
  if (Array.isArray(entry.audioMs) && entry.audioMs.every((n) => typeof n === 'number' && n >= 0)) job.audioMs = entry.audioMs as number[];
  if (isString(entry.runningSince)) job.runningSince = entry.runningSince;
  if (entry.attention === true) job.attention = true;
  if (entry.cancelled === true) job.cancelled = true;
  if (entry.fast === true) job.fast = true;
  return job;
}

/** What cancelling a job said of its unfinished files before they were marked `cancelled` (English only then). */
const CANCELLED_REASON = 'Cancelled before it was transcribed';

function toFileRecord(entry: unknown, jobCancelled = false): JobFileRecord | undefined {
  if (!isObject(entry) || !isString(entry.name)) return undefined;
  if (entry.state !== 'transcription' && entry.state !== 'failed') return undefined;
  const file: JobFileRecord = { name: entry.name, state: entry.state };
  if (isString(entry.audioPath)) file.audioPath = entry.audioPath;
  if (isString(entry.audioName)) file.audioName = entry.audioName;
  if (Number.isInteger(entry.index) && (entry.index as number) >= 0) file.index = entry.index as number;
  if (isString(entry.error)) file.error = entry.error;
  if (file.state === 'failed' && (entry.cancelled === true || (jobCancelled && entry.error === CANCELLED_REASON))) file.cancelled = true;
  if (typeof entry.durationMs === 'number') file.durationMs = entry.durationMs;
  const warnings = stringArray(entry.warnings);
  if (warnings.length > 0) file.warnings = warnings;
  return file;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

function stringArray(value: unknown): string[] {
  return Array.isArray(value) ? value.filter(isString) : [];
}
