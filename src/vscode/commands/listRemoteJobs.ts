/** `speechBatch.listRemoteJobs`: adds the jobs of the configured Azure Speech resource that this VS Code does not know yet. */
import * as vscode from 'vscode';
import { JOBS_VIEW_ID } from '../jobsTree';
import type { CommandContext } from './context';

export async function listRemoteJobs(ctx: CommandContext): Promise<void> {
  const added = await vscode.window.withProgress(
    { location: { viewId: JOBS_VIEW_ID }, title: vscode.l10n.t('Listing the jobs of the Speech resource…') },
    () => ctx.jobs.importRemote(),
  );
  ctx.poller.kick();
  void vscode.window.showInformationMessage(
    added === 0 ? vscode.l10n.t('No other jobs found on the Speech resource.') : vscode.l10n.t('Added {0} job(s) from the Speech resource.', added),
  );
}
