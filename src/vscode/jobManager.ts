/**
 * The jobs use cases: submit audio, refresh a job's status and result files, delete a job, and find the jobs of the
 * Speech resource created elsewhere. The store persists the outcome; the tree and the poller react to its events.
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { audioDurationsMs } from '../core/audioLength';
import { SpeechApiError, SpeechClient, type GetTranscriptionResult } from '../core/client';
import { transcribeFile, type FastChoices } from '../core/fastFlow';
import { redactUrl } from '../core/redact';
import { readJobOutputs } from '../core/jobFlow';
import { isTerminal, type Transcription, type TranscriptionFile } from '../core/wire';
import type { Backends } from './backends';
import { jobKey, type BackendKind, type JobFileRecord, type JobRecord } from './jobRecord';
import { buildTranscriptionCreate, jobDisplayName, type JobOptions } from './jobRequest';
import { jobOutcome } from './jobProgress';
import { applyTranscription, audioLabel, failedFile, resultFile } from './jobResults';
import type { JobStore } from './jobStore';
import { Disposable } from './lifecycle';
import { Commands } from './commandIds';
import { commandAction, UserFacingError } from './errors';
import { readableReason } from './jobProgress';
import { phraseList, transcriptionMode } from './settings';
import { planTranscription } from './transcriptionPlan';

/** What one status check found. */
export interface RefreshResult {
  job: JobRecord;
  changed: boolean;
  /** How long the service asked to wait before the next check. */
  retryAfterMs?: number;
}

export interface SubmitOptions {
  backend: BackendKind;
  options: JobOptions;
  /** The job's name (default: after its files, {@link jobName}). */
  displayName?: string;
  /** Upload progress (azure): bytes sent of all files. */
  onProgress?(sentBytes: number, totalBytes: number, fileName: string): void;
  signal?: AbortSignal;
}

/** Where the results of fast transcriptions are kept (there is no job on the service to fetch them from again). */
export interface ResultKeeper {
  save(job: JobRecord, file: JobFileRecord, text: string): Promise<void>;
}

export class JobManager extends Disposable {
  private readonly finished = this._register(new vscode.EventEmitter<JobRecord>());
  private readonly submitted = this._register(new vscode.EventEmitter<JobRecord>());
  /** Fires when a job reached Succeeded or Failed (seen by a refresh). */
  readonly onDidFinish = this.finished.event;
  /** Fires when a new job was created. */
  readonly onDidSubmit = this.submitted.event;
  /** Fires with the job that changed, or undefined when the list changed (added, removed). */
  readonly onDidChange: vscode.Event<JobRecord | undefined>;
  /** The status check running per job key. */
  private readonly refreshing = new Map<string, Promise<RefreshResult>>();
  /**
   * The tag of the files listing each running local job's files were last read from, by job key: a poll lists them
   * again only when the service says the listing changed (a file was done).
   */
  private readonly listings = new Map<string, { etag: string; files: JobFileRecord[] }>();
  /** Fast transcriptions running in this VS Code, by job key: Cancel aborts their requests. */
  private readonly fastRuns = new Map<string, { abort: AbortController; done: Promise<void> }>();
  private results: ResultKeeper | undefined;

  constructor(
    private readonly store: JobStore,
    private readonly backends: Backends,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    this.onDidChange = store.onDidChange;
  }

  /** All jobs, newest first. */
  all(): readonly JobRecord[] {
    return this.store.all();
  }

  /** Jobs that are not finished yet. */
  pending(): JobRecord[] {
    return this.store.pending();
  }

  /** The stored job with this key ({@link jobKey}). */
  get(key: string): JobRecord | undefined {
    return this.store.get(key);
  }

  /** The job with this transcription id. */
  byId(id: string): JobRecord | undefined {
    return this.store.byId(id);
  }

  /** The stored version of a job (e.g. of a tree node, which may be older), or the job itself when it is gone. */
  latest(job: JobRecord): JobRecord {
    return this.store.get(jobKey(job)) ?? job;
  }

  /** Where fast transcriptions keep their results (the transcript service; set once at activation). */
  keepResultsWith(results: ResultKeeper): void {
    this.results = results;
  }

