/**
 * The "Transcription Jobs" view: jobs (status icon, file count and age, tooltip with details) and their result files
 * (or per-file failure reasons). `contextValue`s match the `view/item/context` menus of package.json:
 * `job.succeeded|job.running|job.notstarted|job.failed` and `file.transcription|file.failed`.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Status } from '../core/wire';
import { Commands } from './commandIds';
import { clockDuration, relativeTime } from './humanize';
import { jobKey, type JobFileRecord, type JobRecord } from './jobRecord';
import { describeEndpoint, type JobManager } from './jobManager';
import { estimateJob, fileCounts, jobOutcome, readableReason, roughDuration } from './jobProgress';
import { Disposable } from './lifecycle';

/** The id of the view (package.json `contributes.views`). */
export const JOBS_VIEW_ID = 'speechBatch.jobs';

/**
 * A node of the tree: what commands invoked from the view receive. The files of a big job are grouped by state
 * ("Failed (3)", "Transcribed (997)"), and a group of more than {@link PAGE_SIZE} files in pages ("1–100").
 */
export type JobsTreeNode =
  | { kind: 'job'; job: JobRecord }
  | { kind: 'file'; job: JobRecord; file: JobFileRecord }
  | { kind: 'group'; job: JobRecord; state: FileState }
  | { kind: 'page'; job: JobRecord; state: FileState; start: number };

type FileState = JobFileRecord['state'];

/** Files per page of a group; a job with at most this many files lists them without groups. */
export const PAGE_SIZE = 100;
/** Groups in the order shown: what needs attention first. */
const GROUP_ORDER: readonly FileState[] = ['failed', 'transcription'];

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
    switch (node.kind) {
      case 'job':
        return jobItem(node.job);
      case 'file':
        return fileItem(node.job, node.file);
      case 'group':
        return groupItem(node.job, node.state);
      case 'page':
        return pageItem(node.job, node.state, node.start);
    }
  }

  async getChildren(node?: JobsTreeNode): Promise<JobsTreeNode[]> {
    if (!node) return this.jobs.all().map((job) => ({ kind: 'job', job }));
    if (node.kind === 'file') return [];
    if (node.kind !== 'job') return fileChildren(this.jobs.latest(node.job), node);
    let job = node.job;
    try {
      job = await this.jobs.ensureFiles(job);
    } catch (err) {
      this.log.warn(`Listing the files of job ${job.id} failed: ${(err as Error).message}`);
    }
    return fileChildren(job, node);
  }

  getParent(node: JobsTreeNode): JobsTreeNode | undefined {
    if (node.kind === 'job') return undefined;
    const job = this.jobs.get(jobKey(node.job));
    if (!job) return undefined;
    if (node.kind === 'page') return { kind: 'group', job, state: node.state };
    if (node.kind === 'group' || !isGrouped(job)) return { kind: 'job', job };
    const inState = filesIn(job, node.file.state);
    if (inState.length <= PAGE_SIZE) return { kind: 'group', job, state: node.file.state };
    const position = inState.findIndex((f) => sameFile(f, node.file));
    return { kind: 'page', job, state: node.file.state, start: Math.max(0, position - (position % PAGE_SIZE)) };
  }
}

/** Whether a job has too many files to list them flat under it. */
function isGrouped(job: JobRecord): boolean {
  return job.files.length > PAGE_SIZE;
}

/** The files of a job in one state, in the order of its inputs. */
function filesIn(job: JobRecord, state: FileState): JobFileRecord[] {
  const order = new Map(job.audioPaths.map((p, i) => [p, i]));
  const position = (f: JobFileRecord): number => f.index ?? (f.audioPath !== undefined ? order.get(f.audioPath) : undefined) ?? Number.MAX_SAFE_INTEGER;
  return job.files.filter((f) => f.state === state).sort((a, b) => position(a) - position(b));
}

function sameFile(a: JobFileRecord, b: JobFileRecord): boolean {
  return a.name === b.name && a.state === b.state && a.index === b.index;
}

