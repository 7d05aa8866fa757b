/**
 * Fast transcription's answer (`TranscribeResult`: `phrases` with millisecond times and display words) and the batch
 * result file (`recognizedPhrases` with ticks and `nBest`) hold the same facts. The client turns a TranscribeResult
 * into a result file, so everything downstream (parse, merge, view, exports, analytics, the files kept on disk) works
 * unchanged; the local service turns its recogniser's result file into a TranscribeResult.
 *
 * What does not travel: fast transcription has no lexical/ITN forms (they stay absent: word counts fall back to
 * the display text), no per-word confidence, and a phrase's `channel` only where channels were asked for separately.
 * Damage found in the audio (`warnings`) travels as a field the local service adds to its answer (Azure has none).
 */
import { formatIsoDuration, msToTicks, ticksToMs } from './ticks';
import type {
  AudioWarning,
  ResultPhrase,
  ResultWord,
  TranscribePhrase,
  TranscribeResult,
  TranscribeWord,
  TranscriptionResultFile,
} from './wire';

/** The result file of a fast transcription of `source` (the audio's name or path; never a signed URL). */
export function resultFileFromTranscribe(result: TranscribeResult, source: string, timestamp = new Date().toISOString()): TranscriptionResultFile {
  const duration = Math.max(0, Math.round(result.durationMilliseconds ?? 0));
  const phrases = [...(result.phrases ?? [])].sort((a, b) => a.offsetMilliseconds - b.offsetMilliseconds || (a.channel ?? 0) - (b.channel ?? 0));
  return {
    source,
    timestamp,
    durationInTicks: msToTicks(duration),
    durationMilliseconds: duration,
    duration: formatIsoDuration(duration),
    combinedRecognizedPhrases: (result.combinedPhrases ?? []).map((c) => ({ channel: c.channel ?? 0, display: c.text })),
    recognizedPhrases: phrases.map(toRecognizedPhrase),
    ...warningsOf(result.warnings),
  };
}

/**
 * The damage the local service found in the audio (its extra `warnings`; Azure sends none), kept for the result
 * file; entries that are not `{ code?, message }` with a message are skipped, never fail the answer.
 */
function warningsOf(raw: unknown): { warnings?: AudioWarning[] } {
  if (!Array.isArray(raw)) return {};
  const warnings = raw.flatMap((w: unknown): AudioWarning[] => {
    if (typeof w !== 'object' || w === null) return [];
    const { code, message } = w as Record<string, unknown>;
    return typeof message === 'string' && message ? [{ code: typeof code === 'string' && code ? code : 'AudioDamaged', message }] : [];
  });
  return warnings.length > 0 ? { warnings } : {};
}

function toRecognizedPhrase(p: TranscribePhrase): ResultPhrase {
  const words = (p.words ?? []).map(toResultWord);
  return {
    recognitionStatus: 'Success',
    channel: p.channel ?? 0,
    ...(p.speaker !== undefined ? { speaker: p.speaker } : {}),
    ...(p.locale ? { locale: p.locale } : {}),
    ...span(p.offsetMilliseconds, p.durationMilliseconds),
    nBest: [{ confidence: p.confidence, display: p.text, ...(words.length > 0 ? { displayWords: words } : {}) }],
  };
}

function toResultWord(w: TranscribeWord): ResultWord {
  return { displayText: w.text, ...span(w.offsetMilliseconds, w.durationMilliseconds) };
}

function span(offsetMs: number, durationMs: number): Pick<ResultPhrase, 'offset' | 'duration' | 'offsetInTicks' | 'durationInTicks'> {
  const offset = Math.max(0, Math.round(offsetMs));
  const duration = Math.max(0, Math.round(durationMs));
  return { offset: formatIsoDuration(offset), duration: formatIsoDuration(duration), offsetInTicks: msToTicks(offset), durationInTicks: msToTicks(duration) };
}

export interface TranscribeShape {
  /** `channels` was given: phrases and combined phrases carry their channel (else they do not, as on Azure). */
  channelsGiven: boolean;
  /** The locale transcribed, given to phrases that do not name theirs. */
  locale?: string;
}

/**
 * The TranscribeResult of a result file (what the local service answers): display text and display words (the
 * file must have been made with display-form word timestamps), times in whole milliseconds.
 */
export function transcribeResultFromFile(file: TranscriptionResultFile, shape: TranscribeShape): TranscribeResult {
  const phrases: TranscribePhrase[] = [];
  for (const p of file.recognizedPhrases ?? []) {
    const best = p.nBest?.[0];
    if (!best || (p.recognitionStatus !== undefined && p.recognitionStatus !== 'Success')) continue;
    const words = (best.displayWords ?? best.words ?? []).map((w) => ({
      text: w.displayText ?? w.word ?? '',
      offsetMilliseconds: ticksToMs(w.offsetInTicks ?? 0),
      durationMilliseconds: ticksToMs(w.durationInTicks ?? 0),
    }));
    phrases.push({
      ...(shape.channelsGiven ? { channel: p.channel ?? 0 } : {}),
      ...(p.speaker !== undefined ? { speaker: p.speaker } : {}),
      offsetMilliseconds: ticksToMs(p.offsetInTicks ?? 0),
      durationMilliseconds: ticksToMs(p.durationInTicks ?? 0),
      text: best.display ?? best.lexical ?? '',
      ...(words.length > 0 ? { words } : {}),
      ...(p.locale || shape.locale ? { locale: p.locale || shape.locale } : {}),
      confidence: best.confidence ?? 0,
    });
  }
  phrases.sort((a, b) => a.offsetMilliseconds - b.offsetMilliseconds || (a.channel ?? 0) - (b.channel ?? 0));
  const combinedPhrases = shape.channelsGiven
    ? (file.combinedRecognizedPhrases ?? []).map((c) => ({ channel: c.channel ?? 0, text: c.display ?? '' }))
    : // Channels transcribed jointly: one text, in time order.
      [{ text: phrases.map((p) => p.text).filter(Boolean).join(' ') }];
  const durationMilliseconds = file.durationMilliseconds ?? (file.durationInTicks !== undefined ? ticksToMs(file.durationInTicks) : 0);
  return { durationMilliseconds: Math.round(durationMilliseconds), combinedPhrases, phrases, ...(file.warnings?.length ? { warnings: file.warnings } : {}) };
}