  /**
   * Transcribes the given audio files: the files that go fast (transcriptionPlan.ts) in one fast job, run here one
   * request per file; the others in one batch job. Resolves with the job created first (batch, else fast), once the
   * batch job is submitted and the fast job started; a fast job runs on in the background (Cancel Job stops it).
   */
  async submit(audioPaths: readonly string[], submit: SubmitOptions): Promise<JobRecord> {
    const phrases = audioPaths.length > 0 ? phraseList(vscode.Uri.file(audioPaths[0]!)) : [];
    const plan = await planTranscription(audioPaths, {
      backend: submit.backend,
      mode: transcriptionMode(),
      storageConfigured: submit.backend === 'azure' ? await this.backends.azure.hasStorage() : true,
      phrases,
      customModel: submit.options.customModel,
    });
    if (plan.refused.length > 0) {
      const list = plan.refused.map((r) => `${path.basename(r.path)}: ${r.reason}`).join('; ');
      throw new UserFacingError(
        vscode.l10n.t('Without a storage connection, Azure transcribes files under 2 hours and 250 MB only (fast transcription). Longer files need batch transcription, which reads the audio from Blob Storage: {0}', list),
        [commandAction(vscode.l10n.t('Set Storage Connection'), Commands.setStorageConnection)],
      );
    }
    if (phrases.length > 0 && plan.batch.length > 0) {
      this.log.info(`The phrase list (${phrases.length} phrase(s)) is not used for the ${plan.batch.length} file(s) of the batch job: batch transcription takes no phrase list.`);
    }
    const batch = plan.batch.length > 0 ? await this.submitBatch(plan.batch, { ...submit, displayName: plan.fast.length > 0 ? undefined : submit.displayName }) : undefined;
    const fast = plan.fast.length > 0 ? await this.startFast(plan.fast, submit, phrases, batch ? undefined : submit.displayName) : undefined;
    return (batch ?? fast)!;
  }

  /** Creates one batch job over all the given audio files. */
  private async submitBatch(audioPaths: readonly string[], submit: SubmitOptions): Promise<JobRecord> {
    const backend = this.backends.of(submit.backend);
    const endpoint = backend.endpointId();
    const client = await backend.client(endpoint);
    const options = (await backend.resolveOptions?.(submit.options, client)) ?? submit.options;
    const prepared = await backend.prepareAudio(audioPaths, {
      ttlHours: submit.options.timeToLiveHours,
      onProgress: submit.onProgress,
      signal: submit.signal,
    });
    const body = buildTranscriptionCreate(submit.displayName ?? jobName(audioPaths), prepared.contentUrls, options);
    const audioBytes = await Promise.all(audioPaths.map((p) => fs.promises.stat(p).then((s) => s.size, () => 0)));
    let created: Transcription;
    try {
      // Cancelled while the audio was prepared: do not create the job (the catch deletes the uploads).
      if (submit.signal?.aborted) throw new vscode.CancellationError();
      created = await client.submit(body);
    } catch (err) {
      await backend.deleteUploads(prepared.uploads).catch((e: Error) => this.log.warn(`Could not delete the uploads of a job that was not created: ${e.message}`));
      throw err;
    }
    // The lengths (from the headers, once the job runs) weigh the files in the estimate of the time left.
    const audioMs = await audioDurationsMs(audioPaths);
    const job = applyTranscription(
      {
        backend: submit.backend,
        endpoint,
        id: SpeechClient.idOf(created.self ?? ''),
        displayName: body.displayName,
        locale: body.locale,
        status: 'NotStarted',
        createdDateTime: new Date().toISOString(),
        audioPaths: [...audioPaths],
        uploads: prepared.uploads,
        files: [],
        audioBytes,
        audioMs,
      },
      created,
    );
    this.log.info(`Submitted job ${job.id} (${audioPaths.length} file(s), ${job.locale}) to ${describeEndpoint(job)}.`);
    await this.store.put(job);
    this.submitted.fire(job);
    return job;
  }

