/**
 * The CPU-heavy half of recognising one channel: decode it from the file, resample to 16 kHz, shorten long digital
 * silences and convert to 16-bit PCM with the noise floor. Runs in a worker thread (./worker.ts), never on the
 * thread that answers HTTP; everything it returns is plain data or transferable typed arrays.
 */
import { decodeAudioFile } from './decode';
import { toPcm16 } from './pcm';
import { ENGINE_SAMPLE_RATE, resample } from './resample';
import { shortenSilences, type Segment } from './silence';
import { AudioFormatError, checkSampleRate } from './types';

export interface PrepareRequest {
  path: string;
  /** 0-based. */
  channel: number;
  /** RMS level of the deterministic noise added (dBFS), or null for none. */
  noiseFloorDbfs: number | null;
  /** Also return the 16 kHz samples before silences are shortened (diarization needs them). */
  keepResampled: boolean;
}

export interface PreparedChannel {
  /** 16 kHz mono 16-bit PCM with long silences shortened: what the engine gets. */
  pcm: Int16Array;
  /** The TimeMap of the shortening, at {@link ENGINE_SAMPLE_RATE}. */
  segments: Segment[];
  /** Exact length of the decoded audio. */
  durationMs: number;
  /** With `keepResampled`: the 16 kHz samples of the whole channel. */
  resampled?: Float32Array;
}

export async function prepareChannel(request: PrepareRequest): Promise<PreparedChannel> {
  const { sampleRate, durationMs, channels } = await decodeAudioFile(request.path, { channel: request.channel });
  checkSampleRate(sampleRate);
  const samples = channels[0];
  if (!samples) throw new AudioFormatError(`the audio has no channel ${request.channel}`, 'BadChannelConfiguration');
  const resampled = resample(samples, sampleRate, ENGINE_SAMPLE_RATE);
  channels.length = 0;
  const shortened = shortenSilences(resampled, ENGINE_SAMPLE_RATE);
  const noise =
    request.noiseFloorDbfs === null
      ? undefined
      : { dbfs: request.noiseFloorDbfs, seed: request.channel + 1, silenceOnly: sampleRate >= ENGINE_SAMPLE_RATE };
  const pcm = toPcm16(shortened.samples, noise);
  return {
    pcm,
    segments: [...shortened.map.segments],
    durationMs,
    ...(request.keepResampled ? { resampled } : {}),
  };
}
