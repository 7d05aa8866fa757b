import * as assert from 'node:assert/strict';
import { resample, StreamResampler } from '../../src/local/audio/resample';
import { toPcm16 } from '../../src/local/audio/pcm';

function sine(frequency: number, rate: number, seconds: number, amplitude = 0.5): Float32Array {
  const x = new Float32Array(Math.round(rate * seconds));
  for (let n = 0; n < x.length; n++) x[n] = amplitude * Math.sin((2 * Math.PI * frequency * n) / rate);
  return x;
}

/** Amplitude of the `frequency` component of `x` (Goertzel), over the middle of the signal (edges excluded). */
function amplitudeAt(x: Float32Array, frequency: number, rate: number): number {
  const from = Math.floor(x.length / 4);
  const to = Math.floor((3 * x.length) / 4);
  let re = 0;
  let im = 0;
  for (let n = from; n < to; n++) {
    re += x[n] * Math.cos((2 * Math.PI * frequency * n) / rate);
    im += x[n] * Math.sin((2 * Math.PI * frequency * n) / rate);
  }
  return (2 * Math.hypot(re, im)) / (to - from);
}

function rms(x: Float32Array): number {
  const from = Math.floor(x.length / 4);
  const to = Math.floor((3 * x.length) / 4);
  let sum = 0;
  for (let n = from; n < to; n++) sum += x[n] * x[n];
  return Math.sqrt(sum / (to - from));
}

describe('resample (to 16 kHz)', () => {
  it('gives exactly round(n * 16000 / rate) samples for any rate and length', () => {
    for (const rate of [8000, 11025, 16000, 22050, 32000, 44100, 48000, 44101, 96000]) {
      for (const n of [0, 1, 2, 999, 12345]) {
        assert.equal(resample(new Float32Array(n), rate, 16000).length, Math.round((n * 16000) / rate), `${n} samples at ${rate} Hz`);
      }
    }
  });

  for (const rate of [8000, 11025, 22050, 44100, 48000, 44101]) {
    it(`keeps a 1 kHz tone at 1 kHz and its level, from ${rate} Hz`, () => {
      const out = resample(sine(1000, rate, 0.5), rate, 16000);
      assert.ok(Math.abs(amplitudeAt(out, 1000, 16000) - 0.5) < 0.005, `1 kHz amplitude ${amplitudeAt(out, 1000, 16000)}`);
      // Nothing else: the whole signal is the 1 kHz component.
      assert.ok(Math.abs(rms(out) - 0.5 / Math.SQRT2) < 0.005);
    });
  }

  it('removes tones above 8 kHz instead of aliasing them into the speech band', () => {
    for (const [rate, frequency] of [[44100, 9500], [48000, 12000], [22050, 10000], [44100, 8800]] as const) {
      const out = resample(sine(frequency, rate, 0.5), rate, 16000);
      const alias = 16000 - frequency;
      // ≥ 60 dB down (0.5 → below 0.0005), at the alias frequency and overall.
      assert.ok(amplitudeAt(out, alias, 16000) < 5e-4, `${frequency} Hz at ${rate} Hz aliases to ${alias} Hz: ${amplitudeAt(out, alias, 16000)}`);
      assert.ok(rms(out) < 5e-4, `residual rms ${rms(out)}`);
    }
  });

  it('does not create images when upsampling 8 kHz audio', () => {
    const out = resample(sine(1000, 8000, 0.5), 8000, 16000);
    assert.ok(amplitudeAt(out, 7000, 16000) < 5e-4, `image at 7 kHz: ${amplitudeAt(out, 7000, 16000)}`);
  });

  it('passes 16 kHz through unchanged and keeps DC', () => {
    const x = sine(440, 16000, 0.1);
    assert.deepEqual(resample(x, 16000, 16000), x);
    const dc = resample(new Float32Array(44100).fill(0.25), 44100, 16000);
    assert.ok(Math.abs(dc[8000] - 0.25) < 1e-4);
  });

  it('gives the same samples streamed in chunks of any size as in one go', () => {
    for (const rate of [8000, 11025, 22050, 44100, 48000]) {
      const x = sine(700, rate, 3);
      const whole = resample(x, rate, 16000);
      const stream = new StreamResampler(rate, 16000);
      const parts: number[] = [];
      for (let i = 0, k = 1; i < x.length; i += k, k = (k * 7 + 13) % 5000 || 1) parts.push(...stream.push(x.subarray(i, i + k)));
      parts.push(...stream.end());
      assert.deepEqual(Float32Array.from(parts), whole, `${rate} Hz`);
    }
  });

  it('rejects sample rates that are not positive integers', () => {
    assert.throws(() => resample(new Float32Array(10), 0, 16000), RangeError);
    assert.throws(() => resample(new Float32Array(10), 44100.5, 16000), RangeError);
  });
});

describe('toPcm16', () => {
  it('converts and clips to 16-bit', () => {
    assert.deepEqual(Array.from(toPcm16(Float32Array.from([0, 0.5, -0.5, 1, -1, 2, -2]))), [0, 16384, -16384, 32767, -32768, 32767, -32768]);
  });

  it('adds a seeded noise floor at the asked level, the same every time', () => {
    const silence = new Float32Array(160000);
    const a = toPcm16(silence, { dbfs: -50, seed: 1 });
    const b = toPcm16(silence, { dbfs: -50, seed: 1 });
    const c = toPcm16(silence, { dbfs: -50, seed: 2 });
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
    const level = 20 * Math.log10(Math.sqrt(a.reduce((s, v) => s + v * v, 0) / a.length) / 32768);
    assert.ok(Math.abs(level - -50) < 0.5, `noise at ${level.toFixed(2)} dBFS`);
  });
});