  /** Creates a fast job (Running) and starts its requests in the background. */
  private async startFast(audioPaths: readonly string[], submit: SubmitOptions, phrases: string[], displayName?: string): Promise<JobRecord> {
    const backend = this.backends.of(submit.backend);
    const endpoint = backend.endpointId();
    const client = await backend.client(endpoint);
    const now = new Date().toISOString();
    const audioBytes = await Promise.all(audioPaths.map((p) => fs.promises.stat(p).then((s) => s.size, () => 0)));
    const job: JobRecord = {
      backend: submit.backend,
      endpoint,
      id: randomUUID(),
      displayName: displayName ?? jobName(audioPaths),
      locale: submit.options.locale,
      status: 'Running',
      createdDateTime: now,
      runningSince: now,
      audioPaths: [...audioPaths],
      uploads: [],
      files: [],
      audioBytes,
      fast: true,
    };
    await this.store.put(job);
    const choices: FastChoices = {
      locale: submit.options.locale,
      profanityFilterMode: submit.options.profanityFilterMode,
      diarization: submit.options.diarization,
      phrases,
    };
    this.log.info(`Started fast transcription ${job.id} (${audioPaths.length} file(s), ${job.locale}${phrases.length ? `, phrase list of ${phrases.length}` : ''}) on ${describeEndpoint(job)}.`);
    const abort = new AbortController();
    const key = jobKey(job);
    const done = this.runFast(job, client, choices, abort.signal).finally(() => this.fastRuns.delete(key));
    this.fastRuns.set(key, { abort, done });
    this.submitted.fire(job);
    return job;
  }

  /**
   * The requests of a fast job, one file after the other: each file's row appears as soon as it is done (its result
   * kept on disk), a file that fails is a failed row, and the job ends like a batch job (notification, attention).
   */
  private async runFast(job: JobRecord, client: SpeechClient, choices: FastChoices, signal: AbortSignal): Promise<void> {
    const key = jobKey(job);
    const files: JobFileRecord[] = [];
    for (const [index, audioPath] of job.audioPaths.entries()) {
      if (signal.aborted || !this.store.get(key)) break;
      const name = `contenturl_${index}.json`;
      const audioName = audioLabel(job.audioPaths, audioPath);
      try {
        const result = await transcribeFile(client, audioPath, choices, { signal, log: (m) => this.log.info(`Fast transcription ${job.id}, ${audioName}: ${m}`) });
        const file: JobFileRecord = { name, state: 'transcription', audioPath, audioName, index, durationMs: result.durationMilliseconds };
        // Damage the local service found (Azure reports none): the row, tooltip and notification say so, as for batch jobs.
        if (result.warnings?.length) file.warnings = result.warnings.map((w) => w.message);
        await this.results!.save(job, file, JSON.stringify(result, null, 2));
        files.push(file);
      } catch (err) {
        if (signal.aborted) break;
        const message = readableReason(err instanceof Error ? err.message : String(err), path.basename(audioPath));
        this.log.warn(`Fast transcription ${job.id}, ${audioName}: ${message}`);
        files.push({ name: path.basename(audioPath), state: 'failed', audioPath, audioName, index, error: message });
      }
      const current = this.store.get(key);
      if (current && !current.cancelled) await this.store.put({ ...current, files: [...files] });
    }
    const current = this.store.get(key);
    if (!current || current.cancelled) return;
    const transcribed = files.filter((f) => f.state === 'transcription');
    const finished: JobRecord = {
      ...current,
      files,
      status: transcribed.length > 0 ? 'Succeeded' : 'Failed',
      lastActionDateTime: new Date().toISOString(),
      durationMs: transcribed.reduce((sum, f) => sum + (f.durationMs ?? 0), 0),
    };
    if (transcribed.length === 0) finished.error = { code: 'Failed', message: files.find((f) => f.error)?.error ?? vscode.l10n.t('No file was transcribed.') };
    if (jobOutcome(finished) !== 'succeeded') finished.attention = true;
    await this.store.put(finished);
    this.log.info(`Fast transcription ${job.id} ${finished.status}: ${transcribed.length} of ${job.audioPaths.length} file(s).`);
    this.finished.fire(finished);
  }

  /** A fast job left Running by a VS Code that closed during its requests: its unfinished files failed. */
  private async interrupted(job: JobRecord): Promise<RefreshResult> {
    const done = new Set(job.files.map((f) => f.audioPath));
    const reason = vscode.l10n.t('Interrupted: VS Code closed before this file was transcribed');
    const files = [
      ...job.files,
      ...job.audioPaths
        .map((audioPath, index) => ({ audioPath, index }))
        .filter(({ audioPath }) => !done.has(audioPath))
        .map(({ audioPath, index }): JobFileRecord => ({ name: path.basename(audioPath), state: 'failed', audioPath, audioName: audioLabel(job.audioPaths, audioPath), index, error: reason })),
    ];
    const transcribed = files.some((f) => f.state === 'transcription');
    const updated: JobRecord = { ...job, files, status: transcribed ? 'Succeeded' : 'Failed', attention: true, lastActionDateTime: new Date().toISOString() };
    if (!transcribed) updated.error = { code: 'Interrupted', message: reason };
    await this.store.put(updated);
    this.finished.fire(updated);
    return { job: updated, changed: true };
  }

