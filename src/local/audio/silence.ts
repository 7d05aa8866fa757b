/**
 * Shortens long stretches of digital silence before recognition. In a stereo call each channel is silent while the
 * other party talks; the engine still has to process those stretches (and the noise floor added to them). Cutting
 * every silence longer than 1.5 s down to its first and last 400 ms leaves 800 ms: more than the 500 ms of silence
 * after which pocketsphinx's voice activity detector ends an utterance (`-vad_postspeech 50` frames). A `TimeMap`
 * translates times in the shortened audio back to the original.
 */

/** Samples below this magnitude count as digital silence (about -80 dBFS: digital silence and dither). */
export const DIGITAL_SILENCE_LEVEL = 1e-4;

export interface SilenceOptions {
  /** Silences at least this long are shortened (default 1500 ms). */
  minGapMs?: number;
  /** Kept at each end of a shortened silence (default 400 ms). */
  keepMs?: number;
  /** Samples below this magnitude count as silence (default {@link DIGITAL_SILENCE_LEVEL}). */
  threshold?: number;
}

/** One kept stretch: `length` samples at `from` in the original are at `to` in the shortened audio. */
export interface Segment {
  from: number;
  to: number;
  length: number;
}

/** Translates sample positions of the shortened audio back to the original (plain data: it crosses threads). */
export class TimeMap {
  constructor(
    readonly segments: readonly Segment[],
    readonly sampleRate: number,
  ) {}

  /** The original time (ms) of a time (ms) in the shortened audio. */
  toOriginalMs(ms: number): number {
    const position = (ms / 1000) * this.sampleRate;
    let lo = 0;
    let hi = this.segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.segments[mid].to <= position) lo = mid;
      else hi = mid - 1;
    }
    const segment = this.segments[lo];
    if (!segment) return ms;
    const offset = Math.min(position - segment.to, segment.length);
    return ((segment.from + offset) / this.sampleRate) * 1000;
  }
}

/** Returns `samples` with long silences shortened, and the map back to the original times. */
export function shortenSilences(samples: Float32Array, sampleRate: number, options: SilenceOptions = {}): { samples: Float32Array; map: TimeMap } {
  const minGap = Math.round(((options.minGapMs ?? 1500) / 1000) * sampleRate);
  const keep = Math.round(((options.keepMs ?? 400) / 1000) * sampleRate);
  const threshold = options.threshold ?? DIGITAL_SILENCE_LEVEL;
  const segments: Segment[] = [];
  let kept = 0;
  let segmentStart = 0;
  const cut = (from: number, to: number): void => {
    // [from, to) is a long silence: keep [segmentStart, from + keep) and resume at to - keep.
    const length = from + keep - segmentStart;
    segments.push({ from: segmentStart, to: kept, length });
    kept += length;
    segmentStart = to - keep;
  };
  let silenceStart = -1;
  for (let i = 0; i < samples.length; i++) {
    const silent = samples[i] < threshold && samples[i] > -threshold;
    if (silent && silenceStart < 0) silenceStart = i;
    else if (!silent && silenceStart >= 0) {
      if (i - silenceStart >= minGap) cut(silenceStart, i);
      silenceStart = -1;
    }
  }
  if (silenceStart >= 0 && samples.length - silenceStart >= minGap) cut(silenceStart, samples.length);
  const tail = samples.length - segmentStart;
  segments.push({ from: segmentStart, to: kept, length: tail });
  kept += tail;
  if (segments.length === 1) return { samples, map: new TimeMap(segments, sampleRate) };

  const out = new Float32Array(kept);
  for (const s of segments) out.set(samples.subarray(s.from, s.from + s.length), s.to);
  return { samples: out, map: new TimeMap(segments, sampleRate) };
}
