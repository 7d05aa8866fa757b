/**
 * "Open Batch Summary": a webview with one sortable row per call of a job (duration, talk share per party, silence,
 * crosstalk, interruptions, words per minute, longest monologue, status), talk-share bars, a chart of call durations,
 * a click-through to each transcript and CSV export. Same rules as the transcript view: nonce CSP, no innerHTML,
 * theme colours (`media/batchSummary.js` and `.css`).
 */
import * as vscode from 'vscode';
import { summaryCsv, summaryRow } from '../core/batchSummary';
import { Commands } from './commandIds';
import { readableReason } from './jobProgress';
import type { JobRecord } from './jobRecord';
import type { SummaryCall, SummaryLoadMessage, SummaryStrings, SummaryWebviewMessage } from './batchSummaryViewModel';
import { createNonce, webviewPage } from './transcriptWebview';
import { transcriptKey, transcriptTitle, type TranscriptService } from './transcriptService';

export const BATCH_SUMMARY_VIEW_TYPE = 'speechBatch.batchSummary';

/** The summary rows of a job: its transcribed calls with their analytics, then the failed ones with their reason. */
export async function batchSummaryCalls(transcripts: TranscriptService, job: JobRecord): Promise<SummaryCall[]> {
  const calls: SummaryCall[] = [];
  for (const file of job.files) {
    if (file.state === 'transcription') {
      const loaded = await transcripts.load({ job, file });
      calls.push({ ...summaryRow(transcriptTitle({ job, file }), loaded.analytics), key: transcriptKey(job, file) });
    } else {
      calls.push({ call: file.audioName ?? file.name, status: 'failed', reason: file.error ? readableReason(file.error, file.name) : vscode.l10n.t('Failed') });
    }
  }
  return calls;
}

function strings(): SummaryStrings {
  return {
    call: vscode.l10n.t('Call'),
    status: vscode.l10n.t('Status'),
    duration: vscode.l10n.t('Duration'),
    talkShare: vscode.l10n.t('Talk share'),
    silence: vscode.l10n.t('Silence'),
    crosstalk: vscode.l10n.t('Crosstalk'),
    interruptions: vscode.l10n.t('Interruptions'),
    wpm: vscode.l10n.t('Words/min'),
    longestMonologue: vscode.l10n.t('Longest monologue'),
    transcribed: vscode.l10n.t('Transcribed'),
    failed: vscode.l10n.t('Failed'),
    exportCsv: vscode.l10n.t('Export CSV…'),
    durations: vscode.l10n.t('Call durations'),
    counts: vscode.l10n.t('{0} calls · {1} transcribed · {2} failed'),
    sortedBy: vscode.l10n.t('Sorted by {0}'),
  };
}

/** Opens the summary of a job in a new panel; resolves once the page has shown its rows. */
export async function openBatchSummary(
  context: vscode.ExtensionContext,
  transcripts: TranscriptService,
  job: JobRecord,
  log: vscode.LogOutputChannel,
): Promise<vscode.WebviewPanel> {
  const calls = await batchSummaryCalls(transcripts, job);
  const title = vscode.l10n.t('Summary: {0}', job.displayName);
  const panel = vscode.window.createWebviewPanel(BATCH_SUMMARY_VIEW_TYPE, title, vscode.ViewColumn.Active, { enableScripts: true, localResourceRoots: [] });
  const media = vscode.Uri.joinPath(context.extensionUri, 'media');
  panel.webview.options = { enableScripts: true, localResourceRoots: [media] };
  panel.iconPath = vscode.Uri.joinPath(context.extensionUri, 'resources', 'speech-batch.svg');
  const webview = panel.webview;
  const nonce = createNonce();
  const script = webview.asWebviewUri(vscode.Uri.joinPath(media, 'batchSummary.js')).toString();
  const style = webview.asWebviewUri(vscode.Uri.joinPath(media, 'batchSummary.css')).toString();
  webview.html = webviewPage({
    cspSource: webview.cspSource,
    nonce,
    scripts: [script],
    style,
    loadingText: vscode.l10n.t('Loading the summary…'),
    lang: vscode.env.language,
  });
  const load: SummaryLoadMessage = { type: 'load', title, calls, strings: strings() };
  webview.onDidReceiveMessage(async (message: SummaryWebviewMessage) => {
    try {
      if (message.type === 'ready') await webview.postMessage(load);
      else if (message.type === 'open') await vscode.commands.executeCommand(Commands.openTranscript, message.key);
      else if (message.type === 'exportCsv') await exportCsv(job, calls);
    } catch (err) {
      log.warn(`Batch summary: ${(err as Error).message}`);
      void vscode.window.showErrorMessage((err as Error).message);
    }
  });
  return panel;
}

/** Saves the summary as CSV where the user chooses. */
export async function exportCsv(job: JobRecord, calls: readonly SummaryCall[]): Promise<vscode.Uri | undefined> {
  const near = job.audioPaths[0] ? vscode.Uri.file(job.audioPaths[0]) : vscode.workspace.workspaceFolders?.[0]?.uri;
  const name = `${job.displayName.replace(/[\\/:*?"<>|]+/g, '-')}-summary.csv`;
  const file = await vscode.window.showSaveDialog({
    defaultUri: near ? vscode.Uri.joinPath(near, near === vscode.workspace.workspaceFolders?.[0]?.uri ? '' : '..', name) : undefined,
    filters: { CSV: ['csv'] },
    saveLabel: vscode.l10n.t('Export'),
  });
  if (!file) return undefined;
  await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(summaryCsv(calls)));
  void vscode.window.showInformationMessage(vscode.l10n.t('Saved the summary of {0} calls to {1}.', calls.length, file.fsPath));
  return file;
}
