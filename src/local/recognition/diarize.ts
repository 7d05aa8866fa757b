/**
 * Diarization of mono audio: who spoke each word, by clustering the voices of short stretches of speech.
 *
 * 1. **Voice statistics per word** (the worker's 'voice' task, one segment at a time): MFCCs (25 ms frames every
 *    10 ms, 24 mel bands over 100–3800 Hz so 8 kHz telephone audio and wideband audio look alike, c1..c12) over the
 *    frames of each recognised word, summarised as sufficient statistics of a full-covariance Gaussian: frame count,
 *    sum and sum of outer products. They add up, so any stretch of words has its statistics for free.
 * 2. **Windows**: consecutive words with less than {@link WINDOW_GAP_MS} between them, cut after
 *    {@link WINDOW_MS} of speech — short enough that a window rarely holds two voices, long enough to model one.
 * 3. **Clustering** (main thread, per channel): agglomerative, always merging the two clusters whose union costs the
 *    least by the Bayesian information criterion (ΔBIC of one Gaussian for both against one each); it stops when
 *    that cheapest merge costs at least {@link STOP_PER_FRAME} per frame and at most `maxSpeakers` remain — so a
 *    one-voice recording stays one speaker, and the caller's maximum is honoured.
 * 4. **Resegmentation**: each window (short ones too) goes to the cluster whose Gaussian explains its frames best,
 *    twice, refining the models in between; words take their window's speaker, and utterances are split where the
 *    speaker changes. Speakers are numbered from 1 in order of first appearance, as Azure does.
 */
import type { RecognizedWord, Utterance } from '../engine/types';

const RATE = 16000;
const FRAME = 400; // 25 ms
const HOP = 160; // 10 ms
const FFT = 512;
const BANDS = 24;
const LOW_HZ = 100;
const HIGH_HZ = 3800;
/** Cepstral coefficients c1..c{DIM}. */
export const DIM = 12;
/** Packed statistics: [n, sum (DIM), upper triangle of the sum of outer products (DIM·(DIM+1)/2)]. */
const STATS = 1 + DIM + (DIM * (DIM + 1)) / 2;
/** A new window starts after a pause of this length between words … */
const WINDOW_GAP_MS = 200;
/** … or once a window holds this much speech. */
const WINDOW_MS = 1500;
/** Windows with fewer frames do not seed clusters (too short to model); they are assigned afterwards. */
const MIN_FRAMES = 60;
/** Weight of the BIC's model-size penalty. */
const LAMBDA = 1;
/**
 * Clusters stay apart when merging the closest two would cost at least this much ΔBIC per frame. ΔBIC itself grows
 * with the length of the clusters, and real voices vary enough that one voice split in two still scores ΔBIC > 0
 * over a minute of speech. Per frame, for the last merge (two clusters into one), measured at 16 kHz and 8 kHz µ-law:
 * 0.08–0.24 for one voice (a LibriVox reader, flite rms, flite slt), 0.34–1.02 for two (the LibriVox reader and
 * another speaker, three male flite pairs, a female/male pair); the lowest two-voice figure is the real speakers at
 * 8 kHz. A two-party call wrongly made one speaker costs users more than a one-voice file split in two.
 */
const STOP_PER_FRAME = 0.29;
/** Variance floor added to covariance diagonals (keeps short stretches invertible). */
const FLOOR = 1e-3;

/** What the worker's 'voice' task gets: one segment's PCM and each word's [startMs, endMs] in the segment's time. */
export interface VoiceRequest {
  pcm: Int16Array;
  ranges: [number, number][];
}

// ---------------------------------------------------------------------------------------------------------------
// Features

