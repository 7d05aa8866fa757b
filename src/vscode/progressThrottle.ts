/**
 * Turns byte counts of an upload into throttled progress reports for `vscode.window.withProgress` (a report per
 * chunk would flood the notification). Plain Node (no VS Code import) so it is unit-testable.
 */

/** What `Progress<{ message, increment }>.report` takes. */
export interface ProgressStep {
  message?: string;
  increment?: number;
}

/**
 * A `(sentBytes, totalBytes, fileName)` callback that reports at most once per `minIntervalMs` and only when the
 * whole percentage grew; the final 100 % is always reported. Increments add up to the percentage reported.
 */
export function throttledByteProgress(
  report: (step: ProgressStep) => void,
  message: (percent: number, fileName: string) => string,
  minIntervalMs = 250,
  now: () => number = Date.now,
): (sentBytes: number, totalBytes: number, fileName: string) => void {
  let reported = 0;
  let lastAt = Number.NEGATIVE_INFINITY;
  return (sentBytes, totalBytes, fileName) => {
    const percent = totalBytes > 0 ? Math.min(100, Math.floor((sentBytes / totalBytes) * 100)) : 100;
    const at = now();
    if (percent <= reported || (percent < 100 && at - lastAt < minIntervalMs)) return;
    report({ message: message(percent, fileName), increment: percent - reported });
    reported = percent;
    lastAt = at;
  };
}
