/**
 * How the service's answers update a stored job: status, times and error from a transcription, result files and
 * per-input failures from the files list and report.json. Plain Node (no VS Code import) so it is unit-testable.
 */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { resultIndex } from '../core/jobFlow';
import { redactUrl } from '../core/redact';
import type { Transcription, TranscriptionFile } from '../core/wire';
import type { JobFileRecord, JobRecord } from './jobRecord';
import { readableReason } from './jobProgress';

/** The job with the service's view of it applied (status, times, error, duration). */
export function applyTranscription(job: JobRecord, t: Transcription): JobRecord {
  const updated: JobRecord = { ...job, status: t.status ?? job.status };
  if (t.lastActionDateTime) updated.lastActionDateTime = t.lastActionDateTime;
  if (t.createdDateTime) updated.createdDateTime = t.createdDateTime;
  if (t.properties?.durationMilliseconds !== undefined) updated.durationMs = t.properties.durationMilliseconds;
  if (t.properties?.error) {
    const { code, message } = t.properties.error;
    updated.error = { code, message: message === undefined ? undefined : readableReason(message) };
  }
  return updated;
}

/**
 * How one audio file of a job is named to users: its path below the folder that all the job's files share
 * (`day1/call.wav`, `day2/call.wav`), so that files of the same name stay apart; the file name alone for one file.
 */
export function audioLabel(audioPaths: readonly string[], audioPath: string): string {
  if (audioPaths.length <= 1) return path.basename(audioPath);
  let common = path.dirname(audioPaths[0]!);
  while (!audioPaths.every((p) => p.startsWith(common + path.sep)) && common !== path.dirname(common)) common = path.dirname(common);
  return path.relative(common, audioPath) || path.basename(audioPath);
}

/** The record of a result file, linked to its local audio by the index in its name. */
export function resultFile(job: JobRecord, file: TranscriptionFile): JobFileRecord {
  const record: JobFileRecord = { name: file.name!, state: 'transcription' };
  const index = resultIndex(file);
  const audioPath = index === undefined ? undefined : job.audioPaths[index];
  if (audioPath) {
    record.audioPath = audioPath;
    record.audioName = audioLabel(job.audioPaths, audioPath);
  }
  if (file.properties?.durationMilliseconds !== undefined) record.durationMs = file.properties.durationMilliseconds;
  const warnings = (file.properties?.warnings ?? []).flatMap((w) => (typeof w?.message === 'string' && w.message ? [w.message] : []));
  if (warnings.length > 0) record.warnings = warnings;
  return record;
}

/**
 * A failed input of a job; `source` is its content URL (a SAS URL on Azure: only its file name is kept). It is keyed
 * by its index in the job's contentUrls (found through the uploaded blob or the local file), as base names repeat.
 */
export function failedFile(job: JobRecord, source: string, reason: string | undefined): JobFileRecord {
  const name = sourceFileName(source);
  const index = sourceIndex(job, source);
  const audioPath = index === undefined ? undefined : job.audioPaths[index];
  // The row names the file: its reason need not (nor the service's id of it, `contenturl_3 (name): …`).
  return {
    name,
    state: 'failed',
    audioName: audioPath ? audioLabel(job.audioPaths, audioPath) : name,
    ...(index !== undefined ? { index } : {}),
    ...(audioPath ? { audioPath } : {}),
    ...(reason ? { error: readableReason(reason, name) } : {}),
  };
}

/** The index of a content URL in the job's contentUrls: its blob among the uploads (azure) or its local file. */
function sourceIndex(job: JobRecord, source: string): number | undefined {
  let url: URL;
  try {
    url = new URL(source);
  } catch {
    return undefined;
  }
  url.search = '';
  url.hash = '';
  let index = -1;
  if (url.protocol === 'file:') {
    index = job.audioPaths.findIndex((p) => pathToFileURL(p).href === url.href);
  } else {
    try {
      const blobPath = decodeURIComponent(url.pathname);
      index = job.uploads.findIndex((blob) => blobPath.endsWith(`/${blob}`));
    } catch {
      // not a blob of this job
    }
  }
  return index >= 0 ? index : undefined;
}

/** The file name at the end of a content URL, without query (SAS) or folder. */
export function sourceFileName(source: string): string {
  const withoutQuery = source.split(/[?#]/)[0];
  let name = withoutQuery.slice(withoutQuery.lastIndexOf('/') + 1);
  try {
    name = decodeURIComponent(name);
  } catch {
    // keep it encoded
  }
  return name || redactUrl(source);
}