  /**
   * Checks a job's status on its service; on reaching a final state, lists its result files. A pending job the
   * service no longer knows becomes Failed. A job deleted while this ran stays deleted.
   */
  refresh(job: JobRecord): Promise<RefreshResult> {
    // Refresh and a poller round may check the same job at once: share one check, so it finishes (notifies, downloads) once.
    const key = jobKey(job);
    let running = this.refreshing.get(key);
    if (!running) {
      running = this.refreshNow(job).finally(() => this.refreshing.delete(key));
      this.refreshing.set(key, running);
    }
    return running;
  }

  private async refreshNow(job: JobRecord): Promise<RefreshResult> {
    const key = jobKey(job);
    if (job.fast) {
      // No job on the service to ask: a fast job is what this VS Code's requests made of it.
      const current = this.store.get(key) ?? job;
      if (!isTerminal(current.status) && !this.fastRuns.has(key)) return this.interrupted(current);
      return { job: current, changed: false };
    }
    const client = await this.backends.clientFor(job);
    let answer: GetTranscriptionResult | undefined;
    try {
      answer = await client.get(job.id);
    } catch (err) {
      if (!(err instanceof SpeechApiError && err.status === 404) || isTerminal(job.status)) throw err;
    }
    const retryAfterMs = answer?.retryAfterMs;
    // Decide against the stored job, not the argument: another check may have finished it meanwhile.
    const current = this.store.get(key);
    if (!current) return { job, changed: false, retryAfterMs };
    let updated: JobRecord = answer
      ? applyTranscription(current, answer.transcription)
      : isTerminal(current.status)
        ? current
        : { ...current, status: 'Failed', error: { code: 'NotFound', message: vscode.l10n.t('The job no longer exists on the service.') } };
    const finishedNow = isTerminal(updated.status) && !isTerminal(current.status);
    if (updated.status === 'Running' && !updated.runningSince) updated = { ...updated, runningSince: new Date().toISOString() };
    if (finishedNow && answer) {
      updated = { ...updated, files: await this.resultFiles(client, updated) };
      if (jobOutcome(updated) !== 'succeeded') updated.attention = true;
    } else if (answer && updated.status === 'Running' && updated.backend === 'local') {
      // The local service lists each file's result as soon as it exists (Azure only at the end): show them as they come.
      updated = { ...updated, files: await this.filesSoFar(client, updated).catch(() => updated.files) };
    }
    if (isTerminal(updated.status)) this.listings.delete(key);
    const latest = this.store.get(key);
    // Deleted, or cancelled by the user, while this check ran: that stays.
    if (!latest || latest.cancelled) return { job: latest ?? job, changed: false, retryAfterMs };
    const changed = JSON.stringify(updated) !== JSON.stringify(latest);
    if (changed) await this.store.put(updated);
    if (finishedNow) {
      this.log.info(`Job ${job.id} ${updated.status}${updated.error?.message ? `: ${updated.error.message}` : ''}.`);
      this.finished.fire(updated);
    }
    return { job: updated, changed, retryAfterMs };
  }

  /** The result files of a finished job, listed once (jobs imported from the resource list them on first look). */
  async ensureFiles(job: JobRecord): Promise<JobRecord> {
    if (!isTerminal(job.status) || job.files.length > 0 || job.fast) return job;
    const updated = { ...job, files: await this.resultFiles(await this.backends.clientFor(job), job) };
    if (updated.files.length > 0 && this.store.get(jobKey(job))) await this.store.put(updated);
    return updated;
  }

  /** Records the audio duration of result files (by name) that the service's file list did not give. */
  async setDurations(job: JobRecord, durations: ReadonlyMap<string, number>): Promise<void> {
    const current = this.store.get(jobKey(job));
    if (!current || durations.size === 0) return;
    const files = current.files.map((f) => (f.durationMs === undefined && durations.has(f.name) ? { ...f, durationMs: durations.get(f.name)! } : f));
    await this.store.put({ ...current, files });
  }

