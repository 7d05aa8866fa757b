/**
 * The "Transcription Jobs" view: jobs (status icon, file count and age, tooltip with details) and their result files
 * (or per-file failure reasons). `contextValue`s match the `view/item/context` menus of package.json:
 * `job.succeeded|job.running|job.notstarted|job.failed`, `file.transcription|file.failed` and, for the files of a big
 * job, `group.failed|group.transcription` and `page`.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Status } from '../core/wire';
import { Commands } from './commandIds';
import { clockDuration, relativeTime } from './humanize';
import { jobKey, type JobFileRecord, type JobRecord } from './jobRecord';
import { describeEndpoint, type JobManager } from './jobManager';
import { estimateJob, fileCounts, jobOutcome, readableReason, roughDuration } from './jobProgress';
import { Disposable, toDisposable } from './lifecycle';

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

/**
 * How soon a job's rows are redrawn again after a redraw while it runs. Every redraw of a row closes its hover and a
 * context menu open on it: a job whose files finish twice a second shows its new count at most this often.
 */
export const MIN_REDRAW_MS = 2_000;
/** How often rows are read again for texts that age with the clock ("3 min left", "5 minutes ago") while jobs run. */
export const CLOCK_TICK_MS = 20_000;

/** What a node last showed: its row at a glance, its tooltip, and its children (ids) once they were listed. */
interface Shown {
  glance: string;
  detail: string;
  children?: string[];
}

/** The key of the roots in {@link JobsTreeProvider}'s record of what was shown. */
const ROOT = '';

/**
 * The tree of jobs. A change redraws only the rows whose content changed (label, description, tooltip, icon, menus,
 * children): VS Code closes a row's hover and context menu when it redraws it, so rows that did not change must not
 * be redrawn, and a running job's rows at most every {@link MIN_REDRAW_MS}.
 */
