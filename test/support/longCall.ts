/**
 * Long calls for the transcript view's tests and benchmark, made by repeating a real result: the stereo call fixture
 * (30 s, two parties, crosstalk, word timings and confidences) laid end to end with shifted times, as an Azure
 * result file. The last phrase ends with a word said nowhere else, for "search finds the last turn".
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixturePath } from '../fixtures/results';

/** The word only the last phrase of a long call says. */
export const LAST_WORD = 'zeppelin';

const TICKS_PER_MS = 10_000;

type Json = Record<string, unknown>;

/** Shifts an object's `offsetInTicks`/`offset` by `ms` (ticks as numbers, ISO as PT…S). */
function shift(item: Json, ms: number): Json {
  const ticks = Number(item.offsetInTicks) + ms * TICKS_PER_MS;
  return { ...item, offsetInTicks: ticks, offset: `PT${(ticks / TICKS_PER_MS / 1000).toFixed(3)}S` };
}

/** An Azure result JSON of a call `minutes` long: the fixture repeated (one copy per 30 s). */
export function longResult(minutes: number): Json {
  const base = JSON.parse(readFileSync(fixturePath('stereo-call.json'), 'utf8')) as Json & { recognizedPhrases: Json[] };
  const periodMs = Number(base.durationMilliseconds);
  const copies = Math.max(1, Math.round((minutes * 60_000) / periodMs));
  const phrases: Json[] = [];
  for (let k = 0; k < copies; k++) {
    for (const phrase of base.recognizedPhrases) {
      const nBest = (phrase.nBest as Json[]).map((best) => ({
        ...best,
        words: ((best.words as Json[] | undefined) ?? []).map((w) => shift(w, k * periodMs)),
      }));
      phrases.push({ ...shift(phrase, k * periodMs), nBest });
    }
  }
  const last = phrases[phrases.length - 1]!;
  const best = (last.nBest as Json[])[0]!;
  (last.nBest as Json[])[0] = { ...best, display: `${String(best.display)} ${LAST_WORD[0]!.toUpperCase()}${LAST_WORD.slice(1)}.`, lexical: `${String(best.lexical)} ${LAST_WORD}` };
  const durationMs = copies * periodMs;
  return {
    ...base,
    source: `long-call-${minutes}min.wav`,
    durationMilliseconds: durationMs,
    durationInTicks: durationMs * TICKS_PER_MS,
    duration: `PT${durationMs / 1000}S`,
    recognizedPhrases: phrases,
  };
}

/**
 * A recording `minutes` long made by repeating the sample call (`samples/call.mp3`, real speech on two channels),
 * written by sox as it goes (a 3-hour 44.1 kHz stereo WAV is ≈ 1.9 GB; nothing is held in memory). `format`: sox
 * output options, e.g. `['-r', '44100', '-c', '2', '-b', '16']` (the default) or `['-r', '8000', '-c', '1', '-e', 'u-law']`.
 * Kept when it already exists with the expected length.
 */
export function makeLongRecording(file: string, minutes: number, format: string[] = ['-r', '44100', '-c', '2', '-b', '16']): string {
  const sample = join(__dirname, '..', '..', 'samples', 'call.mp3');
  const seconds = minutes * 60;
  if (existsSync(file)) {
    const known = Number(execFileSync('soxi', ['-D', file]).toString().trim());
    if (Math.abs(known - seconds) < 1) return file;
  }
  const once = Number(execFileSync('soxi', ['-D', sample]).toString().trim());
  const repeats = Math.ceil(seconds / once);
  execFileSync('sox', [sample, ...format, file, 'repeat', String(Math.max(0, repeats - 1)), 'trim', '0', String(seconds)], { stdio: 'ignore' });
  return file;
}