/** The children of a job, a group or a page: files, or groups by state and pages for a big job. */
function fileChildren(job: JobRecord, node: Exclude<JobsTreeNode, { kind: 'file' }>): JobsTreeNode[] {
  const files = (list: JobFileRecord[]): JobsTreeNode[] => list.map((file) => ({ kind: 'file', job, file }));
  if (node.kind === 'job') {
    if (!isGrouped(job)) return files(job.files);
    return GROUP_ORDER.filter((state) => job.files.some((f) => f.state === state)).map((state) => ({ kind: 'group', job, state }));
  }
  const inState = filesIn(job, node.state);
  if (node.kind === 'page') return files(inState.slice(node.start, node.start + PAGE_SIZE));
  if (inState.length <= PAGE_SIZE) return files(inState);
  return Array.from({ length: Math.ceil(inState.length / PAGE_SIZE) }, (_, i) => ({ kind: 'page', job, state: node.state, start: i * PAGE_SIZE }));
}

/** "Failed (3)", "Transcribed (997)": the files of a big job in one state. */
function groupItem(job: JobRecord, state: FileState): vscode.TreeItem {
  const count = job.files.filter((f) => f.state === state).length;
  const label =
    state === 'failed' ? vscode.l10n.t('Failed ({0})', formatCount(count)) : vscode.l10n.t('Transcribed ({0})', formatCount(count));
  // Failures are what a user looks for: open unless there are pages of them.
  const expanded = state === 'failed' && count <= PAGE_SIZE;
  const item = new vscode.TreeItem(label, expanded ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
  item.id = `${jobKey(job)}|group|${state}`;
  item.contextValue = `group.${state}`;
  item.iconPath =
    state === 'failed'
      ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'))
      : new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'));
  return item;
}

/** "101–200" with the first and last file's names: one page of a group. */
function pageItem(job: JobRecord, state: FileState, start: number): vscode.TreeItem {
  const page = filesIn(job, state).slice(start, start + PAGE_SIZE);
  const item = new vscode.TreeItem(vscode.l10n.t('{0}–{1}', formatCount(start + 1), formatCount(start + page.length)), vscode.TreeItemCollapsibleState.Collapsed);
  item.id = `${jobKey(job)}|page|${state}|${start}`;
  item.contextValue = 'page';
  const name = (f: JobFileRecord | undefined): string => (f ? (f.audioName ?? f.name) : '');
  item.description = page.length > 1 ? `${name(page[0])} … ${name(page.at(-1))}` : name(page[0]);
  return item;
}

/** 1000 → "1,000" in the display language. */
function formatCount(n: number): string {
  return n.toLocaleString(vscode.env.language);
}

/** The tree item of a job. */
export function jobItem(job: JobRecord, now = new Date()): vscode.TreeItem {
  const outcome = jobOutcome(job);
  const item = new vscode.TreeItem(
    job.displayName,
    job.files.length > 0 || job.status === 'Succeeded' ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
  );
  item.id = jobKey(job);
  item.iconPath = job.cancelled ? new vscode.ThemeIcon('circle-slash') : outcome === 'partial' ? PARTIAL_ICON : STATUS_ICONS[job.status];
  // `job.succeeded.partial` still matches the menus of succeeded jobs (`^job\.succeeded`), and adds Retry Failed.
  item.contextValue = `job.${job.status.toLowerCase()}${outcome === 'partial' ? '.partial' : ''}${job.cancelled ? '.cancelled' : ''}`;
  item.description = [
    // The icon alone says "succeeded"; "partly failed" is the icon and the count of failed files (short enough for
    // the default sidebar width); any other state is spelled out as well.
    outcome === 'succeeded' || (outcome === 'partial' && !job.cancelled) ? undefined : outcomeLabel(job),
    countsText(job),
    remainingText(job, now),
    relativeTime(new Date(job.createdDateTime), now, vscode.env.language),
  ]
    .filter(Boolean)
    .join(' · ');
  item.tooltip = jobTooltip(job, now);
  item.accessibilityInformation = { label: `${job.displayName}, ${outcomeLabel(job)}, ${item.description}` };
  if (job.status === 'Succeeded') {
    item.command = { title: vscode.l10n.t('Open Transcript'), command: Commands.openTranscript, arguments: [{ kind: 'job', job }] };
  }
  return item;
}

const PARTIAL_ICON = new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));

