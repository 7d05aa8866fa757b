/**
 * Band-limited sample-rate conversion: a polyphase windowed-sinc (Kaiser) filter. Rates are treated as the exact
 * rational ratio L/M; when L is large (odd rates) the fractional position is quantised to 1/1024 of a sample, far
 * below what the filter can resolve. The cutoff sits at 90% of the lower Nyquist frequency and the stopband is
 * ≈ 90 dB down, so content above the target Nyquist frequency does not alias into speech.
 */

/** The rate every engine receives. */
export const ENGINE_SAMPLE_RATE = 16000;

const ZERO_CROSSINGS = 24;
const KAISER_BETA = 9;
const ROLLOFF = 0.9;
const MAX_PHASES = 1024;

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Zeroth-order modified Bessel function of the first kind (series expansion). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; term > 1e-12 * sum; k++) {
    term *= q / (k * k);
    sum += term;
  }
  return sum;
}

/** Filter taps for every phase: `taps[phase * width + i]` weighs input sample `base - half + 1 + i`. */
function buildFilterBank(cutoff: number, phases: number): { taps: Float32Array; width: number; half: number } {
  const halfWidth = ZERO_CROSSINGS / (2 * cutoff);
  const half = Math.ceil(halfWidth);
  const width = 2 * half;
  const taps = new Float32Array(phases * width);
  const norm = besselI0(KAISER_BETA);
  for (let p = 0; p < phases; p++) {
    const frac = p / phases;
    let sum = 0;
    for (let i = 0; i < width; i++) {
      const x = frac + half - 1 - i; // distance from the output position to the input sample, in input samples
      const r = x / halfWidth;
      if (Math.abs(r) >= 1) continue;
      const arg = Math.PI * 2 * cutoff * x;
      const sinc = x === 0 ? 1 : Math.sin(arg) / arg;
      const w = (2 * cutoff * sinc * besselI0(KAISER_BETA * Math.sqrt(1 - r * r))) / norm;
      taps[p * width + i] = w;
      sum += w;
    }
    for (let i = 0; i < width; i++) taps[p * width + i] /= sum; // unity gain at DC for every phase
  }
  return { taps, width, half };
}

/** Converts `samples` from `fromRate` to `toRate`. The output has exactly round(n * toRate / fromRate) samples. */
export function resample(samples: Float32Array, fromRate: number, toRate: number): Float32Array {
  const resampler = new StreamResampler(fromRate, toRate);
  const head = resampler.push(samples);
  const tail = resampler.end();
  const out = new Float32Array(head.length + tail.length);
  out.set(head);
  out.set(tail, head.length);
  return out;
}

/**
 * Resampling of a stream that arrives in chunks (a file decoded block by block), with the input the filter still needs
 * kept between chunks: the concatenated output does not depend on how the input was cut, and memory stays at one
 * chunk plus the filter's width. {@link resample} is the same for a whole array.
 */
export class StreamResampler {
  private readonly up: number;
  private readonly down: number;
  private readonly phases: number;
  private readonly taps: Float32Array;
  private readonly width: number;
  private readonly half: number;
  private readonly passThrough: boolean;
  /** Input not yet consumed, starting at absolute input index {@link bufferStart}. */
  private buffer = new Float32Array(0);
  private bufferStart = 0;
  private received = 0;
  /** Absolute index of the next output sample. */
  private produced = 0;

  constructor(readonly fromRate: number, readonly toRate: number) {
    if (!(fromRate > 0 && toRate > 0 && Number.isInteger(fromRate) && Number.isInteger(toRate))) {
      throw new RangeError(`sample rates must be positive integers (got ${fromRate} → ${toRate})`);
    }
    const g = gcd(fromRate, toRate);
    this.up = toRate / g;
    this.down = fromRate / g;
    this.passThrough = fromRate === toRate;
    this.phases = Math.min(this.up, MAX_PHASES);
    const bank = this.passThrough ? { taps: new Float32Array(0), width: 0, half: 0 } : buildFilterBank(0.5 * Math.min(1, toRate / fromRate) * ROLLOFF, this.phases);
    this.taps = bank.taps;
    this.width = bank.width;
    this.half = bank.half;
  }

  /** Adds the next chunk of input and returns the output samples that are now complete. */
  push(chunk: Float32Array): Float32Array {
    if (this.passThrough) {
      this.received += chunk.length;
      this.produced += chunk.length;
      return chunk.slice();
    }
    const merged = new Float32Array(this.buffer.length + chunk.length);
    merged.set(this.buffer);
    merged.set(chunk, this.buffer.length);
    this.buffer = merged;
    this.received += chunk.length;
    return this.drain(false);
  }

  /** Ends the input: returns the rest of the output (exactly round(n * toRate / fromRate) samples in all). */
  end(): Float32Array {
    return this.passThrough ? new Float32Array(0) : this.drain(true);
  }

  private drain(final: boolean): Float32Array {
    const total = Math.round((this.received * this.toRate) / this.fromRate);
    const out = new Float32Array(Math.max(0, total - this.produced));
    let count = 0;
    for (; this.produced < total; this.produced++) {
      const { base, phase } = this.position(this.produced);
      const first = base - this.half + 1;
      if (!final && first + this.width > this.received) break; // needs input that has not arrived yet
      let acc = 0;
      const tapOffset = phase * this.width;
      const lo = Math.max(0, -first);
      const hi = Math.min(this.width, this.received - first);
      for (let i = lo; i < hi; i++) acc += this.taps[tapOffset + i] * this.buffer[first + i - this.bufferStart];
      out[count++] = acc;
    }
    // Keep only the input that later outputs can still reach.
    const keepFrom = Math.max(this.bufferStart, Math.min(this.received, this.position(this.produced).base - this.half + 1));
    if (keepFrom > this.bufferStart) {
      this.buffer = this.buffer.slice(keepFrom - this.bufferStart);
      this.bufferStart = keepFrom;
    }
    return out.subarray(0, count);
  }

  /** The input sample and filter phase of output sample `j`. */
  private position(j: number): { base: number; phase: number } {
    const position = j * this.down;
    let base = Math.floor(position / this.up);
    let phase = position - base * this.up;
    if (this.phases !== this.up) {
      phase = Math.round((phase / this.up) * this.phases);
      if (phase === this.phases) {
        phase = 0;
        base++;
      }
    }
    return { base, phase };
  }
}
