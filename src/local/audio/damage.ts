/**
 * Damage is reported, never hidden. What the decoders notice while they decode a file (./stream.ts: a WAV shorter
 * than its header says or with a header written as a stream, MP3 frames that are corrupt or missing, a file cut
 * inside a frame, errors ffmpeg reports) and what the levels of the decoded audio show (a file that is all silence,
 * one clipped throughout) become warnings of the file's result: its transcript keeps what could be decoded, and
 * the warning — `{ code, message }`, the message a sentence for users — travels with it (the result file's
 * `warnings`, its line in report.json, its entry in the files list; see core/wire.ts `AudioWarning`).
 * Every length in a message is floored to the second (core/ticks.ts), like every time users see.
 */
import type { AudioWarning } from '../../core/wire';
import { formatDuration } from '../../core/ticks';

/** What a decoder noticed about the file, complete once its blocks have ended. */
export interface DecodeIssues {
  /** The length the header (or container) declares, where it declares one; undefined where it does not. */
  declaredMs?: number;
  /** How much shorter than `declaredMs` the decoded audio may be without anything missing (encoder delay, estimates). */
  slackMs?: number;
  /** The WAV header gives no usable length (a placeholder of a recorder that streams or never finished, or absurd). */
  lengthUnknown?: boolean;
  /** The file ends inside an MP3 frame (it was cut off). */
  cutMidFrame?: boolean;
  /** Data the decoder could not decode: how often, where the first failure was (ms of decoded audio), what it said. */
  errors?: { count: number; firstAtMs: number; detail: string };
}

/** Level below which a channel counts as silent: no 50 ms stretch louder than this (dBFS, RMS). */
export const SILENT_DBFS = -60;
/** A sample at or above this magnitude is at full scale (µ-law's and A-law's largest values decode to 0.98). */
const FULL_SCALE = 0.97;
/** A second of audio is clipped when this share of its samples are at full scale (normalised speech peaks once). */
const CLIPPED_SAMPLE_SHARE = 0.001;
/** A second counts as sound (speech) from this RMS level (dBFS). */
const SOUND_DBFS = -35;
/** A channel is clipped throughout when this share of its seconds of sound are clipped. */
export const CLIPPED_THROUGHOUT_SHARE = 0.3;
/** The shortfall (ms) below which a decoded length counts as the declared one (rounding). */
const LENGTH_TOLERANCE_MS = 250;

const dbfs = (db: number): number => 10 ** (db / 20);

/** Levels of one channel, measured block by block at the file's own rate. */
class ChannelLevels {
  private shortSq = 0;
  private shortCount = 0;
  private longSq = 0;
  private longCount = 0;
  private longClipped = 0;
  /** Largest mean square of a 50 ms stretch. */
  maxShortMs = 0;
  soundSeconds = 0;
  clippedSeconds = 0;

  constructor(
    private readonly shortLength: number,
    private readonly longLength: number,
  ) {}

  push(samples: Float32Array): void {
    // In runs up to the next window end: a tight loop per run, the window bookkeeping once per run.
    for (let i = 0; i < samples.length; ) {
      const end = i + Math.min(samples.length - i, this.shortLength - this.shortCount, this.longLength - this.longCount);
      let sq = 0;
      let clipped = 0;
      for (let j = i; j < end; j++) {
        const x = samples[j]!;
        sq += x * x;
        if (x >= FULL_SCALE || x <= -FULL_SCALE) clipped++;
      }
      this.shortSq += sq;
      this.longSq += sq;
      this.longClipped += clipped;
      this.shortCount += end - i;
      this.longCount += end - i;
      i = end;
      if (this.shortCount === this.shortLength) this.endShort();
      if (this.longCount === this.longLength) this.endLong();
    }
  }

  end(): void {
    if (this.shortCount > 0) this.endShort();
    if (this.longCount >= this.longLength / 4) this.endLong();
  }

  private endShort(): void {
    this.maxShortMs = Math.max(this.maxShortMs, this.shortSq / this.shortCount);
    this.shortSq = 0;
    this.shortCount = 0;
  }

  private endLong(): void {
    if (this.longSq / this.longCount >= dbfs(SOUND_DBFS) ** 2) {
      this.soundSeconds++;
      if (this.longClipped >= CLIPPED_SAMPLE_SHARE * this.longCount) this.clippedSeconds++;
    }
    this.longSq = 0;
    this.longCount = 0;
    this.longClipped = 0;
  }
}

/** Silence and clipping of the decoded channels, measured as they stream (one pass, no copies). */
export class LevelMeter {
  private readonly levels: ChannelLevels[];

