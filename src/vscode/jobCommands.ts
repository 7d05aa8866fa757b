/** Commands on jobs: delete (with confirmation), refresh, and list the jobs of the Azure Speech resource. */
import * as vscode from 'vscode';
import { isCancellation, userMessage } from './errors';
import type { JobRecord } from './jobRecord';
import type { JobManager } from './jobManager';
import type { JobsTreeNode } from './jobsTree';
import { statusLabel } from './jobsTree';
import type { JobPoller } from './poller';
import type { TranscriptService } from './transcriptService';

export interface JobCommandDeps {
  jobs: JobManager;
  transcripts: TranscriptService;
  poller: JobPoller;
  log: vscode.LogOutputChannel;
  /** Re-renders the jobs view. */
  refreshView(): void;
}

/** The job of a tree node, or one picked from all jobs. */
async function resolveJob(deps: JobCommandDeps, arg: unknown): Promise<JobRecord | undefined> {
  const node = arg as JobsTreeNode | undefined;
  if (node?.job) return deps.jobs.latest(node.job);
  const jobs = deps.jobs.all();
  if (jobs.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('There are no transcription jobs.'));
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    jobs.map((job) => ({
      label: job.displayName,
      description: statusLabel(job.status),
      detail: new Date(job.createdDateTime).toLocaleString(vscode.env.language),
      job,
    })),
    { placeHolder: vscode.l10n.t('Pick a job') },
  );
  return picked?.job;
}

export async function deleteJob(deps: JobCommandDeps, arg?: unknown): Promise<void> {
  const job = await resolveJob(deps, arg);
  if (!job) return;
  const remove = vscode.l10n.t('Delete');
  const detail =
    job.backend === 'azure' && job.uploads.length > 0
      ? vscode.l10n.t('The job, its results and the {0} uploaded audio file(s) are deleted from Azure. Local audio files are kept.', job.uploads.length)
      : vscode.l10n.t('The job and its results are deleted from the service. Audio files are kept.');
  const answer = await vscode.window.showWarningMessage(
    vscode.l10n.t('Delete the transcription job "{0}"?', job.displayName),
    { modal: true, detail },
    remove,
  );
  if (answer !== remove) return;
  try {
    await deps.jobs.delete(job);
  } catch (err) {
    // The service may be unreachable for good (no key, resource gone, local service won't start): offer to just forget it.
    if (isCancellation(err)) throw err;
    const message = userMessage(err);
    deps.log.error(`Deleting job ${job.id} failed: ${message}`);
    const removeFromList = vscode.l10n.t('Remove from List');
    const choice = await vscode.window.showErrorMessage(
      vscode.l10n.t('Could not delete the job "{0}" on its service: {1}', job.displayName, message),
      removeFromList,
    );
    if (choice !== removeFromList) return;
    await deps.jobs.removeFromList(job);
  }
  await deps.transcripts.forget(job);
}

/** Checks every unfinished job now and re-renders the view. */
export async function refreshJobs(deps: JobCommandDeps): Promise<void> {
  const failures: string[] = [];
  await Promise.all(
    deps.jobs.pending().map((job) =>
      deps.jobs.refresh(job).catch((err: unknown) => {
        failures.push(userMessage(err));
        deps.log.warn(`Refreshing job ${job.id} failed: ${userMessage(err)}`);
      }),
    ),
  );
  deps.refreshView();
  deps.poller.kick();
  if (failures.length > 0) void vscode.window.showWarningMessage(failures[0]);
}

export async function listRemoteJobs(deps: JobCommandDeps): Promise<void> {
  const added = await vscode.window.withProgress(
    { location: { viewId: 'speechBatch.jobs' }, title: vscode.l10n.t('Listing the jobs of the Speech resource…') },
    () => deps.jobs.importRemote(),
  );
  deps.poller.kick();
  void vscode.window.showInformationMessage(
    added === 0 ? vscode.l10n.t('No other jobs found on the Speech resource.') : vscode.l10n.t('Added {0} job(s) from the Speech resource.', added),
  );
}
