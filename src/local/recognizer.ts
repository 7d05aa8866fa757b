/**
 * The local recogniser: reads the header of an audio file (refusing what cannot be audio, absurd sample rates and
 * audio longer than the cap before anything queues), then streams it in a worker thread — never on the thread that
 * answers HTTP — decoded block by block, resampled to 16 kHz, cut at pauses into segments (shortened silences, a
 * faint noise floor), which the engine recognises as engine slots free up (a pool shared fairly by every file and
 * job), and assembles an Azure-shaped result file with times in the original audio. Memory stays flat whatever
 * the length; a mono file keeps every core busy.
 */
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import type { AudioWarning, ProfanityFilterMode, PunctuationMode, TranscriptionResultFile } from '../core/wire';
import { DEFAULT_NOISE_FLOOR_DBFS } from './audio/pcm';
import { ENGINE_SAMPLE_RATE } from './audio/resample';
import { ChannelAssembler, type PreparedSegment, type SegmentedFile, type SegmentFileRequest, type SegmentResult } from './audio/segmentFile';
import { probeAudio } from './audio/stream';
import { AudioFormatError } from './audio/types';
import { AudioWorkers } from './audio/workerPool';
import { PocketsphinxEngine } from './engine/pocketsphinx';
import { WorkPool } from './engine/pool';
import { calibrateUtterances } from './engine/calibration';
import type { Engine, RecognizeOptions, Utterance } from './engine/types';
import { diarizeChannel, type VoicedUtterance, type VoiceRequest } from './recognition/diarize';
import { buildResultFile, type ChannelUtterances, type ResultChannel, type ResultFileInput, type SpooledChannel } from './recognition/result-file';
import { SpoolWriter } from './recognition/spool';

/** A result file as the service writes it (indented JSON), and the length of the audio it transcribes. */
export interface ResultJson {
  /** The text, or the file it was written to (`writeTo` of recognizeFileJson) and its size. */
  json: string | { file: string; bytes: number };
  durationMilliseconds: number;
  /** Damage found in the audio (the result file's `warnings`); empty when there is none. */
  warnings: AudioWarning[];
}

/** Default cap on the length of one file's audio: 240 minutes, the longest audio Azure's batch transcription takes. */
export const DEFAULT_MAX_AUDIO_MINUTES = 240;

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
  /** Who the work is for (the service passes the job id): engine slots are shared fairly between these groups. */
  group?: string;
  /** The job's model (`model.self`); the recogniser's `engineFor` picks the engine. */
  model?: string;
  /** Words and names likely in the audio (a phrase list), for engines that can use one. */
  phrases?: readonly string[];
  /** A lower cap than the service's on this file's audio (fast transcription: 2 h). */
  maxDurationMs?: number;
}

export interface RecognizerOptions {
  /** Default: pocketsphinx. */
  engine?: Engine;
  /** Picks the engine for a file from its job's model and locale (the service's models); default always `engine`. */
  engineFor?: (model: string | undefined, locale: string) => Engine;
  /** Engine runs (channels) at once across all files; default the number of CPU cores. */
  concurrency?: number;
  /** RMS level of the deterministic noise added before recognition (default -70 dBFS); `null` adds none. */
  noiseFloorDbfs?: number | null;
  /** Scratch directory of the default engine (the service passes its store's tmp dir, wiped at start). */
  tempDir?: string;
  /** Longest audio per file, in minutes; longer files fail from their header (default {@link DEFAULT_MAX_AUDIO_MINUTES}). */
  maxAudioMinutes?: number;
  /** Keep the engines' raw word scores instead of their calibrated confidence (bench/confidence.ts measures them). */
  rawConfidence?: boolean;
}

/** Transcribes audio files on this machine. One instance serves every job of the local service. */
export class Recognizer {
  readonly locales: readonly string[];
  private readonly engine: Engine;
  private readonly engineFor: (model: string | undefined, locale: string) => Engine;
  private readonly pool: WorkPool;
  private readonly workers: AudioWorkers;
  private readonly noiseFloorDbfs: number | null;
  private readonly maxAudioMs: number;
  private readonly rawConfidence: boolean;
  private readonly closing = new AbortController();
  private readonly active = new Set<Promise<unknown>>();

