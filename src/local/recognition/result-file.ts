/**
 * Builds the Azure-shaped result file (`TranscriptionResultFile` of api-version 2024-11-15) from engine utterances:
 * phrases sorted by channel, then offset; ISO 8601 and tick (100 ns) times; lexical, ITN, masked ITN and display
 * forms; word timings only when asked for; one combined phrase per channel.
 */
import type { AudioWarning, ProfanityFilterMode, PunctuationMode, ResultNBest, ResultPhrase, ResultWord, TranscriptionResultFile } from '../../core/wire';
import type { Utterance } from '../engine/types';
import { formatIsoDuration, msToTicks } from '../../core/ticks';
import { displayWords, maskProfanity } from './display';
import { readSpool } from './spool';

/** The utterances of one channel, and the diarized speaker (from 1) of each, if any. */
export interface ChannelUtterances {
  channel: number;
  utterances: Utterance[];
  speakers?: number[];
}

/** A channel whose utterances are in a spool file (./spool.ts), in time order: read when the file is written. */
export interface SpooledChannel {
  channel: number;
  spool: string;
}

export type ResultChannel = ChannelUtterances | SpooledChannel;

export interface ResultFileInput {
  source: string;
  durationMs: number;
  /** Damage found in the audio (written as `warnings` when there is any). */
  warnings?: AudioWarning[];
  /** When recognition finished; default now. */
  timestamp?: Date;
  channels: ResultChannel[];
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

/** A channel's utterances in time order, each with its speaker if diarized; a spooled channel's read from disk. */
function* utterancesOf(channel: ResultChannel): Generator<{ u: Utterance; speaker?: number }> {
  if ('spool' in channel) {
    for (const u of readSpool(channel.spool)) yield { u };
    return;
  }
  const { utterances, speakers } = channel;
  const order = utterances.map((_, i) => i).sort((a, b) => utterances[a].startMs - utterances[b].startMs);
  for (const i of order) yield { u: utterances[i], speaker: speakers?.[i] };
}

/** The phrases of the channels (sorted by channel), each channel's in time order, built one at a time. */
function* phrasesOf(input: ResultFileInput, channels: ResultChannel[], keep?: (best: ResultNBest) => void): Generator<ResultPhrase> {
  for (const channel of channels) {
    for (const { u, speaker } of utterancesOf(channel)) {
      const best = nBest(u, input);
      keep?.(best);
      yield {
        recognitionStatus: 'Success',
        channel: channel.channel,
        ...(speaker !== undefined ? { speaker } : {}),
        ...timing(u.startMs, u.endMs),
        nBest: [best],
      };
    }
  }
}

/** One combined phrase per channel: its phrases' text forms joined. */
function combinedOf(input: ResultFileInput, channels: ResultChannel[]): NonNullable<TranscriptionResultFile['combinedRecognizedPhrases']> {
  return channels.map((channel) => {
    const forms = { lexical: [] as string[], itn: [] as string[], maskedITN: [] as string[], display: [] as string[] };
    // Only the four texts of each phrase are kept, not its words.
    for (const _ of phrasesOf(input, [channel], (b) => {
      for (const key of ['lexical', 'itn', 'maskedITN', 'display'] as const) if (b[key]) forms[key].push(b[key]!);
    }));
    return { channel: channel.channel, lexical: forms.lexical.join(' '), itn: forms.itn.join(' '), maskedITN: forms.maskedITN.join(' '), display: forms.display.join(' ') };
  });
}

/** The result file with `recognizedPhrases` given by the caller (built, or left to be streamed). */
function fileOf<P>(input: ResultFileInput, channels: ResultChannel[], recognizedPhrases: P): Omit<TranscriptionResultFile, 'recognizedPhrases'> & { recognizedPhrases: P } {
  return {
    source: input.source,
    timestamp: (input.timestamp ?? new Date()).toISOString(),
    durationInTicks: msToTicks(input.durationMs),
    durationMilliseconds: Math.round(input.durationMs),
    duration: formatIsoDuration(Math.round(input.durationMs)),
    combinedRecognizedPhrases: combinedOf(input, channels),
    recognizedPhrases,
    ...(input.warnings?.length ? { warnings: input.warnings } : {}),
  };
}

const sortedChannels = (input: ResultFileInput): ResultChannel[] => [...input.channels].sort((a, b) => a.channel - b.channel);

/** Assembles the result file of one audio file. */
export function buildResultFile(input: ResultFileInput): TranscriptionResultFile {
  const channels = sortedChannels(input);
  return fileOf(input, channels, [...phrasesOf(input, channels)]);
}

/** Size of the pieces {@link resultFileBytes} cuts the file into. */
const CHUNK_BYTES = 256 * 1024;

/**
 * The result file of {@link buildResultFile} as the service writes it — exactly `JSON.stringify(file, null, 2)` in
 * UTF-8 — in pieces of about {@link CHUNK_BYTES}, each on an ArrayBuffer of its own (so it can be transferred between
 * threads). The phrases are built and written one at a time: neither the whole file's objects nor a string of it
 * ever exist (a 3-hour call's phrases with word times are ~20 MB of JSON and more as objects; made at once, at the
 * end of the file, they were the service's peak memory).
 */
export function resultFileBytes(input: ResultFileInput): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  writeResultFile(input, (bytes) => chunks.push(bytes));
  return chunks;
}

/** Hands the bytes of {@link resultFileBytes} to `emit` piece by piece, keeping none: at most one piece in memory. */
export function writeResultFile(input: ResultFileInput, emit: (bytes: Uint8Array) => void): void {
  const channels = sortedChannels(input);
  const file = fileOf(input, channels, null);
  let pending: string[] = [];
  let pendingLength = 0;
  const flush = (): void => {
    const text = pending.join('');
    const bytes = new Uint8Array(Buffer.byteLength(text)); // its own ArrayBuffer, never Node's shared pool
    Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).write(text);
    emit(bytes);
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
  const items = (list: Iterable<unknown>): void => {
    let first = true;
    for (const item of list) {
      out(first ? '[\n    ' : ',\n    ');
      out(nested(item, '    '));
      first = false;
    }
    out(first ? '[]' : '\n  ]');
  };
  const entries = Object.entries(file).filter(([, value]) => value !== undefined);
  out('{\n');
  entries.forEach(([key, value], k) => {
    out(`  ${JSON.stringify(key)}: `);
    if (key === 'recognizedPhrases') items(phrasesOf(input, channels));
    else if (Array.isArray(value)) items(value);
    else out(nested(value, '  '));
    out(k < entries.length - 1 ? ',\n' : '\n');
  });
  out('}');
  flush();
}
