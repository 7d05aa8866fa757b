/**
 * Word confidence that means something: an engine's raw word score mapped to the probability that the word is right,
 * measured on reference audio (bench/confidence.ts). pocketsphinx's posteriors are low across the board — a third of
 * the words of a call it gets 90 % right score below 0.5 — so a raw threshold marks mostly correct words. The map is a
 * monotone (isotonic) fit of "was the word right?" against the raw score, stored as a few knots and interpolated
 * linearly between them; the local service writes the calibrated value as the word's `confidence`, so a threshold
 * of 0.5 marks exactly the words more likely wrong than right. Engines without a measured map keep their raw score.
 */
import type { Utterance } from './types';

/** A measured map from raw word scores to P(word right): knots in increasing `raw` order, non-decreasing `correct`. */
export interface ConfidenceCalibration {
  /** Raw scores of the knots, increasing, from 0 to 1. */
  raw: readonly number[];
  /** P(word right) at each knot, non-decreasing. */
  correct: readonly number[];
  /** What it was measured on (for the record; bench/confidence.ts prints it). */
  measuredOn: string;
}

/** P(word right) for a raw score: linear between the knots, the end values outside them. */
export function calibrate(calibration: Pick<ConfidenceCalibration, 'raw' | 'correct'>, raw: number): number {
  const { raw: xs, correct: ys } = calibration;
  if (xs.length === 0) return raw;
  if (raw <= xs[0]) return ys[0];
  for (let k = 1; k < xs.length; k++) {
    if (raw <= xs[k]) {
      const t = xs[k] === xs[k - 1] ? 1 : (raw - xs[k - 1]) / (xs[k] - xs[k - 1]);
      return round(ys[k - 1] + t * (ys[k] - ys[k - 1]));
    }
  }
  return ys[ys.length - 1];
}

const round = (p: number): number => Math.round(p * 10_000) / 10_000;

/** The utterances with every word's confidence calibrated, and each utterance's confidence the mean of its words'. */
export function calibrateUtterances(calibration: ConfidenceCalibration, utterances: readonly Utterance[]): Utterance[] {
  return utterances.map((u) => {
    const words = u.words.map((w) => ({ ...w, confidence: calibrate(calibration, w.confidence) }));
    const confidence = words.length > 0 ? round(words.reduce((sum, w) => sum + w.confidence, 0) / words.length) : calibrate(calibration, u.confidence);
    return { ...u, words, confidence };
  });
}

/**
 * Fits a calibration to measured words (raw score, right or not): pool-adjacent-violators isotonic regression of
 * rightness on the score, then one knot at the mean score of each pooled block, with at least `minWords` words per
 * block (small blocks are merged into their neighbour), and knots at 0 and 1 holding the end values.
 */
export function fitCalibration(samples: readonly { confidence: number; correct: boolean }[], minWords = 30): Pick<ConfidenceCalibration, 'raw' | 'correct'> {
  const sorted = [...samples].sort((a, b) => a.confidence - b.confidence);
  interface Block { sum: number; right: number; n: number }
  let blocks: Block[] = [];
  for (const s of sorted) {
    blocks.push({ sum: s.confidence, right: s.correct ? 1 : 0, n: 1 });
    // Pool while the last block's rate is below the one before it (keeps the fit non-decreasing).
    while (blocks.length > 1 && blocks[blocks.length - 1].right / blocks[blocks.length - 1].n <= blocks[blocks.length - 2].right / blocks[blocks.length - 2].n) {
      const last = blocks.pop()!;
      const prev = blocks[blocks.length - 1];
      blocks[blocks.length - 1] = { sum: prev.sum + last.sum, right: prev.right + last.right, n: prev.n + last.n };
    }
  }
  // Merge blocks smaller than minWords into the following one (the last into the previous one).
  const merged: Block[] = [];
  for (const b of blocks) {
    const prev = merged[merged.length - 1];
    if (prev && prev.n < minWords) merged[merged.length - 1] = { sum: prev.sum + b.sum, right: prev.right + b.right, n: prev.n + b.n };
    else merged.push({ ...b });
  }
  if (merged.length > 1 && merged[merged.length - 1].n < minWords) {
    const last = merged.pop()!;
    const prev = merged[merged.length - 1];
    merged[merged.length - 1] = { sum: prev.sum + last.sum, right: prev.right + last.right, n: prev.n + last.n };
  }
  blocks = merged;
  if (blocks.length === 0) return { raw: [0, 1], correct: [0, 1] };
  const raw = blocks.map((b) => round(b.sum / b.n));
  const correct = blocks.map((b) => round(b.right / b.n));
  // Merging can break monotonicity only between equal rates; enforce it.
  for (let k = 1; k < correct.length; k++) correct[k] = Math.max(correct[k], correct[k - 1]);
  if (raw[0] > 0) {
    raw.unshift(0);
    correct.unshift(correct[0]);
  }
  if (raw[raw.length - 1] < 1) {
    raw.push(1);
    correct.push(correct[correct.length - 1]);
  }
  return { raw, correct };
}