const hamming = Float64Array.from({ length: FRAME }, (_, i) => 0.54 - 0.46 * Math.cos((2 * Math.PI * i) / (FRAME - 1)));
const melOf = (hz: number): number => 2595 * Math.log10(1 + hz / 700);
const hzOf = (mel: number): number => 700 * (10 ** (mel / 2595) - 1);
/** Triangular mel filters as [first bin, weights]. */
const filters: [number, Float64Array][] = (() => {
  const edges = Array.from({ length: BANDS + 2 }, (_, k) => hzOf(melOf(LOW_HZ) + ((melOf(HIGH_HZ) - melOf(LOW_HZ)) * k) / (BANDS + 1)));
  const bin = (hz: number): number => (hz * FFT) / RATE;
  return Array.from({ length: BANDS }, (_, m) => {
    const [lo, mid, hi] = [bin(edges[m]), bin(edges[m + 1]), bin(edges[m + 2])];
    const first = Math.ceil(lo);
    const weights = Float64Array.from({ length: Math.max(0, Math.floor(hi) - first + 1) }, (_, i) => {
      const b = first + i;
      return b <= mid ? (b - lo) / (mid - lo) : (hi - b) / (hi - mid);
    });
    return [first, weights];
  });
})();
const dct = Array.from({ length: DIM }, (_, c) => Float64Array.from({ length: BANDS }, (_, m) => Math.cos((Math.PI * (c + 1) * (m + 0.5)) / BANDS)));
const bitReversed = Uint16Array.from({ length: FFT }, (_, i) => {
  let r = 0;
  for (let b = 0, v = i; b < Math.log2(FFT); b++, v >>= 1) r = (r << 1) | (v & 1);
  return r;
});

/** In-place radix-2 FFT of (re, im), length FFT. */
function fft(re: Float64Array, im: Float64Array): void {
  for (let i = 0; i < FFT; i++) {
    const j = bitReversed[i];
    if (j > i) {
      [re[i], re[j]] = [re[j], re[i]];
      [im[i], im[j]] = [im[j], im[i]];
    }
  }
  for (let size = 2; size <= FFT; size *= 2) {
    const half = size / 2;
    const step = (-2 * Math.PI) / size;
    for (let start = 0; start < FFT; start += size) {
      for (let k = 0; k < half; k++) {
        const wr = Math.cos(step * k);
        const wi = Math.sin(step * k);
        const a = start + k;
        const b = a + half;
        const tr = re[b] * wr - im[b] * wi;
        const ti = re[b] * wi + im[b] * wr;
        re[b] = re[a] - tr;
        im[b] = im[a] - ti;
        re[a] += tr;
        im[a] += ti;
      }
    }
  }
}

/** MFCCs c1..c{DIM} of the frame of `x` starting at `start` (pre-emphasis, Hamming window, log mel energies, DCT). */
function mfcc(x: Float32Array, start: number, re: Float64Array, im: Float64Array, out: Float64Array): void {
  re.fill(0);
  im.fill(0);
  for (let i = 0; i < FRAME; i++) re[i] = (x[start + i] - (start + i > 0 ? 0.97 * x[start + i - 1] : 0)) * hamming[i];
  fft(re, im);
  const logMel = new Float64Array(BANDS);
  for (let m = 0; m < BANDS; m++) {
    const [first, weights] = filters[m];
    let e = 0;
    for (let i = 0; i < weights.length; i++) e += weights[i] * (re[first + i] ** 2 + im[first + i] ** 2);
    logMel[m] = Math.log(e + 1e-10);
  }
  for (let c = 0; c < DIM; c++) {
    let s = 0;
    for (let m = 0; m < BANDS; m++) s += dct[c][m] * logMel[m];
    out[c] = s;
  }
}

