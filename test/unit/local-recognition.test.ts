import * as assert from 'node:assert/strict';
import { parseCliUtterances, parsePocketsphinxOutput } from '../../src/local/engine/pocketsphinx';
import { realignLateUtterances } from '../../src/local/engine/pocketsphinxTiming';
import { WorkPool } from '../../src/local/engine/pool';
import type { RecognizedWord, Utterance } from '../../src/local/engine/types';
import { displayWords } from '../../src/local/recognition/display';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildResultFile, resultFileBytes } from '../../src/local/recognition/result-file';
import { readSpool, SpoolWriter } from '../../src/local/recognition/spool';
import type { AudioWarning } from '../../src/core/wire';

/** Real output of `pocketsphinx_continuous -time yes` (0.8+5prealpha) on two flite sentences with a pause. */
const CLI_OUTPUT = `thank you for calling customer service can can i help you today
<s> 0.880 1.160 0.999300
thank 1.170 1.520 0.783465
you 1.530 1.630 0.948279
for(2) 1.640 1.810 0.350105
calling 1.820 2.220 0.991932
customer 2.230 2.740 0.999600
service(2) 2.750 3.360 0.770027
<sil> 3.370 3.390 0.553735
can 3.400 3.630 0.240108
[NOISE] 3.640 3.650 0.402683
i 3.900 4.000 0.988565
</s> 5.020 5.350 1.000000
i would like
<s> 7.220 7.320 0.999600
i 7.330 7.460 0.995510
would 7.470 7.770 0.999800
like 7.780 8.090 0.999800
</s> 10.230 10.660 1.000000

<s> 11.000 11.500 1.000000
</s> 11.510 11.900 1.000000
`;

function words(text: string): RecognizedWord[] {
  return text.split(' ').map((word, i) => ({ word, startMs: i * 100, endMs: i * 100 + 90, confidence: 0.9 }));
}

describe('parsePocketsphinxOutput', () => {
  it('turns the CLI output into utterances without fillers or alternate-pronunciation marks', () => {
    const utterances = parsePocketsphinxOutput(CLI_OUTPUT);
    assert.equal(utterances.length, 2);
    assert.equal(utterances[0].text, 'thank you for calling customer service can i');
    assert.equal(utterances[0].startMs, 1170);
    assert.equal(utterances[0].endMs, 4010);
    assert.deepEqual(utterances[0].words[2], { word: 'for', startMs: 1640, endMs: 1820, confidence: 0.350105 });
    assert.equal(utterances[1].text, 'i would like');
    assert.ok(Math.abs(utterances[1].confidence - (0.99551 + 0.9998 + 0.9998) / 3) < 1e-9);
  });

  it('cuts an utterance into phrases at pauses of 400 ms or more', () => {
    // Real output (shortened) on a mono mix of two flite voices with 0.5 s pauses, one utterance over three turns.
    const output = `thank you for calling hello i would like sure
<s> 0.000 0.470 0.999400
thank 0.480 0.780 0.424519
you 0.790 0.910 0.881867
for(2) 0.920 1.080 0.380293
calling 1.090 1.510 0.995410
<sil> 4.350 4.720 0.999800
hello 4.730 5.290 0.634541
<sil> 5.300 5.460 0.990247
i 5.470 5.800 0.982749
would 5.810 6.080 0.985209
like 6.090 6.420 0.999600
<sil> 8.300 8.760 1.000600
sure 8.770 9.160 0.709539
</s> 40.410 40.900 1.000000
`;
    const utterances = parsePocketsphinxOutput(output);
    assert.deepEqual(
      utterances.map((u) => [u.text, u.startMs, u.endMs]),
      [
        ['thank you for calling', 480, 1520],
        // 170 ms between "hello" and "i": one phrase.
        ['hello i would like', 4730, 6430],
        ['sure', 8770, 9170],
      ],
    );
  });
});

