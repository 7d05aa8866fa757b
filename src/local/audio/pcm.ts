/**
 * Float → 16-bit PCM for the engines, optionally with a low deterministic noise floor. pocketsphinx's voice activity
 * detector and cepstral mean normalisation misbehave on stretches of pure digital silence (all-zero frames), which
 * synthetic and gated call recordings contain; a faint noise floor keeps them well-behaved. The noise is seeded, so
 * the same file always gives the same result.
 */

/** Level and seed of the added noise. */
export interface NoiseFloor {
  /** RMS level relative to full scale, e.g. -50. */
  dbfs: number;
  /** Any integer; the same seed gives the same noise. */
  seed: number;
}

/**
 * The noise floor the recogniser adds by default. Measured on four flite calls (2.7 min, both channels): word error
 * rate 0.159 with no noise, 0.136 at -80, 0.115 at -70, 0.145 at -60 and 0.182 at -50 dBFS; louder noise starts to
 * mask the quiet ends of words.
 */
export const DEFAULT_NOISE_FLOOR_DBFS = -70;

/** xorshift32: a tiny deterministic generator; returns uniform floats in [-1, 1). */
function uniformNoise(seed: number): () => number {
  let state = seed | 0 || 0x9e3779b9;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x80000000 - 1;
  };
}

/** Converts floats (-1..1, clipped beyond) to 16-bit PCM, adding `noise` if given. */
export function toPcm16(samples: Float32Array, noise?: NoiseFloor): Int16Array {
  const out = new Int16Array(samples.length);
  // A uniform distribution on [-a, a] has RMS a/√3.
  const amplitude = noise ? Math.pow(10, noise.dbfs / 20) * Math.sqrt(3) : 0;
  const next = uniformNoise(noise?.seed ?? 0);
  for (let i = 0; i < samples.length; i++) {
    const v = (samples[i] + (amplitude ? amplitude * next() : 0)) * 32768;
    out[i] = v >= 32767 ? 32767 : v <= -32768 ? -32768 : Math.round(v);
  }
  return out;
}
