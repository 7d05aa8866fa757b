/**
 * The job queue of the local service: runs up to {@link MAX_RUNNING_JOBS} transcriptions at once, in submission order
 * (NotStarted → Running → Succeeded/Failed); their files share the engine slots fairly (a short job is not starved by
 * a long one) and stalled downloads hold no slot,
 * writes one result file per input plus report.json, resumes queued and running jobs after a restart, and deletes
 * finished jobs once their time to live has passed.
 */
import { randomUUID } from 'node:crypto';
import * as os from 'node:os';
import { redactUrl } from '../core/redact';
import { ENGINE_NOT_INSTALLED } from '../core/localService';
import type { AudioWarning, EntityError, ReportDetail, TranscriptionReportFile } from '../core/wire';
import type { AllowedPaths } from './allowedPaths';
import { AudioFormatError } from './audio/types';
import { EngineNotInstalledError } from './engine/types';
import { isDiskFull } from './errors';
import { Downloader, fetchInput, InputError, resolveSources, type InputSource } from './inputs';
import type { RecognizeFileOptions, Recognizer, ResultJson } from './recognizer';
import { isoSeconds, type ServiceJob, type ServiceJobStore, type StoredFile } from './serviceJobStore';

/**
 * What the runner needs of the recogniser: `recognizeFileJson` where it has one (the result file is then built and
 * serialised off the thread that answers HTTP), else `recognizeFile`.
 */
export type FileRecognizer = Pick<Recognizer, 'recognizeFile'> & Partial<Pick<Recognizer, 'recognizeFileJson'>>;

export interface JobRunnerOptions {
  store: ServiceJobStore;
  recognizer: FileRecognizer;
  log?: (message: string) => void;
  /** Largest input file accepted (bytes). */
  maxInputBytes?: number;
  /** Where `file://` inputs may come from. */
  allowedPaths?: AllowedPaths;
  /**
   * Inputs of one job in progress at once (being downloaded, waiting for an engine slot or being recognised). Default
   * twice the core count, at least 4: downloads that stall do not keep the job's other files from the engines.
   */
  fileConcurrency?: number;
  /** Jobs running at once (default {@link MAX_RUNNING_JOBS}). */
  maxRunningJobs?: number;
  /** Downloads of http(s) inputs: timeouts (default: 30 s to connect, 60 s without data). */
  downloader?: Downloader;
  /** The clock (tests of the time to live). */
  now?: () => Date;
}

type FileOutcome =
  | { source: InputSource; ok: true; file: StoredFile; durationMs: number; warnings: AudioWarning[] }
  | { source: InputSource; ok: false; kind: string; message: string };

/** Code of `properties.error` when no input could be transcribed, as Azure reports it. */
const FAILED_JOB_CODE = 'InvalidData';
/** Code of `properties.error` when the job's record or results could not be written because the disk is full. */
const DISK_FULL_CODE = 'InsufficientStorage';

/**
 * Jobs running at once by default. Their files share the engines fairly, so a job submitted behind a long one starts
 * at once and gets the next free engine; the cap bounds the downloads and temp files in flight.
 */
export const MAX_RUNNING_JOBS = 8;

/** Runs of one job the service may die during before the job is failed rather than resumed. */
const MAX_ATTEMPTS = 2;
const GAVE_UP_MESSAGE =
  'the local service stopped twice while transcribing this job; it was not resumed again in case one of its files makes the service crash. Check the service log, then resubmit the job (without the file if one is at fault).';

export class JobRunner {
  private readonly queue: string[] = [];
  private readonly running = new Map<string, { controller: AbortController; done: Promise<void> }>();
  private closed = false;
  private readonly downloader: Downloader;
  /** A job that runs alone (see startQueued), if one does. */
  private alone: string | undefined;
  /** Settles once the last started job is marked Running: jobs are marked (and logged) in submission order. */
  private starting: Promise<void> = Promise.resolve();
  private readonly log: (message: string) => void;
  private readonly now: () => Date;

  constructor(private readonly options: JobRunnerOptions) {
    this.log = options.log ?? (() => {});
    this.now = options.now ?? (() => new Date());
    this.downloader = options.downloader ?? new Downloader();
  }

