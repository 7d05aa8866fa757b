/**
 * Cuts a long channel into pieces of at most 30 s (what whisper.cpp decodes in one window) at its quietest moments, so
 * no model sees minutes of audio at once, and drops pieces with no speech energy (whisper invents text for silence).
 * A deliberately simple energy-based cut; a shared segmenter will replace it.
 */

export interface Piece {
  /** Sample offsets in the channel: [start, end). */
  start: number;
  end: number;
}

export interface PieceOptions {
  sampleRate: number;
  /** Longest piece (default 29 s: whisper's window is 30 s). */
  maxMs?: number;
  /** Shortest piece before the last (default 8 s): a cut is searched for only after this. */
  minMs?: number;
  /** Frames quieter than this (dBFS RMS) are silence (default -45). */
  silenceDbfs?: number;
}

const FRAME_MS = 20;
/** A cut is placed in the middle of the quietest run of this length. */
const CUT_WINDOW_MS = 300;
/** Silence kept before speech that starts a piece. */
const PAD_MS = 200;

function frameLevels(samples: Int16Array, frame: number): Float64Array {
  const count = Math.ceil(samples.length / frame);
  const levels = new Float64Array(count);
  for (let f = 0; f < count; f++) {
    let sum = 0;
    const end = Math.min(samples.length, (f + 1) * frame);
    for (let i = f * frame; i < end; i++) sum += samples[i]! * samples[i]!;
    levels[f] = Math.sqrt(sum / Math.max(1, end - f * frame)) / 32768;
  }
  return levels;
}

/** Pieces covering the channel's speech, in order, each at most `maxMs` long. */
export function cutIntoPieces(samples: Int16Array, options: PieceOptions): Piece[] {
  const { sampleRate } = options;
  const frame = Math.round((sampleRate * FRAME_MS) / 1000);
  const maxFrames = Math.floor((options.maxMs ?? 29_000) / FRAME_MS);
  const minFrames = Math.min(maxFrames, Math.floor((options.minMs ?? 8_000) / FRAME_MS));
  const silence = 10 ** ((options.silenceDbfs ?? -45) / 20);
  const levels = frameLevels(samples, frame);
  const window = Math.max(1, Math.round(CUT_WINDOW_MS / FRAME_MS));
  const pieces: Piece[] = [];
  const pad = Math.round(PAD_MS / FRAME_MS);
  let start = 0;
  while (start < levels.length) {
    // Leading silence is skipped (a little of it kept before the speech).
    let speech = start;
    while (speech < levels.length && levels[speech]! < silence) speech++;
    if (speech >= levels.length) break;
    start = Math.max(start, speech - pad);
    let end: number;
    if (levels.length - start <= maxFrames) {
      end = levels.length;
    } else {
      // The quietest `window` frames between min and max length; the cut goes in their middle.
      let best = start + maxFrames;
      let bestEnergy = Infinity;
      let running = 0;
      const from = start + minFrames;
      const to = start + maxFrames;
      for (let f = from; f < to; f++) {
        running += levels[f]!;
        if (f - from >= window) running -= levels[f - window]!;
        if (f - from >= window - 1 && running < bestEnergy) {
          bestEnergy = running;
          best = f - Math.floor(window / 2);
        }
      }
      end = Math.max(start + 1, best);
    }
    let loudest = 0;
    for (let f = start; f < end; f++) loudest = Math.max(loudest, levels[f]!);
    if (loudest >= silence) pieces.push({ start: start * frame, end: Math.min(samples.length, end * frame) });
    start = end;
  }
  return pieces;
}