  constructor(
    /** The file's channel number of each channel pushed (for the messages). */
    private readonly channels: readonly number[],
    sampleRate: number,
  ) {
    this.levels = channels.map(() => new ChannelLevels(Math.max(1, Math.round(sampleRate / 20)), Math.max(1, Math.round(sampleRate))));
  }

  /** One block: an array per channel, in the order of `channels`. */
  push(block: readonly Float32Array[]): void {
    block.forEach((samples, k) => this.levels[k]?.push(samples));
  }

  /** The warnings about levels, once the whole file has been pushed. */
  warnings(decodedMs: number): AudioWarning[] {
    for (const level of this.levels) level.end();
    const silent = this.levels.map((l) => l.maxShortMs < dbfs(SILENT_DBFS) ** 2);
    const warnings: AudioWarning[] = [];
    const name = (k: number) => `Channel ${this.channels[k]! + 1}`;
    if (silent.every(Boolean)) {
      warnings.push({
        code: 'AudioSilent',
        message: `The recording is silent: nothing in its ${formatDuration(decodedMs)} is louder than ${SILENT_DBFS} dBFS, so there is nothing to transcribe`,
      });
    } else if (silent.some(Boolean)) {
      const k = silent.indexOf(true);
      warnings.push({
        code: 'AudioSilent',
        message: `${name(k)} is silent (nothing louder than ${SILENT_DBFS} dBFS): only one side of the call was recorded`,
      });
    }
    const clipped = this.levels.map((l) => l.soundSeconds >= 2 && l.clippedSeconds >= CLIPPED_THROUGHOUT_SHARE * l.soundSeconds);
    const withSound = this.levels.filter((l) => l.soundSeconds > 0);
    const clippedMessage = (who: string, levels: ChannelLevels[]) => {
      const share = Math.floor((100 * levels.reduce((n, l) => n + l.clippedSeconds, 0)) / levels.reduce((n, l) => n + l.soundSeconds, 0));
      return `${who} is clipped throughout (recorded too loud: ${share} % of its seconds of sound hit full scale); distorted words may be misrecognised`;
    };
    if (clipped.some(Boolean) && withSound.every((l) => clipped[this.levels.indexOf(l)])) {
      warnings.push({ code: 'AudioClipped', message: clippedMessage('The recording', withSound) });
    } else {
      clipped.forEach((c, k) => c && warnings.push({ code: 'AudioClipped', message: clippedMessage(name(k), [this.levels[k]!]) }));
    }
    return warnings;
  }
}

/** The warnings of what the decoder noticed, for `decodedMs` of audio decoded. */
export function decodeWarnings(issues: DecodeIssues, decodedMs: number, format: string): AudioWarning[] {
  const decoded = formatDuration(decodedMs);
  const tolerance = Math.max(LENGTH_TOLERANCE_MS, issues.slackMs ?? 0);
  const shortBy = issues.declaredMs === undefined || issues.declaredMs - decodedMs <= tolerance ? 0 : issues.declaredMs - decodedMs;
  const warnings: AudioWarning[] = [];
  // An error at the very end of what was decoded is where the file was cut (FLAC through ffmpeg says so).
  const cutAtError = issues.errors !== undefined && issues.errors.firstAtMs >= decodedMs - 1000;
  if (shortBy > 0 && (!issues.errors || cutAtError)) {
    warnings.push({
      code: 'AudioTruncated',
      message: `Only ${decoded} of ${formatDuration(issues.declaredMs!)} could be decoded: the file ends early`,
    });
  } else if (issues.errors) {
    const lost = shortBy > 0 ? `${formatDuration(shortBy)} of audio could not be decoded` : 'some of the audio could not be decoded';
    const kind = format === 'mp3' ? 'corrupt or missing MP3 frames' : issues.errors.detail;
    warnings.push({
      code: 'AudioDamaged',
      message: `Damaged audio from ${formatDuration(issues.errors.firstAtMs)} on: ${lost} (${kind}); the transcript ${shortBy > 0 ? 'has' : 'may have'} a gap there`,
    });
  } else if (issues.cutMidFrame) {
    warnings.push({
      code: 'AudioTruncated',
      message: `The file ends in the middle of an MP3 frame: it was cut off after ${decoded}, and the rest of the call may be missing`,
    });
  }
  if (issues.lengthUnknown) {
    warnings.push({
      code: 'AudioLengthUnknown',
      message: `The WAV header does not say how long the recording is (written as a stream, never finished, or with impossible sizes); ${decoded} was decoded up to the end of the file, which may not be the whole call`,
    });
  }
  return warnings;
}
