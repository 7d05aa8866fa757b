/**
 * The diarization the local service used before voice clustering (kept here only so bench/diarization.ts can
 * measure "before" side by side): each utterance's median pitch (autocorrelation over up to 60 voiced 40 ms
 * frames), clustered in the log domain by splitting at the widest gaps over a third of an octave.
 */
const RATE = 16000;
const FRAME = 640;
const MIN_LAG = Math.floor(RATE / 400);
const MAX_LAG = Math.ceil(RATE / 60);
const MAX_FRAMES = 60;
const VOICED_CORRELATION = 0.6;
const MIN_GAP = 1 / 3;

function framePitch(x: Float32Array, start: number): number | undefined {
  let energy = 0;
  for (let i = start; i < start + FRAME; i++) energy += x[i]! * x[i]!;
  if (energy / FRAME < 1e-5) return undefined;
  let bestLag = 0;
  let best = 0;
  for (let lag = MIN_LAG; lag <= MAX_LAG; lag++) {
    let sum = 0;
    let e1 = 0;
    let e2 = 0;
    for (let i = start; i < start + FRAME - lag; i++) {
      sum += x[i]! * x[i + lag]!;
      e1 += x[i]! * x[i]!;
      e2 += x[i + lag]! * x[i + lag]!;
    }
    const r = sum / Math.sqrt(e1 * e2 || 1);
    if (r > best) [best, bestLag] = [r, lag];
  }
  return best >= VOICED_CORRELATION ? RATE / bestLag : undefined;
}

/** Median pitch of the voiced frames of `samples` (16 kHz) between two times, or undefined. */
export function medianPitch(samples: Float32Array, startMs: number, endMs: number): number | undefined {
  const first = Math.floor((startMs / 1000) * RATE);
  const last = Math.min(samples.length - FRAME, Math.floor((endMs / 1000) * RATE) - FRAME);
  if (last < first) return undefined;
  const frames = Math.min(MAX_FRAMES, Math.floor((last - first) / (FRAME / 4)) + 1);
  const step = frames > 1 ? (last - first) / (frames - 1) : 0;
  const pitches: number[] = [];
  for (let k = 0; k < frames; k++) {
    const p = framePitch(samples, Math.round(first + k * step));
    if (p !== undefined) pitches.push(p);
  }
  if (pitches.length === 0) return undefined;
  pitches.sort((a, b) => a - b);
  return pitches[Math.floor(pitches.length / 2)];
}

/** Speaker numbers (from 1, by first appearance) from each utterance's median pitch (undefined: unvoiced). */
export function speakersByPitch(pitch: readonly (number | undefined)[], starts: readonly number[], maxSpeakers: number): number[] {
  const voiced = pitch.map((p, i) => ({ i, log: p === undefined ? NaN : Math.log2(p) })).filter((v) => !Number.isNaN(v.log));
  voiced.sort((a, b) => a.log - b.log);
  const gaps = voiced
    .slice(1)
    .map((v, k) => ({ at: k + 1, size: v.log - voiced[k]!.log }))
    .filter((g) => g.size >= MIN_GAP)
    .sort((a, b) => b.size - a.size)
    .slice(0, Math.max(0, maxSpeakers - 1))
    .map((g) => g.at)
    .sort((a, b) => a - b);
  const cluster = new Array<number>(starts.length).fill(-1);
  voiced.forEach((v, rank) => (cluster[v.i] = gaps.filter((at) => at <= rank).length));
  for (let i = 0; i < cluster.length; i++) {
    if (cluster[i]! >= 0) continue;
    let nearest = -1;
    for (let j = 0; j < cluster.length; j++) {
      if (pitch[j] === undefined) continue;
      if (nearest < 0 || Math.abs(starts[j]! - starts[i]!) < Math.abs(starts[nearest]! - starts[i]!)) nearest = j;
    }
    cluster[i] = nearest >= 0 ? cluster[nearest]! : 0;
  }
  const order = starts.map((_, i) => i).sort((a, b) => starts[a]! - starts[b]!);
  const numbers = new Map<number, number>();
  for (const i of order) if (!numbers.has(cluster[i]!)) numbers.set(cluster[i]!, numbers.size + 1);
  return cluster.map((c) => numbers.get(c)!);
}