  constructor(options: RecognizerOptions = {}) {
    this.engine = options.engine ?? new PocketsphinxEngine({ tempDir: options.tempDir });
    this.locales = this.engine.locales;
    this.engineFor = options.engineFor ?? (() => this.engine);
    this.pool = new WorkPool(options.concurrency ?? Math.max(1, os.cpus().length));
    this.workers = new AudioWorkers(this.pool.size);
    this.maxAudioMs = (options.maxAudioMinutes ?? DEFAULT_MAX_AUDIO_MINUTES) * 60_000;
    this.rawConfidence = options.rawConfidence ?? false;
    this.noiseFloorDbfs = options.noiseFloorDbfs === undefined ? DEFAULT_NOISE_FLOOR_DBFS : options.noiseFloorDbfs;
  }

  /** What the engine for this model and locale does with a phrase list (for the log and the client). */
  phraseListUse(model: string | undefined, locale: string, phrases: readonly string[]): string {
    const engine = this.engineFor(model, locale);
    return engine.phraseListUse?.(phrases) ?? `not used: ${engine.name} takes no phrase list`;
  }

  /** Throws a readable, actionable error if the engine cannot run (e.g. pocketsphinx not installed). */
  check(): Promise<void> {
    return this.engine.check();
  }

  /**
   * Transcribes the file at `path`; `source` is what the result file names it by. Throws `AudioFormatError` for
   * audio that cannot be decoded or is too long — files whose header says so fail at once, without waiting for an
   * engine slot — and `signal.reason` once the signal aborts (running engine processes are killed).
   */
  async recognizeFile(path: string, source: string, options: RecognizeFileOptions): Promise<TranscriptionResultFile> {
    return buildResultFile(await this.track(path, source, options, async (input) => input));
  }

  /**
   * Like {@link recognizeFile}, but resolves with the result file as indented JSON, built and serialised in a worker
   * thread: what the service writes. (A 4-hour call with word timings is ~30 MB of JSON, ~0.6 s of CPU.) The
   * worker writes it to `writeTo` as it makes it (never whole in memory) and resolves with that file.
   */
  async recognizeFileJson(path: string, source: string, options: RecognizeFileOptions, writeTo: string): Promise<ResultJson> {
    const spools: string[] = [];
    try {
      return await this.track(path, source, options, (input, signal) => this.workers.run<ResultJson>('result', { ...input, writeTo }, [], signal), writeTo, spools);
    } finally {
      await Promise.all(spools.map((spool) => fs.rm(spool, { force: true })));
    }
  }

  /** Runs `finish` on the recognised file, counted among the active recognitions that close() ends. */
  private async track<T>(
    path: string,
    source: string,
    options: RecognizeFileOptions,
    finish: (input: ResultFileInput, signal: AbortSignal) => Promise<T>,
    spoolTo?: string,
    spools: string[] = [],
  ): Promise<T> {
    if (this.closing.signal.aborted) throw new Error('the recogniser is closed');
    const engine = this.engineFor(options.model, options.locale);
    if (!engine.locales.includes(options.locale)) {
      throw new Error(`locale ${options.locale} is not supported by the local recogniser ${engine.name} (supported: ${engine.locales.join(', ')})`);
    }
    const signal = options.signal ? AbortSignal.any([options.signal, this.closing.signal]) : this.closing.signal;
    const work = this.transcribe(path, source, options, signal, engine, spoolTo, spools).then((input) => finish(input, signal));
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
    await this.workers.close();
  }