describe('realignLateUtterances', () => {
  /** 16 kHz audio, quiet (-70 dBFS noise) except for loud noise in `loud` ([from, to] ms). */
  function audio(ms: number, loud: [number, number][]): Int16Array {
    const samples = new Int16Array(ms * 16);
    let seed = 1;
    for (let i = 0; i < samples.length; i++) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      const t = i / 16;
      samples[i] = Math.round(((seed / 2147483648) * 2 - 1) * (loud.some(([a, b]) => t >= a && t < b) ? 8000 : 10));
    }
    return samples;
  }
  // Speech at 1.0–2.0 (one utterance), then 3.0–4.0 and 4.5–5.5 s (one utterance over a pause, which the CLI
  // reported from its restart at 4.5 s: 1.5 s late), then 7.0–8.0 s.
  const samples = audio(10_000, [[1000, 2000], [3000, 4000], [4500, 5500], [7000, 8000]]);
  const output = `one
<s> 0.800 0.990 1.0
one 1.000 1.990 0.9
</s> 2.000 2.490 1.0
two three
<s> 4.300 4.490 1.0
two 4.500 5.490 0.9
<sil> 5.500 5.990 1.0
three 6.000 6.990 0.9
</s> 7.000 7.490 1.0
four
<s> 6.800 6.990 1.0
four 7.000 7.990 0.9
</s> 8.000 8.490 1.0
`;

  it('moves an utterance reported late back to where its words and pauses line up with the audio', () => {
    const realigned = realignLateUtterances(parseCliUtterances(output), samples);
    assert.deepEqual(
      realigned.map((u) => u.tokens.filter((t) => !t.token.startsWith('<')).map((t) => [t.token, t.startMs, t.endMs])),
      [[['one', 1000, 2000]], [['two', 3000, 4000], ['three', 4500, 5500]], [['four', 7000, 8000]]],
    );
  });

  it('leaves the words alone, and every utterance already in place', () => {
    const placed = parsePocketsphinxOutput(output, samples);
    assert.deepEqual(placed.map((u) => u.text), ['one', 'two', 'three', 'four']);
    assert.deepEqual(placed.map((u) => u.startMs), [1000, 3000, 4500, 7000]);
    // Audio without the late utterance's speech before where the CLI put it: nothing to move it to.
    const quiet = audio(10_000, [[1000, 2000], [4500, 5500], [6000, 7000], [7000, 8000]]);
    assert.deepEqual(parsePocketsphinxOutput(output, quiet).map((u) => u.startMs), [1000, 4500, 6000, 7000]);
  });
});

describe('displayWords', () => {
  it('sentence-cases, ends with a period or a question mark, capitalises "I" (Automatic)', () => {
    const opts = { punctuationMode: 'Automatic', profanityFilterMode: 'None' } as const;
    assert.equal(displayWords(words('yes i can do that'), opts).map((w) => w.text).join(' '), 'Yes I can do that.');
    assert.equal(displayWords(words('can i have your number'), opts).map((w) => w.text).join(' '), 'Can I have your number?');
  });

  it('turns spoken punctuation into symbols (Dictated) and adds none of its own', () => {
    const opts = { punctuationMode: 'Dictated', profanityFilterMode: 'None' } as const;
    assert.equal(displayWords(words('hello comma how are you question mark'), opts).map((w) => w.text).join(' '), 'hello, how are you?');
  });

  it('masks, removes or tags profanity', () => {
    const text = words('that is damn good');
    const display = (mode: 'Masked' | 'Removed' | 'Tags' | 'None') =>
      displayWords(text, { punctuationMode: 'None', profanityFilterMode: mode }).map((w) => w.text).join(' ');
    assert.equal(display('Masked'), 'that is **** good');
    assert.equal(display('Removed'), 'that is good');
    assert.equal(display('Tags'), 'that is <profanity>damn</profanity> good');
    assert.equal(display('None'), 'that is damn good');
  });
});