  /**
   * Queues every job that had not finished when the service last stopped, in submission order. A job that was
   * running goes back to NotStarted until it runs again (only jobs that run show Running), without the files it had
   * listed so far (its rerun starts over). A job that was already running {@link MAX_ATTEMPTS} times fails instead,
   * without results: its input may be what stops the service.
   */
  async resume(): Promise<void> {
    const { store } = this.options;
    const pending = store
      .list()
      .filter((job) => job.status === 'NotStarted' || job.status === 'Running')
      .reverse();
    for (const job of pending) {
      try {
        if (job.status === 'Running') {
          const gaveUp = (job.attempts ?? 0) >= MAX_ATTEMPTS;
          await store.update(job.id, (r) => {
            if (gaveUp) {
              failed({ code: FAILED_JOB_CODE, message: GAVE_UP_MESSAGE })(r);
              r.lastActionDateTime = isoSeconds(this.now());
            } else {
              r.status = 'NotStarted';
            }
            r.files = [];
          });
          await store.clearResults(job.id);
          if (gaveUp) {
            this.log(`job ${job.id}: Failed (the service stopped during ${MAX_ATTEMPTS} attempts)`);
            continue;
          }
        }
      } catch (err) {
        this.log(`job ${job.id}: cannot update its record at start (${(err as Error).message})`);
      }
      this.enqueue(job.id);
    }
  }

  /** Queues a job; it starts as soon as fewer than the maximum of jobs are running, in submission order. */
  enqueue(id: string): void {
    if (this.closed || this.queue.includes(id) || this.running.has(id)) return;
    this.queue.push(id);
    this.startQueued();
  }

  /** Stops a job: dequeues it, or aborts it and resolves once its run has ended (before deleting it). */
  async cancel(id: string): Promise<void> {
    const queued = this.queue.indexOf(id);
    if (queued >= 0) this.queue.splice(queued, 1);
    const run = this.running.get(id);
    if (run) {
      run.controller.abort(new Error('the job was deleted'));
      await run.done;
    }
  }

  /** Aborts the running jobs (they stay Running on disk and resume at the next start) and stops the queue. */
  async close(): Promise<void> {
    this.closed = true;
    this.queue.length = 0;
    const runs = [...this.running.values()];
    for (const run of runs) run.controller.abort(new Error('the service is shutting down'));
    await Promise.all(runs.map((run) => run.done));
  }

  /** Deletes finished jobs whose time to live has passed since they finished; resolves with their ids. */
  async sweepExpired(): Promise<string[]> {
    const now = this.now().getTime();
    const expired = this.options.store
      .list()
      .filter((job) => job.status === 'Succeeded' || job.status === 'Failed')
      .filter((job) => Date.parse(job.lastActionDateTime) + job.request.properties.timeToLiveHours * 3_600_000 <= now);
    for (const job of expired) {
      await this.options.store.delete(job.id);
      this.log(`job ${job.id}: time to live of ${job.request.properties.timeToLiveHours} h passed, deleted`);
    }
    return expired.map((job) => job.id);
  }

  /**
   * Starts queued jobs, oldest first, while fewer than the maximum are running. A job that was running when the
   * service died (it has an attempt already) runs alone: should the service die again, only that job was running,
   * so {@link MAX_ATTEMPTS} blames the job whose file stops the service, not the jobs that happened to run with it.
   */
  private startQueued(): void {
    const max = this.options.maxRunningJobs ?? MAX_RUNNING_JOBS;
    while (!this.closed && this.queue.length > 0 && this.alone === undefined) {
      const id = this.queue[0]!;
      const suspect = (this.options.store.get(id)?.attempts ?? 0) > 0;
      if (suspect ? this.running.size > 0 : this.running.size >= max) return;
      this.queue.shift();
      if (suspect) this.alone = id;
      const controller = new AbortController();
      const done = this.run(id, controller.signal)
        .catch((err: Error) => this.log(`job ${id}: ${err.stack ?? err.message}`))
        .finally(() => {
          this.running.delete(id);
          if (this.alone === id) this.alone = undefined;
          this.startQueued();
        });
      this.running.set(id, { controller, done });
    }
  }

