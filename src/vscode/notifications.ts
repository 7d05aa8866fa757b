/**
 * Tells the user when a job finished: "Open Transcript" when every file was transcribed; how many files failed, with
 * "Show Failed" and "Retry Failed", when some or all did; the reason of a job that failed as a whole.
 */
import * as vscode from 'vscode';
import { pocketsphinxMissingError } from './backends';
import { Commands } from './commandIds';
import { showError, UserFacingError, commandAction } from './errors';
import { fileCounts, jobOutcome, readableReason } from './jobProgress';
import type { JobRecord } from './jobRecord';
import type { JobsTreeNode } from './jobsTree';
import { ENGINE_NOT_INSTALLED } from '../core/localService';

/** Shows the notification for a job that just finished. */
export async function notifyFinished(job: JobRecord, log: vscode.LogOutputChannel): Promise<void> {
  const node: JobsTreeNode = { kind: 'job', job };
  const outcome = jobOutcome(job);
  const { total, transcribed, failed } = fileCounts(job);
  if (outcome === 'succeeded') {
    const open = vscode.l10n.t('Open Transcript');
    const damaged = job.files.filter((f) => f.state === 'transcription' && f.warnings?.length);
    if (damaged.length > 0) {
      // Transcribed, but not all of it could be: said as a warning, with the first reason.
      const first = damaged[0]!;
      const message =
        damaged.length === 1
          ? vscode.l10n.t('Transcription of "{0}" finished, but the audio of {1} is damaged: {2}', job.displayName, first.audioName ?? first.name, first.warnings![0]!)
          : vscode.l10n.t('Transcription of "{0}" finished, but the audio of {1} files is damaged ({2}: {3})', job.displayName, damaged.length, first.audioName ?? first.name, first.warnings![0]!);
      if ((await vscode.window.showWarningMessage(message, open)) === open) await vscode.commands.executeCommand(Commands.openTranscript, node);
      return;
    }
    const message =
      (total ?? 1) > 1
        ? vscode.l10n.t('Transcription of "{0}" finished: all {1} files transcribed.', job.displayName, total ?? 0)
        : vscode.l10n.t('Transcription of "{0}" finished.', job.displayName);
    if ((await vscode.window.showInformationMessage(message, open)) === open) await vscode.commands.executeCommand(Commands.openTranscript, node);
    return;
  }
  if (outcome === 'partial') {
    const showFailed = vscode.l10n.t('Show Failed');
    const retry = vscode.l10n.t('Retry Failed');
    const first = job.files.find((f) => f.state === 'failed');
    const firstReason = first ? `${first.audioName ?? first.name}: ${readableReason(first.error ?? vscode.l10n.t('no reason given'), first.name)}` : '';
    const message =
      failed === 1
        ? vscode.l10n.t('Transcription of "{0}" finished: {1} of {2} files transcribed, 1 failed ({3}).', job.displayName, transcribed, total ?? 0, firstReason)
        : vscode.l10n.t('Transcription of "{0}" finished: {1} of {2} files transcribed, {3} failed.', job.displayName, transcribed, total ?? 0, failed);
    const choice = await vscode.window.showWarningMessage(message, showFailed, retry);
    if (choice === showFailed) await vscode.commands.executeCommand(Commands.showFailed, node);
    if (choice === retry) await vscode.commands.executeCommand(Commands.retryFailed, node);
    return;
  }
  if (job.backend === 'local' && job.error?.code === ENGINE_NOT_INSTALLED) {
    await showError(log, `Job ${job.id}`, pocketsphinxMissingError());
    return;
  }
  const reason = readableReason(job.error?.message ?? job.files.find((f) => f.error)?.error ?? vscode.l10n.t('no reason given'));
  const actions =
    failed > 1
      ? [commandAction(vscode.l10n.t('Show Failed'), Commands.showFailed, node), commandAction(vscode.l10n.t('Retry Failed'), Commands.retryFailed, node)]
      : failed === 1 && job.files[0]?.audioPath
        ? [commandAction(vscode.l10n.t('Retry'), Commands.retryFailed, node)]
        : [];
  const message = vscode.l10n.t('Transcription of "{0}" failed: {1}', job.displayName, reason);
  await showError(log, `Job ${job.id}`, new UserFacingError(message, actions));
}
