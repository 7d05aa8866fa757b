/**
 * Accuracy of the segmented pipeline's choices, measured side by side on one broad set in one run: word error rate
 * of pocketsphinx per configuration (segment length, silence shortening, noise floor) on
 *   - the tests' flite calls (two voices, stereo) and a longer call made of them,
 *   - each of flite's five voices reading the same text (mono),
 *   - the LibriVox read-speech clips of Debian's pocketsphinx-testdata (real human voices), as a mono recording
 *     and as a stereo "call" (the clips alternating between the channels),
 *   - every one of them again as 8 kHz µ-law (what call centres record), decoded back.
 *
 *     npx tsx bench/segmenting.ts [--quick] [--configs 2,7]        (npm run bench:segmenting; --configs: which columns)
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { segmentFile, assembleChannel, type SegmentFileRequest, type SegmentResult } from '../src/local/audio/segmentFile';
import { PocketsphinxEngine } from '../src/local/engine/pocketsphinx';
import { WorkPool } from '../src/local/engine/pool';
import { probeAudio } from '../src/local/audio/stream';
import { DEFAULT_SCRIPT, longScript, makeCall, makeMono, MORE_SCRIPTS } from '../test/support/audio';
import { wordErrorRate } from '../test/support/wer';
import { LIBRIVOX, librivoxClips } from './corpus';


interface Item {
  name: string;
  file: string;
  /** Reference text per channel. */
  references: string[];
}

interface Config {
  name: string;
  request: Omit<SegmentFileRequest, 'path'>;
  /** Engine runs at once, as the service passes them: the segmenter then shortens each channel's last segments. */
  parallel?: number;
}

const CONFIGS: Config[] = [
  { name: 'whole channel, shortened silences, -70 dB in silence (before)', request: { noiseFloorDbfs: -70, segmenting: { targetMs: 3_600_000, maxMs: 3_600_000 } } },
  { name: 'pauses, 60–120 s, shortened, -70 dB in silence', request: { noiseFloorDbfs: -70, segmenting: { targetMs: 60_000, maxMs: 120_000 } } },
  { name: 'pauses, 20–30 s, shortened, -70 dB in silence', request: { noiseFloorDbfs: -70, segmenting: { targetMs: 20_000, maxMs: 30_000 } } },
  { name: 'pauses, 60–120 s, not shortened, -70 dB everywhere', request: { noiseFloorDbfs: -70, noiseEverywhere: true, shortenSilences: false, segmenting: { targetMs: 60_000, maxMs: 120_000 } } },
  { name: 'pauses, 60–120 s, shortened, -70 dB everywhere', request: { noiseFloorDbfs: -70, noiseEverywhere: true, segmenting: { targetMs: 60_000, maxMs: 120_000 } } },
  { name: 'pauses, 60–120 s, shortened, no noise', request: { noiseFloorDbfs: null, segmenting: { targetMs: 60_000, maxMs: 120_000 } } },
  {
    name: 'pauses, 60–120 s, last segments shortened for 2 engine runs, shortened, -70 dB in silence (the service on 2 cores)',
    request: { noiseFloorDbfs: -70, segmenting: { targetMs: 60_000, maxMs: 120_000 } },
    parallel: 2,
  },
];

function sox(args: string[]): void {
  execFileSync('sox', ['-R', ...args]);
}

function corpus(work: string, quick: boolean): Item[] {
  const items: Item[] = [];
  const scripts = quick ? [DEFAULT_SCRIPT] : [DEFAULT_SCRIPT, ...MORE_SCRIPTS, longScript(4)];
  scripts.forEach((script, i) => {
    const call = makeCall(undefined, script);
    items.push({
      name: `flite call ${i + 1} (${(call.durationMs / 1000).toFixed(0)} s)`,
      file: call.wav,
      references: [0, 1].map((c) => script.filter((t) => t.channel === c).map((t) => t.text).join(' ')),
    });
  });
  const text = DEFAULT_SCRIPT.map((t) => t.text).join(' ');
  for (const voice of quick ? ['awb', 'kal'] : ['kal', 'kal16', 'awb', 'rms', 'slt']) {
    items.push({ name: `flite ${voice} (mono)`, file: makeMono(text, { voice }), references: [text] });
  }
  if (!quick) {
    const long = longScript(7).map((t) => t.text).join(' ');
    items.push({ name: 'flite rms long (mono)', file: makeMono(long, { voice: 'rms' }), references: [long] });
  }
  if (fs.existsSync(LIBRIVOX)) {
    const clips = librivoxClips();
    const gap = path.join(work, 'gap.wav');
    sox(['-n', '-r', '16000', '-b', '16', '-c', '1', gap, 'trim', '0', '1.2']);
    const mono = path.join(work, 'librivox-mono.wav');
    sox([...clips.flatMap((c) => [c.file, gap]), mono]);
    items.push({ name: 'LibriVox (mono, 5 clips)', file: mono, references: [clips.map((c) => c.words).join(' ')] });
    if (!quick) {
      // Long enough (≥ 5 min) for the service to shorten its last segments on 2 cores.
      const long = path.join(work, 'librivox-mono-long.wav');
      const times = Math.ceil(330 / Number(execFileSync('soxi', ['-D', mono]).toString()));
      sox(Array(times).fill(mono).concat(long));
      items.push({ name: `LibriVox (mono, 5 clips × ${times})`, file: long, references: [Array(times).fill(clips.map((c) => c.words).join(' ')).join(' ')] });
    }
    // A "call": the clips alternate between the channels, each channel silent while the other speaks.
    const channels = [0, 1].map((c) => {
      const out = path.join(work, `librivox-ch${c}.wav`);
      const parts = clips.flatMap((clip, i) => {
        const silence = path.join(work, `silence-${c}-${i}.wav`);
        sox([clip.file, silence, 'vol', '0']);
        return [i % 2 === c ? clip.file : silence, gap];
      });
      sox([...parts, out]);
      return out;
    });
    const stereo = path.join(work, 'librivox-stereo.wav');
    sox(['-M', ...channels, stereo]);
    items.push({
      name: 'LibriVox (stereo call)',
      file: stereo,
      references: [0, 1].map((c) => clips.filter((_, i) => i % 2 === c).map((clip) => clip.words).join(' ')),
    });
  }
  // The same recordings the way call centres record them: 8 kHz µ-law.
  for (const item of [...items]) {
    const narrow = path.join(work, `${item.name.replace(/\W+/g, '-')}-8k-ulaw.wav`);
    sox([item.file, '-r', '8000', '-e', 'u-law', '-b', '8', narrow]);
    items.push({ name: `${item.name}, 8 kHz µ-law`, file: narrow, references: item.references });
  }
  return items;
}

