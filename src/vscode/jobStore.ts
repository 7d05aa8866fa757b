/** The jobs this VS Code knows about, persisted in globalState so they survive a restart. */
import * as vscode from 'vscode';
import { deserializeJobs, jobKey, serializeJobs, type JobRecord } from './jobRecord';
import { Disposable } from './lifecycle';
import { StateKeys } from './storageKeys';

const STORAGE_KEY = StateKeys.jobs;

export class JobStore extends Disposable {
  private jobs: JobRecord[];
  private readonly changed = this._register(new vscode.EventEmitter<JobRecord | undefined>());
  /** Fires with the job that changed, or undefined when the list changed (added, removed). */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly memento: vscode.Memento,
    log: vscode.LogOutputChannel,
  ) {
    super();
    const { jobs, dropped } = deserializeJobs(memento.get(STORAGE_KEY));
    if (dropped > 0) log.warn(`Ignored ${dropped} unreadable stored job entries.`);
    this.jobs = jobs;
  }

  /** Re-reads the stored jobs: globalState is shared by all windows, which may have changed it since. */
  private reload(): void {
    this.jobs = deserializeJobs(this.memento.get(STORAGE_KEY)).jobs;
  }

  /** All jobs, newest first. */
  all(): readonly JobRecord[] {
    return [...this.jobs].sort((a, b) => b.createdDateTime.localeCompare(a.createdDateTime));
  }

  /** Jobs that are not finished yet. */
  pending(): JobRecord[] {
    return this.jobs.filter((j) => j.status === 'NotStarted' || j.status === 'Running');
  }

  get(key: string): JobRecord | undefined {
    return this.jobs.find((j) => jobKey(j) === key);
  }

  /** The job with this transcription id (ids are GUIDs, unique across endpoints in practice). */
  byId(id: string): JobRecord | undefined {
    return this.jobs.find((j) => j.id === id);
  }

  /** Adds a job or replaces the stored job with the same key. */
  async put(job: JobRecord): Promise<void> {
    this.reload();
    const index = this.jobs.findIndex((j) => jobKey(j) === jobKey(job));
    if (index >= 0) this.jobs[index] = job;
    else this.jobs.push(job);
    await this.save();
    this.changed.fire(index >= 0 ? job : undefined);
  }

  async remove(job: JobRecord): Promise<void> {
    this.reload();
    this.jobs = this.jobs.filter((j) => jobKey(j) !== jobKey(job));
    await this.save();
    this.changed.fire(undefined);
  }

  private save(): Thenable<void> {
    return this.memento.update(STORAGE_KEY, serializeJobs(this.jobs));
  }
}
