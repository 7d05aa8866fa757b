/**
 * Diarization error rate of the local service on mono recordings of two parties, before (the old median-pitch
 * clustering, bench/pitchDiarization.ts, on the same recogniser's utterances) and after (voice clustering,
 * src/local/recognition/diarize.ts), side by side in one run:
 *
 *   - two-party flite calls (two scripts) mixed to mono: same-gender male pairs (rms/awb, rms/kal, awb/kal) and a
 *     female/male pair (slt/rms); pauses of 0.3, 0.5 and 0.7 s between turns, and 0.5 s with the scripts' overlaps
 *     (the other party starts 0.5–0.6 s before a turn ends); the 0.5 s calls again as 8 kHz µ-law;
 *   - real speech: the LibriVox clips of pocketsphinx-testdata (one reader) alternating with its other recordings
 *     (goforward, numbers, something: another speaker) with 0.5 s pauses, 16 kHz and 8 kHz µ-law; and the reader
 *     alone (one voice must stay one speaker).
 *
 * One script per condition (--full: two).
 *
 * DER = (missed + false alarm + confusion) / scored speech, 0.25 s collar, best speaker mapping (test/support/der.ts).
 * Target: ≤ 15 % on the same-gender pairs with 0.5 s pauses. --cost also times diarization's own work (voice
 * statistics and clustering, in this process) on a 5-minute call.
 *
 *     npx tsx bench/diarization.ts [--quick] [--full] [--cost] [--only <parts of a group and voice pair, comma-separated>]      (npm run bench:diarization)
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TranscriptionResultFile } from '../src/core/wire';
import { Recognizer } from '../src/local/recognizer';
import { clusterVoices, voiceStatistics, voiceWindows } from '../src/local/recognition/diarize';
import { DEFAULT_SCRIPT, longScript, makeCall, MORE_SCRIPTS, recode, type Turn } from '../test/support/audio';
import { diarizationError, type SpeakerSegment } from '../test/support/der';
import { librivoxClips, LIBRIVOX, option } from './corpus';
import { medianPitch, speakersByPitch } from './pitchDiarization';

interface Item {
  group: string;
  name: string;
  file: string;
  reference: SpeakerSegment[];
}

const OPTIONS = { locale: 'en-US', wordLevelTimestamps: true, displayFormWordLevelTimestamps: false } as const;

function sox(args: string[]): string {
  return execFileSync('sox', ['-R', ...args], { encoding: 'utf8' });
}

/** The script with every pause `gapMs` long; with `overlaps`, the turns that overlap in the script still do. */
function withPauses(script: readonly Turn[], gapMs: number, overlaps: boolean): Turn[] {
  return script.map(({ overlapMs, ...t }) => (overlaps && overlapMs !== undefined ? { ...t, overlapMs } : { ...t, gapMs }));
}

function flite(quick: boolean): Item[] {
  const items: Item[] = [];
  const pairs: [string, string, string][] = [
    ['rms', 'awb', 'same gender (male)'],
    ['rms', 'kal', 'same gender (male)'],
    ['awb', 'kal', 'same gender (male)'],
    ['slt', 'rms', 'female/male'],
  ];
  const conditions: { label: string; gapMs: number; overlaps: boolean }[] = quick
    ? [{ label: '0.5 s pauses', gapMs: 500, overlaps: false }]
    : [
        { label: '0.5 s pauses', gapMs: 500, overlaps: false },
        { label: '0.3 s pauses', gapMs: 300, overlaps: false },
        { label: '0.7 s pauses', gapMs: 700, overlaps: false },
        { label: '0.5 s pauses + overlaps', gapMs: 500, overlaps: true },
      ];
  const only = option('only', '');
  const scripts = process.argv.includes('--full') ? [DEFAULT_SCRIPT, MORE_SCRIPTS[1]!] : [DEFAULT_SCRIPT];
  for (const [a, b, kind] of pairs) {
    for (const condition of conditions) {
      scripts.forEach((script, s) => {
        if (only && !only.split(',').every((part) => `${kind}, ${condition.label} ${a}/${b}`.includes(part))) return;
        const call = makeCall(undefined, withPauses(script, condition.gapMs, condition.overlaps), { voices: [a, b] });
        const reference = call.reference.map((t) => ({ speaker: t.channel, startMs: t.startMs, endMs: t.endMs }));
        const name = `${a}/${b} script ${s + 1}`;
        items.push({ group: `${kind}, ${condition.label}`, name, file: recode(call.wav, { sampleRate: 16000, encoding: 'pcm16', mono: true }), reference });
        if (condition.label === '0.5 s pauses' && !quick) {
          items.push({ group: `${kind}, ${condition.label}, 8 kHz µ-law`, name, file: recode(call.wav, { mono: true }), reference });
        }
      });
    }
  }
  return items;
}