  /** The user has seen a job that needed attention (expanded it, showed its failures, retried them). */
  async acknowledge(job: JobRecord): Promise<void> {
    const current = this.store.get(jobKey(job));
    if (!current?.attention) return;
    const { attention: _, ...seen } = current;
    await this.store.put(seen);
  }

  /** Jobs that finished with failed files the user has not looked at yet. */
  needingAttention(): JobRecord[] {
    return this.store.all().filter((j) => j.attention);
  }

  /**
   * Stops a running job and keeps what it finished: the finished files' results are saved by `keep` (called with the
   * job as last listed) before the job is deleted on the service; the job stays in the list as cancelled, its
   * unfinished files as failed ("cancelled"), so Retry Failed runs the rest. Local jobs only: Azure cannot cancel.
   */
  async cancel(job: JobRecord, keep: (job: JobRecord) => Promise<void>): Promise<JobRecord> {
    if (job.fast) return this.cancelFast(job);
    if (job.backend !== 'local') throw new Error('Only local jobs can be cancelled.');
    const key = jobKey(job);
    await this.refreshing.get(key)?.catch(() => undefined);
    const client = await this.backends.clientFor(job);
    const current = this.store.get(key) ?? job;
    let files = current.files;
    try {
      files = await this.resultFiles(client, current);
    } catch (err) {
      this.log.warn(`Listing the finished files of job ${job.id} before cancelling failed: ${(err as Error).message}`);
    }
    const listed: JobRecord = { ...current, files };
    await keep(listed);
    try {
      await client.delete(job.id);
    } catch (err) {
      if (!(err instanceof SpeechApiError && err.status === 404)) throw err;
    }
    const reason = vscode.l10n.t('Cancelled before it was transcribed');
    const doneIndexes = new Set(files.map((f) => f.audioPath));
    const unfinished = current.audioPaths
      .map((audioPath, index) => ({ audioPath, index }))
      .filter(({ audioPath }) => !doneIndexes.has(audioPath))
      .map(({ audioPath, index }): JobFileRecord => ({
        name: path.basename(audioPath),
        state: 'failed',
        audioPath,
        audioName: audioLabel(current.audioPaths, audioPath),
        index,
        error: reason,
        cancelled: true,
      }));
    const transcribed = files.filter((f) => f.state === 'transcription').length;
    const cancelled: JobRecord = {
      ...listed,
      status: transcribed > 0 ? 'Succeeded' : 'Failed',
      cancelled: true,
      files: [...files, ...unfinished],
      lastActionDateTime: new Date().toISOString(),
      error: { code: 'Cancelled', message: vscode.l10n.t('Cancelled: {0} of {1} files were done.', files.length, current.audioPaths.length) },
    };
    delete cancelled.attention;
    this.listings.delete(key);
    await this.store.put(cancelled);
    this.log.info(`Cancelled job ${job.id} with ${files.length} of ${current.audioPaths.length} file(s) done.`);
    return cancelled;
  }

  /** Stops a fast job's request (the upload or the wait for the answer); the files done before are kept. */
  private async cancelFast(job: JobRecord): Promise<JobRecord> {
    const key = jobKey(job);
    const run = this.fastRuns.get(key);
    const current = this.store.get(key) ?? job;
    const cancelledMark: JobRecord = { ...current, cancelled: true };
    await this.store.put(cancelledMark);
    run?.abort.abort(new vscode.CancellationError());
    await run?.done.catch(() => undefined);
    const latest = this.store.get(key) ?? cancelledMark;
    const reason = vscode.l10n.t('Cancelled before it was transcribed');
    const done = new Set(latest.files.map((f) => f.audioPath));
    const unfinished = latest.audioPaths
      .map((audioPath, index) => ({ audioPath, index }))
      .filter(({ audioPath }) => !done.has(audioPath))
      .map(({ audioPath, index }): JobFileRecord => ({ name: path.basename(audioPath), state: 'failed', audioPath, audioName: audioLabel(latest.audioPaths, audioPath), index, error: reason, cancelled: true }));
    const transcribed = latest.files.filter((f) => f.state === 'transcription').length;
    const cancelled: JobRecord = {
      ...latest,
      status: transcribed > 0 ? 'Succeeded' : 'Failed',
      cancelled: true,
      files: [...latest.files, ...unfinished],
      lastActionDateTime: new Date().toISOString(),
      error: { code: 'Cancelled', message: vscode.l10n.t('Cancelled: {0} of {1} files were done.', transcribed, latest.audioPaths.length) },
    };
    delete cancelled.attention;
    await this.store.put(cancelled);
    this.log.info(`Cancelled fast transcription ${job.id} with ${transcribed} of ${latest.audioPaths.length} file(s) done.`);
    return cancelled;
  }

