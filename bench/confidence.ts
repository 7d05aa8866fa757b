/**
 * Does a low-confidence mark mean "probably wrong"? Runs each engine available on reference recordings, aligns its
 * words to the reference (test/support/wer.ts), and prints per engine:
 *
 *   - how often words are actually wrong per raw-score band (reliability), and
 *   - precision (marked words that are wrong) and recall (wrong words that are marked) of the marks, before — raw
 *     score < 0.5 — and after — calibrated P(right) < 0.5, i.e. P(wrong) > 50 %, with the engine's shipped map
 *     (src/local/engine/calibration.ts) —
 *
 * on the calibration set (what the shipped map was fitted on: the tests' calls DEFAULT_SCRIPT and MORE_SCRIPTS[0],
 * in four flite voice pairs, 16 kHz and 8 kHz µ-law) and on a held-out set it never saw (MORE_SCRIPTS[1] and [2] in
 * the same voices, and the LibriVox clips: a real human voice, 16 kHz and 8 kHz µ-law). "Wrong" = a substitution or
 * an insertion in the cheapest alignment to the reference (deleted reference words have no confidence to mark).
 *
 *     npx tsx bench/confidence.ts [--fit] [--cache]      (npm run bench:confidence)
 *
 * --fit prints the map fitted on the calibration set, as it goes into calibration.ts. --cache keeps each recording's
 * recognised words under .test-output/bench-confidence (keyed by the audio's size and time) for re-runs.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TranscriptionResultFile } from '../src/core/wire';
import { calibrate, fitCalibration, type ConfidenceCalibration } from '../src/local/engine/calibration';
import { PocketsphinxEngine } from '../src/local/engine/pocketsphinx';
import type { Engine } from '../src/local/engine/types';
import { Recognizer } from '../src/local/recognizer';
import { DEFAULT_SCRIPT, makeCall, MORE_SCRIPTS, recode, type Turn } from '../test/support/audio';
import { hypothesisWordsCorrect, normalizeWords } from '../test/support/wer';
import { librivoxClips, percent } from './corpus';

type SetName = 'calibration' | 'held-out';

interface Item {
  name: string;
  set: SetName;
  file: string;
  /** Reference text per channel. */
  references: string[];
}

interface Word {
  confidence: number;
  correct: boolean;
}

/** Voice pairs (channel 0, channel 1): the tests' pair, two male pairs and a male/female pair the other way round. */
const VOICE_PAIRS: [string, string][] = [
  ['slt', 'rms'],
  ['awb', 'kal'],
  ['kal16', 'slt'],
  ['rms', 'awb'],
];
const ROOT = path.resolve(__dirname, '..');

function corpus(work: string): Item[] {
  const items: Item[] = [];
  const scripts: [readonly Turn[], SetName][] = [
    [DEFAULT_SCRIPT, 'calibration'],
    [MORE_SCRIPTS[0]!, 'calibration'],
    [MORE_SCRIPTS[1]!, 'held-out'],
    [MORE_SCRIPTS[2]!, 'held-out'],
  ];
  scripts.forEach(([script, set], s) => {
    for (const voices of VOICE_PAIRS) {
      const call = makeCall(undefined, script, { voices });
      const references = [0, 1].map((c) => script.filter((t) => t.channel === c).map((t) => t.text).join(' '));
      items.push({ name: `script ${s + 1} ${voices.join('/')}`, set, file: call.wav, references });
      items.push({ name: `script ${s + 1} ${voices.join('/')} 8k µ-law`, set, file: recode(call.wav), references });
    }
  });
  const clips = librivoxClips();
  if (clips.length > 0) {
    const gap = path.join(work, 'gap.wav');
    execFileSync('sox', ['-R', '-n', '-r', '16000', '-b', '16', '-c', '1', gap, 'trim', '0', '1.2']);
    const mono = path.join(work, 'librivox.wav');
    execFileSync('sox', ['-R', ...clips.flatMap((c) => [c.file, gap]), mono]);
    const references = [clips.map((c) => c.words).join(' ')];
    items.push({ name: 'LibriVox', set: 'held-out', file: mono, references });
    items.push({ name: 'LibriVox 8k µ-law', set: 'held-out', file: recode(mono), references });
  }
  return items;
}

/** Each hypothesis word of each channel with its raw score and whether it is right. */
function scoreWords(result: TranscriptionResultFile, references: string[]): Word[] {
  const out: Word[] = [];
  references.forEach((reference, channel) => {
    const words = (result.recognizedPhrases ?? [])
      .filter((p) => (p.channel ?? 0) === channel)
      .flatMap((p) => p.nBest?.[0]?.words ?? [])
      .sort((a, b) => (a.offsetInTicks ?? 0) - (b.offsetInTicks ?? 0))
      .flatMap((w) => normalizeWords(w.word ?? '').map((word) => ({ word, confidence: w.confidence ?? 0 })));
    const correct = hypothesisWordsCorrect(normalizeWords(reference), words.map((w) => w.word));
    words.forEach((w, i) => out.push({ confidence: w.confidence, correct: correct[i]! }));
  });
  return out;
}