/** LibriVox clips alternating with pocketsphinx-testdata's other recordings (another speaker), 0.5 s apart. */
export function realSpeech(work: string): Item[] {
  const clips = librivoxClips().map((c) => c.file);
  const others = ['goforward', 'numbers', 'something'].map((n) => path.join(LIBRIVOX, '..', `${n}.raw`)).filter((f) => fs.existsSync(f));
  if (clips.length === 0 || others.length === 0) return [];
  const trimmed = (file: string, i: number): { file: string; ms: number } => {
    const out = path.join(work, `turn-${i}.wav`);
    const input = file.endsWith('.raw') ? ['-t', 'raw', '-r', '16000', '-e', 'signed', '-b', '16', '-c', '1', file] : [file];
    sox([...input, '-r', '16000', '-b', '16', '-c', '1', out, 'silence', '1', '0.01', '0.5%', 'reverse', 'silence', '1', '0.01', '0.5%', 'reverse']);
    return { file: out, ms: Math.round(Number(execFileSync('soxi', ['-D', out], { encoding: 'utf8' })) * 1000) };
  };
  const gap = path.join(work, 'gap.wav');
  sox(['-n', '-r', '16000', '-b', '16', '-c', '1', gap, 'trim', '0', '0.5']);
  const turns: { file: string; speaker: number }[] = [];
  for (let i = 0; i < Math.max(clips.length, others.length); i++) {
    if (clips[i]) turns.push({ file: clips[i]!, speaker: 0 });
    if (others[i]) turns.push({ file: others[i]!, speaker: 1 });
  }
  const parts: string[] = [gap];
  const reference: SpeakerSegment[] = [];
  let at = 500;
  turns.forEach((t, i) => {
    const { file, ms } = trimmed(t.file, i);
    reference.push({ speaker: t.speaker, startMs: at, endMs: at + ms });
    parts.push(file, gap);
    at += ms + 500;
  });
  const wav = path.join(work, 'real.wav');
  sox([...parts, wav]);
  // The reader alone: one voice must stay one speaker.
  const alone = path.join(work, 'reader.wav');
  const readerParts = turns.map((t, i) => (t.speaker === 0 ? [path.join(work, `turn-${i}.wav`), gap] : [])).flat();
  sox([gap, ...readerParts, alone]);
  const aloneReference: SpeakerSegment[] = [];
  let from = 500;
  for (const part of readerParts.filter((p) => p !== gap)) {
    const ms = Math.round(Number(execFileSync('soxi', ['-D', part], { encoding: 'utf8' })) * 1000);
    aloneReference.push({ speaker: 0, startMs: from, endMs: from + ms });
    from += ms + 500;
  }
  const group = 'real speech (LibriVox reader + another speaker), 0.5 s pauses';
  return [
    { group, name: 'real 16 kHz', file: wav, reference },
    { group, name: 'real 8 kHz µ-law', file: recode(wav), reference },
    { group: 'one speaker (the LibriVox reader alone)', name: 'reader 16 kHz', file: alone, reference: aloneReference },
  ];
}

function hypothesis(result: TranscriptionResultFile, speakers?: number[]): SpeakerSegment[] {
  return (result.recognizedPhrases ?? []).map((p, i) => {
    const startMs = (p.offsetInTicks ?? 0) / 10_000;
    return { speaker: speakers ? speakers[i]! : (p.speaker ?? 1), startMs, endMs: startMs + (p.durationInTicks ?? 0) / 10_000 };
  });
}

/** The audio as 16 kHz float samples (what the old pitch diarization measured). */
function samples16k(file: string): Float32Array {
  const raw = execFileSync('sox', [file, '-t', 'raw', '-r', '16000', '-e', 'signed', '-b', '16', '-c', '1', '-'], { maxBuffer: 1 << 30 });
  const pcm = new Int16Array(raw.buffer, raw.byteOffset, raw.length / 2);
  return Float32Array.from(pcm, (v) => v / 32768);
}

