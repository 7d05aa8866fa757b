/**
 * The display form of a recognised phrase, built from its lexical words the way Azure describes it: spoken
 * punctuation ("comma", "question mark") becomes symbols in the Dictated modes; sentence case and a final period (or
 * question mark for questions) in the Automatic modes; profane words masked, removed or tagged per the filter mode.
 */
import type { ProfanityFilterMode, PunctuationMode } from '../../core/wire';
import type { RecognizedWord } from '../engine/types';

/** A word of the display form, with the timing of the lexical word(s) it came from. */
export interface DisplayWord {
  text: string;
  startMs: number;
  endMs: number;
  confidence: number;
}

export interface DisplayOptions {
  punctuationMode: PunctuationMode;
  profanityFilterMode: ProfanityFilterMode;
}

/** A deliberately small list: the words pocketsphinx's dictionary can produce that a call transcript should filter. */
const PROFANITY = new Set([
  'ass', 'asshole', 'bastard', 'bitch', 'bullshit', 'crap', 'damn', 'damned', 'dick', 'fuck', 'fucked', 'fucker',
  'fucking', 'goddamn', 'piss', 'pissed', 'shit', 'shitty',
]);

/** Spoken punctuation of the Dictated modes, longest phrases first. */
const DICTATED: readonly { words: readonly string[]; symbol: string }[] = [
  { words: ['question', 'mark'], symbol: '?' },
  { words: ['exclamation', 'mark'], symbol: '!' },
  { words: ['exclamation', 'point'], symbol: '!' },
  { words: ['full', 'stop'], symbol: '.' },
  { words: ['period'], symbol: '.' },
  { words: ['comma'], symbol: ',' },
  { words: ['colon'], symbol: ':' },
  { words: ['semicolon'], symbol: ';' },
];

/** First words that make a phrase a question in the Automatic modes. */
const QUESTION_STARTS = new Set([
  'are', 'can', 'could', 'did', 'do', 'does', 'how', 'is', 'may', 'shall', 'should', 'was', 'were', 'what', 'when',
  'where', 'which', 'who', 'why', 'will', 'would',
]);

export function isProfane(word: string): boolean {
  return PROFANITY.has(word.toLowerCase());
}

/** Replaces every letter of each profane word by `*` (Azure's maskedITN and the Masked mode). */
export function maskProfanity(text: string): string {
  return text
    .split(' ')
    .map((w) => (isProfane(w) ? '*'.repeat(w.length) : w))
    .join(' ');
}

function filterWord(word: string, mode: ProfanityFilterMode): string | undefined {
  if (mode === 'None' || !isProfane(word)) return word;
  if (mode === 'Removed') return undefined;
  if (mode === 'Tags') return `<profanity>${word}</profanity>`;
  return '*'.repeat(word.length);
}

function dictatedAt(words: readonly RecognizedWord[], i: number): { length: number; symbol: string } | undefined {
  for (const entry of DICTATED) {
    if (entry.words.every((w, k) => words[i + k]?.word === w)) return { length: entry.words.length, symbol: entry.symbol };
  }
  return undefined;
}

/**
 * The display words of an engine that writes its own display form (whisper: cased and punctuated): kept as written,
 * profane words filtered by their lexical form, punctuation removed in the mode `None`.
 */
function writtenDisplayWords(words: readonly RecognizedWord[], options: DisplayOptions): DisplayWord[] {
  const out: DisplayWord[] = [];
  for (const w of words) {
    let text = w.display!;
    if (isProfane(w.word)) {
      const filtered = filterWord(w.word, options.profanityFilterMode);
      if (filtered === undefined) continue;
      text = text.replace(new RegExp(w.word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i'), filtered);
    }
    if (options.punctuationMode === 'None') text = text.replace(/[^\p{L}\p{N}'\s-]+/gu, '');
    if (text) out.push({ text, startMs: w.startMs, endMs: w.endMs, confidence: w.confidence });
  }
  return out;
}

/** The display words of one phrase. Join their `text` with spaces to get the phrase's display string. */
export function displayWords(words: readonly RecognizedWord[], options: DisplayOptions): DisplayWord[] {
  if (words.length > 0 && words.every((w) => w.display !== undefined)) return writtenDisplayWords(words, options);
  const dictated = options.punctuationMode === 'Dictated' || options.punctuationMode === 'DictatedAndAutomatic';
  const automatic = options.punctuationMode === 'Automatic' || options.punctuationMode === 'DictatedAndAutomatic';
  const out: DisplayWord[] = [];
  for (let i = 0; i < words.length; i++) {
    const spoken = dictated ? dictatedAt(words, i) : undefined;
    if (spoken && out.length > 0) {
      out[out.length - 1].text += spoken.symbol;
      i += spoken.length - 1;
      continue;
    }
    const w = words[i];
    const text = filterWord(w.word, options.profanityFilterMode);
    if (text === undefined) continue;
    out.push({ text: text === 'i' || text.startsWith("i'") ? 'I' + text.slice(1) : text, startMs: w.startMs, endMs: w.endMs, confidence: w.confidence });
  }
  if (automatic && out.length > 0) {
    const first = out[0];
    first.text = first.text.charAt(0).toUpperCase() + first.text.slice(1);
    const last = out[out.length - 1];
    if (!/[.?!,;:]$/.test(last.text)) last.text += QUESTION_STARTS.has(words[0].word) ? '?' : '.';
  }
  return out;
}