describe('buildResultFile', () => {
  const utterance = (startMs: number, text: string): Utterance => {
    const w = words(text).map((x) => ({ ...x, startMs: x.startMs + startMs, endMs: x.endMs + startMs }));
    return { startMs, endMs: w[w.length - 1].endMs, text, confidence: 0.8, words: w };
  };
  const file = buildResultFile({
    source: 'call.wav',
    durationMs: 65_432.5,
    timestamp: new Date('2026-01-02T03:04:05Z'),
    channels: [
      { channel: 1, utterances: [utterance(5000, 'yes it is damn good')] },
      { channel: 0, utterances: [utterance(61_500, 'goodbye'), utterance(1000, 'how can i help you')] },
    ],
    wordLevelTimestamps: true,
    displayFormWordLevelTimestamps: false,
    punctuationMode: 'DictatedAndAutomatic',
    profanityFilterMode: 'Masked',
  });

  it('has Azure top-level fields', () => {
    assert.equal(file.source, 'call.wav');
    assert.equal(file.timestamp, '2026-01-02T03:04:05.000Z');
    assert.equal(file.durationInTicks, 654_325_000);
    assert.equal(file.durationMilliseconds, 65_433);
    assert.equal(file.duration, 'PT1M5.433S');
  });

  it('sorts phrases by channel, then offset, with ISO and tick times', () => {
    const phrases = file.recognizedPhrases!;
    assert.deepEqual(phrases.map((p) => [p.channel, p.offset]), [[0, 'PT1S'], [0, 'PT1M1.5S'], [1, 'PT5S']]);
    assert.equal(phrases[0].offsetInTicks, 10_000_000);
    assert.equal(phrases[0].duration, 'PT0.49S');
    assert.equal(phrases[0].durationInTicks, 4_900_000);
    assert.equal(phrases[0].recognitionStatus, 'Success');
  });

  it('fills every text form, words only when asked, and one combined phrase per channel', () => {
    const best = file.recognizedPhrases![2].nBest![0];
    assert.deepEqual(
      { lexical: best.lexical, itn: best.itn, maskedITN: best.maskedITN, display: best.display },
      { lexical: 'yes it is damn good', itn: 'yes it is damn good', maskedITN: 'yes it is **** good', display: 'Yes it is **** good.' },
    );
    assert.deepEqual(best.words![3], { word: 'damn', offset: 'PT5.3S', duration: 'PT0.09S', offsetInTicks: 53_000_000, durationInTicks: 900_000, confidence: 0.9 });
    assert.equal(best.displayWords, undefined);
    assert.deepEqual(file.combinedRecognizedPhrases, [
      { channel: 0, lexical: 'how can i help you goodbye', itn: 'how can i help you goodbye', maskedITN: 'how can i help you goodbye', display: 'How can I help you? Goodbye.' },
      { channel: 1, lexical: 'yes it is damn good', itn: 'yes it is damn good', maskedITN: 'yes it is **** good', display: 'Yes it is **** good.' },
    ]);
  });
});

