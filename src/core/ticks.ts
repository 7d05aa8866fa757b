/**
 * Time conversions for transcripts: service ticks (1 tick = 100 ns), ISO 8601 durations and the clock formats
 * of the transcript exports. Every time in the model is an integer number of milliseconds.
 *
 * THE ROUNDING RULE. Every time and every duration shown to a user in whole seconds is rounded DOWN (floored) to the
 * second: a call of 48.9 s is "0:48", a turn starting at 1:23.7 is "00:01:23", a talk time of 22.6 s is "0:22" —
 * the way media players count (the player shows 0:48 until the 49th second has begun). Floors at different
 * precisions never contradict each other (48.96 s is 48.9 s in a CSV and 0:48 on screen; rounding would say 49.0
 * and 0:49 … or 0:48). Every place that shows times — the transcript view and its player (media/transcriptModel.js,
 * which cannot import this file and is unit-tested equal to it), the text/Markdown/SRT/VTT exports, the jobs tree,
 * the batch summary and the CLI — formats them with {@link formatClock} (a position, `hh:mm:ss`) or
 * {@link formatDuration} (a length, `m:ss` / `h:mm:ss`), or floors to the precision it shows (SRT/VTT: the
 * millisecond; CSV: the tenth of a second).
 */

/** Ticks per millisecond (1 tick = 100 ns). */
export const TICKS_PER_MS = 10_000;

/** Converts service ticks (possibly fractional) to integer milliseconds, rounding half up. */
export function ticksToMs(ticks: number): number {
  if (!Number.isFinite(ticks)) {
    throw new RangeError(`ticks must be a finite number, got ${String(ticks)}`);
  }
  return Math.round(ticks / TICKS_PER_MS);
}

/** Converts milliseconds to service ticks. */
export function msToTicks(ms: number): number {
  return Math.round(ms * TICKS_PER_MS);
}

/** Nanoseconds per unit of an ISO 8601 duration (time and day parts; years and months have no fixed length). */
const NS_PER_UNIT = { W: 604_800e9, D: 86_400e9, H: 3_600e9, M: 60e9, S: 1e9 } as const;

const NUMBER = '(\\d+(?:[.,]\\d+)?)';
const ISO_DURATION = new RegExp(
  `^P(?:${NUMBER}W)?(?:${NUMBER}D)?(?:T(?:${NUMBER}H)?(?:${NUMBER}M)?(?:${NUMBER}S)?)?$`,
);

/**
 * Parses an ISO 8601 duration (`PT1M2.345S`, `P1DT2H`, `PT0S`, `P2W`) into integer milliseconds, rounding half up.
 * Decimal fractions are computed exactly (no binary floating point error), to the nanosecond.
 * Years and months are rejected (their length is not fixed); so are negative and empty durations.
 *
 * @throws RangeError naming the text when it is not such a duration.
 */
export function parseIsoDuration(text: string): number {
  const match = ISO_DURATION.exec(text);
  // `P` alone, `PT` and `P1DT` carry no component.
  if (!match || text === 'P' || text.endsWith('T')) {
    throw new RangeError(`not an ISO 8601 duration: ${JSON.stringify(text)}`);
  }
  const units = Object.values(NS_PER_UNIT);
  let ns = 0;
  for (let i = 0; i < units.length; i++) {
    const value = match[i + 1];
    if (value !== undefined) {
      ns += decimalTimes(value, units[i]);
    }
  }
  return Math.round(ns / 1e6);
}

/** `value` (a non-negative decimal like "2.345") times `unitNs`, exact to the nanosecond. */
function decimalTimes(value: string, unitNs: number): number {
  const [whole, fraction = ''] = value.split(/[.,]/);
  const nanoDigits = fraction.padEnd(9, '0').slice(0, 9);
  return Number(whole) * unitNs + (Number(nanoDigits) * unitNs) / 1e9;
}

/** Formats milliseconds as an ISO 8601 duration the way the service writes them, e.g. `PT1M2.345S`, `PT0S`. */
export function formatIsoDuration(ms: number): string {
  const { hours, minutes, seconds, millis } = clockParts(ms);
  let text = 'PT';
  if (hours > 0) text += `${hours}H`;
  if (minutes > 0) text += `${minutes}M`;
  if (seconds > 0 || millis > 0 || text === 'PT') {
    text += millis > 0 ? `${seconds}.${pad(millis, 3).replace(/0+$/, '')}S` : `${seconds}S`;
  }
  return text;
}

/** Whole seconds of `ms`, floored (THE rounding rule above); negative and non-finite lengths are 0. */
export function wholeSeconds(ms: number): number {
  return Number.isFinite(ms) && ms > 0 ? Math.floor(ms / 1000) : 0;
}

/**
 * A length of time as `m:ss` (`0:48`, `12:05`), or `h:mm:ss` from one hour on (`1:05:09`), floored to the second:
 * durations in the transcript view, its player, the Markdown export, the jobs tree, the batch summary and the CLI.
 */
export function formatDuration(ms: number): string {
  const total = wholeSeconds(ms);
  const h = Math.floor(total / 3600);
  const m = Math.floor(total / 60) % 60;
  const s = pad(total % 60, 2);
  return h > 0 ? `${h}:${pad(m, 2)}:${s}` : `${m}:${s}`;
}

/** `hh:mm:ss` (seconds floored), a position in the audio, as in `[00:01:23] Agent: …`. Hours grow past 99 when needed. */
export function formatClock(ms: number): string {
  const { hours, minutes, seconds } = clockParts(ms);
  return `${pad(hours, 2)}:${pad(minutes, 2)}:${pad(seconds, 2)}`;
}

/** `hh:mm:ss.mmm`, the WebVTT cue time. */
export function formatVttTime(ms: number): string {
  return `${formatClock(ms)}.${pad(clockParts(ms).millis, 3)}`;
}

/** `hh:mm:ss,mmm`, the SRT cue time. */
export function formatSrtTime(ms: number): string {
  return `${formatClock(ms)},${pad(clockParts(ms).millis, 3)}`;
}

function clockParts(ms: number): { hours: number; minutes: number; seconds: number; millis: number } {
  if (!Number.isInteger(ms) || ms < 0) {
    throw new RangeError(`a time must be a non-negative integer of milliseconds, got ${String(ms)}`);
  }
  return {
    hours: Math.floor(ms / 3_600_000),
    minutes: Math.floor(ms / 60_000) % 60,
    seconds: Math.floor(ms / 1000) % 60,
    millis: ms % 1000,
  };
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}
