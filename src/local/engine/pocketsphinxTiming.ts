/**
 * Puts back in time the utterances `pocketsphinx_continuous` (0.8+5prealpha) reports late.
 *
 * The CLI reads its input 2048 samples (128 ms) at a time and ends an utterance when, after a read, its voice
 * activity detector is out of speech. When speech stops and starts again within one read — a pause of about
 * `-vad_postspeech` (0.5 s), common between the turns of a call — the utterance goes on, but the decoder counts its
 * frames from where speech last started instead of from where the utterance started: every time of the utterance is
 * late by the length of the speech before that restart, often seconds (bench/timing.ts; the bare CLI does it too).
 * Its times *within* the utterance stay right, and utterances come out in the order they were spoken.
 *
 * So each utterance is moved back by the shift that best lines up where it says words are and where it says it is
 * silent (`<s>`, `<sil>`, `</s>`) with the loudness of the audio the CLI read — never before the end of the previous
 * utterance, and only when that lines up clearly better than where the CLI put it: words, and so the transcript's
 * text, are never changed.
 */

/** One token of the CLI's output, fillers included: `word start end posterior`, times in ms. */
export interface CliToken {
  token: string;
  startMs: number;
  endMs: number;
  confidence: number;
}

/** One utterance as the CLI printed it. */
export interface CliUtterance {
  tokens: CliToken[];
}

const FRAME_MS = 10;
const SAMPLES_PER_FRAME = 160;
/** Loudness above the quiet floor of the audio counts up to this much (dB), so a few loud frames cannot dominate. */
const RANGE_DB = 40;
/** A realignment must line up words and silences this much better (dB of mean contrast) than the CLI's times. */
const MARGIN_DB = 3;
/** The bug moves an utterance by at least a stretch of speech and a pause: smaller shifts are left alone. */
const MIN_SHIFT_MS = 500;

/** Speech (+1), silence (-1) or neither (0: `[NOISE]`, `++UH++`, …) for a token. */
function kind(token: string): number {
  if (token === '<s>' || token === '</s>' || token === '<sil>') return -1;
  return token.startsWith('<') || token.startsWith('[') || token.startsWith('+') ? 0 : 1;
}

/**
 * Loudness per 10 ms frame, dB above the audio's quiet floor (its 10th percentile), clipped to [0, RANGE_DB], as
 * prefix sums (entry t = sum of frames before t).
 */
function loudness(samples: Int16Array): Float64Array {
  const frames = Math.floor(samples.length / SAMPLES_PER_FRAME);
  const db = new Float64Array(frames);
  for (let f = 0; f < frames; f++) {
    let sum = 0;
    for (let i = f * SAMPLES_PER_FRAME; i < (f + 1) * SAMPLES_PER_FRAME; i++) sum += samples[i]! * samples[i]!;
    db[f] = 10 * Math.log10(sum / SAMPLES_PER_FRAME + 1);
  }
  const floor = frames > 0 ? Float64Array.from(db).sort()[Math.floor(frames / 10)]! : 0;
  const prefix = new Float64Array(frames + 1);
  for (let f = 0; f < frames; f++) prefix[f + 1] = prefix[f]! + Math.min(RANGE_DB, Math.max(0, db[f]! - floor));
  return prefix;
}

/** Stretches of one kind, in frames. */
interface Stretch {
  from: number;
  to: number;
  kind: number;
}

/**
 * How well the utterance's speech and silence line up with the audio when moved `shift` frames earlier: mean
 * loudness of its word frames minus that of its silence frames (frames outside the audio are left out), or -∞.
 */
function contrast(stretches: readonly Stretch[], prefix: Float64Array, shift: number): number {
  const frames = prefix.length - 1;
  let speech = 0;
  let speechFrames = 0;
  let silence = 0;
  let silenceFrames = 0;
  for (const { from, to, kind: k } of stretches) {
    const a = Math.max(0, Math.min(frames, from - shift));
    const b = Math.max(0, Math.min(frames, to - shift));
    if (b <= a || k === 0) continue;
    if (k > 0) {
      speech += prefix[b]! - prefix[a]!;
      speechFrames += b - a;
    } else {
      silence += prefix[b]! - prefix[a]!;
      silenceFrames += b - a;
    }
  }
  if (speechFrames === 0 || silenceFrames === 0) return -Infinity;
  return speech / speechFrames - silence / silenceFrames;
}

/** The utterances with those the CLI reported late moved back to where their speech is (see the header). */
export function realignLateUtterances(utterances: readonly CliUtterance[], samples: Int16Array): CliUtterance[] {
  const prefix = loudness(samples);
  let previousEnd = 0;
  return utterances.map((utterance) => {
    const { tokens } = utterance;
    const start = Math.round(tokens[0]!.startMs / FRAME_MS);
    const end = Math.round(tokens[tokens.length - 1]!.endMs / FRAME_MS);
    const stretches = tokens.map((t) => ({ from: Math.round(t.startMs / FRAME_MS), to: Math.round(t.endMs / FRAME_MS), kind: kind(t.token) }));
    const room = start - previousEnd;
    let best = 0;
    if (room * FRAME_MS >= MIN_SHIFT_MS && stretches.some((s) => s.kind > 0)) {
      const here = contrast(stretches, prefix, 0);
      let bestContrast = here;
      for (let shift = MIN_SHIFT_MS / FRAME_MS; shift <= room; shift++) {
        const c = contrast(stretches, prefix, shift);
        if (c > bestContrast) [best, bestContrast] = [shift, c];
      }
      if (!(bestContrast >= here + MARGIN_DB)) best = 0;
    }
    previousEnd = end - best;
    if (best === 0) return utterance;
    const ms = best * FRAME_MS;
    return { tokens: tokens.map((t) => ({ ...t, startMs: t.startMs - ms, endMs: t.endMs - ms })) };
  });
}