/** The job's state in words: Waiting, Running, Succeeded, Partly failed, Failed, Cancelled. */
export function outcomeLabel(job: JobRecord): string {
  if (job.cancelled) return vscode.l10n.t('Cancelled');
  return jobOutcome(job) === 'partial' ? vscode.l10n.t('Partly failed') : statusLabel(job.status);
}

/** "25 files", "7 of 25" (running), "23 of 25 · 2 failed" (partly failed), "… · 1 damaged" (transcribed with warnings). */
function countsText(job: JobRecord): string | undefined {
  const counts = filesText(job);
  const damaged = job.files.filter((f) => f.state === 'transcription' && f.warnings?.length).length;
  return damaged > 0 && counts ? `${counts} · ${vscode.l10n.t('{0} damaged', damaged)}` : counts;
}

function filesText(job: JobRecord): string | undefined {
  const { total, done, transcribed, failed } = fileCounts(job);
  if (total === undefined) return undefined;
  const files = total === 1 ? vscode.l10n.t('{0} file', total) : vscode.l10n.t('{0} files', formatCount(total));
  switch (jobOutcome(job)) {
    case 'pending':
      return job.status === 'Running' && (done > 0 || job.backend === 'local') ? vscode.l10n.t('{0} of {1}', formatCount(done), formatCount(total)) : files;
    case 'partial':
      return job.cancelled
        ? vscode.l10n.t('{0} of {1}', formatCount(transcribed), formatCount(total))
        : vscode.l10n.t('{0} of {1} · {2} failed', formatCount(transcribed), formatCount(total), formatCount(failed));
    default:
      return files;
  }
}

/** "about 3 min left" for a running local job that has finished some files. */
function remainingText(job: JobRecord, now: Date): string | undefined {
  const left = remainingMs(job, now);
  if (left === undefined) return undefined;
  const rough = roughDuration(left);
  if (rough.unit === 'lessThanMinute') return vscode.l10n.t('less than a minute left');
  if (rough.unit === 'minutes') return vscode.l10n.t('about {0} min left', rough.minutes);
  return vscode.l10n.t('about {0} h {1} min left', rough.hours, rough.minutes);
}

/** The estimated time left of a running local job: its files weighed by audio length, the speed measured since it started. */
export function remainingMs(job: JobRecord, now = new Date()): number | undefined {
  return estimateJob(job, now.getTime())?.remainingMs;
}

/** The tree item of a result file (or of an input that failed). */
export function fileItem(job: JobRecord, file: JobFileRecord): vscode.TreeItem {
  const label = file.audioName ?? file.name;
  const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
  item.id = `${jobKey(job)}|${file.state}|${file.index ?? ''}|${file.name}`;
  item.contextValue = `file.${file.state}${file.audioPath ? '.audio' : ''}`;
  item.resourceUri = file.audioPath ? vscode.Uri.file(file.audioPath) : undefined;
  if (file.state === 'failed') {
    item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
    const reason = file.error ? readableReason(file.error, file.name) : vscode.l10n.t('Failed');
    item.description = reason;
    const tooltip = new vscode.MarkdownString();
    tooltip.appendMarkdown(`**${escape(label)}**\n\n`).appendText(vscode.l10n.t('Failed: {0}', reason));
    if (file.audioPath) tooltip.appendMarkdown(`\n\n`).appendText(file.audioPath);
    item.tooltip = tooltip;
    item.accessibilityInformation = { label: `${label}, ${vscode.l10n.t('Failed: {0}', reason)}` };
  } else {
    const duration = file.durationMs !== undefined ? clockDuration(file.durationMs) : undefined;
    const warnings = file.warnings ?? [];
    // Damaged audio that was still transcribed: a warning row that says what is wrong (the transcript has the rest).
    item.iconPath = warnings.length > 0 ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground')) : new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'));
    item.description = warnings.length > 0 ? warnings.join(' · ') : duration;
    const tooltip = new vscode.MarkdownString();
    const state = warnings.length > 0 ? vscode.l10n.t('Transcribed with warnings') : vscode.l10n.t('Transcribed');
    tooltip.appendMarkdown(`**${escape(label)}**\n\n`).appendText(state);
    if (duration) tooltip.appendText(' · ').appendText(vscode.l10n.t('Duration: {0}', duration));
    for (const warning of warnings) tooltip.appendMarkdown('\n\n').appendText(`⚠ ${warning}`);
    if (file.audioPath) tooltip.appendMarkdown(`\n\n`).appendText(file.audioPath);
    item.tooltip = tooltip;
    item.accessibilityInformation = { label: [label, state, duration, ...warnings].filter(Boolean).join(', ') };
    item.command = { title: vscode.l10n.t('Open Transcript'), command: Commands.openTranscript, arguments: [{ kind: 'file', job, file }] };
  }
  return item;
}

