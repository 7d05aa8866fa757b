/**
 * Parses a transcription result file (api-version 2024-11-15 or v3.2) into the channel-aware {@link Transcript}.
 *
 * Times: `offsetInTicks`/`durationInTicks` where they are numbers, else the ISO 8601 `offset`/`duration`.
 * The file's duration: `durationMilliseconds`, else `durationInTicks`, else `duration`.
 * Each phrase keeps its best alternative (`nBest[0]`); phrases whose `recognitionStatus` is present and not
 * "Success", and phrases without alternatives, are skipped. Missing optional fields never fail the parse;
 * a file that is not a result file, or a phrase or word without a time, throws {@link TranscriptParseError}.
 */

import type { Phrase, Transcript, Word } from './model';
import { parseIsoDuration, ticksToMs } from './ticks';

/** A result file that cannot be read. `message` says what is wrong and where, e.g. `recognizedPhrases[3]: no offset`. */
export class TranscriptParseError extends Error {
  constructor(
    /** What is wrong, e.g. `no offset`. */
    readonly reason: string,
    /** Where in the JSON, e.g. `recognizedPhrases[3]`; empty for the whole file. */
    readonly path = '',
    /** The file's name, where known. */
    readonly fileName?: string,
  ) {
    super([fileName, path, reason].filter(Boolean).join(': '));
    this.name = 'TranscriptParseError';
  }
}

/** Parses the text of a result file; `name` (e.g. the file name) prefixes every error message. */
export function parseResultText(text: string, name?: string): Transcript {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new TranscriptParseError(`not valid JSON (${(err as Error).message})`, '', name);
  }
  try {
    return parseResult(json);
  } catch (err) {
    if (err instanceof TranscriptParseError && name !== undefined) {
      throw new TranscriptParseError(err.reason, err.path, name);
    }
    throw err;
  }
}

/** Parses the JSON of a result file (already `JSON.parse`d). */
export function parseResult(json: unknown): Transcript {
  if (!isObject(json)) {
    throw new TranscriptParseError(`not a transcription result: expected a JSON object, got ${describe(json)}`);
  }
  const rawPhrases = json.recognizedPhrases;
  if (!Array.isArray(rawPhrases)) {
    throw new TranscriptParseError(`expected an array, got ${describe(rawPhrases)}`, 'recognizedPhrases');
  }
  const phrases: Phrase[] = [];
  rawPhrases.forEach((raw, i) => {
    const phrase = parsePhrase(raw, `recognizedPhrases[${i}]`);
    if (phrase) phrases.push(phrase);
  });
  phrases.sort((a, b) => a.startMs - b.startMs || a.channel - b.channel);

  return {
    source: optionalString(json.source) ?? '',
    timestamp: optionalString(json.timestamp),
    durationMs: fileDuration(json),
    channels: [...new Set(phrases.map((p) => p.channel))].sort((a, b) => a - b),
    phrases,
    combined: parseCombined(json.combinedRecognizedPhrases),
    ...warningsOf(json.warnings),
  };
}

/** The messages of the local service's `warnings` (malformed entries are skipped: they never fail the parse). */
function warningsOf(raw: unknown): { warnings?: string[] } {
  const messages = Array.isArray(raw) ? raw.flatMap((w) => (isObject(w) && typeof w.message === 'string' && w.message ? [w.message] : [])) : [];
  return messages.length > 0 ? { warnings: messages } : {};
}

type Json = Record<string, unknown>;

