/**
 * Cuts one channel of 16 kHz audio, as it streams in, into segments that engines recognise independently (and so in
 * parallel, on every core): the approach WhisperX made standard — cut in pauses, never in a word. A segment grows to
 * at least `targetMs`; once it reaches `maxMs` it is cut in the longest pause after `targetMs` (its middle). Where no
 * pause comes, it is cut at the quietest point with `overlapMs` of audio in both neighbours, and the words of the
 * overlap are later kept from one side only ({@link mergeOverlap}). Segments without any sound are dropped: a
 * channel that is silent while the other party talks costs no engine time. Memory: at most `maxMs` of audio.
 */
import type { Utterance } from '../engine/types';

export const SEGMENT_SAMPLE_RATE = 16000;
const FRAME = 160; // 10 ms

export interface SegmenterOptions {
  /** Shortest segment before a cut in a pause is allowed (unless the audio ends). */
  targetMs: number;
  /** Longest segment: a cut is forced here. */
  maxMs: number;
  /** Shortest quiet stretch that counts as a pause (default 300 ms). */
  minPauseMs?: number;
  /** Audio shared by both neighbours of a forced cut (default 1000 ms). */
  overlapMs?: number;
  /** Frames quieter than this (dBFS) are quiet whatever the level of the speech (default -50). */
  quietDbfs?: number;
  /** Frames this far below the loudest frame of the segment are quiet (default 30 dB). */
  quietBelowPeakDb?: number;
  /** A segment none of whose frames reaches this level (dBFS) is silence and is dropped (default -65). */
  silenceDbfs?: number;
  /**
   * The channel's length as its header declares it, if known. With {@link parallel} > 1 the last segments are made
   * shorter (see {@link Segmenter}) so that the engines end together instead of one finishing a long last segment
   * alone while the other cores wait.
   */
  expectedMs?: number;
  /** Engine runs that can work on this channel at once (default 1: every segment aims at `targetMs`). */
  parallel?: number;
  /**
   * Shortest target of a shortened last segment (default 30 s). Every segment start costs pocketsphinx accuracy (it
   * re-estimates the channel's level from scratch): halving a 40-s mono recording raised its word error from 0.20 to
   * 0.24 on flite voices and from 0.49 to 0.58 on LibriVox at 8 kHz (bench/segmenting.ts).
   */
  tailMinMs?: number;
  /** Channels shorter than this are cut as if their length were unknown (default 5 min): see {@link tailMinMs}. */
  tailFromMs?: number;
}

/** A piece of one channel, in samples at 16 kHz from the start of the channel. */
export interface AudioSegment {
  /** 0-based, in order. */
  index: number;
  start: number;
  samples: Float32Array;
  /** The first `overlapBefore` samples repeat the end of the previous segment (a forced cut); 0 after a pause. */
  overlapBefore: number;
}

/**
 * Near the end of a channel whose length is known, a segment aims at an equal share of what is left for each engine
 * run that can work on it (never below `tailMinMs`, never above `targetMs`): a 10-minute mono file on 2 cores ends
 * with segments of about 60, 30 and 20 s instead of one of 60–120 s recognised on one core while the other idles.
 * Recordings shorter than `tailFromMs` are cut as before (the accuracy cost of a cut would outweigh the gain).
 */
export class Segmenter {
  private readonly target: number;
  private readonly max: number;
  private readonly expected: number | undefined;
  private readonly parallel: number;
  private readonly tailMin: number;
  private readonly tailFrom: number;
  /** The current segment's target and longest length (shorter than target/max near the end of the channel). */
  private limit: { target: number; max: number };
  private readonly minPauseFrames: number;
  private readonly overlap: number;
  private readonly quietLevel: number;
  private readonly belowPeak: number;
  private readonly silenceLevel: number;
  /** The current segment's audio, from {@link start}. */
  private buffer: Float32Array;
  private length = 0;
  private start = 0;
  private overlapBefore = 0;
  private index = 0;

  constructor(options: SegmenterOptions) {
    this.target = Math.round((options.targetMs / 1000) * SEGMENT_SAMPLE_RATE);
    this.max = Math.max(this.target + FRAME, Math.round((options.maxMs / 1000) * SEGMENT_SAMPLE_RATE));
    this.minPauseFrames = Math.max(1, Math.round((options.minPauseMs ?? 300) / 10));
    this.overlap = Math.round(((options.overlapMs ?? 1000) / 1000) * SEGMENT_SAMPLE_RATE);
    this.quietLevel = Math.pow(10, (options.quietDbfs ?? -50) / 20);
    this.belowPeak = Math.pow(10, -(options.quietBelowPeakDb ?? 30) / 20);
    this.silenceLevel = Math.pow(10, (options.silenceDbfs ?? -65) / 20);
    this.expected = options.expectedMs ? Math.round((options.expectedMs / 1000) * SEGMENT_SAMPLE_RATE) : undefined;
    this.parallel = Math.max(1, Math.floor(options.parallel ?? 1));
    this.tailMin = Math.round(((options.tailMinMs ?? 30_000) / 1000) * SEGMENT_SAMPLE_RATE);
    this.tailFrom = Math.round(((options.tailFromMs ?? 300_000) / 1000) * SEGMENT_SAMPLE_RATE);
    this.buffer = new Float32Array(this.max);
    this.limit = this.limitAt(0);
  }

