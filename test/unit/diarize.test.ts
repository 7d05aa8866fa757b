import * as assert from 'node:assert/strict';
import { clusterVoices, diarizeChannel, voiceStatistics, type VoicedUtterance } from '../../src/local/recognition/diarize';

/**
 * Two synthetic "voices" made in-process: a glottal pulse train (its pitch wandering a little) through formant
 * resonators, plus a little noise. A and B differ in their vocal tract (formants), not much in pitch — the case
 * pitch-only diarization could not tell apart.
 */
function voice(formants: number[], f0: number, ms: number, seed: number): Int16Array {
  const rate = 16000;
  const n = Math.round((ms / 1000) * rate);
  let x = seed;
  const random = (): number => ((x = (x * 1103515245 + 12345) >>> 0) / 2 ** 32) - 0.5;
  const source = new Float64Array(n);
  let phase = 0;
  for (let i = 0; i < n; i++) {
    const pitch = f0 * (1 + 0.08 * Math.sin((2 * Math.PI * i) / rate / 0.7 + seed));
    phase += pitch / rate;
    if (phase >= 1) {
      phase -= 1;
      source[i] = 1;
    }
    source[i] += 0.02 * random();
  }
  let signal = source;
  for (const f of formants) {
    const r = Math.exp((-Math.PI * 120) / rate);
    const a1 = 2 * r * Math.cos((2 * Math.PI * f) / rate);
    const a2 = -r * r;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = signal[i] + a1 * (out[i - 1] ?? 0) + a2 * (out[i - 2] ?? 0);
    signal = out;
  }
  const peak = Math.max(...signal.map(Math.abs));
  return Int16Array.from(signal, (v) => Math.round((v / peak) * 12000));
}

const A = (ms: number, seed: number): Int16Array => voice([500, 1500, 2500], 110, ms, seed);
const B = (ms: number, seed: number): Int16Array => voice([700, 1100, 2900], 120, ms, seed);

/** Statistics of one stretch of audio. */
function stats(pcm: Int16Array): number[] {
  return voiceStatistics({ pcm, ranges: [[0, (pcm.length / 16000) * 1000]] })[0]!;
}

describe('diarization by voice clustering', () => {
  it('finds two speakers in alternating stretches of two voices of similar pitch', () => {
    const windows = Array.from({ length: 12 }, (_, i) => stats((i % 3 === 1 ? B : A)(1200, i + 1)));
    const clusters = clusterVoices(windows, 2);
    const expected = windows.map((_, i) => (i % 3 === 1 ? 'B' : 'A'));
    assert.equal(new Set(clusters).size, 2);
    // The same partition, whatever the cluster numbers.
    for (let i = 0; i < windows.length; i++) for (let j = 0; j < windows.length; j++) assert.equal(clusters[i] === clusters[j], expected[i] === expected[j], `windows ${i}, ${j}`);
  });

  it('keeps one voice as one speaker even when up to 35 are allowed', () => {
    const windows = Array.from({ length: 10 }, (_, i) => stats(A(1200, i + 1)));
    assert.equal(new Set(clusterVoices(windows, 35)).size, 1);
  });

  it('honours maxSpeakers: three voices with maxSpeakers 2 give two speakers, with 3 give three', () => {
    const C = (ms: number, seed: number): Int16Array => voice([300, 2200, 3000], 200, ms, seed);
    const make = [A, B, C];
    const windows = Array.from({ length: 12 }, (_, i) => stats(make[i % 3]!(1200, i + 1)));
    assert.equal(new Set(clusterVoices(windows, 2)).size, 2);
    const three = clusterVoices(windows, 3);
    assert.equal(new Set(three).size, 3);
    for (let i = 0; i < windows.length; i++) assert.equal(three[i], three[i % 3]);
  });

  it('splits an utterance where the speaker changes and numbers speakers by first appearance', () => {
    // One utterance of four 1.2 s words by A then four by B (no pause between: one engine utterance), then A again.
    const word = (text: string, startMs: number, pcm: Int16Array) => ({ word: text, startMs, endMs: startMs + 1200, confidence: 0.9, voice: stats(pcm) });
    const first: VoicedUtterance = {
      startMs: 0,
      endMs: 9600,
      text: 'a a a a b b b b',
      confidence: 0.9,
      words: [0, 1, 2, 3].map((k) => word('a', k * 1200, A(1200, k + 1))).concat([4, 5, 6, 7].map((k) => word('b', k * 1200, B(1200, k + 1)))),
    };
    const second: VoicedUtterance = { startMs: 10_500, endMs: 12_900, text: 'a a', confidence: 0.9, words: [word('a', 10_500, A(1200, 9)), word('a', 11_700, A(1200, 10))] };
    const { utterances, speakers } = diarizeChannel([first, second], 2);
    assert.deepEqual(
      utterances.map((u) => [u.text, u.startMs, u.endMs]),
      [
        ['a a a a', 0, 4800],
        ['b b b b', 4800, 9600],
        ['a a', 10_500, 12_900],
      ],
    );
    assert.deepEqual(speakers, [1, 2, 1]);
    assert.ok(utterances.every((u) => u.words.every((w) => !('voice' in w))), 'the statistics do not reach the result');
  });
});
