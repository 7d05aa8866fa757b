/**
 * Polls the jobs that are not finished: one chained setTimeout (never an interval) per backend, idle while nothing is
 * pending. Azure jobs back off while nothing changes, slower while the window is unfocused, honouring Retry-After.
 * Local jobs run on this machine: their service is asked every {@link LOCAL_POLL_MS}, so a finished file or job shows
 * within a second.
 */
import * as vscode from 'vscode';
import { SpeechApiError } from '../core/client';
import { UserFacingError, userMessage } from './errors';
import type { JobManager } from './jobManager';
import type { BackendKind, JobRecord } from './jobRecord';
import { Disposable, toDisposable } from './lifecycle';
import { nextDelay, type PollTiming } from './pollSchedule';

/** How often the local service is asked about its pending jobs. */
export const LOCAL_POLL_MS = 500;

/** Follows the pending jobs of both backends (two loops: the local one fast, the Azure one with backoff). */
export class JobPoller extends Disposable {
  private readonly loops: PollLoop[];

  constructor(jobs: JobManager, timing: () => PollTiming, log: vscode.LogOutputChannel) {
    super();
    this.loops = [
      this._register(new PollLoop(jobs, () => ({ minMs: LOCAL_POLL_MS, maxMs: LOCAL_POLL_MS }), log, 'local')),
      this._register(new PollLoop(jobs, timing, log, 'azure')),
    ];
  }

  /** Whether a round is scheduled or running. */
  get active(): boolean {
    return this.loops.some((l) => l.active);
  }

  /** Polls soon, starting from the shortest interval (new job, manual refresh, settings changed). */
  kick(): void {
    for (const loop of this.loops) loop.kick();
  }
}

/** The polling loop of one backend's jobs. */
class PollLoop extends Disposable {
  private timer: NodeJS.Timeout | undefined;
  private polling = false;
  private idleRounds = 0;
  private retryAfterMs: number | undefined;
  /** When the next round is due (for rescheduling on focus changes). */
  private dueAt = 0;
  /** A kick arrived during a round: start the next one from the shortest interval. */
  private kickedDuringRound = false;

  constructor(
    private readonly jobs: JobManager,
    private readonly timing: () => PollTiming,
    private readonly log: vscode.LogOutputChannel,
    private readonly backend: BackendKind,
  ) {
    super();
    this._register(jobs.onDidSubmit(() => this.kick()));
    this._register(
      vscode.window.onDidChangeWindowState((state) => {
        // Coming back to the window: look now if the next round is further away than a focused interval.
        if (state.focused && this.timer && this.dueAt - Date.now() > this.delay()) this.schedule();
      }),
    );
    this._register(toDisposable(() => this.cancelTimer()));
  }

  /** Whether a round is scheduled or running. */
  get active(): boolean {
    return this.timer !== undefined || this.polling;
  }

  /** Polls soon, starting from the shortest interval (new job, manual refresh, settings changed). */
  kick(): void {
    this.kickedDuringRound = this.polling;
    this.idleRounds = 0;
    this.retryAfterMs = undefined;
    this.schedule();
  }

  /** Schedules the next round (replacing a scheduled one); stops when nothing is pending. */
  private schedule(): void {
    this.cancelTimer();
    if (this.isDisposed || this.polling || this.pending().length === 0) return;
    const delay = this.delay();
    this.dueAt = Date.now() + delay;
    this.timer = setTimeout(() => void this.round(), delay);
  }

  private delay(): number {
    return nextDelay(
      { idleRounds: this.idleRounds, focused: vscode.window.state.focused, retryAfterMs: this.retryAfterMs },
      this.timing(),
    );
  }

  private async round(): Promise<void> {
    this.timer = undefined;
    this.polling = true;
    let changed = false;
    let retryAfterMs: number | undefined;
    const pending = this.pending();
    /** Jobs whose service could not be reached at all (no key, local service won't start). */
    let unreachable = 0;
    try {
      for (const job of pending) {
        try {
          const result = await this.jobs.refresh(job);
          changed ||= result.changed;
          retryAfterMs = maxDefined(retryAfterMs, result.retryAfterMs);
        } catch (err) {
          if (err instanceof SpeechApiError) retryAfterMs = maxDefined(retryAfterMs, err.retryAfterMs);
          if (err instanceof UserFacingError) unreachable++;
          this.log.warn(`Checking job ${job.id} failed: ${userMessage(err)}`);
        }
      }
    } finally {
      this.polling = false;
    }
    const kicked = this.kickedDuringRound;
    this.idleRounds = changed || kicked ? 0 : this.idleRounds + 1;
    this.kickedDuringRound = false;
    this.retryAfterMs = retryAfterMs;
    if (!kicked && pending.length > 0 && unreachable === pending.length) {
      // Retrying cannot help (and would respawn the local service forever): key changes and Refresh kick it again.
      this.log.info('Stopped checking jobs until the setup changes or Refresh is run: no job service could be reached.');
      return;
    }
    this.schedule();
  }

  private pending(): JobRecord[] {
    return this.jobs.pending().filter((j) => j.backend === this.backend);
  }

  private cancelTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

function maxDefined(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.max(a, b);
}
