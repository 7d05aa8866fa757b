/** "Transcribe" and "Transcribe with Options…": from the Explorer (multi-select, folders), an editor, or the palette. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { expandAudioPaths } from '../core/audioFiles';
import { isCancellation, UserFacingError } from './errors';
import type { BackendKind, JobRecord } from './jobRecord';
import type { JobOptions } from './jobRequest';
import { jobName, type JobManager } from './jobManager';
import { pickJobOptions } from './jobOptionsPicker';
import { throttledByteProgress } from './progressThrottle';
import { backendSetting, jobDefaults } from './settings';

export interface TranscribeDeps {
  jobs: JobManager;
  /** Locales the backend accepts (for the options picker). */
  locales(backend: BackendKind): Promise<string[]>;
  /** Shows a new job in the jobs view. */
  reveal(job: JobRecord): void;
}

/**
 * The audio files a command was invoked on: the Explorer passes the clicked resource and the whole selection,
 * an editor title passes its resource, the palette passes nothing (then a file picker opens).
 */
export async function selectedAudio(clicked?: unknown, selection?: unknown): Promise<string[] | undefined> {
  const uris = (Array.isArray(selection) && selection.length > 0 ? selection : [clicked]).filter(
    (u): u is vscode.Uri => u instanceof vscode.Uri && u.scheme === 'file',
  );
  if (uris.length === 0) {
    const picked = await vscode.window.showOpenDialog({
      canSelectMany: true,
      openLabel: vscode.l10n.t('Transcribe'),
      title: vscode.l10n.t('Audio files to transcribe'),
      filters: { [vscode.l10n.t('Audio')]: ['wav', 'mp3', 'WAV', 'MP3'] },
    });
    if (!picked || picked.length === 0) return undefined;
    uris.push(...picked);
  }
  const files = await expandAudioPaths(uris.map((u) => u.fsPath));
  if (files.length === 0) {
    throw new UserFacingError(vscode.l10n.t('No .wav or .mp3 files in the selection.'));
  }
  return files;
}

/** Runs one job over the selected audio with the given options, with cancellable progress. */
export async function transcribe(deps: TranscribeDeps, files: string[], options: JobOptions): Promise<JobRecord | undefined> {
  const backend = backendSetting();
  const name = jobName(files);
  const job = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Transcribing {0}', name), cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      const cancel = token.onCancellationRequested(() => abort.abort());
      let created: JobRecord;
      try {
        progress.report({ message: backend === 'azure' ? vscode.l10n.t('Uploading…') : vscode.l10n.t('Starting…') });
        created = await deps.jobs.submit(files, {
          backend,
          options,
          signal: abort.signal,
          onProgress: throttledByteProgress(
            (step) => progress.report(step),
            (percent, fileName) => vscode.l10n.t('Uploading {0} ({1}%)', path.basename(fileName), percent),
          ),
        });
      } catch (err) {
        if (abort.signal.aborted || isCancellation(err)) return undefined;
        throw err;
      } finally {
        cancel.dispose();
      }
      // Cancelled after the service created the job: delete it again.
      if (!token.isCancellationRequested) return created;
      await deps.jobs.delete(created);
      return undefined;
    },
  );
  if (job) deps.reveal(job);
  return job;
}

/** `speechBatch.transcribe`: the settings' defaults. */
export async function transcribeCommand(deps: TranscribeDeps, clicked?: unknown, selection?: unknown): Promise<void> {
  const files = await selectedAudio(clicked, selection);
  if (files) await transcribe(deps, files, jobDefaults());
}

/** `speechBatch.transcribeWithOptions`: the defaults, adjusted in a quick pick first. */
export async function transcribeWithOptionsCommand(deps: TranscribeDeps, clicked?: unknown, selection?: unknown): Promise<void> {
  const files = await selectedAudio(clicked, selection);
  if (!files) return;
  const summary = files.length === 1 ? path.basename(files[0]) : vscode.l10n.t('{0} files', files.length);
  const options = await pickJobOptions(jobDefaults(), summary, () => deps.locales(backendSetting()));
  if (options) await transcribe(deps, files, options);
}