async function recognise(engine: Engine, item: Item, useCache: boolean): Promise<Word[]> {
  const stat = fs.statSync(item.file);
  const key = createHash('sha256').update(JSON.stringify([engine.name, item.file, stat.size, stat.mtimeMs, item.references])).digest('hex').slice(0, 16);
  const cached = path.join(ROOT, '.test-output', 'bench-confidence', `${key}.json`);
  if (useCache && fs.existsSync(cached)) return JSON.parse(fs.readFileSync(cached, 'utf8')) as Word[];
  const recognizer = new Recognizer({ engine, rawConfidence: true });
  try {
    const result = await recognizer.recognizeFile(item.file, path.basename(item.file), { locale: 'en-US', wordLevelTimestamps: true, displayFormWordLevelTimestamps: false });
    const words = scoreWords(result, item.references);
    if (useCache) {
      fs.mkdirSync(path.dirname(cached), { recursive: true });
      fs.writeFileSync(cached, JSON.stringify(words));
    }
    return words;
  } finally {
    await recognizer.close();
  }
}

/** Precision and recall of marking the words `marked` picks. */
function marks(words: readonly Word[], marked: (w: Word) => boolean): string {
  const m = words.filter(marked);
  const wrong = words.filter((w) => !w.correct).length;
  const hits = m.filter((w) => !w.correct).length;
  return `${String(m.length).padStart(4)} marked (${percent(m.length, words.length).padStart(7)} of words)   precision ${percent(hits, m.length).padStart(7)}   recall ${percent(hits, wrong).padStart(7)}`;
}

function report(label: string, words: readonly Word[], calibration: Pick<ConfidenceCalibration, 'raw' | 'correct'> | undefined): void {
  const wrong = words.filter((w) => !w.correct).length;
  console.log(`\n  ${label}: ${words.length} words, ${wrong} wrong (${percent(wrong, words.length)})`);
  console.log(`    before (raw score < 0.5):          ${marks(words, (w) => w.confidence < 0.5)}`);
  if (calibration) console.log(`    after  (calibrated P(wrong) > 50 %): ${marks(words, (w) => calibrate(calibration, w.confidence) < 0.5)}`);
}

function reliability(words: readonly Word[], calibration: Pick<ConfidenceCalibration, 'raw' | 'correct'> | undefined): void {
  console.log('    raw score band   words   wrong (measured)   P(wrong) per the shipped map');
  for (let k = 0; k < 10; k++) {
    const lo = k / 10;
    const hi = (k + 1) / 10;
    const band = words.filter((w) => w.confidence >= lo && (k === 9 ? w.confidence <= hi : w.confidence < hi));
    if (band.length === 0) continue;
    const wrong = band.filter((w) => !w.correct).length;
    const predicted = calibration ? band.reduce((s, w) => s + 1 - calibrate(calibration, w.confidence), 0) / band.length : NaN;
    console.log(
      `    ${lo.toFixed(1)}–${hi.toFixed(1)}          ${String(band.length).padStart(5)}   ${percent(wrong, band.length).padStart(16)}   ${calibration ? `${(100 * predicted).toFixed(1)} %` : '–'}`,
    );
  }
}

async function main(): Promise<void> {
  const useCache = process.argv.includes('--cache');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-confidence-'));
  // The engines this machine has: pocketsphinx (whisper/Parakeet models have no shipped map yet; bench/engines.ts
  // measures their WER when a trained model is installed).
  const engines: Engine[] = [new PocketsphinxEngine({ tempDir: work })];
  try {
    const items = corpus(work);
    for (const engine of engines) {
      const bySet: Record<SetName, Word[]> = { calibration: [], 'held-out': [] };
      const byItem = new Map<string, Word[]>();
      const started = performance.now();
      for (const item of items) {
        const words = await recognise(engine, item, useCache);
        bySet[item.set].push(...words);
        byItem.set(item.name, words);
      }
      const shipped = engine.confidenceCalibration;
      console.log(`${engine.name}: ${items.length} recordings (${((performance.now() - started) / 1000).toFixed(0)} s)`);
      console.log(shipped ? `  shipped map: measured on ${shipped.measuredOn}` : '  no shipped map: raw scores are kept');
      report('calibration set (the tests\' calls, 4 voice pairs, 16 kHz + 8 kHz µ-law)', bySet.calibration, shipped);
      reliability(bySet.calibration, shipped);
      report('held-out set (2 other scripts in the same voices + LibriVox)', bySet['held-out'], shipped);
      reliability(bySet['held-out'], shipped);
      const groups: [string, (name: string) => boolean][] = [
        ['held-out flite calls, 16 kHz', (n) => /^script [34] /.test(n) && !n.includes('8k')],
        ['held-out flite calls, 8 kHz µ-law', (n) => /^script [34] /.test(n) && n.includes('8k')],
        ['LibriVox (real voice), 16 kHz + 8 kHz µ-law', (n) => n.startsWith('LibriVox')],
      ];
      for (const [label, pick] of groups) {
        report(label, [...byItem.entries()].filter(([n]) => pick(n)).flatMap(([, w]) => w), shipped);
      }
      if (process.argv.includes('--fit')) {
        const fitted = fitCalibration(bySet.calibration);
        console.log(`\n  fitted on the calibration set (${bySet.calibration.length} words):`);
        console.log(`    raw: [${fitted.raw.join(', ')}],\n    correct: [${fitted.correct.join(', ')}],`);
        report('calibration set with the fitted map', bySet.calibration, fitted);
        report('held-out set with the fitted map', bySet['held-out'], fitted);
      }
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err: Error) => {
  console.error(err.stack ?? err.message);
  process.exit(1);
});
