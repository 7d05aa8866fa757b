/**
 * Loads transcripts of finished jobs: the result JSON is fetched through the job's client once and kept on disk
 * (Azure deletes results after the job's time to live), then parsed, merged into a conversation with the party
 * names (per-transcript renames, else the `speechBatch.partyNames` setting), formatted and analysed.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { computeAnalytics, formatConversation, mergeConversation, parseResultText, type Transcript, type TranscriptFormat } from '../core';
import type { Backends } from './backends';
import type { JobFileRecord, JobRecord } from './jobRecord';
import type { JobManager } from './jobManager';
import { getPartyNames, setPartyNames } from './partyNames';
import { viewSettings } from './settings';
import type { LoadedTranscript } from './transcriptViewModel';

/** One transcript: a result file of a job. */
export interface TranscriptRef {
  job: JobRecord;
  file: JobFileRecord;
}

/** The key of a transcript: `<jobId>/<result file name>`. */
export function transcriptKey(job: Pick<JobRecord, 'id'>, file: Pick<JobFileRecord, 'name'>): string {
  return `${job.id}/${file.name}`;
}

/** A transcript's title: its audio's file name, or the job's name and the result file. */
export function transcriptTitle(ref: TranscriptRef): string {
  return ref.file.audioName ?? (ref.job.files.filter((f) => f.state === 'transcription').length > 1 ? `${ref.job.displayName} (${ref.file.name})` : ref.job.displayName);
}

export class TranscriptService {
  private readonly parsed = new Map<string, Transcript>();

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly jobs: Pick<JobManager, 'byId' | 'all'>,
    private readonly backends: Backends,
  ) {}

  /** The job and result file a key names, if both are known. */
  resolve(key: string): TranscriptRef | undefined {
    const slash = key.indexOf('/');
    const job = slash > 0 ? this.jobs.byId(key.slice(0, slash)) : undefined;
    const file = job?.files.find((f) => f.name === key.slice(slash + 1) && f.state === 'transcription');
    return job && file ? { job, file } : undefined;
  }

  /** The transcripts of a finished job. */
  refs(job: JobRecord): TranscriptRef[] {
    return job.files.filter((f) => f.state === 'transcription').map((file) => ({ job, file }));
  }

  /** The raw result JSON (pretty-printed), from the disk cache or fetched and cached. */
  async resultText(ref: TranscriptRef): Promise<string> {
    const cached = this.cacheUri(ref);
    try {
      return new TextDecoder().decode(await vscode.workspace.fs.readFile(cached));
    } catch {
      // not cached yet
    }
    if (ref.job.fast) {
      throw new Error(vscode.l10n.t('The transcript {0} of "{1}" is no longer saved on this machine; transcribe the file again.', ref.file.name, ref.job.displayName));
    }
    const client = await this.backends.clientFor(ref.job);
    const file = (await client.listFiles(ref.job.id)).find((f) => f.name === ref.file.name);
    const url = file?.links?.contentUrl;
    if (!url) throw new Error(vscode.l10n.t('The result file {0} of job "{1}" is no longer on the service.', ref.file.name, ref.job.displayName));
    const text = JSON.stringify(await client.fetchContent<unknown>(url), null, 2);
    await vscode.workspace.fs.writeFile(cached, new TextEncoder().encode(text));
    return text;
  }

  /** Keeps a result that exists nowhere else (a fast transcription's answer, as a result file). */
  async save(job: JobRecord, file: JobFileRecord, text: string): Promise<void> {
    const uri = this.cacheUri({ job, file });
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  }

  /** The parsed transcript (kept in memory). */
  async transcript(ref: TranscriptRef): Promise<Transcript> {
    const key = transcriptKey(ref.job, ref.file);
    let transcript = this.parsed.get(key);
    if (!transcript) {
      transcript = parseResultText(await this.resultText(ref), ref.file.audioName ?? ref.file.name);
      this.parsed.set(key, transcript);
    }
    return transcript;
  }

  /** The transcript merged into a conversation, analysed, with the current names and settings. */
  async load(ref: TranscriptRef): Promise<LoadedTranscript> {
    const key = transcriptKey(ref.job, ref.file);
    const settings = viewSettings();
    const renamed = getPartyNames(this.context, key) ?? [];
    // A party renamed in the transcript view wins over the `speechBatch.partyNames` setting; the others keep it.
    const length = Math.max(renamed.length, settings.partyNames.length);
    const names = Array.from({ length }, (_, i) => renamed[i]?.trim() || settings.partyNames[i] || '');
    const conversation = mergeConversation(await this.transcript(ref), { names, joinWithinMs: settings.joinTurnsWithinMs });
    const title = transcriptTitle(ref);
    return {
      key,
      title,
      ...this.disambiguated(ref, title),
      conversation,
      analytics: computeAnalytics(conversation),
      lowConfidence: ref.job.backend === 'azure' ? settings.lowConfidenceThresholdAzure : settings.lowConfidenceThreshold,
      ...(ref.file.audioPath ? { audioPath: ref.file.audioPath } : {}),
    };
  }

  /** `call.wav — day2` as the tab title when another known transcript of other audio is also titled `call.wav`. */
  private disambiguated(ref: TranscriptRef, title: string): { tabTitle?: string } {
    const audio = ref.file.audioPath;
    if (!audio) return {};
    const same = this.jobs
      .all()
      .flatMap((job) => this.refs(job))
      .some((other) => other.file.audioPath && other.file.audioPath !== audio && transcriptTitle(other) === title);
    return same ? { tabTitle: `${title} — ${path.basename(path.dirname(audio))}` } : {};
  }

  /** The transcript a key names (the transcript view's loader); undefined when it is gone. */
  async loadByKey(key: string): Promise<LoadedTranscript | undefined> {
    const ref = this.resolve(key);
    return ref && this.load(ref);
  }

  /** The transcript in one of the export formats. */
  async format(ref: TranscriptRef, format: TranscriptFormat): Promise<string> {
    const loaded = await this.load(ref);
    return formatConversation(loaded.conversation, format, { title: loaded.title, analytics: loaded.analytics });
  }

  /** Downloads every result of a job that just succeeded, so it outlives the job's time to live. */
  async prefetch(job: JobRecord): Promise<void> {
    for (const ref of this.refs(job)) await this.resultText(ref);
  }

  /** The audio duration of each transcript of a job whose file record lacks it (read from the saved results). */
  async durations(job: JobRecord): Promise<Map<string, number>> {
    const found = new Map<string, number>();
    for (const ref of this.refs(job)) {
      if (ref.file.durationMs !== undefined) continue;
      const ms = (await this.transcript(ref).catch(() => undefined))?.durationMs;
      if (ms !== undefined) found.set(ref.file.name, ms);
    }
    return found;
  }

  /** Forgets the cached results and the party renames of a job (after it was deleted). */
  async forget(job: JobRecord): Promise<void> {
    for (const file of job.files) {
      const key = transcriptKey(job, file);
      this.parsed.delete(key);
      if (getPartyNames(this.context, key)) await setPartyNames(this.context, key, []);
    }
    await vscode.workspace.fs.delete(this.jobCacheUri(job), { recursive: true, useTrash: false }).then(undefined, () => undefined);
  }

  private jobCacheUri(job: JobRecord): vscode.Uri {
    return vscode.Uri.joinPath(this.context.globalStorageUri, 'results', encodeURIComponent(job.id));
  }

  private cacheUri(ref: TranscriptRef): vscode.Uri {
    return vscode.Uri.joinPath(this.jobCacheUri(ref.job), encodeURIComponent(ref.file.name));
  }
}
