import * as assert from 'node:assert/strict';
import { shortenSilences } from '../../src/local/audio/silence';
import { toPcm16 } from '../../src/local/audio/pcm';

/** 16 kHz audio: a constant 0.5 where `speech` says (seconds), digital silence elsewhere. */
function speechAt(totalSeconds: number, speech: [number, number][]): Float32Array {
  const x = new Float32Array(totalSeconds * 16000);
  for (const [from, to] of speech) x.fill(0.5, from * 16000, to * 16000);
  return x;
}

describe('shortenSilences', () => {
  it('cuts silences over 1.5 s to 800 ms and maps times back to the original', () => {
    const x = speechAt(10, [[1, 2], [5, 6]]);
    const { samples, map } = shortenSilences(x, 16000);
    // 1 s of leading silence is too short to cut; 3 s and the trailing 4 s become 0.8 s each: 1 + 1 + 0.8 + 1 + 0.8.
    assert.equal(samples.length, 4.6 * 16000);
    assert.equal(samples[1.0 * 16000 - 1], 0);
    assert.equal(samples[1.0 * 16000], 0.5);
    assert.equal(samples[2.8 * 16000 - 1], 0);
    assert.equal(samples[2.8 * 16000], 0.5);
    assert.equal(map.toOriginalMs(1000), 1000);
    assert.equal(map.toOriginalMs(2000), 2000);
    assert.equal(map.toOriginalMs(2800), 5000);
    assert.equal(map.toOriginalMs(3300), 5500);
    assert.equal(map.toOriginalMs(4600), 10000);
  });

  it('leaves audio without long silences alone', () => {
    const x = speechAt(3, [[0, 1], [2, 3]]);
    const { samples, map } = shortenSilences(x, 16000);
    assert.equal(samples, x);
    assert.equal(map.toOriginalMs(2500), 2500);
  });

  it('does not count quiet sound (above -80 dBFS) as silence', () => {
    const x = new Float32Array(5 * 16000).fill(0.001);
    assert.equal(shortenSilences(x, 16000).samples.length, x.length);
  });
});

describe('toPcm16 with the noise floor in silence only', () => {
  it('fills digital silence and leaves sound untouched', () => {
    const x = speechAt(2, [[0.5, 1.5]]);
    const pcm = toPcm16(x, { dbfs: -60, seed: 3, silenceOnly: true });
    const plain = toPcm16(x);
    assert.deepEqual(pcm.subarray(8000, 24000), plain.subarray(8000, 24000));
    const silence = pcm.subarray(0, 8000);
    const level = 20 * Math.log10(Math.sqrt(silence.reduce((s, v) => s + v * v, 0) / silence.length) / 32768);
    assert.ok(Math.abs(level - -60) < 1, `noise at ${level.toFixed(2)} dBFS`);
  });

  it('leaves zero crossings inside sound alone (runs under 10 ms)', () => {
    const x = new Float32Array(1600);
    for (let n = 0; n < x.length; n++) x[n] = 0.5 * Math.sin((2 * Math.PI * 100 * n) / 16000);
    assert.deepEqual(toPcm16(x, { dbfs: -60, seed: 3, silenceOnly: true }), toPcm16(x));
  });
});
