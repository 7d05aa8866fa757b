/**
 * The recogniser behind the local service. One engine instance decodes one channel at a time; the worker pool runs
 * several at once (up to the core count). pocketsphinx is the built-in engine; another (e.g. whisper.cpp with a
 * user-supplied model) only has to implement this interface.
 */

import { ENGINE_NOT_INSTALLED } from '../../core/localService';
import type { SegmenterOptions } from '../audio/segmenter';
import type { ConfidenceCalibration } from './calibration';

/** Mono 16-bit PCM at 16 kHz: what every engine receives. */
export interface MonoPcm16k {
  samples: Int16Array;
  sampleRate: 16000;
}

export interface RecognizedWord {
  /** Lexical form: lower case, no punctuation. */
  word: string;
  /**
   * The word as the engine wrote it, cased and with its punctuation (engines that punctuate, e.g. whisper): the
   * display form is built from these instead of from the lexical words.
   */
  display?: string;
  startMs: number;
  endMs: number;
  /** 0..1 */
  confidence: number;
}

export interface Utterance {
  /** From the start of the channel's audio. */
  startMs: number;
  endMs: number;
  /** Lexical text, lower case, words separated by single spaces. */
  text: string;
  /** 0..1 */
  confidence: number;
  /** Word timings (filled always; the service only returns them when the job asked for word timestamps). */
  words: RecognizedWord[];
}


/** The engine or its model is not installed: the job fails with the code {@link ENGINE_NOT_INSTALLED}. */
export class EngineNotInstalledError extends Error {
  override name = 'EngineNotInstalledError';
  readonly code = ENGINE_NOT_INSTALLED;
}

export interface RecognizeOptions {
  /** BCP-47, e.g. en-US. */
  locale: string;
  /** A phrase list: words and names likely in the audio. Engines use it where they can ({@link Engine.phraseListUse}). */
  phrases?: readonly string[];
  signal?: AbortSignal;
}

export interface Engine {
  readonly name: string;
  /** Locales this engine can transcribe (e.g. ['en-US']). */
  readonly locales: readonly string[];
  /** Throws an Error with a readable, actionable message (e.g. the apt install command) if the engine cannot run. */
  check(): Promise<void>;
  recognize(audio: MonoPcm16k, options: RecognizeOptions): Promise<Utterance[]>;
  /**
   * What the engine does with a phrase list, in words for logs and results ("initial prompt", or why it cannot use
   * one); undefined: it ignores it.
   */
  phraseListUse?(phrases: readonly string[]): string;
  /** Frees what the engine holds (a loaded model); optional. */
  close?(): Promise<void>;
  /**
   * How long the pieces of audio it is given should be (they are cut in pauses, see audio/segmenter.ts): short for
   * models with a fixed window (whisper: 30 s), long for engines with a start-up cost per run (pocketsphinx).
   */
  readonly segmenting?: SegmenterOptions;
  /**
   * How this engine's raw word scores map to P(word right), measured on reference audio (./calibration.ts); the
   * recogniser applies it, so result files carry calibrated confidences. Without it the raw scores are kept.
   */
  readonly confidenceCalibration?: ConfidenceCalibration;
}
