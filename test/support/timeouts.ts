/** Time limits for test harness steps, failing with a readable message instead of hanging. */
import { sleep } from '../../src/core/sleep';

/** Error thrown when a step runs out of time. */
export class StepTimeoutError extends Error {
  override name = 'StepTimeoutError';
}

/**
 * Runs `operation` and fails with `message()` (plus the limit) when it has not settled within `ms`. The operation
 * receives a signal that is aborted at that moment, so loops and listeners can stop.
 */
export async function withTimeout<T>(
  operation: (signal: AbortSignal) => Promise<T>,
  ms: number,
  message: () => string,
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new StepTimeoutError(`${message()} (timed out after ${Math.round(ms / 1000)} s)`));
    }, ms);
  });
  try {
    return await Promise.race([operation(controller.signal), timeout]);
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}

/** Resolves after `ms`, or at once when `signal` aborts (the shared sleep, without its rejection). */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return sleep(ms, signal).catch(() => undefined);
}

/**
 * Polls `probe` every `intervalMs` until it returns a value other than `undefined`, and returns that value; fails
 * with `message(last)` after `ms`, where `last` is what the last failed probe saw (for a readable failure).
 */
export async function eventually<T>(
  probe: () => Promise<{ value: T } | { last: unknown }>,
  ms: number,
  message: (last: unknown) => string,
  intervalMs = 250,
): Promise<T> {
  let last: unknown;
  return withTimeout(
    async (signal) => {
      for (;;) {
        const result = await probe();
        if ('value' in result) return result.value;
        last = result.last;
        await delay(intervalMs, signal);
        if (signal.aborted) throw new StepTimeoutError('aborted');
      }
    },
    ms,
    () => message(last),
  );
}