  private async transcribe(
    path: string,
    source: string,
    options: RecognizeFileOptions,
    signal: AbortSignal,
    engine: Engine,
    spoolTo: string | undefined,
    spools: string[],
  ): Promise<ResultFileInput> {
    const maxAudioMs = Math.min(this.maxAudioMs, options.maxDurationMs ?? Infinity);
    const info = await probeAudio(path);
    if (info.minDurationMs > maxAudioMs) throw this.tooLong(`declares ${formatDuration(info.durationMs)}`, maxAudioMs);
    signal.throwIfAborted();
    const selected = [...new Set(options.channels ?? Array.from({ length: info.channels }, (_, i) => i))].filter((c) => c < info.channels);
    if (selected.length === 0) {
      throw new AudioFormatError(
        `the audio has ${info.channels} channel(s); requested channel(s) ${options.channels?.join(', ')} do not exist`,
        'BadChannelConfiguration',
      );
    }
    // Diarization separates speakers of mono audio; stereo calls are separated by channel already.
    const maxSpeakers = options.diarization?.enabled && info.channels === 1 ? (options.diarization.maxSpeakers ?? 2) : undefined;

    // A worker thread streams the file as segments cut in pauses; each segment is recognised as soon as an engine
    // slot is free (shared fairly between jobs), so a long file keeps every core busy while memory stays flat. Each
    // channel is put back together as its segments finish; with `spoolTo` its utterances go to disk as they are
    // assembled (unless diarization needs them all at once), so a long call's words are never all in memory.
    const stop = new AbortController();
    const fileSignal = AbortSignal.any([signal, stop.signal]);
    const outputs = new Map(
      selected.map((channel) => {
        const output = maxSpeakers === undefined && spoolTo ? spoolOutput(channel, `${spoolTo}.channel-${channel}.jsonl`, spools) : memoryOutput(channel);
        return [channel, { ...output, assembler: new ChannelAssembler(output.write) }];
      }),
    );
    const inFlight = new Set<Promise<void>>();
    const request: SegmentFileRequest = {
      path,
      channels: selected,
      noiseFloorDbfs: this.noiseFloorDbfs,
      // The last segments of a channel are shortened so that its engine runs end together (a mono file on 2 cores);
      // by the file's channels, not the selected ones, so a channel gives the same words alone as in its call.
      segmenting: { ...(engine.segmenting ?? DEFAULT_SEGMENTING), expectedMs: info.durationMs, parallel: Math.floor(this.pool.size / info.channels) },
      maxDurationMs: maxAudioMs,
    };
    const onSegment = (partial: unknown, ack: () => void): void => {
      const segment = partial as PreparedSegment;
      const assembler = outputs.get(segment.channel)!.assembler;
      const done = this.recognizeSegment(engine, segment, { locale: options.locale, phrases: options.phrases, signal: fileSignal }, options.group, ack, maxSpeakers !== undefined)
        .then((result) => assembler.add(result))
        // The first failure stops the rest of the file (decoding and queued segments) at once.
        .catch((err: unknown) => stop.abort(err))
        .finally(() => inFlight.delete(done));
      inFlight.add(done);
    };
    let file: SegmentedFile;
    const channels: ResultChannel[] = [];
    try {
      try {
        file = await this.workers.run<SegmentedFile>('segment', request, [], fileSignal, onSegment);
      } catch (err) {
        if (stop.signal.aborted && !signal.aborted) throw stop.signal.reason;
        // The header's length was a lower bound (an MP3 without a frame count): decoding stopped at the cap.
        if (err instanceof AudioFormatError && err.code === 'AudioLengthLimitExceeded') {
          throw this.tooLong(`holds more than ${formatDuration(maxAudioMs)}`, maxAudioMs);
        }
        throw err;
      } finally {
        // Every segment has ended (its engine process too) before the file succeeds or fails.
        while (inFlight.size > 0) await Promise.all([...inFlight]);
      }
      signal.throwIfAborted();
      if (stop.signal.aborted) throw stop.signal.reason;
      for (const channel of selected) {
        const output = outputs.get(channel)!;
        output.assembler.finish();
        const done = await output.end();
        channels.push('utterances' in done && maxSpeakers ? { channel, ...diarizeChannel(done.utterances as VoicedUtterance[], maxSpeakers) } : done);
      }
    } finally {
      // A failed file leaves no spool file open (the caller deletes them).
      await Promise.allSettled([...outputs.values()].map((output) => output.end()));
    }
    return {
      source,
      durationMs: file.durationMs,
      warnings: file.warnings,
      channels,
      wordLevelTimestamps: options.wordLevelTimestamps,
      displayFormWordLevelTimestamps: options.displayFormWordLevelTimestamps,
      punctuationMode: options.punctuationMode ?? 'DictatedAndAutomatic',
      profanityFilterMode: options.profanityFilterMode ?? 'Masked',
    };
  }