export class JobsTreeProvider extends Disposable implements vscode.TreeDataProvider<JobsTreeNode> {
  private readonly changed = this._register(new vscode.EventEmitter<JobsTreeNode | JobsTreeNode[] | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  /** The node objects handed to VS Code by id: it refreshes an element by identity, so an id keeps its object. */
  private readonly nodes = new Map<string, JobsTreeNode>();
  /** What each node listed to VS Code last showed, by id ({@link ROOT}: the list of jobs). */
  private readonly shown = new Map<string, Shown>();
  /** Keys of the jobs that changed since their rows were last compared. */
  private readonly dirty = new Set<string>();
  private flushTimer: NodeJS.Timeout | undefined;
  private lastFlush = Number.NEGATIVE_INFINITY;
  private clock: NodeJS.Timeout | undefined;

  constructor(
    private readonly jobs: JobManager,
    private readonly log: vscode.LogOutputChannel,
    private readonly timing = { minRedrawMs: MIN_REDRAW_MS, clockTickMs: CLOCK_TICK_MS },
  ) {
    super();
    this._register(jobs.onDidChange((job) => (job ? this.jobChanged(job) : this.listChanged())));
    this._register(
      toDisposable(() => {
        clearTimeout(this.flushTimer);
        clearInterval(this.clock);
      }),
    );
  }

  /** Redraws every node (the Refresh command, the view shown again). */
  refresh(): void {
    this.dirty.clear();
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
    if (!node) {
      this.runClock();
      return this.listed(undefined, this.jobs.all().map((job) => ({ kind: 'job', job })));
    }
    if (node.kind === 'file') return [];
    let job = this.jobs.latest(node.job);
    if (node.kind === 'job') {
      try {
        job = await this.jobs.ensureFiles(job);
      } catch (err) {
        this.log.warn(`Listing the files of job ${job.id} failed: ${(err as Error).message}`);
      }
    }
    return this.listed(node, fileChildren(job, node));
  }

  getParent(node: JobsTreeNode): JobsTreeNode | undefined {
    const parent = parentOf(this.jobs, node);
    return parent && (this.nodes.get(nodeId(parent)) ?? parent);
  }

  /** Records what VS Code is given: the children of `parent` (the same object per id as before) and their rows. */
  private listed(parent: JobsTreeNode | undefined, children: JobsTreeNode[]): JobsTreeNode[] {
    const parentId = parent ? nodeId(parent) : ROOT;
    if (parent && !this.nodes.has(parentId)) this.nodes.set(parentId, parent);
    const ids = children.map(nodeId);
    const previous = this.shown.get(parentId);
    const kept = new Set(ids);
    for (const id of previous?.children ?? []) if (!kept.has(id)) this.forget(id);
    const listed = children.map((child, i) => {
      const node = this.intern(ids[i]!, child);
      this.shown.set(ids[i]!, { ...this.look(node), children: this.shown.get(ids[i]!)?.children });
      return node;
    });
    this.shown.set(parentId, { ...(previous ?? (parent ? this.look(parent) : { glance: '', detail: '' })), children: ids });
    return listed;
  }

  /** The node object VS Code knows for this id, brought up to date with `node`. */
  private intern(id: string, node: JobsTreeNode): JobsTreeNode {
    const known = this.nodes.get(id);
    if (!known) {
      this.nodes.set(id, node);
      return node;
    }
    if (known !== node) Object.assign(known, node);
    return known;
  }

  /** Forgets a node that is no longer listed, and what was listed under it. */
  private forget(id: string): void {
    const shown = this.shown.get(id);
    this.shown.delete(id);
    this.nodes.delete(id);
    for (const child of shown?.children ?? []) this.forget(child);
  }

  /** A row as compared: at a glance (what the row shows and offers) and in detail (tooltip, screen reader text). */
  private look(node: JobsTreeNode): { glance: string; detail: string } {
    const item = this.getTreeItem(node);
    const icon = item.iconPath instanceof vscode.ThemeIcon ? [item.iconPath.id, item.iconPath.color?.id] : [];
    const glance = [
      typeof item.label === 'string' ? item.label : item.label?.label,
      item.description,
      ...icon,
      item.contextValue,
      item.collapsibleState,
      item.resourceUri?.toString(),
      item.command?.command,
    ];
    const tooltip = item.tooltip instanceof vscode.MarkdownString ? item.tooltip.value : item.tooltip;
    return { glance: JSON.stringify(glance), detail: JSON.stringify([tooltip, item.accessibilityInformation?.label]) };
  }

  /** A job was saved: its rows are compared now when it is not running, else once {@link MIN_REDRAW_MS} passed. */
  private jobChanged(job: JobRecord): void {
    this.dirty.add(jobKey(job));
    const running = job.status === 'Running' || job.status === 'NotStarted';
    const wait = running ? Math.max(0, this.lastFlush + this.timing.minRedrawMs - Date.now()) : 0;
    if (this.flushTimer) {
      if (wait > 0) return;
      clearTimeout(this.flushTimer);
    }
    this.flushTimer = setTimeout(() => this.flush(), wait);
  }

  /** Jobs were added or removed: the list of jobs is listed again (unless it is the same, e.g. another window saved). */
  private listChanged(): void {
    const roots = this.shown.get(ROOT)?.children;
    const ids = this.jobs.all().map((job) => jobKey(job));
    if (!roots || roots.join('\n') !== ids.join('\n')) {
      this.dirty.clear();
      this.changed.fire(undefined);
      return;
    }
    for (const key of ids) this.dirty.add(key);
    if (!this.flushTimer) this.flushTimer = setTimeout(() => this.flush(), 0);
  }

  /** Compares the rows of the jobs that changed with what they showed, and redraws those that differ. */
  private flush(): void {
    this.flushTimer = undefined;
    this.lastFlush = Date.now();
    const keys = [...this.dirty];
    this.dirty.clear();
    const changed = keys.flatMap((key) => this.compare(key, 'content'));
    if (changed.length > 0) this.changed.fire(changed);
    this.runClock();
  }

  /**
   * The listed nodes of a job whose row or children differ from what they showed (`content`), or, for the clock,
   * whose row at a glance does (a tooltip that ages alone is not worth closing it while it is read).
   */
  private compare(key: string, what: 'content' | 'clock'): JobsTreeNode[] {
    const job = this.jobs.get(key);
    if (!job) return [];
    const changed: JobsTreeNode[] = [];
    let files: Map<string, JobFileRecord> | undefined;
    for (const [id, node] of this.nodes) {
      // Only a job's own row shows texts that age.
      if (jobKey(node.job) !== key || (what === 'clock' && node.kind !== 'job')) continue;
      const shown = this.shown.get(id);
      if (!shown) continue;
      node.job = job;
      if (node.kind === 'file') {
        files ??= new Map(job.files.map((f) => [nodeId({ kind: 'file', job, file: f }), f]));
        const file = files.get(id);
        if (!file) continue; // gone from its parent's children: the parent is redrawn
        node.file = file;
      }
      const now = this.look(node);
      let differs = now.glance !== shown.glance || (what === 'content' && now.detail !== shown.detail);
      let children = shown.children;
      if (what === 'content' && children && node.kind !== 'file') {
        const listed = fileChildren(job, node).map(nodeId);
        if (listed.join('\n') !== children.join('\n')) {
          differs = true;
          children = listed;
        }
      }
      if (!differs) continue;
      this.shown.set(id, { ...now, children });
      changed.push(node);
    }
    return changed;
  }

  /** While jobs run, rows are compared every {@link CLOCK_TICK_MS} for texts that age ("3 min left"). */
  private runClock(): void {
    const running = this.jobs.pending().length > 0;
    if (running && !this.clock) {
      this.clock = setInterval(() => {
        const changed = this.jobs.all().flatMap((job) => this.compare(jobKey(job), 'clock'));
        if (changed.length > 0) this.changed.fire(changed);
        if (this.jobs.pending().length === 0) this.stopClock();
      }, this.timing.clockTickMs);
    } else if (!running) this.stopClock();
  }

  private stopClock(): void {
    clearInterval(this.clock);
    this.clock = undefined;
  }
}

/** The id of a node's tree item: the same node (a job, one of its groups, pages or files) keeps it across changes. */
export function nodeId(node: JobsTreeNode): string {
  const key = jobKey(node.job);
  switch (node.kind) {
    case 'job':
      return key;
    case 'group':
      return `${key}|group|${node.state}`;
    case 'page':
      return `${key}|page|${node.state}|${node.start}`;
    case 'file':
      return `${key}|${node.file.state}|${node.file.index ?? ''}|${node.file.name}`;
  }
}

/** The parent of a node (what reveal walks up), from the stored job. */
function parentOf(jobs: JobManager, node: JobsTreeNode): JobsTreeNode | undefined {
  if (node.kind === 'job') return undefined;
  const job = jobs.get(jobKey(node.job));
  if (!job) return undefined;
  if (node.kind === 'page') return { kind: 'group', job, state: node.state };
  if (node.kind === 'group' || !isGrouped(job)) return { kind: 'job', job };
  const inState = filesIn(job, node.file.state);
  if (inState.length <= PAGE_SIZE) return { kind: 'group', job, state: node.file.state };
  const position = inState.findIndex((f) => sameFile(f, node.file));
  return { kind: 'page', job, state: node.file.state, start: Math.max(0, position - (position % PAGE_SIZE)) };
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
  const files = job.files.filter((f) => f.state === state);
  const count = files.length;
  // The files a cancelled job never got to are "cancelled", not failures of theirs.
  const cancelled = files.filter((f) => f.cancelled).length;
  const label =
    state === 'transcription'
      ? vscode.l10n.t('Transcribed ({0})', formatCount(count))
      : cancelled === 0
        ? vscode.l10n.t('Failed ({0})', formatCount(count))
        : cancelled === count
          ? vscode.l10n.t('Cancelled ({0})', formatCount(count))
          : vscode.l10n.t('Failed or cancelled ({0})', formatCount(count));
  // Failures are what a user looks for: open unless there are pages of them.
  const expanded = state === 'failed' && count <= PAGE_SIZE;
  const item = new vscode.TreeItem(label, expanded ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
  item.id = nodeId({ kind: 'group', job, state });
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
  item.id = nodeId({ kind: 'page', job, state, start });
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
  item.id = nodeId({ kind: 'job', job });
  item.iconPath = job.cancelled ? new vscode.ThemeIcon('circle-slash') : outcome === 'partial' ? PARTIAL_ICON : STATUS_ICONS[job.status];
  // `job.succeeded.partial` still matches the menus of succeeded jobs (`^job\.succeeded`), and adds Retry Failed.
  item.contextValue = `job.${job.status.toLowerCase()}${outcome === 'partial' ? '.partial' : ''}${job.cancelled ? '.cancelled' : ''}`;
  item.description = (
    job.status === 'Running' && !job.cancelled
      ? // What a running job's row is watched for, first and short enough for the default sidebar width: "3 of 25 ·
        // 3 min left" (the spinning icon says it runs; its age and the details are in the tooltip).
        [filesText(job), remainingText(job, now, true) ?? relativeTime(new Date(job.createdDateTime), now, vscode.env.language), damagedText(job)]
      : [
          // The icon alone says "succeeded"; "partly failed" is the icon and the count of failed files; any other
          // state is spelled out as well.
          outcome === 'succeeded' || (outcome === 'partial' && !job.cancelled) ? undefined : outcomeLabel(job),
          countsText(job),
          relativeTime(new Date(job.createdDateTime), now, vscode.env.language),
        ]
  )
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
  const damaged = damagedText(job);
  return damaged && counts ? `${counts} · ${damaged}` : counts;
}

/** "1 damaged": files transcribed from damaged audio. */
function damagedText(job: JobRecord): string | undefined {
  const damaged = job.files.filter((f) => f.state === 'transcription' && f.warnings?.length).length;
  return damaged > 0 ? vscode.l10n.t('{0} damaged', damaged) : undefined;
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

/**
 * "about 3 min left" for a running local job that has finished some files; `short`: "3 min left", "< 1 min left",
 * "1 h 20 min left" (its row).
 */
function remainingText(job: JobRecord, now: Date, short = false): string | undefined {
  const left = remainingMs(job, now);
  if (left === undefined) return undefined;
  const rough = roughDuration(left);
  if (rough.unit === 'lessThanMinute') return short ? vscode.l10n.t('< 1 min left') : vscode.l10n.t('less than a minute left');
  if (rough.unit === 'minutes') return short ? vscode.l10n.t('{0} min left', rough.minutes) : vscode.l10n.t('about {0} min left', rough.minutes);
  return short ? vscode.l10n.t('{0} h {1} min left', rough.hours, rough.minutes) : vscode.l10n.t('about {0} h {1} min left', rough.hours, rough.minutes);
}

/** The estimated time left of a running local job: its files weighed by audio length, the speed measured since it started. */
export function remainingMs(job: JobRecord, now = new Date()): number | undefined {
  return estimateJob(job, now.getTime())?.remainingMs;
}

/** The tree item of a result file (or of an input that failed). */
export function fileItem(job: JobRecord, file: JobFileRecord): vscode.TreeItem {
  const label = file.audioName ?? file.name;
  const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
  item.id = nodeId({ kind: 'file', job, file });
  item.contextValue = `file.${file.state}${file.audioPath ? '.audio' : ''}`;
  item.resourceUri = file.audioPath ? vscode.Uri.file(file.audioPath) : undefined;
  if (file.state === 'failed') {
    // A file its job's cancelling left untranscribed did not fail: no warning, "Cancelled before it was transcribed".
    item.iconPath = file.cancelled ? new vscode.ThemeIcon('circle-slash') : new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
    const reason = file.error ? readableReason(file.error, file.name) : vscode.l10n.t('Failed');
    item.description = reason;
    const state = file.cancelled ? reason : vscode.l10n.t('Failed: {0}', reason);
    const tooltip = new vscode.MarkdownString();
    tooltip.appendMarkdown(`**${escape(label)}**\n\n`).appendText(state);
    if (file.audioPath) tooltip.appendMarkdown(`\n\n`).appendText(file.audioPath);
    item.tooltip = tooltip;
    item.accessibilityInformation = { label: `${label}, ${state}` };
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
  const cancelled = job.files.filter((f) => f.state === 'failed' && f.cancelled).length;
  if (failed > cancelled) line(vscode.l10n.t('Files failed: {0}', failed - cancelled));
  if (cancelled > 0) line(vscode.l10n.t('Files cancelled: {0}', cancelled));
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
  const failedFiles = job.files.filter((f) => f.state === 'failed' && !f.cancelled);
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