/** Voice statistics (packed, see {@link STATS}) of each time range of one piece of 16 kHz audio; null when empty. */
export function voiceStatistics(request: VoiceRequest): (number[] | null)[] {
  const x = Float32Array.from(request.pcm, (v) => v / 32768);
  const re = new Float64Array(FFT);
  const im = new Float64Array(FFT);
  const c = new Float64Array(DIM);
  return request.ranges.map(([startMs, endMs]) => {
    const first = Math.max(0, Math.round((startMs / 1000) * RATE));
    const last = Math.min(x.length - FRAME, Math.round((endMs / 1000) * RATE) - FRAME);
    const stats = new Array<number>(STATS).fill(0);
    for (let at = first; at <= last; at += HOP) {
      mfcc(x, at, re, im, c);
      stats[0]++;
      let k = 1 + DIM;
      for (let i = 0; i < DIM; i++) {
        stats[1 + i] += c[i];
        for (let j = i; j < DIM; j++) stats[k++] += c[i] * c[j];
      }
    }
    return stats[0] > 0 ? stats : null;
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Gaussians from statistics

function add(a: readonly number[], b: readonly number[]): number[] {
  return a.map((v, i) => v + b[i]);
}

interface Gaussian {
  n: number;
  mean: Float64Array;
  /** Cholesky factor (lower, row-major DIM×DIM) of the covariance. */
  chol: Float64Array;
  logDet: number;
}

function gaussian(stats: readonly number[]): Gaussian {
  const n = stats[0];
  const mean = Float64Array.from({ length: DIM }, (_, i) => stats[1 + i] / n);
  const cov = new Float64Array(DIM * DIM);
  let k = 1 + DIM;
  for (let i = 0; i < DIM; i++) {
    for (let j = i; j < DIM; j++) {
      const v = stats[k++] / n - mean[i] * mean[j];
      cov[i * DIM + j] = v;
      cov[j * DIM + i] = v;
    }
    cov[i * DIM + i] += FLOOR;
  }
  const chol = new Float64Array(DIM * DIM);
  let logDet = 0;
  for (let i = 0; i < DIM; i++) {
    for (let j = 0; j <= i; j++) {
      let s = cov[i * DIM + j];
      for (let p = 0; p < j; p++) s -= chol[i * DIM + p] * chol[j * DIM + p];
      if (i === j) {
        const d = Math.sqrt(Math.max(s, FLOOR));
        chol[i * DIM + i] = d;
        logDet += 2 * Math.log(d);
      } else {
        chol[i * DIM + j] = s / chol[j * DIM + j];
      }
    }
  }
  return { n, mean, chol, logDet };
}

/** ΔBIC per frame of modelling two stretches with one Gaussian instead of one each: the higher, the more two voices. */
function mergeCost(a: readonly number[], b: readonly number[]): number {
  return deltaBic(a, b) / (a[0] + b[0]);
}

/** ΔBIC of modelling two stretches with one Gaussian instead of one each: > 0 favours two voices. */
export function deltaBic(a: readonly number[], b: readonly number[]): number {
  const n = a[0] + b[0];
  const penalty = 0.5 * LAMBDA * (DIM + (DIM * (DIM + 1)) / 2) * Math.log(n);
  return 0.5 * (n * gaussian(add(a, b)).logDet - a[0] * gaussian(a).logDet - b[0] * gaussian(b).logDet) - penalty;
}

/** Mean log-likelihood per frame (up to a constant) of the frames summarised by `stats` under `g`. */
function logLikelihood(g: Gaussian, stats: readonly number[]): number {
  const n = stats[0];
  // Σ (x-μ)ᵀ Σ⁻¹ (x-μ) = tr(Σ⁻¹ S) with S = Σ (x-μ)(x-μ)ᵀ, from the sums; via L⁻¹ on S's Cholesky-free form.
  const s = new Float64Array(DIM * DIM);
  let k = 1 + DIM;
  for (let i = 0; i < DIM; i++) {
    for (let j = i; j < DIM; j++) {
      const v = stats[k++] - g.mean[i] * stats[1 + j] - g.mean[j] * stats[1 + i] + n * g.mean[i] * g.mean[j];
      s[i * DIM + j] = v;
      s[j * DIM + i] = v;
    }
  }
  // tr(Σ⁻¹ S) = tr(L⁻ᵀ L⁻¹ S) = Σ_columns ‖L⁻¹ S_col‖² only when S = A Aᵀ; use tr(L⁻¹ S L⁻ᵀ) instead: solve twice.
  const y = new Float64Array(DIM * DIM); // Y = L⁻¹ S
  for (let col = 0; col < DIM; col++) {
    for (let i = 0; i < DIM; i++) {
      let v = s[i * DIM + col];
      for (let p = 0; p < i; p++) v -= g.chol[i * DIM + p] * y[p * DIM + col];
      y[i * DIM + col] = v / g.chol[i * DIM + i];
    }
  }
  let trace = 0; // tr(L⁻¹ Yᵀ) where (L⁻¹ S L⁻ᵀ) = L⁻¹ (L⁻¹ S)ᵀ as S is symmetric
  const z = new Float64Array(DIM);
  for (let col = 0; col < DIM; col++) {
    for (let i = 0; i < DIM; i++) {
      let v = y[col * DIM + i];
      for (let p = 0; p < i; p++) v -= g.chol[i * DIM + p] * z[p];
      z[i] = v / g.chol[i * DIM + i];
    }
    trace += z[col];
  }
  return -0.5 * (g.logDet + trace / n);
}

// ---------------------------------------------------------------------------------------------------------------
// Clustering

/**
 * Clusters stretches of speech (their packed statistics, in time order) into speakers: agglomerative by ΔBIC, at
 * most `maxSpeakers`, then each stretch reassigned to the best-fitting cluster. Returns a cluster index per stretch
 * (null statistics get -1).
 */
export function clusterVoices(windows: readonly (readonly number[] | null)[], maxSpeakers: number, stopPerFrame = STOP_PER_FRAME): number[] {
  const seeds = windows.map((w, i) => ({ w, i })).filter((s): s is { w: readonly number[]; i: number } => s.w !== null && s.w[0] >= MIN_FRAMES);
  const fallback = seeds.length > 0 ? seeds : windows.map((w, i) => ({ w, i })).filter((s): s is { w: readonly number[]; i: number } => s.w !== null);
  const assignment = new Array<number>(windows.length).fill(-1);
  if (fallback.length === 0) return assignment;
  let clusters: number[][] = fallback.map((s) => [...s.w]);
  const cost = new Map<string, number>();
  const pair = (a: number, b: number): string => `${Math.min(a, b)},${Math.max(a, b)}`;
  let ids = clusters.map((_, i) => i);
  const byId = new Map<number, number[]>(ids.map((id, i) => [id, clusters[i]]));
  let nextId = ids.length;
  for (let a = 0; a < ids.length; a++) for (let b = a + 1; b < ids.length; b++) cost.set(pair(ids[a], ids[b]), deltaBic(byId.get(ids[a])!, byId.get(ids[b])!));
  while (ids.length > 1) {
    let best: [number, number] | undefined;
    let bestCost = Infinity;
    for (let a = 0; a < ids.length; a++) {
      for (let b = a + 1; b < ids.length; b++) {
        const c = cost.get(pair(ids[a], ids[b]))!;
        if (c < bestCost) [bestCost, best] = [c, [ids[a], ids[b]]];
      }
    }
    if (!best || (ids.length <= maxSpeakers && mergeCost(byId.get(best[0])!, byId.get(best[1])!) >= stopPerFrame)) break;
    const merged = add(byId.get(best[0])!, byId.get(best[1])!);
    const id = nextId++;
    byId.set(id, merged);
    ids = ids.filter((x) => x !== best[0] && x !== best[1]);
    for (const other of ids) cost.set(pair(id, other), deltaBic(merged, byId.get(other)!));
    ids.push(id);
  }
  clusters = ids.map((id) => byId.get(id)!);
  // Resegmentation: every stretch to the cluster that explains it best; the models re-estimated once in between.
  for (let round = 0; round < 2; round++) {
    const models = clusters.map(gaussian);
    windows.forEach((w, i) => {
      if (!w) return;
      let best = 0;
      let bestLl = -Infinity;
      models.forEach((g, k) => {
        const ll = logLikelihood(g, w);
        if (ll > bestLl) [bestLl, best] = [ll, k];
      });
      assignment[i] = best;
    });
    const next = clusters.map(() => new Array<number>(STATS).fill(0));
    windows.forEach((w, i) => {
      if (w) next[assignment[i]] = add(next[assignment[i]], w);
    });
    if (next.some((s) => s[0] < MIN_FRAMES)) break; // a cluster emptied out: keep the last models
    clusters = next;
  }
  return assignment;
}

/** A word with the voice statistics of its frames (set by the recogniser when it diarizes). */
export type VoicedWord = RecognizedWord & { voice?: number[] | null };
export type VoicedUtterance = Omit<Utterance, 'words'> & { words: VoicedWord[] };

/**
 * Groups words (in time order) into windows: consecutive words less than {@link WINDOW_GAP_MS} apart, at most
 * {@link WINDOW_MS} long. Returns each window's summed statistics (null when none of its words has any) and each
 * word's window.
 */
export function voiceWindows(words: readonly Pick<VoicedWord, 'startMs' | 'endMs' | 'voice'>[]): { windows: (number[] | null)[]; windowOf: number[] } {
  const windowOf: number[] = [];
  const windows: (number[] | null)[] = [];
  let windowStart = -Infinity;
  let previousEnd = -Infinity;
  for (const w of words) {
    if (windows.length === 0 || w.startMs - previousEnd >= WINDOW_GAP_MS || w.endMs - windowStart > WINDOW_MS) {
      windows.push(null);
      windowStart = w.startMs;
    }
    const k = windows.length - 1;
    if (w.voice) windows[k] = windows[k] ? add(windows[k]!, w.voice) : [...w.voice];
    windowOf.push(k);
    previousEnd = w.endMs;
  }
  return { windows, windowOf };
}

/**
 * Splits a channel's utterances where the speaker changes and gives each piece its speaker (from 1, by first
 * appearance). Words without statistics take their window's speaker; windows without any take the nearest earlier
 * one's.
 */
export function diarizeChannel(utterances: readonly VoicedUtterance[], maxSpeakers: number): { utterances: Utterance[]; speakers: number[] } {
  const { windows, windowOf } = voiceWindows(utterances.flatMap((u) => u.words));
  const cluster = clusterVoices(windows, Math.max(1, maxSpeakers));
  for (let k = 0; k < cluster.length; k++) if (cluster[k] < 0) cluster[k] = k > 0 ? cluster[k - 1] : (cluster.find((c) => c >= 0) ?? 0);
  // Number speakers by first appearance.
  const numbers = new Map<number, number>();
  const speakerOfWord = windowOf.map((k) => {
    if (!numbers.has(cluster[k])) numbers.set(cluster[k], numbers.size + 1);
    return numbers.get(cluster[k])!;
  });
  const out: Utterance[] = [];
  const speakers: number[] = [];
  let at = 0;
  utterances.forEach((u) => {
    if (u.words.length === 0) {
      out.push(strip(u));
      speakers.push(at > 0 ? speakerOfWord[at - 1] : 1);
      return;
    }
    let run: RecognizedWord[] = [];
    let runSpeaker = speakerOfWord[at];
    const flush = (): void => {
      if (run.length === 0) return;
      out.push(
        run.length === u.words.length
          ? strip(u)
          : {
              startMs: run[0].startMs,
              endMs: run[run.length - 1].endMs,
              text: run.map((w) => w.word).join(' '),
              confidence: run.reduce((s, w) => s + w.confidence, 0) / run.length,
              words: run,
            },
      );
      speakers.push(runSpeaker);
      run = [];
    };
    for (const w of u.words) {
      const speaker = speakerOfWord[at++];
      if (speaker !== runSpeaker) {
        flush();
        runSpeaker = speaker;
      }
      run.push(plainWord(w));
    }
    flush();
  });
  return { utterances: out, speakers };
}

function plainWord({ voice: _, ...w }: VoicedWord): RecognizedWord {
  return w;
}

function strip(u: VoicedUtterance): Utterance {
  return { ...u, words: u.words.map(plainWord) };
}
