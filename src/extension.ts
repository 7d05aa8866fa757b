/**
 * Composition root of the VS Code layer: builds the parts, wires their events and registers every command, view and
 * provider into `context.subscriptions`. Nothing heavy runs here: the local service starts on first use.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionApi } from './vscode/api';
import { AzureBackend, Backends, LocalBackend } from './vscode/backends';
import { reportErrors } from './vscode/errors';
import { clearSecrets, setSpeechKey, setStorageConnection } from './vscode/secretCommands';
import { deleteJob, listRemoteJobs, refreshJobs, type JobCommandDeps } from './vscode/jobCommands';
import { JobManager } from './vscode/jobManager';
import { JobStore } from './vscode/jobStore';
import { JobsTreeProvider, type JobsTreeNode } from './vscode/jobsTree';
import { LocalService } from './core/localService';
import { notifyFinished } from './vscode/notifications';
import { JobPoller } from './vscode/poller';
import { Secrets } from './vscode/secrets';
import { onDidChangeSettings, pollingSettings } from './vscode/settings';
import { transcribeCommand, transcribeWithOptionsCommand, type TranscribeDeps } from './vscode/transcribeCommands';
import { copyTranscript, exportTranscript, openDocument, openTranscript, type TranscriptCommandDeps } from './vscode/transcriptCommands';
import { TRANSCRIPT_SCHEME, TranscriptDocumentProvider } from './vscode/transcriptDocuments';
import { TranscriptPanels } from './vscode/transcriptPanel';
import { TranscriptService } from './vscode/transcriptService';

let stopLocalService: (() => Promise<void>) | undefined;

export function activate(context: vscode.ExtensionContext): ExtensionApi {
  const subscriptions = context.subscriptions;
  const log = vscode.window.createOutputChannel('Speech Batch', { log: true });
  subscriptions.push(log);

  const secrets = new Secrets(context.secrets);
  const localService = new LocalService({
    scriptPath: context.asAbsolutePath(path.join('dist', 'local-service.js')),
    dataDir: path.join(context.globalStorageUri.fsPath, 'local-service'),
    key: () => secrets.localServiceKey(),
    log,
  });
  stopLocalService = () => localService.stop();
  const backends = new Backends(new LocalBackend(localService, secrets), new AzureBackend(secrets));

  const store = new JobStore(context.globalState, log);
  const jobs = new JobManager(store, backends, log);
  const transcripts = new TranscriptService(context, jobs, backends);
  const poller = new JobPoller(jobs, pollingSettings, log);
  const tree = new JobsTreeProvider(jobs, log);
  const treeView = vscode.window.createTreeView<JobsTreeNode>('speechBatch.jobs', { treeDataProvider: tree, showCollapseAll: true });
  const documents = new TranscriptDocumentProvider(transcripts, jobs.onDidChange);
  const panels = new TranscriptPanels(context, (key) => transcripts.panelData(key), log);
  subscriptions.push(store, jobs, poller, tree, treeView, documents, panels);
  subscriptions.push(vscode.workspace.registerTextDocumentContentProvider(TRANSCRIPT_SCHEME, documents));

  const updateViewState = () => {
    const running = store.pending().length;
    treeView.badge = running > 0 ? { value: running, tooltip: vscode.l10n.t('{0} job(s) running', running) } : undefined;
    void vscode.commands.executeCommand('setContext', 'speechBatch.hasJobs', store.all().length > 0);
  };
  subscriptions.push(
    store.onDidChange(updateViewState),
    treeView.onDidChangeVisibility((e) => e.visible && tree.refresh()),
    jobs.onDidFinish((job) => {
      const saved = job.status === 'Succeeded' ? transcripts.prefetch(job) : Promise.resolve();
      void saved
        .catch((err: Error) => log.warn(`Saving the results of job ${job.id} failed: ${err.message}`))
        .then(() => notifyFinished(job, log))
        .catch((err: Error) => log.error(`Reporting the end of job ${job.id} failed: ${err.message}`));
    }),
    onDidChangeSettings(['polling.minIntervalSeconds', 'polling.maxIntervalSeconds'], () => poller.kick()),
    secrets.onDidChange((e) => Secrets.isAzureKey(e.key) && poller.kick()),
    panels.onDidRenameParties((key) => documents.refresh(key)),
  );

  const transcribeDeps: TranscribeDeps = {
    jobs,
    locales: (kind) => backends.locales(kind),
    reveal: (job) => void treeView.reveal({ kind: 'job', job }, { select: true, focus: false }).then(undefined, () => undefined),
  };
  const transcriptDeps: TranscriptCommandDeps = { jobs, transcripts, showPanel: (key) => panels.show(key) };
  const jobDeps: JobCommandDeps = { jobs, transcripts, poller, log, refreshView: () => tree.refresh() };

  const commands: Record<string, (...args: unknown[]) => unknown> = {
    'speechBatch.transcribe': (clicked, selection) => transcribeCommand(transcribeDeps, clicked, selection),
    'speechBatch.transcribeWithOptions': (clicked, selection) => transcribeWithOptionsCommand(transcribeDeps, clicked, selection),
    'speechBatch.openTranscript': (arg) => openTranscript(transcriptDeps, arg),
    'speechBatch.openAsText': (arg) => openDocument(transcriptDeps, 'text', arg),
    'speechBatch.openResultJson': (arg) => openDocument(transcriptDeps, 'json', arg),
    'speechBatch.export': (arg) => exportTranscript(transcriptDeps, arg),
    'speechBatch.copyTranscript': (arg) => copyTranscript(transcriptDeps, arg),
    'speechBatch.deleteJob': (arg) => deleteJob(jobDeps, arg),
    'speechBatch.refresh': () => refreshJobs(jobDeps),
    'speechBatch.listRemoteJobs': () => listRemoteJobs(jobDeps),
    'speechBatch.setSpeechKey': () => setSpeechKey(secrets),
    'speechBatch.setStorageConnection': () => setStorageConnection(secrets),
    'speechBatch.clearSecrets': () => clearSecrets(secrets),
    'speechBatch.showLog': () => log.show(),
  };
  for (const [id, handler] of Object.entries(commands)) {
    subscriptions.push(vscode.commands.registerCommand(id, reportErrors(log, id, handler)));
  }

  updateViewState();
  void vscode.commands.executeCommand('setContext', 'speechBatch.ready', true);
  if (store.pending().length > 0) poller.kick();
  log.info(`Activated with ${store.all().length} stored job(s), ${store.pending().length} pending.`);
  return { jobs, store, transcripts, poller, tree, localService, secrets };
}

export async function deactivate(): Promise<void> {
  await stopLocalService?.();
  stopLocalService = undefined;
}