async function measure(recognizer: Recognizer, item: Item): Promise<{ before: ReturnType<typeof diarizationError>; after: ReturnType<typeof diarizationError>; speakersAfter: number }> {
  const plain = await recognizer.recognizeFile(item.file, item.name, OPTIONS);
  const audio = samples16k(item.file);
  const phrases = plain.recognizedPhrases ?? [];
  const starts = phrases.map((p) => (p.offsetInTicks ?? 0) / 10_000);
  const pitch = phrases.map((p, i) => medianPitch(audio, starts[i]!, starts[i]! + (p.durationInTicks ?? 0) / 10_000));
  const before = diarizationError(item.reference, hypothesis(plain, speakersByPitch(pitch, starts, 2)));
  const diarized = await recognizer.recognizeFile(item.file, item.name, { ...OPTIONS, diarization: { enabled: true, maxSpeakers: 2 } });
  const after = diarizationError(item.reference, hypothesis(diarized));
  return { before, after, speakersAfter: new Set(diarized.recognizedPhrases?.map((p) => p.speaker)).size };
}

const pct = (x: number): string => `${(100 * x).toFixed(1)} %`.padStart(7);

async function cost(recognizer: Recognizer): Promise<void> {
  const call = makeCall(undefined, longScript(5), { voices: ['rms', 'awb'] });
  const mono = recode(call.wav, { sampleRate: 16000, encoding: 'pcm16', mono: true });
  const audio = execFileSync('sox', [mono, '-t', 'raw', '-'], { maxBuffer: 1 << 30 });
  const pcm = new Int16Array(audio.buffer, audio.byteOffset, audio.length / 2);
  const t0 = performance.now();
  const result = await recognizer.recognizeFile(mono, 'long', OPTIONS);
  const recognitionMs = performance.now() - t0;
  const ranges = (result.recognizedPhrases ?? []).flatMap((p) => p.nBest?.[0]?.words ?? []).map((w): [number, number] => {
    const start = (w.offsetInTicks ?? 0) / 10_000;
    return [start, start + (w.durationInTicks ?? 0) / 10_000];
  });
  let started = performance.now();
  const stats = voiceStatistics({ pcm, ranges });
  const featureMs = performance.now() - started;
  const { windows } = voiceWindows(ranges.map(([startMs, endMs], i) => ({ startMs, endMs, voice: stats[i] })));
  started = performance.now();
  clusterVoices(windows, 2);
  const clusterMs = performance.now() - started;
  console.log(`\nCost on a ${(call.durationMs / 60_000).toFixed(1)}-minute mono call (${ranges.length} words, ${windows.length} windows), one thread:`);
  console.log(`  voice statistics (worker, per segment): ${featureMs.toFixed(0)} ms; clustering (main thread): ${clusterMs.toFixed(0)} ms`);
  const audioMs = call.durationMs;
  console.log(`  = ${(((featureMs + clusterMs) / audioMs) * 100).toFixed(2)} % of the audio's length in CPU time (the recognition itself: ${((recognitionMs / audioMs) * 100).toFixed(0)} % wall time on this machine)`);
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-diarization-'));
  const recognizer = new Recognizer({ tempDir: work });
  try {
    const only = option('only', '');
    const items = [...flite(quick), ...(quick || (only && !'real speech'.includes(only)) ? [] : realSpeech(work))];
    const groups = new Map<string, { before: number[]; after: number[]; scored: number[]; speakers: number[] }>();
    console.log(`DER per recording (before: pitch; after: voice clustering), maxSpeakers 2, collar 0.25 s`);
    for (const item of items) {
      const { before, after, speakersAfter } = await measure(recognizer, item);
      console.log(
        `  ${item.group.padEnd(58)} ${item.name.padEnd(20)} before ${pct(before.der)}  after ${pct(after.der)}` +
          `  (missed ${pct(after.missedMs / after.scoredMs)}, false alarm ${pct(after.falseAlarmMs / after.scoredMs)}, confusion ${pct(after.confusionMs / after.scoredMs)}; ${speakersAfter} speakers)`,
      );
      const g = groups.get(item.group) ?? { before: [], after: [], scored: [], speakers: [] };
      g.before.push(before.der * before.scoredMs);
      g.after.push(after.der * after.scoredMs);
      g.scored.push(after.scoredMs);
      groups.set(item.group, g);
    }
    console.log('\nDER per group (time-weighted):');
    const sum = (v: number[]): number => v.reduce((a, b) => a + b, 0);
    for (const [group, g] of groups) console.log(`  ${group.padEnd(64)} before ${pct(sum(g.before) / sum(g.scored))}   after ${pct(sum(g.after) / sum(g.scored))}`);
    if (process.argv.includes('--cost')) await cost(recognizer);
  } finally {
    await recognizer.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((err: Error) => {
    console.error(err.stack ?? err.message);
    process.exit(1);
  });
}
