/** Tells the user when a job finished: "Open Transcript" on success, the service's reason on failure. */
import * as vscode from 'vscode';
import { pocketsphinxMissingError } from './backends';
import { Commands } from './commandIds';
import { showError } from './errors';
import type { JobRecord } from './jobRecord';
import type { JobsTreeNode } from './jobsTree';
import { ENGINE_NOT_INSTALLED } from '../core/localService';

/** Shows the notification for a job that just finished. */
export async function notifyFinished(job: JobRecord, log: vscode.LogOutputChannel): Promise<void> {
  const node: JobsTreeNode = { kind: 'job', job };
  if (job.status === 'Succeeded') {
    const failed = job.files.filter((f) => f.state === 'failed');
    const open = vscode.l10n.t('Open Transcript');
    const message =
      failed.length === 0
        ? vscode.l10n.t('Transcription of "{0}" finished.', job.displayName)
        : vscode.l10n.t('Transcription of "{0}" finished, but {1} file(s) failed: {2}', job.displayName, failed.length, failed[0].error ?? '');
    const show = failed.length === 0 ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
    if ((await show(message, open)) === open) await vscode.commands.executeCommand(Commands.openTranscript, node);
    return;
  }
  const reason = job.error?.message ?? job.files.find((f) => f.error)?.error ?? vscode.l10n.t('no reason given');
  if (job.backend === 'local' && job.error?.code === ENGINE_NOT_INSTALLED) {
    await showError(log, `Job ${job.id}`, pocketsphinxMissingError());
    return;
  }
  await showError(log, `Job ${job.id}`, new Error(vscode.l10n.t('Transcription of "{0}" failed: {1}', job.displayName, reason)));
}
