/**
 * whisper.cpp and NVIDIA Parakeet TDT (both ggml model files) through the native binding of @fugood/whisper.node. The
 * model loads on first use and stays loaded; one decode runs at a time per model (the binding's context is not
 * shared between decodes), off the main thread. A channel is fed in pieces of at most 30 s cut at its quietest
 * moments; times map back to the channel.
 *
 * Whisper writes cased, punctuated text: each word keeps that as `display`, and a normalised lower-case form as the
 * lexical `word`. Word times come from whisper's token timestamps (one token per segment, `maxLen: 1`); tokens that
 * do not start with a space continue the previous word. The binding reports no token probabilities (its segments are
 * `{ text, t0, t1 }` in @fugood/whisper.node 1.1.3 and 1.2.0-rc.0, though whisper.cpp computes them), so confidences
 * are a fixed {@link UNSCORED_CONFIDENCE}. Parakeet gives segment times only: its word times are spread over the
 * segment by length. Parakeet runs TDT 0.6B files only (see checkModelFile).
 */
import * as os from 'node:os';
import { access } from 'node:fs/promises';
import { catalogModel, checkModelFile, downloadCommand, ModelFileError } from '../../core/models';
import { cutIntoPieces } from './pieces';
import { EngineNotInstalledError, type Engine, type MonoPcm16k, type RecognizeOptions, type RecognizedWord, type Utterance } from './types';
import { loadWhisperBinding, quietNativeLog, type NativeBinding, type NativeTranscribeResult, type NativeWhisperContext } from './whisperBinding';

/** The confidence given to every word: the binding does not expose whisper's token probabilities. */
export const UNSCORED_CONFIDENCE = 0.9;
/** A pause this long between two words starts a new phrase. */
const PHRASE_GAP_MS = 700;

export interface WhisperEngineOptions {
  /** Model name (e.g. `base.en`), as listed by the service and used in errors. */
  name: string;
  kind: 'whisper' | 'parakeet';
  modelPath: string;
  locales: readonly string[];
  /** Threads per decode; default the CPU count. */
  threads?: number;
  /** For tests: another binding loader. */
  loadBinding?: () => { binding?: NativeBinding; error?: string };
}

/** A token (whisper) or segment (Parakeet) with times in ms from the channel's start. */
export interface TimedText {
  text: string;
  startMs: number;
  endMs: number;
}

/** Whisper's annotations of non-speech (`[BLANK_AUDIO]`, `(music)`, `*laughs*`) are no words. */
function isAnnotation(text: string): boolean {
  return /^\s*(\[[^\]]*\]|\([^)]*\)|\*[^*]*\*)\s*$/.test(text);
}