  private async run(id: string, signal: AbortSignal): Promise<void> {
    const { store } = this.options;
    const started = Date.now();
    let job: ServiceJob | undefined;
    const previous = this.starting;
    let marked!: () => void;
    this.starting = new Promise<void>((resolve) => (marked = resolve));
    try {
      await previous;
      await store.clearResults(id);
      job = await store.update(id, (r) => {
        r.status = 'Running';
        r.attempts = (r.attempts ?? 0) + 1;
        r.lastActionDateTime = isoSeconds(this.now());
        r.files = [];
        delete r.error;
        delete r.durationMilliseconds;
      });
      if (job) this.log(`job ${id}: running`);
    } catch (err) {
      return this.failUnsaved(id, err as Error, started);
    } finally {
      marked();
    }
    if (!job) return;
    let finish: (r: ServiceJob) => void;
    try {
      finish = await this.transcribe(job, signal);
    } catch (err) {
      if (signal.aborted) {
        this.log(`job ${id}: stopped (${(signal.reason as Error).message})`);
        // A clean shutdown is not a crash: this run does not count towards MAX_ATTEMPTS.
        if (this.closed) await store.update(id, (r) => (r.attempts = Math.max(0, (r.attempts ?? 1) - 1)));
        return;
      }
      const message = err instanceof InputError ? err.message : `unexpected error: ${describeError(err as Error)}`;
      finish = failed({ code: FAILED_JOB_CODE, message });
    }
    let done: ServiceJob | undefined;
    try {
      done = await store.update(id, (r) => {
        finish(r);
        r.lastActionDateTime = isoSeconds(this.now());
      });
    } catch (err) {
      return this.failUnsaved(id, err as Error, started);
    }
    this.log(`job ${id}: ${done?.status ?? 'deleted'} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }

  /**
   * The job's record could not be written (typically: the disk is full). Rather than leave it looking NotStarted or
   * Running forever, it fails at once with the reason, its partial results are removed (freeing space), and the
   * store writes the failure as soon as the disk allows.
   */
  private async failUnsaved(id: string, err: Error, started: number): Promise<void> {
    await this.options.store.clearResults(id).catch(() => {});
    const message = `the local service could not save this job: ${describeError(err)}. Resubmit the job once that is fixed.`;
    const job = this.options.store.forceUpdate(id, (r) => {
      failed({ code: isDiskFull(err) ? DISK_FULL_CODE : FAILED_JOB_CODE, message })(r);
      r.files = [];
      delete r.durationMilliseconds;
      r.lastActionDateTime = isoSeconds(this.now());
    });
    if (job) this.log(`job ${id}: Failed after ${((Date.now() - started) / 1000).toFixed(1)} s: ${message}`);
  }

  /** Transcribes every input; resolves with the change that records the outcome. */
  private async transcribe(job: ServiceJob, signal: AbortSignal): Promise<(r: ServiceJob) => void> {
    const sources = await resolveSources(job.request, signal);
    const concurrency = this.options.fileConcurrency ?? Math.max(4, 2 * os.availableParallelism());
    // Each file's result (and its line in report.json) is listed as soon as the file is done, in order of finishing.
    // Files that finish while a listing is being written share the next one: a job of 1,000 tiny files writes far
    // fewer than 1,000 growing listings, and the thread that answers HTTP stays free.
    const finished: FileOutcome[] = [];
    let latest = Promise.resolve();
    let next: Promise<void> | undefined;
    const listed = (): Promise<void> => {
      next ??= latest.then(() => {
        next = undefined;
        return this.publishProgress(job.id, [...finished], signal);
      });
      latest = next;
      return next;
    };
    const outcomes = await mapLimit(sources, concurrency, async (source) => {
      const outcome = await this.transcribeOne(job, source, signal);
      finished.push(outcome);
      await listed();
      return outcome;
    });
    signal.throwIfAborted();

    const succeeded = outcomes.filter((o) => o.ok);
    const reportFile = await this.writeFile(job.id, 'report.json', 'TranscriptionReport', reportOf(outcomes));
    const files = [...succeeded.map((o) => o.file), reportFile];
    const durationMilliseconds = succeeded.reduce((sum, o) => sum + o.durationMs, 0);
    if (succeeded.length > 0) {
      return (r) => {
        r.status = 'Succeeded';
        r.files = files;
        r.durationMilliseconds = durationMilliseconds;
      };
    }
    const reasons = outcomes.flatMap((o) => (o.ok ? [] : [o.message]));
    const message =
      reasons.length === 1 ? reasons[0]! : `All ${reasons.length} files failed. ${reasons.slice(0, 3).join('; ')}${reasons.length > 3 ? '; …' : ''}`;
    // The recogniser is missing: a code clients can act on (offer the install command) instead of parsing the text.
    const code = outcomes.every((o) => !o.ok && o.kind === ENGINE_NOT_INSTALLED) ? ENGINE_NOT_INSTALLED : FAILED_JOB_CODE;
    return (r) => {
      failed({ code, message })(r);
      r.files = files;
    };
  }

  private async transcribeOne(job: ServiceJob, source: InputSource, signal: AbortSignal): Promise<FileOutcome> {
    const label = `contenturl_${source.index} (${source.name})`;
    try {
      const { maxInputBytes: maxBytes, allowedPaths } = this.options;
      const input = await fetchInput(source, this.options.store.tempDir, { maxBytes, allowedPaths, signal, downloader: this.downloader });
      let result: ResultJson;
      try {
        // Results are readable through content URLs that need no key: their `source` carries no SAS signature.
        const options = { ...recognizeOptions(job, signal), group: job.id };
        result = await this.recognize(input.path, redactUrl(source.url), options);
      } finally {
        await input.release();
      }
      // The file's entry says how long it is and what damage was found, like its line in report.json.
      const file = await this.writeJson(job.id, `contenturl_${source.index}.json`, 'Transcription', result.json, {
        durationMilliseconds: Math.round(result.durationMilliseconds),
        ...(result.warnings.length > 0 ? { warnings: result.warnings } : {}),
      });
      if (result.warnings.length > 0) this.log(`job ${job.id}: ${label}: transcribed with warnings: ${result.warnings.map((w) => w.message).join('; ')}`);
      return { source, ok: true, file, durationMs: result.durationMilliseconds, warnings: result.warnings };
    } catch (err) {
      if (signal.aborted) throw err;
      const kind =
        err instanceof AudioFormatError || err instanceof EngineNotInstalledError
          ? err.code
          : err instanceof InputError
            ? 'InvalidRecordingsUri'
            : 'UnexpectedError';
      const reason = describeError(err as Error).split(source.url).join(redactUrl(source.url));
      const message = `${label}: ${reason}`;
      this.log(`job ${job.id}: ${message}`);
      return { source, ok: false, kind, message };
    }
  }

  /** Lists the files done so far (results and a partial report.json) while the job runs; a failure only delays that. */
  private async publishProgress(jobId: string, done: readonly FileOutcome[], signal: AbortSignal): Promise<void> {
    if (signal.aborted) return;
    try {
      const reportFile = await this.writeFile(jobId, 'report.json', 'TranscriptionReport', reportOf(done));
      const files = [...done.flatMap((o) => (o.ok ? [o.file] : [])), reportFile];
      await this.options.store.update(jobId, (r) => {
        if (r.status === 'Running') r.files = files;
      });
    } catch (err) {
      this.log(`job ${jobId}: cannot list the files done so far (${describeError(err as Error)})`);
    }
  }

  /** The result file of one input, as indented JSON. */
  private async recognize(path: string, source: string, options: RecognizeFileOptions): Promise<ResultJson> {
    const { recognizer } = this.options;
    // The worker writes the result into the store's temp folder as it makes it; the store then moves it into place.
    if (recognizer.recognizeFileJson) return recognizer.recognizeFileJson(path, source, options, this.options.store.resultTempPath());
    const result = await recognizer.recognizeFile(path, source, options);
    return { json: JSON.stringify(result, null, 2), durationMilliseconds: result.durationMilliseconds ?? 0, warnings: result.warnings ?? [] };
  }

  private writeFile(jobId: string, name: string, kind: string, content: unknown): Promise<StoredFile> {
    return this.writeJson(jobId, name, kind, JSON.stringify(content, null, 2));
  }

  private async writeJson(jobId: string, name: string, kind: string, json: ResultJson['json'], extra: Pick<StoredFile, 'durationMilliseconds' | 'warnings'> = {}): Promise<StoredFile> {
    const size = await this.options.store.writeResult(jobId, name, json);
    return { id: randomUUID(), name, kind, size, createdDateTime: isoSeconds(this.now()), ...extra };
  }
}

/** report.json of these outcomes. */
function reportOf(outcomes: readonly FileOutcome[]): TranscriptionReportFile {
  const details: ReportDetail[] = outcomes.map((o) =>
    o.ok
      ? { source: redactUrl(o.source.url), status: 'Succeeded', ...(o.warnings.length > 0 ? { warnings: o.warnings } : {}) }
      : { source: redactUrl(o.source.url), status: 'Failed', errorKind: o.kind, errorMessage: o.message },
  );
  const succeeded = outcomes.filter((o) => o.ok).length;
  return { successfulTranscriptionsCount: succeeded, failedTranscriptionsCount: outcomes.length - succeeded, details };
}

/** An error's message, saying plainly when it is a full disk (ENOSPC's own text names a temp file). */
function describeError(err: Error): string {
  return isDiskFull(err) ? 'the disk of the local service is full (no space left to write)' : err.message;
}

function failed(error: EntityError): (r: ServiceJob) => void {
  return (r) => {
    r.status = 'Failed';
    r.error = error;
  };
}

function recognizeOptions(job: ServiceJob, signal: AbortSignal): RecognizeFileOptions {
  const p = job.request.properties;
  return {
    locale: job.request.locale,
    wordLevelTimestamps: p.wordLevelTimestampsEnabled ?? false,
    displayFormWordLevelTimestamps: p.displayFormWordLevelTimestampsEnabled ?? false,
    channels: p.channels,
    punctuationMode: p.punctuationMode,
    profanityFilterMode: p.profanityFilterMode,
    diarization: p.diarization?.enabled ? { enabled: true, maxSpeakers: p.diarization.maxSpeakers } : undefined,
    model: job.request.model?.self,
    signal,
  };
}

/** Maps with at most `limit` calls in flight; results keep the input order; rejects once every call has ended. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < items.length; i = next++) results[i] = await fn(items[i]!);
  };
  // Settle every worker before rethrowing: nothing may still be writing when the caller moves on.
  const settled = await Promise.allSettled(Array.from({ length: Math.min(limit, items.length) }, worker));
  const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failure) throw failure.reason;
  return results;
}
