/** `speechBatch.refresh`: checks every unfinished job now, re-renders the jobs view and restarts polling. */
import * as vscode from 'vscode';
import { userMessage } from '../errors';
import type { CommandContext } from './context';

export async function refresh(ctx: CommandContext): Promise<void> {
  const failures: string[] = [];
  await Promise.all(
    ctx.jobs.pending().map((job) =>
      ctx.jobs.refresh(job).catch((err: unknown) => {
        failures.push(userMessage(err));
        ctx.log.warn(`Refreshing job ${job.id} failed: ${userMessage(err)}`);
      }),
    ),
  );
  ctx.refreshView();
  ctx.poller.kick();
  if (failures.length > 0) void vscode.window.showWarningMessage(failures[0]);
}
