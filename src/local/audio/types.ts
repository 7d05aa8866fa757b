/** Decoded audio: one Float32Array (-1..1) per channel, all of equal length. */
export interface DecodedAudio {
  sampleRate: number;
  channels: Float32Array[];
  /** Exact length of the audio in ms (samples / sampleRate * 1000). */
  durationMs: number;
  /** e.g. "wav/pcm16", "wav/alaw", "mp3". */
  format: string;
}

/** Thrown for audio that cannot be decoded; `message` is meant for users (it ends up in `properties.error`). */
export class AudioFormatError extends Error {
  constructor(
    message: string,
    /** A DetailedErrorCode of the spec: InvalidAudioFormat, BadChannelConfiguration, EmptyAudioFile, AudioLengthLimitExceeded. */
    readonly code: 'InvalidAudioFormat' | 'BadChannelConfiguration' | 'EmptyAudioFile' | 'AudioLengthLimitExceeded' = 'InvalidAudioFormat',
  ) {
    super(message);
    this.name = 'AudioFormatError';
  }
}

/** What the header of an audio file says, read without decoding it. */
export interface AudioInfo {
  /** e.g. "wav/pcm16", "mp3". */
  format: string;
  sampleRate: number;
  channels: number;
  /**
   * Length of the audio in ms: exact for WAV (the frames present in the file); for MP3 from the frame count of a
   * Xing/Info header, else estimated from the bit rate and the file size.
   */
  durationMs: number;
  /**
   * What the length is at least: `durationMs` where that is exact or counted; for an MP3 without a frame count, the
   * length at the highest bit rate its MPEG version allows. Limits are checked against this, so no file is refused
   * for a guess.
   */
  minDurationMs: number;
}

/** Sample rates recordings use: anything outside is a damaged or hostile header, refused before any decoding. */
export const MIN_SAMPLE_RATE = 4000;
export const MAX_SAMPLE_RATE = 384000;

/** Throws an `AudioFormatError` for a sample rate outside {@link MIN_SAMPLE_RATE}..{@link MAX_SAMPLE_RATE}. */
export function checkSampleRate(sampleRate: number): void {
  if (!(sampleRate >= MIN_SAMPLE_RATE && sampleRate <= MAX_SAMPLE_RATE)) {
    throw new AudioFormatError(
      `the sample rate is ${sampleRate} Hz; recordings use ${MIN_SAMPLE_RATE} to ${MAX_SAMPLE_RATE} Hz (damaged header?)`,
    );
  }
}
