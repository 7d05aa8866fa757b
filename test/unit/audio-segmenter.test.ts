import * as assert from 'node:assert/strict';
import { mergeOverlap, Segmenter, SEGMENT_SAMPLE_RATE, type AudioSegment } from '../../src/local/audio/segmenter';
import { assembleChannel, ChannelAssembler, type SegmentResult } from '../../src/local/audio/segmentFile';
import type { Utterance } from '../../src/local/engine/types';

const RATE = SEGMENT_SAMPLE_RATE;
const ms = (n: number): number => Math.round((n / 1000) * RATE);

/** "Speech": 1.5 s bursts of a 200 Hz tone with a little noise, separated by `pauseMs` of near silence. */
function speechWithPauses(totalMs: number, pauseMs: number): { samples: Float32Array; pauses: [number, number][] } {
  const samples = new Float32Array(ms(totalMs));
  const pauses: [number, number][] = [];
  let seed = 1;
  for (let t = 0; t < samples.length; ) {
    const burst = Math.min(samples.length, t + ms(1500));
    for (let i = t; i < burst; i++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      samples[i] = 0.3 * Math.sin((2 * Math.PI * 200 * i) / RATE) + 0.01 * (seed / 0x7fffffff - 0.5);
    }
    const pauseEnd = Math.min(samples.length, burst + ms(pauseMs));
    for (let i = burst; i < pauseEnd; i++) samples[i] = 0.0005 * Math.sin(i); // about -69 dBFS room noise
    if (pauseEnd > burst) pauses.push([burst, pauseEnd]);
    t = pauseEnd;
  }
  return { samples, pauses };
}

function segmentAll(samples: Float32Array, chunk: number, options: ConstructorParameters<typeof Segmenter>[0]): AudioSegment[] {
  const segmenter = new Segmenter(options);
  const out: AudioSegment[] = [];
  for (let i = 0; i < samples.length; i += chunk) out.push(...segmenter.push(samples.subarray(i, i + chunk)));
  out.push(...segmenter.end());
  return out;
}

describe('segmenter (cut at pauses, bounded length)', function () {
  it('cuts only inside pauses, into segments between the target and the maximum length, covering all the audio', function () {
    const { samples, pauses } = speechWithPauses(120_000, 400);
    const segments = segmentAll(samples, 4096, { targetMs: 10_000, maxMs: 20_000 });
    assert.ok(segments.length >= 6 && segments.length <= 12, `${segments.length} segments`);
    for (const [k, s] of segments.entries()) {
      assert.equal(s.overlapBefore, 0, 'pauses everywhere: no forced cut');
      if (k < segments.length - 1) {
        assert.ok(s.samples.length >= ms(10_000) && s.samples.length <= ms(20_000), `segment ${k}: ${s.samples.length / RATE} s`);
        const cut = s.start + s.samples.length;
        assert.ok(pauses.some(([a, b]) => cut > a && cut < b), `cut at ${cut / RATE} s is inside a pause`);
        assert.equal(segments[k + 1]!.start, cut, 'the next segment starts where this one ends');
      }
    }
    const last = segments[segments.length - 1]!;
    assert.equal(segments[0]!.start, 0);
    assert.equal(last.start + last.samples.length, samples.length);
  });

  it('gives the same segments whatever the size of the chunks it is fed', function () {
    const { samples } = speechWithPauses(60_000, 350);
    const options = { targetMs: 8_000, maxMs: 15_000 };
    const a = segmentAll(samples, 160, options).map((s) => [s.start, s.samples.length]);
    const b = segmentAll(samples, 100_003, options).map((s) => [s.start, s.samples.length]);
    assert.deepEqual(a, b);
  });

  it('shortens the last segments of a channel of known length so that parallel engine runs end together', function () {
    this.timeout(60_000); // 10 minutes of audio, segmented five times
    const { samples, pauses } = speechWithPauses(600_000, 400);
    const options = { targetMs: 60_000, maxMs: 120_000 };
    const plain = segmentAll(samples, 4096, options);
    const tail = segmentAll(samples, 4096, { ...options, expectedMs: 600_000, parallel: 2 });
    const seconds = (list: AudioSegment[]) => list.map((s) => Math.round(s.samples.length / RATE));
    // Without the rule the channel ends with a segment of 60 s or more (one core recognises it while the other waits).
    assert.ok(plain[plain.length - 2]!.samples.length >= ms(60_000), `plain: ${seconds(plain).join(', ')} s`);
    // With it the segments shrink towards the end, never below 30 s before the last one, and cuts stay in pauses.
    const last3 = tail.slice(-3).map((s) => s.samples.length);
    assert.ok(last3[0]! < ms(60_000) && last3[1]! < ms(50_000) && last3[2]! < ms(40_000), `tail: ${seconds(tail).join(', ')} s`);
    for (const [k, s] of tail.entries()) {
      if (k === tail.length - 1) break;
      assert.ok(s.samples.length >= ms(30_000), `segment ${k}: ${s.samples.length / RATE} s`);
      const cut = s.start + s.samples.length;
      assert.ok(pauses.some(([a, b]) => cut > a && cut < b), `cut at ${cut / RATE} s is inside a pause`);
      assert.equal(tail[k + 1]!.start, cut);
    }
    const end = tail[tail.length - 1]!;
    assert.equal(end.start + end.samples.length, samples.length, 'all the audio is covered');
    // One engine run per channel, or an unknown length: the segments are the plain ones.
    assert.deepEqual(seconds(segmentAll(samples, 4096, { ...options, expectedMs: 600_000, parallel: 1 })), seconds(plain));
    assert.deepEqual(seconds(segmentAll(samples, 4096, { ...options, parallel: 2 })), seconds(plain));
    // A recording under 5 minutes is never cut more for it (each cut costs pocketsphinx accuracy).
    const short = samples.subarray(0, ms(240_000));
    assert.deepEqual(
      seconds(segmentAll(short, 4096, { ...options, expectedMs: 240_000, parallel: 2 })),
      seconds(segmentAll(short, 4096, options)),
    );
  });

  it('forces a cut with overlap where no pause comes, and drops silence', function () {
    const samples = new Float32Array(ms(50_000));
    for (let i = 0; i < ms(40_000); i++) samples[i] = 0.3 * Math.sin((2 * Math.PI * 150 * i) / RATE);
    // the last 10 s are digital silence
    const segments = segmentAll(samples, 8000, { targetMs: 10_000, maxMs: 15_000, overlapMs: 1000 });
    assert.ok(segments.length >= 3, `${segments.length}`);
    for (let k = 1; k < segments.length; k++) {
      const previousEnd = segments[k - 1]!.start + segments[k - 1]!.samples.length;
      assert.equal(segments[k]!.overlapBefore, previousEnd - segments[k]!.start);
      assert.equal(segments[k]!.overlapBefore, ms(1000), 'one second shared by both neighbours');
    }
    const last = segments[segments.length - 1]!;
    assert.ok(last.start + last.samples.length >= ms(40_000), 'the sound is covered to its end');
    assert.equal(new Segmenter({ targetMs: 5000, maxMs: 9000 }).push(new Float32Array(ms(30_000))).length, 0, 'silence gives no segment');
  });
});

