/** `speechBatch.deleteJob`: deletes a job (after confirmation) on its service with its uploads; offers to just forget it when the service cannot be reached. */
import * as vscode from 'vscode';
import { isCancellation, userMessage } from '../errors';
import { jobOf, type CommandTarget } from './args';
import type { CommandContext } from './context';

export async function deleteJob(ctx: CommandContext, target: CommandTarget): Promise<void> {
  const job = await jobOf(ctx, target);
  if (!job) return;
  const remove = vscode.l10n.t('Delete');
  const detail =
    job.backend === 'azure' && job.uploads.length > 0
      ? vscode.l10n.t('The job, its results and the {0} uploaded audio file(s) are deleted from Azure. Local audio files are kept.', job.uploads.length)
      : vscode.l10n.t('The job and its results are deleted from the service. Audio files are kept.');
  const answer = await vscode.window.showWarningMessage(
    vscode.l10n.t('Delete the transcription job "{0}"?', job.displayName),
    { modal: true, detail },
    remove,
  );
  if (answer !== remove) return;
  try {
    await ctx.jobs.delete(job);
  } catch (err) {
    // The service may be unreachable for good (no key, resource gone, local service won't start): offer to just forget it.
    if (isCancellation(err)) throw err;
    const message = userMessage(err);
    ctx.log.error(`Deleting job ${job.id} failed: ${message}`);
    const removeFromList = vscode.l10n.t('Remove from List');
    const choice = await vscode.window.showErrorMessage(
      vscode.l10n.t('Could not delete the job "{0}" on its service: {1}', job.displayName, message),
      removeFromList,
    );
    if (choice !== removeFromList) return;
    await ctx.jobs.removeFromList(job);
  }
  await ctx.transcripts.forget(job);
}
