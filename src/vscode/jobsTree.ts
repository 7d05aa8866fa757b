/**
 * The "Transcription Jobs" view: jobs (status icon, file count and age, tooltip with details) and their result files
 * (or per-file failure reasons). `contextValue`s match the `view/item/context` menus of package.json:
 * `job.succeeded|job.running|job.notstarted|job.failed` and `file.transcription|file.failed`.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Status } from '../core/wire';
import { redactUrlsIn } from '../core/redact';
import { Commands } from './commandIds';
import { clockDuration, relativeTime } from './humanize';
import { jobKey, type JobFileRecord, type JobRecord } from './jobRecord';
import { describeEndpoint, type JobManager } from './jobManager';
import { Disposable } from './lifecycle';

/** The id of the view (package.json `contributes.views`). */
export const JOBS_VIEW_ID = 'speechBatch.jobs';

/** A node of the tree: what commands invoked from the view receive. */
export type JobsTreeNode = { kind: 'job'; job: JobRecord } | { kind: 'file'; job: JobRecord; file: JobFileRecord };

const STATUS_ICONS: Record<Status, vscode.ThemeIcon> = {
  NotStarted: new vscode.ThemeIcon('clock'),
  Running: new vscode.ThemeIcon('sync~spin'),
  Succeeded: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  Failed: new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed')),
};

export class JobsTreeProvider extends Disposable implements vscode.TreeDataProvider<JobsTreeNode> {
  private readonly changed = this._register(new vscode.EventEmitter<JobsTreeNode | undefined>());
  readonly onDidChangeTreeData = this.changed.event;

  constructor(
    private readonly jobs: JobManager,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    // Nodes are rebuilt from the store on every change: a job's node identity is its id (TreeItem.id).
    this._register(jobs.onDidChange(() => this.changed.fire(undefined)));
  }

  /** Re-renders every node (relative times age). */
  refresh(): void {
    this.changed.fire(undefined);
  }

  getTreeItem(node: JobsTreeNode): vscode.TreeItem {
    return node.kind === 'job' ? jobItem(node.job) : fileItem(node.job, node.file);
  }

  async getChildren(node?: JobsTreeNode): Promise<JobsTreeNode[]> {
    if (!node) return this.jobs.all().map((job) => ({ kind: 'job', job }));
    if (node.kind !== 'job') return [];
    let job = node.job;
    try {
      job = await this.jobs.ensureFiles(job);
    } catch (err) {
      this.log.warn(`Listing the files of job ${job.id} failed: ${(err as Error).message}`);
    }
    return job.files.map((file) => ({ kind: 'file', job, file }));
  }

  getParent(node: JobsTreeNode): JobsTreeNode | undefined {
    if (node.kind === 'job') return undefined;
    const job = this.jobs.get(jobKey(node.job));
    return job ? { kind: 'job', job } : undefined;
  }
}

/** The tree item of a job. */
export function jobItem(job: JobRecord, now = new Date()): vscode.TreeItem {
  const finished = job.status === 'Succeeded' || job.status === 'Failed';
  const item = new vscode.TreeItem(
    job.displayName,
    finished && (job.files.length > 0 || job.status === 'Succeeded')
      ? vscode.TreeItemCollapsibleState.Collapsed
      : vscode.TreeItemCollapsibleState.None,
  );
  item.id = jobKey(job);
  item.iconPath = STATUS_ICONS[job.status];
  item.contextValue = `job.${job.status.toLowerCase()}`;
  const count = fileCount(job);
  item.description = [
    // The icon alone says "succeeded"; any other state is spelled out as well.
    job.status === 'Succeeded' ? undefined : statusLabel(job.status),
    count === undefined ? undefined : count === 1 ? vscode.l10n.t('{0} file', count) : vscode.l10n.t('{0} files', count),
    relativeTime(new Date(job.createdDateTime), now, vscode.env.language),
  ]
    .filter(Boolean)
    .join(' · ');
  item.tooltip = jobTooltip(job);
  item.accessibilityInformation = { label: `${job.displayName}, ${statusLabel(job.status)}, ${item.description}` };
  if (job.status === 'Succeeded') {
    item.command = { title: vscode.l10n.t('Open Transcript'), command: Commands.openTranscript, arguments: [{ kind: 'job', job }] };
  }
  return item;
}

/** The tree item of a result file (or of an input that failed). */
export function fileItem(job: JobRecord, file: JobFileRecord): vscode.TreeItem {
  const label = file.audioName ?? file.name;
  const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
  item.id = `${jobKey(job)}|${file.state}|${file.index ?? ''}|${file.name}`;
  item.contextValue = `file.${file.state}`;
  if (file.state === 'failed') {
    item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
    const reason = file.error ? redactUrlsIn(file.error) : vscode.l10n.t('Failed');
    item.description = reason;
    item.tooltip = new vscode.MarkdownString().appendText(`${label}\n\n${reason}`);
  } else {
    item.iconPath = new vscode.ThemeIcon('comment-discussion');
    item.description = file.durationMs !== undefined ? clockDuration(file.durationMs) : undefined;
    item.resourceUri = file.audioPath ? vscode.Uri.file(file.audioPath) : undefined;
    const tooltip = new vscode.MarkdownString();
    tooltip.appendMarkdown(`**${escape(label)}**`);
    if (file.audioPath) tooltip.appendMarkdown(`\n\n`).appendText(file.audioPath);
    if (file.durationMs !== undefined) tooltip.appendMarkdown(`\n\n`).appendText(vscode.l10n.t('Duration: {0}', clockDuration(file.durationMs)));
    item.tooltip = tooltip;
    item.command = { title: vscode.l10n.t('Open Transcript'), command: Commands.openTranscript, arguments: [{ kind: 'file', job, file }] };
  }
  return item;
}

function jobTooltip(job: JobRecord): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  md.appendMarkdown(`**${escape(job.displayName)}**\n\n`);
  const line = (text: string) => md.appendText(text).appendMarkdown('  \n');
  line(vscode.l10n.t('Status: {0}', statusLabel(job.status)));
  line(vscode.l10n.t('Runs on: {0}', describeEndpoint(job)));
  line(vscode.l10n.t('Locale: {0}', job.locale || '—'));
  line(vscode.l10n.t('Created: {0}', new Date(job.createdDateTime).toLocaleString(vscode.env.language)));
  if (job.durationMs !== undefined) line(vscode.l10n.t('Audio duration: {0}', clockDuration(job.durationMs)));
  if (job.error?.message) line(vscode.l10n.t('Reason: {0}', redactUrlsIn(job.error.message)));
  const failed = job.files.filter((f) => f.state === 'failed');
  if (failed.length > 0) line(vscode.l10n.t('{0} of the files failed.', failed.length));
  if (job.audioPaths.length > 0) {
    md.appendMarkdown('\n');
    for (const file of job.audioPaths) md.appendMarkdown('- ').appendText(path.basename(file)).appendMarkdown('\n');
  }
  return md;
}

function fileCount(job: JobRecord): number | undefined {
  if (job.audioPaths.length > 0) return job.audioPaths.length;
  return job.files.length > 0 ? job.files.length : undefined;
}

/** The localised name of a status. */
export function statusLabel(status: Status): string {
  switch (status) {
    case 'NotStarted':
      return vscode.l10n.t('Waiting');
    case 'Running':
      return vscode.l10n.t('Running');
    case 'Succeeded':
      return vscode.l10n.t('Succeeded');
    case 'Failed':
      return vscode.l10n.t('Failed');
  }
}

function escape(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