function jobTooltip(job: JobRecord, now: Date): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  md.appendMarkdown(`**${escape(job.displayName)}**\n\n`);
  const line = (text: string) => md.appendText(text).appendMarkdown('  \n');
  line(vscode.l10n.t('Status: {0}', outcomeLabel(job)));
  const { total, done, transcribed, failed } = fileCounts(job);
  if (total !== undefined) {
    if (jobOutcome(job) === 'pending') line(vscode.l10n.t('Files done: {0} of {1}', done, total));
    else line(vscode.l10n.t('Files transcribed: {0} of {1}', transcribed, total));
  }
  if (failed > 0) line(vscode.l10n.t('Files failed: {0}', failed));
  const damaged = job.files.filter((f) => f.state === 'transcription' && f.warnings?.length).length;
  if (damaged > 0) line(vscode.l10n.t('Files with damaged audio: {0}', damaged));
  const left = remainingText(job, now);
  if (left) line(vscode.l10n.t('Estimated: {0}', left));
  const estimate = estimateJob(job, now.getTime());
  if (estimate?.speed !== undefined) {
    const audio = vscode.l10n.t('{0} of {1}', clockDuration(estimate.audioDoneMs!), clockDuration(estimate.audioTotalMs!));
    line(vscode.l10n.t('Audio done: {0} ({1}× real time)', audio, estimate.speed.toFixed(estimate.speed < 10 ? 1 : 0)));
  }
  line(vscode.l10n.t('Runs on: {0}', describeEndpoint(job)));
  line(vscode.l10n.t('Locale: {0}', job.locale || '—'));
  line(vscode.l10n.t('Created: {0}', new Date(job.createdDateTime).toLocaleString(vscode.env.language)));
  if (job.durationMs !== undefined) line(vscode.l10n.t('Audio duration: {0}', clockDuration(job.durationMs)));
  if (job.error?.message) line(vscode.l10n.t('Reason: {0}', readableReason(job.error.message)));
  const failedFiles = job.files.filter((f) => f.state === 'failed');
  if (failedFiles.length > 0 && !job.error?.message) {
    md.appendMarkdown('\n');
    for (const f of failedFiles.slice(0, 10)) {
      md.appendMarkdown('- ').appendText(`${f.audioName ?? f.name}: ${f.error ? readableReason(f.error, f.name) : vscode.l10n.t('Failed')}`).appendMarkdown('\n');
    }
    if (failedFiles.length > 10) md.appendMarkdown('- ').appendText(vscode.l10n.t('… and {0} more', failedFiles.length - 10)).appendMarkdown('\n');
  } else if (job.audioPaths.length > 0 && job.audioPaths.length <= 10) {
    md.appendMarkdown('\n');
    for (const file of job.audioPaths) md.appendMarkdown('- ').appendText(path.basename(file)).appendMarkdown('\n');
  }
  return md;
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
