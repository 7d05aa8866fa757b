/** `speechBatch.transcribe`: one job over the selected audio (Explorer, editor title, or picked), with the settings' defaults. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { isCancellation } from '../errors';
import type { JobRecord } from '../jobRecord';
import type { JobOptions } from '../jobRequest';
import { jobName } from '../jobManager';
import { throttledByteProgress } from '../progressThrottle';
import { backendSetting, jobDefaults } from '../settings';
import { audioOf, type CommandTarget } from './args';
import type { CommandContext } from './context';

export async function transcribe(ctx: CommandContext, target: CommandTarget): Promise<void> {
  const files = await audioOf(target);
  if (files) await startTranscription(ctx, files, jobDefaults(), await folderName(target));
}

/** The name of the folder the user clicked, when the selection is one folder (the job is named after it). */
export async function folderName(target: CommandTarget): Promise<string | undefined> {
  if (target.files.length !== 1) return undefined;
  const uri = target.files[0]!;
  try {
    return (await vscode.workspace.fs.stat(uri)).type & vscode.FileType.Directory ? path.basename(uri.fsPath) : undefined;
  } catch {
    return undefined;
  }
}

/** Runs one job over `files` with the given options, with cancellable progress, and reveals it. Also used by transcribeWithOptions. */
export async function startTranscription(ctx: CommandContext, files: string[], options: JobOptions, displayName?: string): Promise<JobRecord | undefined> {
  const backend = backendSetting();
  const name = displayName ?? jobName(files);
  const job = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Transcribing {0}', name), cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      const cancel = token.onCancellationRequested(() => abort.abort());
      let created: JobRecord;
      try {
        progress.report({ message: backend === 'azure' ? vscode.l10n.t('Uploading…') : vscode.l10n.t('Starting…') });
        created = await ctx.jobs.submit(files, {
          backend,
          options,
          displayName: name,
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
      await ctx.jobs.delete(created);
      return undefined;
    },
  );
  if (job) ctx.reveal(job);
  return job;
}
