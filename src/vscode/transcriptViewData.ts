/**
 * The transcript as the webview gets it: built once by the host from the merged conversation, in a compact
 * column form (one array per field, one entry per turn) that the page renders without re-reading phrases or words.
 * A 3-hour call's turns are a few hundred kilobytes this way instead of megabytes of words with timings.
 * Plain TypeScript (no VS Code import) so it is unit-testable.
 */
import type { Conversation, Phrase, Turn } from '../core/model';
import type { CompactTranscript, Segment } from './transcriptViewModel';

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/** Index of `word` in `lower` at or after `from`, starting and ending on word boundaries; -1 if absent. */
function findWord(lower: string, word: string, from: number): number {
  if (!word) return -1;
  for (let i = lower.indexOf(word, from); i >= 0; i = lower.indexOf(word, i + 1)) {
    const startOk = i === 0 || !LETTER_OR_DIGIT.test(lower[i - 1]) || !LETTER_OR_DIGIT.test(word[0]);
    const end = i + word.length;
    const endOk = end >= lower.length || !LETTER_OR_DIGIT.test(lower[end]) || !LETTER_OR_DIGIT.test(word[word.length - 1]);
    if (startOk && endOk) return i;
  }
  return -1;
}

function pushSegment(segments: Segment[], text: string, confidence?: number): void {
  if (!text) return;
  const last = segments[segments.length - 1];
  if (confidence === undefined && last && last.confidence === undefined) last.text += text;
  else segments.push(confidence === undefined ? { text } : { text, confidence });
}

/**
 * Splits a phrase's display text into plain runs and low-confidence words (confidence < `threshold`).
 * Words are located in order in the display text (case-insensitive, on word boundaries); a word whose form is
 * not in the display text (e.g. lexical "twenty" for display "20") is left unmarked rather than guessed.
 */
function segmentPhrase(phrase: Pick<Phrase, 'text' | 'words'>, threshold: number, segments: Segment[]): void {
  const text = phrase.text || '';
  const lower = text.toLowerCase();
  let cursor = 0;
  for (const word of phrase.words || []) {
    const at = findWord(lower, (word.text || '').toLowerCase(), cursor);
    if (at < 0) continue;
    const end = at + word.text.length;
    if (typeof word.confidence === 'number' && word.confidence < threshold) {
      pushSegment(segments, text.slice(cursor, at));
      pushSegment(segments, text.slice(at, end), word.confidence);
    } else {
      pushSegment(segments, text.slice(cursor, end));
    }
    cursor = end;
  }
  pushSegment(segments, text.slice(cursor));
}

/**
 * The text of a turn as segments `{text, confidence?}`; `confidence` is set on low-confidence words only.
 * Joined, the segments' texts are the text shown (the turn's phrases joined by spaces).
 */
export function segmentTurn(turn: Pick<Turn, 'text' | 'phrases'>, threshold: number): Segment[] {
  const segments: Segment[] = [];
  const phrases = turn.phrases || [];
  if (phrases.length === 0) {
    pushSegment(segments, turn.text || '');
    return segments;
  }
  phrases.forEach((phrase, i) => {
    if (i > 0) pushSegment(segments, ' ');
    segmentPhrase(phrase, threshold, segments);
  });
  return segments;
}

/** The conversation in the page's compact form; words below `threshold` (0..1) become `low` marks. */
export function compactTranscript(conversation: Conversation, threshold: number): CompactTranscript {
  const partyIndex = new Map(conversation.parties.map((p, i) => [p.id, i]));
  const turns = conversation.turns;
  const compact: CompactTranscript = {
    parties: conversation.parties.map((p) => ({ id: p.id, name: p.name })),
    party: new Array<number>(turns.length),
    start: new Array<number>(turns.length),
    end: new Array<number>(turns.length),
    overlap: [],
    text: new Array<string>(turns.length),
    low: [],
    durationMs: conversation.durationMs,
    ...(conversation.warnings?.length ? { warnings: conversation.warnings } : {}),
  };
  turns.forEach((turn, i) => {
    let party = partyIndex.get(turn.partyId);
    if (party === undefined) {
      party = compact.parties.length;
      partyIndex.set(turn.partyId, party);
      compact.parties.push({ id: turn.partyId, name: turn.partyId });
    }
    compact.party[i] = party;
    compact.start[i] = turn.startMs;
    compact.end[i] = turn.endMs;
    if (turn.overlap) compact.overlap.push(i);
    const segments = segmentTurn(turn, threshold);
    let offset = 0;
    const marks: number[] = [];
    for (const segment of segments) {
      if (segment.confidence !== undefined) marks.push(offset, offset + segment.text.length, segment.confidence);
      offset += segment.text.length;
    }
    compact.text[i] = segments.map((s) => s.text).join('');
    if (marks.length > 0) compact.low.push([i, ...marks]);
  });
  return compact;
}
