/**
 * Composition root of the VS Code layer: builds the parts, wires their events and registers every command, view and
 * provider into `context.subscriptions`. Nothing heavy runs here: the local service starts on first use.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LocalService } from './core/localService';
import type { ExtensionApi } from './vscode/api';
import { AzureBackend, Backends, LocalBackend } from './vscode/backends';
import { registerCommands } from './vscode/commands';
import type { CommandContext } from './vscode/commands/context';
import { JobManager } from './vscode/jobManager';
import { JobStore } from './vscode/jobStore';
import { JOBS_VIEW_ID, JobsTreeProvider, type JobsTreeNode } from './vscode/jobsTree';
import { notifyFinished } from './vscode/notifications';
import { migratePartyNames } from './vscode/partyNames';
import { JobPoller } from './vscode/poller';
import { Secrets } from './vscode/secrets';
import type { JobRecord } from './vscode/jobRecord';
import { localModelSettings, onDidChangeSettings, pollingSettings, transcriptFilesNextToAudio } from './vscode/settings';
import { LocalModels } from './vscode/localModels';
import { saveNextToAudio } from './vscode/transcriptFiles';
import { TRANSCRIPT_SCHEME, TranscriptDocumentProvider } from './vscode/transcriptDocuments';
import { BATCH_SUMMARY_VIEW_TYPE, BatchSummarySerializer, openBatchSummary } from './vscode/batchSummaryPanel';
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
    // The service reads file:// audio only from allowed paths: the workspace folders, and each job's files (backends.ts).
    allowPaths: workspaceFolderPaths(vscode.workspace.workspaceFolders ?? []),
    // One models folder for the extension and the CLI (speechBatch.local.modelsFolder, else the CLI's default).
    modelsDir: localModelSettings().modelsFolder,
  });
  const models = new LocalModels(localService);
  stopLocalService = () => localService.stop();
  const backends = new Backends(new LocalBackend(localService, secrets), new AzureBackend(secrets));

  void migratePartyNames(context.globalState).then(
    (moved) => moved > 0 && log.info(`Moved the party names of ${moved} transcript(s) to their new storage key.`),
    (err: Error) => log.warn(`Moving the stored party names failed: ${err.message}`),
  );
  const store = new JobStore(context.globalState, log);
  const jobs = new JobManager(store, backends, log);
  const transcripts = new TranscriptService(context, jobs, backends);
  jobs.keepResultsWith(transcripts);
  const poller = new JobPoller(jobs, pollingSettings, log);
  const tree = new JobsTreeProvider(jobs, log);
  const treeView = vscode.window.createTreeView<JobsTreeNode>(JOBS_VIEW_ID, { treeDataProvider: tree, showCollapseAll: true });
  const documents = new TranscriptDocumentProvider(transcripts, jobs.onDidChange);
  const panels = new TranscriptPanels(context, (key) => transcripts.loadByKey(key), log);
  subscriptions.push(store, jobs, poller, tree, treeView, documents, panels);
  subscriptions.push(vscode.workspace.registerTextDocumentContentProvider(TRANSCRIPT_SCHEME, documents));
  subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(BATCH_SUMMARY_VIEW_TYPE, new BatchSummarySerializer(context.extensionUri, transcripts, jobs, log)),
  );

  const updateViewState = () => {
    const running = jobs.pending().length;
    const attention = jobs.needingAttention().length;
    const parts = [
      running > 0 ? vscode.l10n.t('{0} running', running) : undefined,
      attention > 0 ? vscode.l10n.t('{0} with failures', attention) : undefined,
    ].filter((p): p is string => p !== undefined);
    // The badge counts running jobs; once none runs, the jobs whose failures the user has not looked at yet.
    // The view's description names both counts separately.
    treeView.badge =
      running > 0 || attention > 0
        ? { value: running > 0 ? running : attention, tooltip: parts.join(' · ') }
        : undefined;
    treeView.description = parts.length > 0 ? parts.join(' · ') : undefined;
    void vscode.commands.executeCommand('setContext', 'speechBatch.hasJobs', jobs.all().length > 0);
    // Audio files that have a transcript: the Explorer offers Open Transcript on them.
    const transcribed: Record<string, true> = {};
    for (const job of jobs.all()) {
      for (const file of job.files) if (file.state === 'transcription' && file.audioPath) transcribed[vscode.Uri.file(file.audioPath).fsPath] = true;
    }
    void vscode.commands.executeCommand('setContext', 'speechBatch.transcribedAudio', transcribed);
  };
  subscriptions.push(
    jobs.onDidChange(updateViewState),
    treeView.onDidChangeVisibility((e) => e.visible && tree.refresh()),
    treeView.onDidExpandElement((e) => void jobs.acknowledge(e.element.job)),
    jobs.onDidFinish((job) => {
      // Results are saved first (they outlive the service), then each file's row gets its audio duration from them.
      const saved =
        job.status === 'Succeeded'
          ? transcripts.prefetch(job).then(async () => {
              await jobs.setDurations(job, await transcripts.durations(job));
              await writeNextToAudio(job);
            })
          : Promise.resolve();
      void saved
        .catch((err: Error) => log.warn(`Saving the results of job ${job.id} failed: ${err.message}`))
        .then(() => notifyFinished(job, log))
        .catch((err: Error) => log.error(`Reporting the end of job ${job.id} failed: ${err.message}`));
    }),
    onDidChangeSettings(['polling.minIntervalSeconds', 'polling.maxIntervalSeconds'], () => poller.kick()),
    onDidChangeSettings(['local.modelsFolder'], () => {
      localService.setModelsDir(localModelSettings().modelsFolder).catch((err: Error) => log.warn(`Using the new models folder failed: ${err.message}`));
    }),
    secrets.onDidChange((e) => Secrets.isAzureKey(e.key) && poller.kick()),
    panels.onDidRenameParties((key) => documents.refresh(key)),
    vscode.workspace.onDidChangeWorkspaceFolders((e) => {
      localService.allow(workspaceFolderPaths(e.added)).catch((err: Error) => log.warn(`Allowing the new workspace folders failed: ${err.message}`));
    }),
  );

  /** With `speechBatch.transcriptFilesNextToAudio` set, `call.wav` of a finished job gets `call.transcript.<format>`. */
  async function writeNextToAudio(job: JobRecord): Promise<void> {
    const format = transcriptFilesNextToAudio();
    if (!format) return;
    try {
      const written = await saveNextToAudio(transcripts, jobs.latest(job), format);
      if (written.length > 0) log.info(`Saved ${written.length} transcript file(s) of job ${job.id} next to the audio.`);
    } catch (err) {
      log.warn(`Saving the transcripts of job ${job.id} next to the audio failed: ${(err as Error).message}`);
      void vscode.window.showWarningMessage(vscode.l10n.t('Could not save the transcripts next to the audio: {0}', (err as Error).message));
    }
  }

  const commandContext: CommandContext = {
    jobs,
    transcripts,
    poller,
    secrets,
    log,
    models,
    locales: (kind) => backends.locales(kind),
    baseModels: (kind, locale) => backends.baseModels(kind, locale),
    reveal: (job) => void treeView.reveal({ kind: 'job', job }, { select: true, focus: false }).then(undefined, (err: Error) => log.warn(`Selecting the new job failed: ${err.message}`)),
    revealNode: (node, options) => Promise.resolve(treeView.reveal(node, options)).then(undefined, (err: Error) => log.warn(`Revealing a job failed: ${err.message}`)),
    showPanel: (key) => panels.show(key),
    openSummary: (job) => openBatchSummary(context, transcripts, job, log),
    refreshView: () => tree.refresh(),
  };
  subscriptions.push(registerCommands(commandContext));

  updateViewState();
  void vscode.commands.executeCommand('setContext', 'speechBatch.ready', true);
  if (jobs.pending().length > 0) poller.kick();
  log.info(`Activated with ${jobs.all().length} stored job(s), ${jobs.pending().length} pending.`);
  return { jobs, store, transcripts, poller, tree, treeView, localService, secrets };
}

function workspaceFolderPaths(folders: readonly vscode.WorkspaceFolder[]): string[] {
  return folders.filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
}

export async function deactivate(): Promise<void> {
  await stopLocalService?.();
  stopLocalService = undefined;
}