  /** Recognises one segment in an engine slot; with `withVoice`, measures each word's voice (for diarization). */
  private async recognizeSegment(
    engine: Engine,
    segment: PreparedSegment,
    recognize: RecognizeOptions & { signal: AbortSignal },
    group: string | undefined,
    ack: () => void,
    withVoice: boolean,
  ): Promise<SegmentResult> {
    let utterances: Utterance[];
    try {
      const { signal } = recognize;
      utterances = await this.pool.run(() => engine.recognize({ samples: segment.pcm, sampleRate: ENGINE_SAMPLE_RATE }, recognize), signal, group);
    } finally {
      ack(); // the worker may decode the next segment
    }
    if (engine.confidenceCalibration && !this.rawConfidence) utterances = calibrateUtterances(engine.confidenceCalibration, utterances);
    if (withVoice && utterances.length > 0) {
      const voices = await this.workers.run<(number[] | null)[]>(
        'voice',
        { pcm: segment.pcm, ranges: utterances.flatMap((u) => u.words.map((w): [number, number] => [w.startMs, w.endMs])) } satisfies VoiceRequest,
        [segment.pcm.buffer as ArrayBuffer],
        recognize.signal,
      );
      let k = 0;
      utterances = utterances.map((u): VoicedUtterance => ({ ...u, words: u.words.map((w) => ({ ...w, voice: voices[k++] })) }));
    }
    // Only the segment's place in the channel is kept until the file is assembled, never its PCM: a file's memory
    // must not grow with its length.
    const { index, startMs, overlapMs, kept } = segment;
    return { segment: { index, startMs, overlapMs, kept }, utterances };
  }

  /** The error of a file longer than the cap; `what` is e.g. "declares 5 h 36 min". */
  private tooLong(what: string, maxAudioMs = this.maxAudioMs): AudioFormatError {
    const why = maxAudioMs < this.maxAudioMs ? 'fast transcription takes less than 2 h; use batch transcription' : '--max-audio-minutes';
    return new AudioFormatError(`${what} of audio; this service takes at most ${formatDuration(maxAudioMs)} per file (${why})`, 'AudioLengthLimitExceeded');
  }
}

/** A length for messages: "5 h 36 min", "2 min 7 s", "45 s" (rounded down). */
export function formatDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  const h = Math.floor(seconds / 3600);
  const min = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return min > 0 ? `${h} h ${min} min` : `${h} h`;
  if (min > 0) return s > 0 ? `${min} min ${s} s` : `${min} min`;
  return `${s} s`;
}

/** Where a channel's assembled utterances go while its file is recognised, and what the result file gets of them. */
interface ChannelOutput {
  write: (utterances: Utterance[]) => void;
  /** Ends the output (again: the same answer). */
  end: () => Promise<ResultChannel>;
}

/** Kept in memory: for diarization, which needs them all at once, and for results built in memory. */
function memoryOutput(channel: number): ChannelOutput {
  const utterances: Utterance[] = [];
  return {
    write: (more) => {
      for (const u of more) utterances.push(u);
    },
    end: async (): Promise<ChannelUtterances> => ({ channel, utterances }),
  };
}

/** Written to a spool file (listed in `spools` for the caller to delete). */
function spoolOutput(channel: number, file: string, spools: string[]): ChannelOutput {
  spools.push(file);
  const writer = new SpoolWriter(file);
  let ended: Promise<SpooledChannel> | undefined;
  return {
    write: (utterances) => writer.write(utterances),
    end: () => (ended ??= writer.close().then(() => ({ channel, spool: file }))),
  };
}

/** Segment lengths for an engine that does not say (cut in pauses, one to two minutes). */
const DEFAULT_SEGMENTING = { targetMs: 60_000, maxMs: 120_000 };
