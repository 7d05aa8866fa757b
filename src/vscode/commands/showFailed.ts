/** `speechBatch.showFailed`: expands a job in the jobs view and selects its first failed file (its reason is on the row). */
import * as vscode from 'vscode';
import { jobOf, type CommandTarget } from './args';
import type { CommandContext } from './context';

export async function showFailed(ctx: CommandContext, target: CommandTarget): Promise<void> {
  const job = await jobOf(ctx, target, (j) => j.files.some((f) => f.state === 'failed') || j.status === 'Failed');
  if (!job) return;
  await ctx.jobs.acknowledge(job);
  const current = ctx.jobs.latest(job);
  const failed = current.files.find((f) => f.state === 'failed');
  await ctx.revealNode({ kind: 'job', job: current }, { expand: true, select: !failed, focus: !failed });
  if (failed) await ctx.revealNode({ kind: 'file', job: current, file: failed }, { select: true, focus: true });
  else if (current.error?.message) void vscode.window.showInformationMessage(current.error.message);
}
