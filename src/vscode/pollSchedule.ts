/**
 * Timing of the job poller, kept free of VS Code so it can be unit-tested in plain Node.
 *
 * The poller waits `minMs` after a change (a new job, a status change), then backs off geometrically while nothing
 * changes, up to `maxMs`. An unfocused window polls less often; a Retry-After (or 429) from the service is always
 * honoured, even when it is longer than `maxMs`.
 */

/** Settings-derived limits of the poller. */
export interface PollTiming {
  /** First interval after something changed (`speechBatch.polling.minIntervalSeconds`). */
  minMs: number;
  /** Longest interval while the window is focused (`speechBatch.polling.maxIntervalSeconds`). */
  maxMs: number;
}

/** What the poller knows when it schedules the next round. */
export interface PollState {
  /** Rounds in a row in which no pending job changed (0 right after a change or a new job). */
  idleRounds: number;
  /** Whether the VS Code window has focus. */
  focused: boolean;
  /** The longest Retry-After the service asked for in the last round, if any. */
  retryAfterMs?: number;
}

/** Growth of the interval per idle round. */
export const BACKOFF_FACTOR = 1.5;
/** How much slower polling is while the window is unfocused. */
export const UNFOCUSED_FACTOR = 4;
/** Ceiling of an unfocused interval, as a multiple of `maxMs`. */
export const UNFOCUSED_MAX_FACTOR = 2;

/** Reads the two polling settings (in seconds) into a sane {@link PollTiming}: min ≥ 1 s, max ≥ min. */
export function pollTiming(minIntervalSeconds: number, maxIntervalSeconds: number): PollTiming {
  const minMs = Math.max(1, finiteOr(minIntervalSeconds, 3)) * 1000;
  const maxMs = Math.max(minMs, finiteOr(maxIntervalSeconds, 60) * 1000);
  return { minMs, maxMs };
}

/** Milliseconds to wait before the next poll. */
export function nextDelay(state: PollState, timing: PollTiming): number {
  const idle = Math.max(0, Math.floor(state.idleRounds));
  const backedOff = Math.min(timing.maxMs, timing.minMs * BACKOFF_FACTOR ** idle);
  const delay = state.focused
    ? backedOff
    : Math.min(backedOff * UNFOCUSED_FACTOR, timing.maxMs * UNFOCUSED_MAX_FACTOR);
  return Math.round(Math.max(delay, state.retryAfterMs ?? 0));
}

function finiteOr(value: number, fallback: number): number {
  return Number.isFinite(value) ? value : fallback;
}
