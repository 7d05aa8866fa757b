/**
 * When does the transcript say a phrase starts, against when it was really said? Start (and end) error of every
 * recognised utterance of the local pipeline (src/local/recognizer.ts: segmenter, silence shortening and its time
 * map, noise floor, channel assembly, pocketsphinx output parsing), and of bare `pocketsphinx_continuous -time yes`
 * on the same audio (each channel as 16 kHz raw PCM, no noise floor), side by side:
 *
 *   - flite calls with exact turn times (test/support/audio.ts): stereo (the tests' scripts, a party per channel,
 *     long silences between a party's turns) and the same two parties mixed to mono with 0.5 s pauses (the case
 *     where utterances came out seconds late), in several voice pairs;
 *   - real speech: the LibriVox clips of Debian's pocketsphinx-testdata, the reader's leading/trailing silence cut
 *     at 0.5 % of full scale (the energy onset is the truth), laid end to end with pauses of 0.3–3 s;
 *   - every one of them again as 8 kHz µ-law, decoded back.
 *
 * An utterance is scored against the turn its text starts (the turn from whose first word on the script reads best
 * as the utterance, so one reported seconds away from its speech is still matched to it; utterances starting inside
 * a turn are not scored); its end against the turn of its last matched word when that is the turn's last or
 * second-last word. Per corpus: median and p90
 * absolute start error, the share of utterances starting more than 1 s late, median absolute end error.
 *
 * Default: the tests' first script in three voice pairs; --full: two scripts in four pairs; --quick: one pair, one
 * LibriVox layout.
 *
 *     npx tsx bench/timing.ts [--quick | --full] [--bare-only] [--list]       (npm run bench:timing; --list prints each utterance)
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PocketsphinxEngine, parsePocketsphinxOutput } from '../src/local/engine/pocketsphinx';
import { Recognizer } from '../src/local/recognizer';
import { DEFAULT_SCRIPT, makeCall, MORE_SCRIPTS, recode, type Turn } from '../test/support/audio';
import { LIBRIVOX, librivoxClips } from './corpus';

/** A turn of the truth: its channel, its words and where they were said. */
interface TrueTurn {
  channel: number;
  words: string[];
  startMs: number;
  endMs: number;
}

interface Item {
  corpus: string;
  name: string;
  file: string;
  channels: number;
  turns: TrueTurn[];
}

/** A recognised utterance: channel, times, words. */
interface Said {
  channel: number;
  startMs: number;
  endMs: number;
  words: string[];
}

interface Score {
  /** Signed start error (ms, + = late) of each scored utterance. */
  start: number[];
  end: number[];
  utterances: number;
  lines: string[];
}

const OPTIONS = { locale: 'en-US', wordLevelTimestamps: true, displayFormWordLevelTimestamps: false } as const;