describe('resultFileBytes', () => {
  it('writes exactly what JSON.stringify(file, null, 2) writes, in pieces that own their memory', () => {
    // A long call (about 3,000 phrases with word times, non-ASCII text and a warning): several pieces.
    const utterances: Utterance[] = Array.from({ length: 1500 }, (_, i) => {
      const text = i % 7 === 0 ? 'café señor naïve “quoted” \\ back\nslash' : 'thank you for calling how can i help you today';
      const w = words(text).map((x) => ({ ...x, startMs: x.startMs + i * 4000, endMs: x.endMs + i * 4000 }));
      return { startMs: i * 4000, endMs: w[w.length - 1]!.endMs, text, confidence: 0.8, words: w };
    });
    const input = {
      source: 'long call.wav',
      timestamp: new Date('2026-12-01T00:00:00Z'),
      durationMs: 6_000_000,
      warnings: [{ code: 'TruncatedAudio', message: 'Only 1:39:00 of 1:40:00 could be decoded' } as AudioWarning],
      channels: [
        { channel: 0, utterances },
        { channel: 1, utterances: utterances.slice(0, 1400) },
      ],
      wordLevelTimestamps: true,
      displayFormWordLevelTimestamps: true,
      punctuationMode: 'DictatedAndAutomatic' as const,
      profanityFilterMode: 'Masked' as const,
    };
    const file = buildResultFile(input);
    const chunks = resultFileBytes(input);
    assert.ok(chunks.length > 3, `${chunks.length} pieces`);
    for (const c of chunks) assert.equal(c.byteLength, c.buffer.byteLength, 'a piece is its whole ArrayBuffer (transferable)');
    assert.equal(Buffer.concat(chunks).toString('utf8'), JSON.stringify(file, null, 2));
    // Small and empty cases too.
    for (const small of [
      { ...input, channels: [], warnings: undefined },
      { ...input, channels: [{ channel: 0, utterances: [] }] },
      { ...input, channels: [{ channel: 1, utterances: utterances.slice(0, 1), speakers: [2] }], wordLevelTimestamps: false, displayFormWordLevelTimestamps: false },
    ]) {
      assert.equal(Buffer.concat(resultFileBytes(small)).toString('utf8'), JSON.stringify(buildResultFile(small), null, 2));
    }
  });

  it('writes the same file from channels spooled to disk as from channels in memory', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'speech-batch-spool-'));
    try {
      // Non-ASCII text over many 64 KB reads: no line or character is cut where a read ends.
      const utterances: Utterance[] = Array.from({ length: 2000 }, (_, i) => {
        const text = i % 3 === 0 ? 'naïve café “señor” ünïcödé' : 'thank you for calling';
        const w = words(text).map((x) => ({ ...x, startMs: x.startMs + i * 4000, endMs: x.endMs + i * 4000 }));
        return { startMs: i * 4000, endMs: w[w.length - 1]!.endMs, text, confidence: 0.7, words: w };
      });
      const spool = path.join(dir, 'channel-0.jsonl');
      const writer = new SpoolWriter(spool);
      for (let i = 0; i < utterances.length; i += 7) writer.write(utterances.slice(i, i + 7));
      await writer.close();
      assert.ok(fs.statSync(spool).size > 4 * 64 * 1024, 'several reads');
      assert.deepEqual([...readSpool(spool)], utterances);
      const input = {
        source: 'call.wav',
        timestamp: new Date('2026-12-01T00:00:00Z'),
        durationMs: 8_000_000,
        wordLevelTimestamps: true,
        displayFormWordLevelTimestamps: false,
        punctuationMode: 'DictatedAndAutomatic' as const,
        profanityFilterMode: 'Masked' as const,
      };
      const spooled = Buffer.concat(resultFileBytes({ ...input, channels: [{ channel: 1, utterances: utterances.slice(0, 5) }, { channel: 0, spool }] })).toString('utf8');
      const inMemory = JSON.stringify(buildResultFile({ ...input, channels: [{ channel: 0, utterances }, { channel: 1, utterances: utterances.slice(0, 5) }] }), null, 2);
      assert.equal(spooled, inMemory);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports a spool that could not be written when it is closed', async () => {
    const writer = new SpoolWriter(path.join(os.tmpdir(), 'no-such-folder-speech-batch', 'channel-0.jsonl'));
    writer.write([{ startMs: 0, endMs: 1, text: 'a', confidence: 1, words: [] }]);
    await assert.rejects(writer.close(), /ENOENT/);
  });
});

describe('WorkPool', () => {
  it('runs at most `size` tasks at once, in arrival order', async () => {
    const pool = new WorkPool(2);
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    await Promise.all([0, 1, 2, 3, 4].map((i) => pool.run(async () => {
      started.push(i);
      peak = Math.max(peak, ++running);
      await new Promise((r) => setTimeout(r, 10));
      running--;
    })));
    assert.equal(peak, 2);
    assert.deepEqual(started, [0, 1, 2, 3, 4]);
  });

  it('never starts a waiting task whose signal aborted', async () => {
    const pool = new WorkPool(1);
    let release!: () => void;
    const first = pool.run(() => new Promise<void>((r) => (release = r)));
    const controller = new AbortController();
    let ran = false;
    const second = pool.run(async () => void (ran = true), controller.signal);
    controller.abort(new Error('cancelled'));
    await assert.rejects(second, /cancelled/);
    release();
    await first;
    assert.equal(ran, false);
    await pool.run(async () => undefined); // the slot is free again
  });
});
