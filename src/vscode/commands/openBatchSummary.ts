/** `speechBatch.openBatchSummary`: the table of a job's calls with their analytics (batchSummaryPanel.ts). */
import * as vscode from 'vscode';
import { UserFacingError } from '../errors';
import { jobOf, type CommandTarget } from './args';
import type { CommandContext } from './context';

export async function openBatchSummary(ctx: CommandContext, target: CommandTarget): Promise<void> {
  const picked = await jobOf(ctx, target, (j) => j.status === 'Succeeded');
  if (!picked) return;
  const job = await ctx.jobs.ensureFiles(picked);
  if (!job.files.some((f) => f.state === 'transcription')) throw new UserFacingError(vscode.l10n.t('"{0}" has no transcripts.', job.displayName));
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Summarising "{0}"…', job.displayName) }, () =>
    ctx.openSummary(job),
  );
}
