/**
 * Diarization error rate, the standard metric (NIST RT): over the scored time — the reference's speech, outside a
 * collar around every reference boundary — the fraction that is missed speech (a reference speaker without a
 * hypothesis speaker), false alarm (a hypothesis speaker too many) or speaker confusion (attributed to the wrong
 * speaker under the best one-to-one mapping of hypothesis to reference speakers). Overlapped speech counts once per
 * speaker. Computed on a 10 ms grid.
 */

export interface SpeakerSegment {
  speaker: string | number;
  startMs: number;
  endMs: number;
}

export interface DiarizationError {
  /** (missed + falseAlarm + confusion) / scored */
  der: number;
  missedMs: number;
  falseAlarmMs: number;
  confusionMs: number;
  /** Reference speaker time scored (outside the collars). */
  scoredMs: number;
  /** The best mapping found, hypothesis speaker → reference speaker. */
  mapping: Map<string, string>;
}

const STEP = 10;

/** Every one-to-one assignment of `from` to distinct elements of `to` (some left out when `from` is longer). */
function* assignments(from: readonly string[], to: readonly string[]): Generator<Map<string, string>> {
  if (from.length === 0) {
    yield new Map();
    return;
  }
  const [first, ...rest] = from;
  for (const target of [...to, undefined]) {
    const remaining = target === undefined ? to : to.filter((t) => t !== target);
    for (const tail of assignments(rest, remaining)) {
      if (target !== undefined) tail.set(first!, target);
      yield tail;
    }
  }
}

/** The DER of `hypothesis` against `reference` with a collar of `collarMs` (default 250) on each side of boundaries. */
export function diarizationError(reference: readonly SpeakerSegment[], hypothesis: readonly SpeakerSegment[], collarMs = 250): DiarizationError {
  const end = Math.max(0, ...reference.map((s) => s.endMs), ...hypothesis.map((s) => s.endMs));
  const frames = Math.ceil(end / STEP);
  const speakersAt = (segments: readonly SpeakerSegment[]): Set<string>[] => {
    const at = Array.from({ length: frames }, () => new Set<string>());
    for (const s of segments) for (let f = Math.floor(s.startMs / STEP); f < Math.min(frames, Math.ceil(s.endMs / STEP)); f++) at[f]!.add(String(s.speaker));
    return at;
  };
  const ref = speakersAt(reference);
  const hyp = speakersAt(hypothesis);
  const scored = new Array<boolean>(frames).fill(true);
  for (const s of reference) {
    for (const boundary of [s.startMs, s.endMs]) {
      for (let f = Math.max(0, Math.floor((boundary - collarMs) / STEP)); f < Math.min(frames, Math.ceil((boundary + collarMs) / STEP)); f++) scored[f] = false;
    }
  }
  // Overlap counts between each hypothesis and reference speaker, for the best mapping.
  const refSpeakers = [...new Set(reference.map((s) => String(s.speaker)))];
  const hypSpeakers = [...new Set(hypothesis.map((s) => String(s.speaker)))];
  const together = new Map<string, number>();
  let missed = 0;
  let falseAlarm = 0;
  let overlapMatched = 0;
  let scoredFrames = 0;
  for (let f = 0; f < frames; f++) {
    if (!scored[f]) continue;
    const r = ref[f]!;
    const h = hyp[f]!;
    scoredFrames += r.size;
    missed += Math.max(0, r.size - h.size);
    falseAlarm += Math.max(0, h.size - r.size);
    overlapMatched += Math.min(r.size, h.size);
    for (const a of h) for (const b of r) together.set(`${a}\u0000${b}`, (together.get(`${a}\u0000${b}`) ?? 0) + 1);
  }
  let best = new Map<string, string>();
  let bestCorrect = -1;
  for (const mapping of assignments(hypSpeakers, refSpeakers)) {
    let correct = 0;
    for (const [a, b] of mapping) correct += together.get(`${a}\u0000${b}`) ?? 0;
    if (correct > bestCorrect) [bestCorrect, best] = [correct, new Map(mapping)];
  }
  const confusion = overlapMatched - Math.max(0, bestCorrect);
  const total = missed + falseAlarm + confusion;
  return {
    der: scoredFrames > 0 ? total / scoredFrames : 0,
    missedMs: missed * STEP,
    falseAlarmMs: falseAlarm * STEP,
    confusionMs: confusion * STEP,
    scoredMs: scoredFrames * STEP,
    mapping: best,
  };
}
