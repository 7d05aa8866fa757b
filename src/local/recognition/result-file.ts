/**
 * Builds the Azure-shaped result file (`TranscriptionResultFile` of api-version 2024-11-15) from engine utterances:
 * phrases sorted by channel, then offset; ISO 8601 and tick (100 ns) times; lexical, ITN, masked ITN and display
 * forms; word timings only when asked for; one combined phrase per channel.
 */
import type { AudioWarning, ProfanityFilterMode, PunctuationMode, ResultNBest, ResultPhrase, ResultWord, TranscriptionResultFile } from '../../core/wire';
import type { Utterance } from '../engine/types';
import { formatIsoDuration, msToTicks } from '../../core/ticks';
import { displayWords, maskProfanity } from './display';

/** The utterances of one channel, and the diarized speaker (from 1) of each, if any. */
export interface ChannelUtterances {
  channel: number;
  utterances: Utterance[];
  speakers?: number[];
}

export interface ResultFileInput {
  source: string;
  durationMs: number;
  /** Damage found in the audio (written as `warnings` when there is any). */
  warnings?: AudioWarning[];
  /** When recognition finished; default now. */
  timestamp?: Date;
  channels: ChannelUtterances[];
  wordLevelTimestamps: boolean;
  displayFormWordLevelTimestamps: boolean;
  punctuationMode: PunctuationMode;
  profanityFilterMode: ProfanityFilterMode;
}

function timing(startMs: number, endMs: number): Pick<ResultWord, 'offset' | 'duration' | 'offsetInTicks' | 'durationInTicks'> {
  const offset = Math.max(0, Math.round(startMs));
  const duration = Math.max(0, Math.round(endMs) - offset);
  return {
    offset: formatIsoDuration(offset),
    duration: formatIsoDuration(duration),
    offsetInTicks: msToTicks(offset),
    durationInTicks: msToTicks(duration),
  };
}

function nBest(utterance: Utterance, input: ResultFileInput): ResultNBest {
  const display = displayWords(utterance.words, input);
  const best: ResultNBest = {
    confidence: utterance.confidence,
    lexical: utterance.text,
    itn: utterance.text,
    maskedITN: maskProfanity(utterance.text),
    display: display.map((w) => w.text).join(' '),
  };
  if (input.wordLevelTimestamps) {
    best.words = utterance.words.map((w) => ({ word: w.word, ...timing(w.startMs, w.endMs), confidence: w.confidence }));
  }
  if (input.displayFormWordLevelTimestamps) {
    best.displayWords = display.map((w) => ({ displayText: w.text, ...timing(w.startMs, w.endMs), confidence: w.confidence }));
  }
  return best;
}

/** Assembles the result file of one audio file. */
export function buildResultFile(input: ResultFileInput): TranscriptionResultFile {
  const channels = [...input.channels].sort((a, b) => a.channel - b.channel);
  const recognizedPhrases: ResultPhrase[] = [];
  const combinedRecognizedPhrases = channels.map(({ channel, utterances, speakers }) => {
    const order = utterances.map((_, i) => i).sort((a, b) => utterances[a].startMs - utterances[b].startMs);
    const bests = order.map((i) => {
      const u = utterances[i];
      const best = nBest(u, input);
      recognizedPhrases.push({
        recognitionStatus: 'Success',
        channel,
        ...(speakers ? { speaker: speakers[i] } : {}),
        ...timing(u.startMs, u.endMs),
        nBest: [best],
      });
      return best;
    });
    const join = (pick: (b: ResultNBest) => string | undefined): string =>
      bests.map(pick).filter((s) => s).join(' ');
    return {
      channel,
      lexical: join((b) => b.lexical),
      itn: join((b) => b.itn),
      maskedITN: join((b) => b.maskedITN),
      display: join((b) => b.display),
    };
  });
  return {
    source: input.source,
    timestamp: (input.timestamp ?? new Date()).toISOString(),
    durationInTicks: msToTicks(input.durationMs),
    durationMilliseconds: Math.round(input.durationMs),
    duration: formatIsoDuration(Math.round(input.durationMs)),
    combinedRecognizedPhrases,
    recognizedPhrases,
    ...(input.warnings?.length ? { warnings: input.warnings } : {}),
  };
}

/** Size of the pieces {@link resultFileBytes} cuts the file into. */
const CHUNK_BYTES = 256 * 1024;

/**
 * The result file as the service writes it — exactly `JSON.stringify(file, null, 2)` in UTF-8 — in pieces of about
 * {@link CHUNK_BYTES}, each on an ArrayBuffer of its own (so it can be transferred between threads). The top-level
 * arrays are written a phrase at a time, so no string of the whole file is ever made: a 3-hour call's ~20 MB of
 * JSON would otherwise exist as a string, its copy on the main thread and its UTF-8 bytes at once, at the very end
 * of the file, the service's peak memory.
 */
export function resultFileBytes(file: TranscriptionResultFile): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let pending: string[] = [];
  let pendingLength = 0;
  const flush = (): void => {
    const text = pending.join('');
    const bytes = new Uint8Array(Buffer.byteLength(text)); // its own ArrayBuffer, never Node's shared pool
    Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).write(text);
    chunks.push(bytes);
    pending = [];
    pendingLength = 0;
  };
  const out = (text: string): void => {
    pending.push(text);
    pendingLength += text.length;
    if (pendingLength >= CHUNK_BYTES) flush();
  };
  // JSON.stringify escapes newlines inside strings, so re-indenting a nested value is a plain replace of "\n".
  const nested = (value: unknown, indent: string): string => JSON.stringify(value, null, 2).replace(/\n/g, `\n${indent}`);
  const entries = Object.entries(file).filter(([, value]) => value !== undefined && typeof value !== 'function' && typeof value !== 'symbol');
  if (entries.length === 0) out('{}');
  else {
    out('{\n');
    entries.forEach(([key, value], k) => {
      out(`  ${JSON.stringify(key)}: `);
      if (Array.isArray(value) && value.length > 0) {
        out('[\n');
        value.forEach((item, i) => out(`    ${item === undefined ? 'null' : nested(item, '    ')}${i < value.length - 1 ? ',' : ''}\n`));
        out('  ]');
      } else {
        out(nested(value, '  '));
      }
      out(k < entries.length - 1 ? ',\n' : '\n');
    });
    out('}');
  }
  flush();
  return chunks;
}
