/**
 * `speechBatch.cancelJob`: stops a running local job, or a fast transcription (its request is aborted), and keeps
 * the files it finished (their transcripts are saved first). Azure Speech cannot stop a batch job: the user is told
 * that and offered Delete, which discards its results.
 */
import * as vscode from 'vscode';
import { UserFacingError } from '../errors';
import { jobOf, type CommandTarget } from './args';
import type { CommandContext } from './context';

export async function cancelJob(ctx: CommandContext, target: CommandTarget): Promise<void> {
  const job = await jobOf(ctx, target, (j) => j.status === 'Running' || j.status === 'NotStarted');
  if (!job) return;
  if (job.status !== 'Running' && job.status !== 'NotStarted') {
    throw new UserFacingError(vscode.l10n.t('"{0}" has already finished.', job.displayName));
  }
  if (job.backend === 'azure' && !job.fast) {
    const remove = vscode.l10n.t('Delete Job');
    const answer = await vscode.window.showWarningMessage(
      vscode.l10n.t('Azure Speech cannot stop a job once it was submitted.'),
      {
        modal: true,
        detail: vscode.l10n.t(
          'Delete stops it and removes the job, all its results (also of the files already done) and its uploaded audio from Azure. Your audio files are kept. To keep the results, let it finish.',
        ),
      },
      remove,
    );
    if (answer === remove) {
      await ctx.jobs.delete(job);
      await ctx.transcripts.forget(job);
    }
    return;
  }
  const cancelled = await ctx.jobs.cancel(job, (listed) => ctx.transcripts.prefetch(listed));
  await ctx.jobs.setDurations(cancelled, await ctx.transcripts.durations(cancelled));
  const kept = cancelled.files.filter((f) => f.state === 'transcription').length;
  void vscode.window.showInformationMessage(
    kept > 0
      ? vscode.l10n.t('Cancelled "{0}": the {1} transcript(s) finished before are kept. Retry Failed runs the rest.', job.displayName, kept)
      : vscode.l10n.t('Cancelled "{0}" before any file was done.', job.displayName),
  );
}