  /** Deletes the job on its service (already gone is fine), its uploads (azure), and forgets it. */
  async delete(job: JobRecord): Promise<void> {
    if (job.fast) {
      // Nothing on the service: stop its requests (if running) and forget it; the caller forgets its results.
      const run = this.fastRuns.get(jobKey(job));
      await this.store.remove(job);
      run?.abort.abort(new vscode.CancellationError());
      await run?.done.catch(() => undefined);
      this.log.info(`Deleted fast transcription ${job.id}.`);
      return;
    }
    try {
      await (await this.backends.clientFor(job)).delete(job.id);
    } catch (err) {
      if (!(err instanceof SpeechApiError && err.status === 404)) throw err;
    }
    await this.backends.of(job.backend).deleteUploads(job.uploads);
    this.listings.delete(jobKey(job));
    await this.store.remove(job);
    this.log.info(`Deleted job ${job.id}${job.uploads.length ? ` and ${job.uploads.length} uploaded file(s)` : ''}.`);
  }

  /** Forgets a job without asking its service (when it cannot be reached); uploads, if any, stay where they are. */
  async removeFromList(job: JobRecord): Promise<void> {
    await this.store.remove(job);
    this.log.info(`Removed job ${job.id} from the list without deleting it on ${describeEndpoint(job)}.`);
  }

  /** Adds the jobs of the configured Azure Speech resource that this VS Code does not know yet; returns how many. */
  async importRemote(): Promise<number> {
    const backend = this.backends.azure;
    const endpoint = backend.endpointId();
    const remote = await (await backend.client(endpoint)).listAll();
    let added = 0;
    for (const transcription of remote) {
      if (!transcription.self) continue;
      const id = SpeechClient.idOf(transcription.self);
      if (this.store.get(jobKey({ backend: 'azure', endpoint, id }))) continue;
      const job = applyTranscription(
        {
          backend: 'azure',
          endpoint,
          id,
          displayName: transcription.displayName || id,
          locale: transcription.locale,
          status: 'NotStarted',
          createdDateTime: transcription.createdDateTime ?? new Date().toISOString(),
          audioPaths: [],
          uploads: [],
          files: [],
          imported: true,
        },
        transcription,
      );
      await this.store.put(job);
      added++;
    }
    this.log.info(`Found ${remote.length} job(s) on ${redactUrl(endpoint)}, ${added} new.`);
    return added;
  }

  /**
   * The files a running local job has done so far: listed (with its report) only when the listing changed since the
   * files the job has were read from it; a poll that finds nothing new costs one small request.
   */
  private async filesSoFar(client: SpeechClient, job: JobRecord): Promise<JobFileRecord[]> {
    const key = jobKey(job);
    const known = this.listings.get(key);
    const listing = await client.listFilesIfChanged(job.id, known?.etag);
    if (listing.unchanged) return known!.files;
    const files = await this.resultFiles(client, job, listing.files);
    if (listing.etag) this.listings.set(key, { etag: listing.etag, files });
    else this.listings.delete(key);
    return files;
  }

  /** Result files and per-input failures (from report.json) of a finished job (`listed`: its files, just listed). */
  private async resultFiles(client: SpeechClient, job: JobRecord, listed?: readonly TranscriptionFile[]): Promise<JobFileRecord[]> {
    const { results, failures, reportError } = await readJobOutputs(client, job.id, listed);
    if (reportError) this.log.warn(`Could not read the report of job ${job.id}: ${reportError}`);
    return [...results.map((f) => resultFile(job, f)), ...failures.map((f) => failedFile(job, f.source, f.reason))];
  }
}

/** The name of a new job over these audio files, in the UI language. */
export function jobName(audioPaths: readonly string[]): string {
  return jobDisplayName(audioPaths, (count) => vscode.l10n.t('+ {0} more', count));
}

/** The endpoint of a job, safe to log. */
export function describeEndpoint(job: Pick<JobRecord, 'backend' | 'endpoint'>): string {
  return job.backend === 'local' ? 'the local service' : redactUrl(job.endpoint);
}
