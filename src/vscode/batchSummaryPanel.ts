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
import { jobKey, type JobRecord } from './jobRecord';
import type { SummaryCall, SummaryLoadMessage, SummaryStrings, SummaryWebviewMessage, SummaryWebviewState } from './batchSummaryViewModel';
import { userMessage } from './errors';
import { createNonce, webviewPage } from './transcriptWebview';
import { transcriptKey, transcriptTitle, type TranscriptService } from './transcriptService';

export const BATCH_SUMMARY_VIEW_TYPE = 'speechBatch.batchSummary';

/**
 * The summary rows of a job: its transcribed calls with their analytics, the failed ones with their reason, and those
 * its cancelling left untranscribed as cancelled.
 */
export async function batchSummaryCalls(transcripts: TranscriptService, job: JobRecord): Promise<SummaryCall[]> {
  const calls: SummaryCall[] = [];
  for (const file of job.files) {
    if (file.state === 'transcription') {
      const loaded = await transcripts.load({ job, file });
      calls.push({ ...summaryRow(transcriptTitle({ job, file }), loaded.analytics), key: transcriptKey(job, file) });
    } else if (file.cancelled) {
      calls.push({ call: file.audioName ?? file.name, status: 'cancelled' });
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
    cancelled: vscode.l10n.t('Cancelled'),
    exportCsv: vscode.l10n.t('Export CSV…'),
    durations: vscode.l10n.t('Call durations'),
    counts: vscode.l10n.t('{0} calls · {1} transcribed · {2} failed'),
    countsCancelled: vscode.l10n.t('{0} calls · {1} transcribed · {2} failed · {3} cancelled'),
    sortedBy: vscode.l10n.t('Sorted by {0}'),
  };
}

/** Opens the summary of a job in a new panel; resolves once the page has been given its rows. */
export async function openBatchSummary(
  context: vscode.ExtensionContext,
  transcripts: TranscriptService,
  job: JobRecord,
  log: vscode.LogOutputChannel,
): Promise<vscode.WebviewPanel> {
  const calls = await batchSummaryCalls(transcripts, job);
  const panel = vscode.window.createWebviewPanel(BATCH_SUMMARY_VIEW_TYPE, summaryTitle(job), vscode.ViewColumn.Active, { enableScripts: true, localResourceRoots: [] });
  showSummary(panel, context.extensionUri, job, calls, log);
  return panel;
}

function summaryTitle(job: JobRecord): string {
  return vscode.l10n.t('Summary: {0}', job.displayName);
}

/** The page of a panel: the nonce-CSP shell, its script and style (`loadingText` until the page shows its rows). */
function setPage(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, loadingText: string): void {
  const media = vscode.Uri.joinPath(extensionUri, 'media');
  panel.webview.options = { enableScripts: true, localResourceRoots: [media] };
  panel.iconPath = vscode.Uri.joinPath(extensionUri, 'resources', 'speech-batch.svg');
  const webview = panel.webview;
  webview.html = webviewPage({
    cspSource: webview.cspSource,
    nonce: createNonce(),
    scripts: [webview.asWebviewUri(vscode.Uri.joinPath(media, 'batchSummary.js')).toString()],
    style: webview.asWebviewUri(vscode.Uri.joinPath(media, 'batchSummary.css')).toString(),
    loadingText,
    lang: vscode.env.language,
  });
}

/** Shows the summary of `job` in `panel` (a new one, or one restored after a reload) and answers its page. */
function showSummary(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, job: JobRecord, calls: SummaryCall[], log: vscode.LogOutputChannel): void {
  panel.title = summaryTitle(job);
  setPage(panel, extensionUri, vscode.l10n.t('Loading the summary…'));
  const webview = panel.webview;
  const load: SummaryLoadMessage = { type: 'load', jobKey: jobKey(job), title: summaryTitle(job), calls, strings: strings() };
  const listener = webview.onDidReceiveMessage(async (message: SummaryWebviewMessage) => {
    try {
      if (message.type === 'ready') await webview.postMessage(load);
      else if (message.type === 'open') await vscode.commands.executeCommand(Commands.openTranscript, message.key);
      else if (message.type === 'exportCsv') await exportCsv(job, calls);
      else if (message.type === 'rendered') log.info(`Batch summary of job ${job.id} shows ${message.rows} call(s).`);
    } catch (err) {
      log.warn(`Batch summary: ${(err as Error).message}`);
      void vscode.window.showErrorMessage((err as Error).message);
    }
  });
  panel.onDidDispose(() => listener.dispose());
}

/**
 * Brings batch summaries back after a reload: the page kept its job's key (and sort); a job that is gone shows a line
 * saying so. extension.ts registers one.
 */
export class BatchSummarySerializer implements vscode.WebviewPanelSerializer<SummaryWebviewState> {
  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly transcripts: TranscriptService,
    private readonly jobs: { get(key: string): JobRecord | undefined },
    private readonly log: vscode.LogOutputChannel,
  ) {}

  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: SummaryWebviewState | undefined): Promise<void> {
    const job = typeof state?.jobKey === 'string' ? this.jobs.get(state.jobKey) : undefined;
    try {
      if (job) return showSummary(panel, this.extensionUri, job, await batchSummaryCalls(this.transcripts, job), this.log);
    } catch (err) {
      this.log.warn(`Restoring the summary of job ${job?.id}: ${userMessage(err)}`);
    }
    setPage(panel, this.extensionUri, vscode.l10n.t('This summary is no longer available: its job was deleted or its results could not be read.'));
  }
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
