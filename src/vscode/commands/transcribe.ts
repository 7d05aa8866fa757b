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
  if (files) await startTranscription(ctx, files, jobDefaults());
}

/** Runs one job over `files` with the given options, with cancellable progress, and reveals it. Also used by transcribeWithOptions. */
export async function startTranscription(ctx: CommandContext, files: string[], options: JobOptions): Promise<JobRecord | undefined> {
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
        created = await ctx.jobs.submit(files, {
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
      await ctx.jobs.delete(created);
      return undefined;
    },
  );
  if (job) ctx.reveal(job);
  return job;
}
