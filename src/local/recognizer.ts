/**
 * The local recogniser: decodes an audio file, runs the engine on each selected channel (16 kHz mono, long digital
 * silences shortened, a faint noise floor added) through a pool shared by every file and job, and assembles an
 * Azure-shaped result file with times in the original audio.
 */
import * as os from 'node:os';
import type { ProfanityFilterMode, PunctuationMode, TranscriptionResultFile } from '../core/wire';
import { decodeAudioFile } from './audio/decode';
import { DEFAULT_NOISE_FLOOR_DBFS, toPcm16 } from './audio/pcm';
import { ENGINE_SAMPLE_RATE, resampleAsync } from './audio/resample';
import { shortenSilences } from './audio/silence';
import { AudioFormatError } from './audio/types';
import { PocketsphinxEngine } from './engine/pocketsphinx';
import { WorkPool } from './engine/pool';
import type { Engine, Utterance } from './engine/types';
import { diarize } from './recognition/diarize';
import { buildResultFile, type ChannelUtterances } from './recognition/result-file';

export interface RecognizeFileOptions {
  locale: string;
  wordLevelTimestamps: boolean;
  displayFormWordLevelTimestamps: boolean;
  /** Channels to transcribe (0-based); default all (at most 2). Channels the audio does not have are ignored. */
  channels?: number[];
  punctuationMode?: PunctuationMode;
  profanityFilterMode?: ProfanityFilterMode;
  diarization?: { enabled: boolean; maxSpeakers?: number };
  signal?: AbortSignal;
}

export interface RecognizerOptions {
  /** Default: pocketsphinx. */
  engine?: Engine;
  /** Engine runs (channels) at once across all files; default the number of CPU cores. */
  concurrency?: number;
  /** RMS level of the deterministic noise added before recognition (default -70 dBFS); `null` adds none. */
  noiseFloorDbfs?: number | null;
  /** Scratch directory of the default engine (the service passes its store's tmp dir, wiped at start). */
  tempDir?: string;
}

/** Transcribes audio files on this machine. One instance serves every job of the local service. */
export class Recognizer {
  readonly locales: readonly string[];
  private readonly engine: Engine;
  private readonly pool: WorkPool;
  private readonly noiseFloorDbfs: number | null;
  private readonly closing = new AbortController();
  private readonly active = new Set<Promise<unknown>>();

  constructor(options: RecognizerOptions = {}) {
    this.engine = options.engine ?? new PocketsphinxEngine({ tempDir: options.tempDir });
    this.locales = this.engine.locales;
    this.pool = new WorkPool(options.concurrency ?? Math.max(1, os.cpus().length));
    this.noiseFloorDbfs = options.noiseFloorDbfs === undefined ? DEFAULT_NOISE_FLOOR_DBFS : options.noiseFloorDbfs;
  }

  /** Throws a readable, actionable error if the engine cannot run (e.g. pocketsphinx not installed). */
  check(): Promise<void> {
    return this.engine.check();
  }

  /**
   * Transcribes the file at `path`; `source` is what the result file names it by. Throws `AudioFormatError` for
   * audio that cannot be decoded, and `signal.reason` once the signal aborts (running engine processes are killed).
   */
  async recognizeFile(path: string, source: string, options: RecognizeFileOptions): Promise<TranscriptionResultFile> {
    if (this.closing.signal.aborted) throw new Error('the recogniser is closed');
    if (!this.locales.includes(options.locale)) {
      throw new Error(`locale ${options.locale} is not supported by the local recogniser (supported: ${this.locales.join(', ')})`);
    }
    const signal = options.signal ? AbortSignal.any([options.signal, this.closing.signal]) : this.closing.signal;
    const work = this.transcribe(path, source, options, signal);
    this.active.add(work);
    try {
      return await work;
    } finally {
      this.active.delete(work);
    }
  }

  /** Stops every running recognition (their promises reject) and waits for the engine processes to end. */
  async close(): Promise<void> {
    this.closing.abort(new Error('the recogniser was closed'));
    await Promise.allSettled([...this.active]);
  }

  private async transcribe(path: string, source: string, options: RecognizeFileOptions, signal: AbortSignal): Promise<TranscriptionResultFile> {
    const { sampleRate, durationMs, channels: decoded } = await decodeAudioFile(path);
    signal.throwIfAborted();
    const selected = [...new Set(options.channels ?? decoded.map((_, i) => i))].filter((c) => c < decoded.length);
    if (selected.length === 0) {
      throw new AudioFormatError(
        `the audio has ${decoded.length} channel(s); requested channel(s) ${options.channels?.join(', ')} do not exist`,
        'BadChannelConfiguration',
      );
    }
    // Diarization separates speakers of mono audio; stereo calls are separated by channel already.
    const maxSpeakers = options.diarization?.enabled && decoded.length === 1 ? (options.diarization.maxSpeakers ?? 2) : undefined;
    // Each channel's source samples are dropped (from this same array) as soon as the channel is resampled.
    const pending: (Float32Array | undefined)[] = decoded;
    const channels: ChannelUtterances[] = await Promise.all(
      selected.map((channel) =>
        this.pool.run(() => {
          const samples = pending[channel]!;
          pending[channel] = undefined;
          return this.recognizeChannel(samples, sampleRate, channel, options.locale, signal, maxSpeakers);
        }, signal),
      ),
    );
    return buildResultFile({
      source,
      durationMs,
      channels,
      wordLevelTimestamps: options.wordLevelTimestamps,
      displayFormWordLevelTimestamps: options.displayFormWordLevelTimestamps,
      punctuationMode: options.punctuationMode ?? 'DictatedAndAutomatic',
      profanityFilterMode: options.profanityFilterMode ?? 'Masked',
    });
  }

  private async recognizeChannel(
    samples: Float32Array,
    rate: number,
    channel: number,
    locale: string,
    signal: AbortSignal,
    maxSpeakers?: number,
  ): Promise<ChannelUtterances> {
    const resampled = await resampleAsync(samples, rate, ENGINE_SAMPLE_RATE, signal);
    const shortened = shortenSilences(resampled, ENGINE_SAMPLE_RATE);
    const noise = this.noiseFloorDbfs === null
      ? undefined
      : { dbfs: this.noiseFloorDbfs, seed: channel + 1, silenceOnly: rate >= ENGINE_SAMPLE_RATE };
    const pcm = toPcm16(shortened.samples, noise);
    const utterances = await this.engine.recognize({ samples: pcm, sampleRate: ENGINE_SAMPLE_RATE }, { locale, signal });
    const original = (ms: number): number => Math.round(shortened.map.toOriginalMs(ms));
    const inOriginalTime: Utterance[] = utterances.map((u) => ({
      ...u,
      startMs: original(u.startMs),
      endMs: original(u.endMs),
      words: u.words.map((w) => ({ ...w, startMs: original(w.startMs), endMs: original(w.endMs) })),
    }));
    return {
      channel,
      utterances: inOriginalTime,
      ...(maxSpeakers ? { speakers: diarize(resampled, inOriginalTime, maxSpeakers) } : {}),
    };
  }
}