const wordsOf = (text: string): string[] => text.toLowerCase().replace(/[^a-z0-9' ]+/g, ' ').split(/\s+/).filter(Boolean);

function sox(args: string[]): string {
  return execFileSync('sox', ['-R', ...args], { encoding: 'utf8' });
}

const seconds = (file: string): number => Number(execFileSync('soxi', ['-D', file], { encoding: 'utf8' }));

function withPauses(script: readonly Turn[], gapMs: number): Turn[] {
  return script.map(({ overlapMs: _, ...t }) => ({ ...t, gapMs }));
}

function flite(quick: boolean): Item[] {
  const items: Item[] = [];
  const full = process.argv.includes('--full');
  const pairs: [string, string][] = quick ? [['slt', 'rms']] : full ? [['slt', 'rms'], ['rms', 'awb'], ['awb', 'kal'], ['kal16', 'slt']] : [['slt', 'rms'], ['rms', 'awb'], ['awb', 'kal']];
  const scripts = full ? [DEFAULT_SCRIPT, MORE_SCRIPTS[0]!] : [DEFAULT_SCRIPT];
  for (const [a, b] of pairs) {
    scripts.forEach((script, s) => {
      const stereo = makeCall(undefined, script, { voices: [a, b] });
      const mono = makeCall(undefined, withPauses(script, 500), { voices: [a, b] });
      const turns = (call: typeof stereo, mixed: boolean): TrueTurn[] =>
        call.reference.map((t) => ({ channel: mixed ? 0 : t.channel, words: wordsOf(t.text), startMs: t.startMs, endMs: t.endMs }));
      const name = `${a}/${b} script ${s + 1}`;
      items.push({ corpus: 'flite stereo, 16 kHz', name, file: stereo.wav, channels: 2, turns: turns(stereo, false) });
      items.push({ corpus: 'flite stereo, 8 kHz µ-law', name, file: recode(stereo.wav), channels: 2, turns: turns(stereo, false) });
      items.push({ corpus: 'flite mono, 0.5 s pauses, 16 kHz', name, file: recode(mono.wav, { sampleRate: 16000, encoding: 'pcm16', mono: true }), channels: 1, turns: turns(mono, true) });
      items.push({ corpus: 'flite mono, 0.5 s pauses, 8 kHz µ-law', name, file: recode(mono.wav, { mono: true }), channels: 1, turns: turns(mono, true) });
    });
  }
  return items;
}

/** The LibriVox reader's clips end to end with the pauses given (16 kHz and 8 kHz µ-law). */
function librivox(work: string, quick: boolean): Item[] {
  const clips = librivoxClips();
  if (clips.length === 0) return [];
  const trimmed = clips.map((clip, i) => {
    const out = path.join(work, `clip-${i}.wav`);
    sox([clip.file, '-r', '16000', '-b', '16', '-c', '1', out, 'silence', '1', '0.01', '0.5%', 'reverse', 'silence', '1', '0.01', '0.5%', 'reverse']);
    return { file: out, ms: Math.round(seconds(out) * 1000), words: wordsOf(clip.words) };
  });
  const layouts: [string, number[]][] = quick
    ? [['0.5 s pauses', [500]]]
    : [
        ['0.5 s pauses', [500]],
        ['0.3–0.7 s pauses', [300, 450, 550, 700]],
        ['1–3 s pauses', [1000, 3000, 1500, 2000]],
      ];
  const items: Item[] = [];
  for (const [label, pauses] of layouts) {
    const parts: string[] = [];
    const turns: TrueTurn[] = [];
    let at = 500;
    const silence = (ms: number): string => {
      const file = path.join(work, `silence-${ms}.wav`);
      if (!fs.existsSync(file)) sox(['-n', '-r', '16000', '-b', '16', '-c', '1', file, 'trim', '0', (ms / 1000).toFixed(3)]);
      return file;
    };
    parts.push(silence(500));
    for (let k = 0; k < trimmed.length; k++) {
      const clip = trimmed[k]!;
      const pause = pauses[k % pauses.length]!;
      turns.push({ channel: 0, words: clip.words, startMs: at, endMs: at + clip.ms });
      parts.push(clip.file, silence(pause));
      at += clip.ms + pause;
    }
    const wav = path.join(work, `librivox-${items.length}.wav`);
    sox([...parts, wav]);
    items.push({ corpus: `LibriVox reader, ${label}, 16 kHz`, name: label, file: wav, channels: 1, turns });
    items.push({ corpus: `LibriVox reader, ${label}, 8 kHz µ-law`, name: label, file: recode(wav), channels: 1, turns });
  }
  return items;
}

/**
 * How well `words` read as the script from reference word 0 on (the utterance starts where the reference starts and
 * ends anywhere in it): an alignment with match +2, mismatch or gap -1, free at the reference's end. Returns the
 * score and the first and last matched pairs (word index, reference index), if any.
 */
function alignFromStart(words: readonly string[], reference: readonly string[]): { score: number; first?: [number, number]; last?: [number, number] } {
  const m = words.length;
  const n = Math.min(reference.length, 2 * m + 4);
  const D = Array.from({ length: m + 1 }, (_, i) => Float64Array.from({ length: n + 1 }, (_, j) => -(i + j)));
  for (let i = 1; i <= m; i++) {
    for (let j = 1; j <= n; j++) {
      D[i]![j] = Math.max(D[i - 1]![j - 1]! + (words[i - 1] === reference[j - 1] ? 2 : -1), D[i - 1]![j]! - 1, D[i]![j - 1]! - 1);
    }
  }
  let j = 0;
  for (let k = 1; k <= n; k++) if (D[m]![k]! > D[m]![j]!) j = k;
  const score = D[m]![j]!;
  let first: [number, number] | undefined;
  let last: [number, number] | undefined;
  let i = m;
  while (i > 0 && j > 0) {
    const same = words[i - 1] === reference[j - 1];
    if (D[i]![j] === D[i - 1]![j - 1]! + (same ? 2 : -1)) {
      if (same) {
        first = [i - 1, j - 1];
        last ??= first;
      }
      i--;
      j--;
    } else if (D[i]![j] === D[i - 1]![j]! - 1) i--;
    else j--;
  }
  return { score, first, last };
}

/**
 * Scores each utterance against the turn it starts: the turn from whose first word on the script reads best as the
 * utterance (whatever the time the recogniser gave it; ties go to the nearest in time), when its first matched word
 * is among the first three of both (two misheard words allowed). Utterances that start inside a turn (split at a
 * pause) or match too little are counted but not scored.
 */
function score(item: Item, said: readonly Said[]): Score {
  const result: Score = { start: [], end: [], utterances: said.length, lines: [] };
  for (let channel = 0; channel < item.channels; channel++) {
    const turns = item.turns.filter((t) => t.channel === channel);
    const reference = turns.flatMap((t, k) => t.words.map((w, i) => ({ w, turn: k, last: t.words.length - 1 - i })));
    const firstWord = turns.map((_, k) => reference.findIndex((r) => r.turn === k));
    for (const u of said.filter((s) => s.channel === channel)) {
      let best: ({ k: number } & ReturnType<typeof alignFromStart>) | undefined;
      turns.forEach((turn, k) => {
        const a = alignFromStart(u.words, reference.slice(firstWord[k]!).map((r) => r.w));
        const nearer = (): boolean => Math.abs(turn.startMs - u.startMs) < Math.abs(turns[best!.k]!.startMs - u.startMs);
        if (!best || a.score > best.score || (a.score === best.score && nearer())) best = { k, ...a };
      });
      let line = `  ${u.channel} ${(u.startMs / 1000).toFixed(2).padStart(7)}–${(u.endMs / 1000).toFixed(2).padEnd(7)} ${u.words.join(' ').slice(0, 70).padEnd(70)}`;
      if (best?.first && best.last && best.score >= 4 && best.first[0] <= 2 && best.first[1] <= 2) {
        const error = u.startMs - turns[best.k]!.startMs;
        result.start.push(error);
        line += `  start ${error > 0 ? '+' : ''}${Math.round(error)} ms`;
        const last = reference[firstWord[best.k]! + best.last[1]]!;
        if (last.last <= 1 && best.last[0] >= u.words.length - 2) result.end.push(u.endMs - turns[last.turn]!.endMs);
      }
      result.lines.push(line);
    }
  }
  return result;
}

async function throughPipeline(recognizer: Recognizer, item: Item): Promise<Said[]> {
  const result = await recognizer.recognizeFile(item.file, item.name, OPTIONS);
  return (result.recognizedPhrases ?? []).map((p) => {
    const startMs = (p.offsetInTicks ?? 0) / 10_000;
    return { channel: p.channel ?? 0, startMs, endMs: startMs + (p.durationInTicks ?? 0) / 10_000, words: wordsOf(p.nBest?.[0]?.lexical ?? '') };
  });
}

function bare(engine: PocketsphinxEngine, item: Item, work: string): Said[] {
  const said: Said[] = [];
  for (let channel = 0; channel < item.channels; channel++) {
    const raw = path.join(work, 'bare.raw');
    sox([item.file, '-t', 'raw', '-r', '16000', '-e', 'signed', '-b', '16', '-c', '1', raw, 'remix', String(channel + 1)]);
    const { binary, args } = engine.commandLine(raw);
    const output = execFileSync(binary, args, { encoding: 'utf8', maxBuffer: 1 << 28 });
    for (const u of parsePocketsphinxOutput(output)) said.push({ channel, startMs: u.startMs, endMs: u.endMs, words: u.words.map((w) => w.word) });
  }
  return said;
}

function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

const ms = (x: number): string => (Number.isNaN(x) ? '–' : `${Math.round(x)} ms`).padStart(8);

function summary(label: string, s: Score): string {
  const abs = s.start.map(Math.abs);
  const late = s.start.filter((e) => e > 1000).length;
  return (
    `${label.padEnd(9)} scored ${String(s.start.length).padStart(3)}/${String(s.utterances).padEnd(3)} start |err| median ${ms(quantile(abs, 0.5))}, p90 ${ms(quantile(abs, 0.9))}, max ${ms(Math.max(...abs))}; ` +
    `> 1 s late ${`${((100 * late) / Math.max(1, s.start.length)).toFixed(1)} %`.padStart(6)} (${late}); end |err| median ${ms(quantile(s.end.map(Math.abs), 0.5))}`
  );
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const list = process.argv.includes('--list');
  const bareOnly = process.argv.includes('--bare-only');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-timing-'));
  const recognizer = new Recognizer({ tempDir: work });
  const engine = new PocketsphinxEngine();
  try {
    const items = [...flite(quick), ...(fs.existsSync(LIBRIVOX) ? librivox(work, quick) : [])];
    const corpora = new Map<string, { pipeline: Score; bare: Score }>();
    const merge = (into: Score, s: Score): void => {
      into.start.push(...s.start);
      into.end.push(...s.end);
      into.utterances += s.utterances;
    };
    const empty = (): Score => ({ start: [], end: [], utterances: 0, lines: [] });
    for (const item of items) {
      const c = corpora.get(item.corpus) ?? { pipeline: empty(), bare: empty() };
      corpora.set(item.corpus, c);
      const bareScore = score(item, bare(engine, item, work));
      merge(c.bare, bareScore);
      if (list) console.log(`${item.corpus}, ${item.name}: bare pocketsphinx_continuous\n${bareScore.lines.join('\n')}`);
      if (!bareOnly) {
        const pipelineScore = score(item, await throughPipeline(recognizer, item));
        merge(c.pipeline, pipelineScore);
        if (list) console.log(`${item.corpus}, ${item.name}: pipeline\n${pipelineScore.lines.join('\n')}`);
      }
    }
    console.log('Utterance start error against the speech it transcribes (+ = late), per corpus:');
    const all = { pipeline: empty(), bare: empty() };
    for (const [corpus, c] of corpora) {
      console.log(`${corpus}`);
      if (!bareOnly) console.log(`  ${summary('pipeline', c.pipeline)}`);
      console.log(`  ${summary('bare CLI', c.bare)}`);
      merge(all.pipeline, c.pipeline);
      merge(all.bare, c.bare);
    }
    console.log('All corpora');
    if (!bareOnly) console.log(`  ${summary('pipeline', all.pipeline)}`);
    console.log(`  ${summary('bare CLI', all.bare)}`);
  } finally {
    await recognizer.close().finally(() => fs.rmSync(work, { recursive: true, force: true }));
  }
}

main().catch((err: Error) => {
  console.error(err.stack ?? err.message);
  process.exitCode = 1;
});
