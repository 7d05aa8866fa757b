/**
 * Polls the jobs that are not finished: one chained setTimeout (never an interval), backing off while nothing
 * changes, slower while the window is unfocused, honouring Retry-After; idle while nothing is pending.
 */
import * as vscode from 'vscode';
import { SpeechApiError } from '../core/client';
import { UserFacingError, userMessage } from './errors';
import type { JobManager } from './jobManager';
import { Disposable, toDisposable } from './lifecycle';
import { nextDelay, type PollTiming } from './pollSchedule';

export class JobPoller extends Disposable {
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
    if (this.isDisposed || this.polling || this.jobs.pending().length === 0) return;
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
    const pending = this.jobs.pending();
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

  private cancelTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

function maxDefined(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.max(a, b);
}
