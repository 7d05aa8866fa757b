/**
 * Reference recordings shared by the accuracy benchmarks: two-party flite calls in several voice pairs (the tests'
 * scripts, see test/support/audio.ts) and the LibriVox read-speech clips of Debian's pocketsphinx-testdata (real
 * human speech) with their transcriptions.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const LIBRIVOX = '/usr/share/pocketsphinx/test/data/librivox';

/** flite's voices: slt (female, US), rms (male, US), awb (male, Scottish), kal and kal16 (male, US diphone). */
export const FLITE_VOICES = ['slt', 'rms', 'awb', 'kal', 'kal16'] as const;

export interface Clip {
  file: string;
  /** Lower-case reference words. */
  words: string;
}

/** The LibriVox clips of pocketsphinx-testdata, or none when it is not installed. */
export function librivoxClips(): Clip[] {
  const transcription = path.join(LIBRIVOX, 'transcription');
  if (!fs.existsSync(transcription)) return [];
  return fs
    .readFileSync(transcription, 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const [, words, id] = /^<s> (.*) <\/s> \((.*)\)$/.exec(line)!;
      return { file: path.join(LIBRIVOX, `${id}.wav`), words: words! };
    });
}

/** The value after `--name` on the command line, or `fallback`. */
export function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

/** `part / whole` as a percentage with one decimal, or "–" when there is no whole. */
export function percent(part: number, whole: number): string {
  return whole > 0 ? `${((100 * part) / whole).toFixed(1)} %` : '–';
}
