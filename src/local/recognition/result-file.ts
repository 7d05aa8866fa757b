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
function* phrasesOf(input: ResultFileInput, channels: ResultChannel[]): Generator<ResultPhrase> {
  for (const channel of channels) {
    for (const { u, speaker } of utterancesOf(channel)) {
      const best = nBest(u, input);
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
    const [lexical, itn, maskedITN, display] = COMBINED_FORMS.map((form) =>
      [...utterancesOf(channel)].map(({ u }) => formOf(u, input, form)).filter((text) => text !== '').join(' '),
    );
    return { channel: channel.channel, lexical, itn, maskedITN, display };
  });
}

/** The result file with its phrases given by the caller (built, or left to be streamed). */
function fileOf<C, P>(
  input: ResultFileInput,
  combinedRecognizedPhrases: C,
  recognizedPhrases: P,
): Omit<TranscriptionResultFile, 'combinedRecognizedPhrases' | 'recognizedPhrases'> & { combinedRecognizedPhrases: C; recognizedPhrases: P } {
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

const sortedChannels = (input: ResultFileInput): ResultChannel[] => [...input.channels].sort((a, b) => a.channel - b.channel);

/** Assembles the result file of one audio file. */
export function buildResultFile(input: ResultFileInput): TranscriptionResultFile {
  const channels = sortedChannels(input);
  return fileOf(input, combinedOf(input, channels), [...phrasesOf(input, channels)]);
}

/** Size of the pieces {@link writeResultFile} cuts the file into, in characters. */
const CHUNK_CHARS = 256 * 1024;

/** The text forms of a combined phrase, in the order the file lists them. */
const COMBINED_FORMS = ['lexical', 'itn', 'maskedITN', 'display'] as const;

/** One text form of an utterance's phrase (what {@link nBest} gives it), without building the phrase. */
function formOf(u: Utterance, input: ResultFileInput, form: (typeof COMBINED_FORMS)[number]): string {
  if (form === 'maskedITN') return maskProfanity(u.text);
  if (form === 'display') return displayWords(u.words, input).map((w) => w.text).join(' ');
  return u.text;
}

/** The result file of {@link buildResultFile} as the service writes it — exactly `JSON.stringify(file, null, 2)` — in pieces. */
export function resultFilePieces(input: ResultFileInput): string[] {
  const pieces: string[] = [];
  writeResultFile(input, (text) => pieces.push(text));
  return pieces;
}

/**
 * Hands the text of the result file (exactly `JSON.stringify(file, null, 2)` of {@link buildResultFile}) to `emit`
 * in pieces of about {@link CHUNK_CHARS}, keeping none. Nothing grows with the length of the call: phrases are built
 * and written one at a time, and each channel's combined texts are written piece by piece, a pass over its
 * utterances per form (a 3-hour call's phrases are ~20 MB of JSON with word times; made at once, at the end of the
 * file, they were the service's peak memory).
 */
export function writeResultFile(input: ResultFileInput, emit: (text: string) => void): void {
  const channels = sortedChannels(input);
  const file = fileOf(input, null, null);
  let pending: string[] = [];
  let pendingLength = 0;
  const flush = (): void => {
    emit(pending.join(''));
    pending = [];
    pendingLength = 0;
  };
  const out = (text: string): void => {
    pending.push(text);
    pendingLength += text.length;
    if (pendingLength >= CHUNK_CHARS) flush();
  };
  // JSON.stringify escapes newlines inside strings, so re-indenting a nested value is a plain replace of "\n".
  const nested = (value: unknown, indent: string): string => JSON.stringify(value, null, 2).replace(/\n/g, `\n${indent}`);
  const items = <T>(list: Iterable<T>, write: (item: T) => void): void => {
    let first = true;
    for (const item of list) {
      out(first ? '[\n    ' : ',\n    ');
      write(item);
      first = false;
    }
    out(first ? '[]' : '\n  ]');
  };
  // A combined phrase as JSON.stringify would indent it, its texts joined from the phrases' as they are read.
  const combined = (channel: ResultChannel): void => {
    out(`{\n      "channel": ${JSON.stringify(channel.channel)}`);
    for (const form of COMBINED_FORMS) {
      out(`,\n      ${JSON.stringify(form)}: "`);
      let first = true;
      for (const { u } of utterancesOf(channel)) {
        const text = formOf(u, input, form);
        if (!text) continue;
        out(first ? '' : ' ');
        out(JSON.stringify(text).slice(1, -1));
        first = false;
      }
      out('"');
    }
    out('\n    }');
  };
  const entries = Object.entries(file).filter(([, value]) => value !== undefined);
  out('{\n');
  entries.forEach(([key, value], k) => {
    out(`  ${JSON.stringify(key)}: `);
    if (key === 'recognizedPhrases') items(phrasesOf(input, channels), (phrase) => out(nested(phrase, '    ')));
    else if (key === 'combinedRecognizedPhrases') items(channels, combined);
    else if (Array.isArray(value)) items(value, (item) => out(nested(item, '    ')));
    else out(nested(value, '  '));
    out(k < entries.length - 1 ? ',\n' : '\n');
  });
  out('}');
  flush();
}