function parsePhrase(raw: unknown, path: string): Phrase | undefined {
  if (!isObject(raw)) {
    throw new TranscriptParseError(`expected an object, got ${describe(raw)}`, path);
  }
  if (raw.recognitionStatus !== undefined && raw.recognitionStatus !== 'Success') return undefined;
  const nBest = raw.nBest;
  if (nBest !== undefined && !Array.isArray(nBest)) {
    throw new TranscriptParseError(`expected an array, got ${describe(nBest)}`, `${path}.nBest`);
  }
  if (!nBest || nBest.length === 0) return undefined;
  const best = nBest[0];
  if (!isObject(best)) {
    throw new TranscriptParseError(`expected an object, got ${describe(best)}`, `${path}.nBest[0]`);
  }

  const { startMs, endMs } = timeSpan(raw, path);
  const lexical = optionalString(best.lexical) ?? '';
  const displayWords = Array.isArray(best.displayWords) && best.displayWords.length > 0;
  const wordsKey = displayWords ? 'displayWords' : 'words';
  return {
    channel: nonNegativeInteger(raw.channel, `${path}.channel`) ?? 0,
    speaker: nonNegativeInteger(raw.speaker, `${path}.speaker`),
    locale: optionalString(raw.locale),
    startMs,
    endMs,
    text:
      optionalString(best.display) ??
      optionalString(best.maskedITN) ??
      optionalString(best.itn) ??
      lexical,
    lexical,
    confidence: confidence(best.confidence),
    words: parseWords(best[wordsKey], `${path}.nBest[0].${wordsKey}`),
  };
}

function parseWords(raw: unknown, path: string): Word[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    throw new TranscriptParseError(`expected an array, got ${describe(raw)}`, path);
  }
  return raw.map((word, i) => {
    const wordPath = `${path}[${i}]`;
    if (!isObject(word)) {
      throw new TranscriptParseError(`expected an object, got ${describe(word)}`, wordPath);
    }
    return {
      text: optionalString(word.displayText) ?? optionalString(word.word) ?? '',
      ...timeSpan(word, wordPath),
      confidence: confidence(word.confidence),
    };
  });
}

/** Start and end of a phrase or word: ticks where they are numbers, else ISO 8601 strings. */
function timeSpan(raw: Json, path: string): { startMs: number; endMs: number } {
  const startMs = timeField(raw, 'offset', path);
  const durationMs = timeField(raw, 'duration', path);
  return { startMs, endMs: startMs + durationMs };
}

function timeField(raw: Json, field: 'offset' | 'duration', path: string): number {
  const ticks = raw[`${field}InTicks`];
  if (typeof ticks === 'number' && Number.isFinite(ticks) && ticks >= 0) return ticksToMs(ticks);
  const iso = raw[field];
  if (typeof iso === 'string') return isoField(iso, `${path}.${field}`);
  if (ticks !== undefined) {
    throw new TranscriptParseError(`expected a number of ticks >= 0, got ${describe(ticks)}`, `${path}.${field}InTicks`);
  }
  throw new TranscriptParseError(`no ${field}`, path);
}

function isoField(text: string, path: string): number {
  try {
    return parseIsoDuration(text);
  } catch (err) {
    throw new TranscriptParseError((err as Error).message, path);
  }
}

function fileDuration(json: Json): number | undefined {
  const ms = json.durationMilliseconds;
  if (typeof ms === 'number' && Number.isFinite(ms) && ms >= 0) return Math.round(ms);
  const ticks = json.durationInTicks;
  if (typeof ticks === 'number' && Number.isFinite(ticks) && ticks >= 0) return ticksToMs(ticks);
  return typeof json.duration === 'string' ? isoField(json.duration, 'duration') : undefined;
}

function parseCombined(raw: unknown): Transcript['combined'] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((entry: unknown, i) =>
    isObject(entry)
      ? [
          {
            channel: nonNegativeInteger(entry.channel, `combinedRecognizedPhrases[${i}].channel`) ?? 0,
            text:
              optionalString(entry.display) ??
              optionalString(entry.maskedITN) ??
              optionalString(entry.itn) ??
              optionalString(entry.lexical) ??
              '',
            lexical: optionalString(entry.lexical) ?? '',
          },
        ]
      : [],
  );
}

function nonNegativeInteger(value: unknown, path: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new TranscriptParseError(`expected a non-negative integer, got ${describe(value)}`, path);
  }
  return value;
}

function confidence(value: unknown): number | undefined {
  return typeof value === 'number' && value >= 0 && value <= 1 ? value : undefined;
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A short description of a JSON value for error messages (never the value itself: it may be long). */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeof value === 'object' ? 'an object' : typeof value === 'undefined' ? 'nothing' : `a ${typeof value}`;
}
