/** Short human-readable times and durations for the jobs tree. Plain Node (no VS Code import). */
import { formatDuration } from '../core/ticks';

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600_000],
  ['month', 30 * 24 * 3600_000],
  ['week', 7 * 24 * 3600_000],
  ['day', 24 * 3600_000],
  ['hour', 3600_000],
  ['minute', 60_000],
];

/** "just now", "5 minutes ago", "yesterday", … in the given UI language. */
export function relativeTime(date: Date, now: Date, language = 'en'): string {
  const diff = date.getTime() - now.getTime();
  const format = new Intl.RelativeTimeFormat(language, { numeric: 'auto' });
  for (const [unit, ms] of UNITS) {
    if (Math.abs(diff) >= ms) return format.format(Math.round(diff / ms), unit);
  }
  return format.format(0, 'second');
}

/** "1:05:09" or "4:07" (minutes:seconds) for a duration in ms, floored like every time shown (core/ticks.ts). */
export const clockDuration = formatDuration;