  /** Target and longest length of a segment starting at sample `start`. */
  private limitAt(start: number): { target: number; max: number } {
    const full = { target: this.target, max: this.max };
    if (this.expected === undefined || this.expected < this.tailFrom || this.parallel <= 1 || start >= this.expected) return full;
    const share = Math.ceil((this.expected - start) / this.parallel);
    if (share >= this.target) return full;
    const target = Math.max(Math.min(this.tailMin, this.target), share);
    return { target, max: Math.min(this.max, Math.max(target + FRAME, Math.round(target * 1.5))) };
  }

  /** Adds audio; returns the segments that are complete now. */
  push(samples: Float32Array): AudioSegment[] {
    const out: AudioSegment[] = [];
    let offset = 0;
    while (offset < samples.length) {
      // What is left after a cut can be longer than a shortened last segment: cut it first.
      if (this.length >= this.limit.max) {
        this.cut(out);
        continue;
      }
      const take = Math.min(samples.length - offset, this.limit.max - this.length);
      this.buffer.set(samples.subarray(offset, offset + take), this.length);
      this.length += take;
      offset += take;
      if (this.length >= this.limit.max) this.cut(out);
    }
    return out;
  }

  /** Ends the channel: returns the last segment, if it has any sound. */
  end(): AudioSegment[] {
    const out: AudioSegment[] = [];
    if (this.length > 0) this.emit(out, this.length);
    this.length = 0;
    return out;
  }

  /** The buffer is full: cut in the longest pause after the target length, else at the quietest point with overlap. */
  private cut(out: AudioSegment[]): void {
    const rms = frameLevels(this.buffer, this.length);
    const peak = rms.reduce((a, b) => Math.max(a, b), 0);
    const threshold = Math.max(this.quietLevel, peak * this.belowPeak);
    const firstFrame = Math.floor(this.limit.target / FRAME);
    let best: { from: number; to: number } | undefined;
    for (let f = firstFrame, run = -1; f <= rms.length; f++) {
      const quiet = f < rms.length && rms[f]! < threshold;
      if (quiet && run < 0) run = f;
      if (!quiet && run >= 0) {
        if (f - run >= this.minPauseFrames && (!best || f - run > best.to - best.from)) best = { from: run, to: f };
        run = -1;
      }
    }
    if (best) {
      const at = Math.round(((best.from + best.to) / 2) * FRAME);
      this.emit(out, at);
      return;
    }
    // No pause: cut at the quietest 100 ms, sharing `overlap` samples with the next segment.
    let quietest = firstFrame;
    let quietestSum = Infinity;
    for (let f = firstFrame; f + 10 <= rms.length; f++) {
      let sum = 0;
      for (let k = 0; k < 10; k++) sum += rms[f + k]!;
      if (sum < quietestSum) [quietest, quietestSum] = [f, sum];
    }
    const at = (quietest + 5) * FRAME;
    const half = Math.floor(this.overlap / 2);
    this.emit(out, Math.min(this.length, at + half), Math.max(0, at - half));
  }

  /**
   * Emits the first `end` samples as a segment (if they hold any sound) and keeps the rest; after a forced cut the
   * next segment starts at `nextStart` (< end), repeating the samples in between.
   */
  private emit(out: AudioSegment[], end: number, nextStart = end): void {
    const samples = this.buffer.slice(0, end);
    if (hasSound(samples, this.silenceLevel)) {
      out.push({ index: this.index++, start: this.start, samples, overlapBefore: this.overlapBefore });
    }
    const rest = this.length - nextStart;
    this.buffer.copyWithin(0, nextStart, this.length);
    this.start += nextStart;
    this.length = rest;
    this.overlapBefore = end - nextStart;
    this.limit = this.limitAt(this.start);
  }
}

/** RMS of each 10 ms frame of the first `length` samples. */
function frameLevels(samples: Float32Array, length: number): Float32Array {
  const frames = new Float32Array(Math.floor(length / FRAME));
  for (let f = 0; f < frames.length; f++) {
    let sum = 0;
    for (let i = f * FRAME; i < (f + 1) * FRAME; i++) sum += samples[i]! * samples[i]!;
    frames[f] = Math.sqrt(sum / FRAME);
  }
  return frames;
}

/** Whether any 10 ms frame is louder than `level` (RMS). */
function hasSound(samples: Float32Array, level: number): boolean {
  const levels = frameLevels(samples, samples.length);
  for (let f = 0; f < levels.length; f++) if (levels[f]! >= level) return true;
  return levels.length === 0 && samples.some((s) => Math.abs(s) >= level);
}

/**
 * Joins the utterances of consecutive segments of one channel (times already in the channel's time) where a forced
 * cut made them overlap: of the shared stretch, words before its middle are kept from the earlier segment, words
 * after it from the later one, so no word is lost or repeated.
 */
export function mergeOverlap(earlier: Utterance[], later: Utterance[], overlapStartMs: number, overlapEndMs: number): Utterance[] {
  const middle = (overlapStartMs + overlapEndMs) / 2;
  const keep = (u: Utterance, before: boolean): Utterance | undefined => {
    const inside = (startMs: number, endMs: number): boolean => ((startMs + endMs) / 2 < middle) === before;
    if (u.words.length === 0) return inside(u.startMs, u.endMs) ? u : undefined;
    const words = u.words.filter((w) => inside(w.startMs, w.endMs));
    if (words.length === 0) return undefined;
    if (words.length === u.words.length) return u;
    return {
      ...u,
      startMs: words[0]!.startMs,
      endMs: words[words.length - 1]!.endMs,
      text: words.map((w) => w.word).join(' '),
      confidence: words.reduce((sum, w) => sum + w.confidence, 0) / words.length,
      words,
    };
  };
  return [
    ...earlier.flatMap((u) => keep(u, true) ?? []),
    ...later.flatMap((u) => keep(u, false) ?? []),
  ];
}