/** Lexical form of a written word: lower case, letters, digits and inner apostrophes/hyphens only. */
export function lexicalOf(written: string): string {
  return written
    .toLowerCase()
    .replace(/[’‘]/g, "'")
    .replace(/[^\p{L}\p{N}'-]+/gu, '')
    .replace(/^['-]+|['-]+$/g, '');
}

/**
 * Words from whisper's one-token segments: a token starting with a space starts a word, others continue it (sub-word
 * pieces, punctuation). Words with no lexical form (a lone dash) are dropped.
 */
export function wordsFromTokens(tokens: readonly TimedText[]): RecognizedWord[] {
  const words: RecognizedWord[] = [];
  let current: { display: string; startMs: number; endMs: number } | undefined;
  const flush = (): void => {
    if (!current) return;
    const display = current.display.trim();
    const word = lexicalOf(display);
    if (word) words.push({ word, display, startMs: current.startMs, endMs: Math.max(current.startMs, current.endMs), confidence: UNSCORED_CONFIDENCE });
    current = undefined;
  };
  for (const token of tokens) {
    if (!token.text || isAnnotation(token.text)) {
      flush();
      continue;
    }
    if (!current || /^\s/.test(token.text)) {
      flush();
      current = { display: token.text, startMs: token.startMs, endMs: token.endMs };
    } else {
      current.display += token.text;
      current.endMs = token.endMs;
    }
  }
  flush();
  return words;
}

/** Words of a segment without token times (Parakeet): the segment's time spread over its words by length. */
export function wordsFromSegment(segment: TimedText): RecognizedWord[] {
  if (isAnnotation(segment.text)) return [];
  const written = segment.text.trim().split(/\s+/).filter(Boolean);
  const total = written.reduce((n, w) => n + w.length, 0);
  const span = Math.max(0, segment.endMs - segment.startMs);
  const words: RecognizedWord[] = [];
  let at = segment.startMs;
  for (const w of written) {
    const length = total > 0 ? (span * w.length) / total : 0;
    const word = lexicalOf(w);
    const startMs = Math.round(at);
    at += length;
    if (word) words.push({ word, display: w, startMs, endMs: Math.round(at), confidence: UNSCORED_CONFIDENCE });
  }
  return words;
}

/** Phrases from words: a new one after a sentence end (. ? !) or a pause of {@link PHRASE_GAP_MS}. */
export function phrasesFromWords(words: readonly RecognizedWord[]): Utterance[] {
  const utterances: Utterance[] = [];
  let current: RecognizedWord[] = [];
  const flush = (): void => {
    if (current.length === 0) return;
    utterances.push({
      startMs: current[0]!.startMs,
      endMs: current[current.length - 1]!.endMs,
      text: current.map((w) => w.word).join(' '),
      confidence: current.reduce((s, w) => s + w.confidence, 0) / current.length,
      words: current,
    });
    current = [];
  };
  for (const w of words) {
    const previous = current[current.length - 1];
    if (previous && w.startMs - previous.endMs >= PHRASE_GAP_MS) flush();
    current.push(w);
    if (/[.?!]["')\]]*$/.test(w.display ?? '')) flush();
  }
  flush();
  return utterances;
}

/** Longest initial prompt built from a phrase list: whisper keeps at most 224 prompt tokens, about 4 characters each. */
const MAX_PROMPT_CHARS = 600;

/**
 * Whisper's initial prompt for a phrase list: text it reads as if it came before the audio, so that the names in it
 * are spelled that way (whisper.cpp's `initial_prompt`; there is no per-word weight). Phrases beyond the length
 * whisper keeps are left out.
 */
export function promptOf(phrases: readonly string[] | undefined): string | undefined {
  let prompt = '';
  for (const phrase of phrases ?? []) {
    const next = prompt ? `${prompt}, ${phrase.trim()}` : phrase.trim();
    if (!phrase.trim() || next.length > MAX_PROMPT_CHARS) continue;
    prompt = next;
  }
  return prompt ? `${prompt}.` : undefined;
}

/** The language code whisper wants for a locale (`de-DE` → `de`). */
function languageOf(locale: string): string {
  return locale.split(/[-_]/)[0]!.toLowerCase();
}

export class WhisperEngine implements Engine {
  readonly name: string;
  readonly locales: readonly string[];
  /**
   * Whisper's window is 30 s: pieces cut in pauses that fit in one window each — at most the 29 s of
   * `cutIntoPieces`, so that it only trims silence from a segment and never cuts it again.
   */
  readonly segmenting = { targetMs: 20_000, maxMs: 29_000 };
  readonly kind: 'whisper' | 'parakeet';
  readonly modelPath: string;
  private readonly threads: number;
  private readonly loadBinding: () => { binding?: NativeBinding; error?: string };
  private context: Promise<NativeWhisperContext> | undefined;
  private unquiet: (() => void) | undefined;
  /** Decodes run one after another on the one context. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: WhisperEngineOptions) {
    this.name = options.name;
    this.kind = options.kind;
    this.modelPath = options.modelPath;
    this.locales = options.locales;
    this.threads = options.threads ?? Math.max(1, os.availableParallelism());
    this.loadBinding = options.loadBinding ?? loadWhisperBinding;
  }

  /** What to tell a user whose model is missing or broken. */
  private get fix(): string {
    return catalogModel(this.name)
      ? `download it with: ${downloadCommand(catalogModel(this.name)!.name)}`
      : 'register the file again with: speech-batch models add <file>';
  }

  async check(): Promise<void> {
    const { error } = this.loadBinding();
    if (error) throw new EngineNotInstalledError(`${error}; pocketsphinx still works`);
    try {
      await access(this.modelPath);
    } catch {
      throw new EngineNotInstalledError(`the model "${this.name}" is not installed (${this.modelPath} not found); ${this.fix}`);
    }
    try {
      await checkModelFile(this.modelPath, this.kind);
    } catch (err) {
      if (err instanceof ModelFileError) throw new EngineNotInstalledError(`the model "${this.name}" cannot be used: ${err.message} (${this.fix})`);
      throw err;
    }
  }

  /** Loads the model once (a failed load is retried at the next use: the user may have fixed the file). */
  private load(): Promise<NativeWhisperContext> {
    this.context ??= (async () => {
      await this.check();
      const { binding } = this.loadBinding();
      const Context = this.kind === 'parakeet' ? binding!.ParakeetContext : binding!.WhisperContext;
      if (!Context) throw new EngineNotInstalledError('this whisper.cpp build cannot run Parakeet models; pocketsphinx still works');
      this.unquiet ??= quietNativeLog(binding!);
      try {
        return await new Context({ filePath: this.modelPath, useGpu: false });
      } catch (err) {
        this.unquiet();
        this.unquiet = undefined;
        throw new EngineNotInstalledError(`whisper.cpp could not load the model "${this.name}" from ${this.modelPath} (${(err as Error).message}); ${this.fix}`);
      }
    })();
    this.context.catch(() => (this.context = undefined));
    return this.context;
  }

  async recognize(audio: MonoPcm16k, options: RecognizeOptions): Promise<Utterance[]> {
    const language = languageOf(options.locale);
    if (!this.locales.some((l) => l.toLowerCase() === options.locale.toLowerCase())) {
      throw new Error(`the model "${this.name}" cannot transcribe ${options.locale}; it knows ${this.locales.join(', ')}`);
    }
    options.signal?.throwIfAborted();
    const context = await this.load();
    const utterances: Utterance[] = [];
    for (const piece of cutIntoPieces(audio.samples, { sampleRate: audio.sampleRate })) {
      options.signal?.throwIfAborted();
      const offsetMs = (piece.start * 1000) / audio.sampleRate;
      const pcm = audio.samples.slice(piece.start, piece.end);
      const result = await this.decode(context, pcm, language, options.signal, promptOf(options.phrases));
      const timed = result.segments.map((s) => ({ text: s.text, startMs: Math.round(offsetMs + s.t0), endMs: Math.round(offsetMs + s.t1) }));
      const pieceEndMs = (piece.end * 1000) / audio.sampleRate;
      const pieceWords = (this.kind === 'whisper' ? wordsFromTokens(timed) : timed.flatMap(wordsFromSegment)).map((w) => ({
        ...w,
        startMs: Math.min(w.startMs, pieceEndMs),
        endMs: Math.min(Math.max(w.endMs, w.startMs), pieceEndMs),
      }));
      // A phrase never spans two pieces.
      utterances.push(...phrasesFromWords(pieceWords));
    }
    return utterances;
  }

  phraseListUse(phrases: readonly string[]): string {
    if (this.kind !== 'whisper') return `not used: ${this.name} (Parakeet) takes no prompt or vocabulary`;
    const prompt = promptOf(phrases) ?? '';
    const kept = phrases.filter((p) => p.trim() && prompt.includes(p.trim())).length;
    return `whisper initial prompt (${kept} of ${phrases.length} phrases${kept < phrases.length ? `; whisper keeps at most ${MAX_PROMPT_CHARS} characters` : ''})`;
  }

  private decode(context: NativeWhisperContext, pcm: Int16Array, language: string, signal?: AbortSignal, prompt?: string): Promise<NativeTranscribeResult> {
    const run = async (): Promise<NativeTranscribeResult> => {
      signal?.throwIfAborted();
      const options: Record<string, unknown> =
        this.kind === 'whisper'
          ? { language, maxThreads: this.threads, tokenTimestamps: true, maxLen: 1, temperature: 0, temperatureInc: 0, ...(prompt ? { prompt } : {}) }
          : { maxThreads: this.threads };
      const buffer = pcm.buffer.slice(pcm.byteOffset, pcm.byteOffset + pcm.byteLength) as ArrayBuffer;
      const job = context.transcribeData(buffer, options);
      const onAbort = (): void => void job.stop().catch(() => {});
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        const result = await job.promise;
        signal?.throwIfAborted();
        return result;
      } catch (err) {
        if (signal?.aborted) throw signal.reason;
        throw new Error(`whisper.cpp failed on the model "${this.name}": ${(err as Error).message}`);
      } finally {
        signal?.removeEventListener('abort', onAbort);
      }
    };
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => {});
    return next;
  }

  async close(): Promise<void> {
    const context = this.context;
    this.context = undefined;
    await this.queue;
    await (await context?.catch(() => undefined))?.release();
    this.unquiet?.();
    this.unquiet = undefined;
  }
}
