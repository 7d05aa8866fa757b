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