async function transcribe(file: string, config: Config, pool: WorkPool, engine: PocketsphinxEngine): Promise<string[]> {
  const perChannel = new Map<number, Promise<SegmentResult>[]>();
  let request: SegmentFileRequest = { ...config.request, path: file };
  if (config.parallel) {
    const info = await probeAudio(file);
    request = { ...request, segmenting: { ...request.segmenting, expectedMs: info.durationMs, parallel: Math.floor(config.parallel / info.channels) } };
  }
  await segmentFile(request, async (segment) => {
    const recognized = pool.run(() => engine.recognize({ samples: segment.pcm, sampleRate: 16000 }, { locale: 'en-US' }));
    const list = perChannel.get(segment.channel) ?? [];
    list.push(recognized.then((utterances) => ({ segment, utterances })));
    perChannel.set(segment.channel, list);
  });
  const channels = Math.max(0, ...perChannel.keys()) + 1;
  return Promise.all(
    Array.from({ length: channels }, async (_, c) => assembleChannel(await Promise.all(perChannel.get(c) ?? [])).map((u) => u.text).join(' ')),
  );
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const chosen = process.argv.indexOf('--configs');
  const configs = chosen < 0 ? CONFIGS : process.argv[chosen + 1]!.split(',').map((n) => CONFIGS[Number(n) - 1]!);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-segmenting-'));
  const engine = new PocketsphinxEngine({ tempDir: work });
  const pool = new WorkPool(os.availableParallelism());
  try {
    const items = corpus(work, quick);
    console.log(`${items.length} recordings, ${configs.length} configurations; WER per recording (channels pooled), mean per group\n`);
    const table: Record<string, Record<string, number>> = {};
    for (const config of configs) {
      table[config.name] = {};
      for (const item of items) {
        const hypotheses = await transcribe(item.file, config, pool, engine);
        let errors = 0;
        let words = 0;
        item.references.forEach((reference, c) => {
          const wer = wordErrorRate(reference, hypotheses[c] ?? '');
          errors += wer.substitutions + wer.deletions + wer.insertions;
          words += wer.refWords;
        });
        table[config.name]![item.name] = errors / Math.max(1, words);
      }
    }
    const groups: Record<string, (name: string) => boolean> = {
      'flite calls 16 kHz': (n) => n.startsWith('flite call') && !n.includes('8 kHz'),
      'flite voices 16 kHz': (n) => n.startsWith('flite ') && n.includes('(mono)') && !n.includes('8 kHz'),
      'LibriVox 16 kHz': (n) => n.startsWith('LibriVox') && !n.includes('8 kHz'),
      'flite calls 8 kHz µ-law': (n) => n.startsWith('flite call') && n.includes('8 kHz'),
      'flite voices 8 kHz µ-law': (n) => n.startsWith('flite ') && n.includes('(mono)') && n.includes('8 kHz'),
      'LibriVox 8 kHz µ-law': (n) => n.startsWith('LibriVox') && n.includes('8 kHz'),
    };
    for (const item of items) console.log(`${item.name.padEnd(44)} ${configs.map((c) => table[c.name]![item.name]!.toFixed(3)).join('  ')}`);
    console.log('');
    for (const [group, match] of Object.entries(groups)) {
      const names = items.map((i) => i.name).filter(match);
      if (names.length === 0) continue;
      const means = configs.map((c) => names.reduce((sum, n) => sum + table[c.name]![n]!, 0) / names.length);
      console.log(`${group.padEnd(28)} ${means.map((m) => m.toFixed(3)).join('  ')}`);
    }
    console.log('\ncolumns:');
    configs.forEach((c, i) => console.log(`  ${i + 1}. ${c.name}`));
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