describe('mergeOverlap', function () {
  const word = (w: string, startMs: number): Utterance['words'][number] => ({ word: w, startMs, endMs: startMs + 300, confidence: 0.9 });
  const utterance = (words: Utterance['words']): Utterance => ({
    startMs: words[0]!.startMs,
    endMs: words[words.length - 1]!.endMs,
    text: words.map((w) => w.word).join(' '),
    confidence: 0.9,
    words,
  });

  it('keeps each word of the shared stretch once, from the side whose half it is in', function () {
    // overlap 10 000–11 000 ms, middle 10 500
    const earlier = [utterance([word('one', 9_000), word('two', 9_800), word('three', 10_300), word('four', 10_700)])];
    const later = [utterance([word('three', 10_310), word('four', 10_690), word('five', 11_200)])];
    const merged = mergeOverlap(earlier, later, 10_000, 11_000);
    assert.deepEqual(merged.flatMap((u) => u.words.map((w) => w.word)), ['one', 'two', 'three', 'four', 'five']);
    assert.equal(merged[0]!.text, 'one two three');
    assert.equal(merged[1]!.text, 'four five');
    assert.equal(merged[1]!.startMs, 10_690);
  });
});

describe('ChannelAssembler', function () {
  const word = (w: string, startMs: number): Utterance['words'][number] => ({ word: w, startMs, endMs: startMs + 300, confidence: 0.9 });
  const utterance = (...words: Utterance['words']): Utterance => ({
    startMs: words[0]!.startMs,
    endMs: words[words.length - 1]!.endMs,
    text: words.map((w) => w.word).join(' '),
    confidence: 0.9,
    words,
  });
  /** A segment of `lengthMs` at `startMs` with nothing shortened; its utterances' times are in the segment. */
  const segment = (index: number, startMs: number, lengthMs: number, overlapMs: number, utterances: Utterance[]): SegmentResult => ({
    segment: { index, startMs, overlapMs, kept: [{ from: 0, to: 0, length: ms(lengthMs) }] },
    utterances,
  });
  // Three 10 s segments; the third was a forced cut sharing 1 s (20 000–21 000 ms, middle 20 500) with the second.
  const results = [
    segment(0, 0, 10_000, 0, [utterance(word('hello', 1_000), word('there', 1_400)), utterance(word('how', 6_000))]),
    segment(1, 10_000, 11_000, 0, [utterance(word('one', 2_000)), utterance(word('two', 10_200), word('three', 10_700))]),
    segment(2, 20_000, 10_000, 1_000, [utterance(word('two', 210), word('three', 690), word('four', 3_000))]),
  ];
  const words = (utterances: readonly Utterance[]): string[] => utterances.flatMap((u) => u.words.map((w) => `${w.word}@${w.startMs}`));

  it('hands over each segment once the segments before it are in, and holds only the last for the next overlap', function () {
    const emitted: Utterance[][] = [];
    const assembler = new ChannelAssembler((utterances) => emitted.push(utterances));
    assembler.add(results[1]!);
    assert.equal(emitted.length, 0, 'segment 1 waits for segment 0');
    assembler.add(results[0]!);
    assert.deepEqual(emitted.map(words), [['hello@1000', 'there@1400', 'how@6000']], 'segment 0 out; segment 1 held for a possible overlap');
    assembler.add(results[2]!);
    // Of the overlap, "two" (10 200 + 10 000 ms) is before its middle and kept from segment 1; "three" from segment 2.
    assert.deepEqual(emitted.slice(1).map(words), [['one@12000', 'two@20200']]);
    assembler.finish();
    assert.deepEqual(emitted.slice(2).map(words), [['three@20690', 'four@23000']]);
    assert.deepEqual(words(emitted.flat()), words(assembleChannel([...results].reverse())), 'the same words as all at once');
  });

  it('refuses to finish while a segment is missing', function () {
    const assembler = new ChannelAssembler(() => {});
    assembler.add(results[0]!);
    assembler.add(results[2]!);
    assert.throws(() => assembler.finish(), /segment 1 of the channel is missing/);
  });
});
