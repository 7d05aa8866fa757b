/**
 * Renders a merged conversation as text (txt), subtitles (SRT, WebVTT), Markdown or JSON.
 *
 * Every time printed is a model time (a phrase's or a word's start or end), exact to the millisecond in subtitles,
 * floored to the second elsewhere (./ticks.ts: positions `hh:mm:ss`, lengths `m:ss`, as in the transcript view).
 * Subtitles: each turn is split into cues of at most `maxCueMs` (default 7000) and `maxCueLines` (default 2)
 * lines of `maxLineChars` (default 42), cutting between words where the phrase has word timings whose count
 * matches its display text, else between phrases (a single phrase longer than that stays one cue). Cues are
 * ordered by start; crosstalk gives overlapping cues, which players show together. SRT cues begin with the
 * party's name (`Agent: …`); WebVTT cues carry it as a voice tag (`<v Agent>…`).
 * The source is shown without query string or credentials (result files may name SAS URLs).
 */

import { computeAnalytics } from './analytics';
import type { CallAnalytics, Conversation, Party, TranscriptFormat, Turn } from './model';
import { SOURCE_SEPARATOR } from './merge';
import { redactUrl } from './redact';
import { formatClock, formatDuration, formatSrtTime, formatVttTime } from './ticks';

export interface FormatOptions {
  /** Markdown title; default "Transcript: <file name of the source>". */
  title?: string;
  /** Longest subtitle cue (ms), unless one phrase without usable word timings is longer. Default 7000. */
  maxCueMs?: number;
  /** Most characters on a subtitle line (longer single words get a line of their own). Default 42. */
  maxLineChars?: number;
  /** Most lines in a subtitle cue. Default 2. */
  maxCueLines?: number;
  /** Analytics for Markdown and JSON, when already computed; else computed here. */
  analytics?: CallAnalytics;
}

/** A subtitle cue: its time, party and wrapped lines (without escaping). */
export interface Cue {
  startMs: number;
  endMs: number;
  partyId: string;
  lines: string[];
}

/** Renders the conversation in the given format. The text ends with a newline unless empty. */
export function formatConversation(
  conversation: Conversation,
  format: TranscriptFormat,
  options: FormatOptions = {},
): string {
  switch (format) {
    case 'txt':
      return formatText(conversation);
    case 'srt':
      return formatSrt(conversation, options);
    case 'vtt':
      return formatVtt(conversation, options);
    case 'md':
      return formatMarkdown(conversation, options);
    case 'json':
      return `${JSON.stringify(conversationJson(conversation, options.analytics), null, 2)}\n`;
    default:
      throw new RangeError(`unknown transcript format: ${String(format)}`);
  }
}

/** The JSON export of a conversation (`formatConversation(…, 'json')`). */
export interface ConversationJson {
  /** Without query string or credentials. */
  source: string;
  durationMs: number;
  /** Damage found in the audio, where there is any. */
  warnings?: string[];
  parties: Party[];
  turns: { partyId: string; party: string; startMs: number; endMs: number; overlap: boolean; text: string }[];
  analytics: CallAnalytics;
}

/** The JSON export: parties, turns (times in ms, text, overlap) and analytics. */
export function conversationJson(conversation: Conversation, analytics?: CallAnalytics): ConversationJson {
  const names = partyNames(conversation);
  return {
    source: redactSource(conversation.source),
    durationMs: conversation.durationMs,
    ...(conversation.warnings ? { warnings: conversation.warnings } : {}),
    parties: conversation.parties,
    turns: conversation.turns.map((turn) => ({
      partyId: turn.partyId,
      party: names(turn.partyId),
      startMs: turn.startMs,
      endMs: turn.endMs,
      overlap: turn.overlap,
      text: turn.text,
    })),
    analytics: analytics ?? computeAnalytics(conversation),
  };
}

/**
 * `source` safe to show: every URL in it (several files' sources are comma-separated) without query string,
 * fragment or credentials (see {@link redactUrl}); local paths as they are.
 */
export function redactSource(source: string): string {
  return source
    .split(SOURCE_SEPARATOR)
    .map((part) => (/^[a-z][\w+.-]*:\/\//i.test(part) ? redactUrl(part) : part))
    .join(SOURCE_SEPARATOR);
}

/** The file names in `source` (the last path segment of each path or URL, decoded), e.g. `call 1.wav`. */
export function sourceDisplayName(source: string): string {
  return redactSource(source)
    .split(SOURCE_SEPARATOR)
    .map((part) => {
      const name = part.split('?')[0].split(/[/\\]/).filter(Boolean).at(-1) ?? '';
      try {
        return decodeURIComponent(name);
      } catch {
        return name;
      }
    })
    .join(SOURCE_SEPARATOR);
}

function formatText(conversation: Conversation): string {
  const names = partyNames(conversation);
  return lines([
    ...warningLines(conversation).map((w) => `Warning: ${w}`),
    ...conversation.turns.map((turn) => `[${formatClock(turn.startMs)}] ${names(turn.partyId)}: ${oneLine(turn.text)}`),
  ]);
}

/** The damage found in the audio, one line each (text, Markdown and WebVTT exports say it before the transcript). */
function warningLines(conversation: Conversation): string[] {
  return (conversation.warnings ?? []).map(oneLine);
}

function formatSrt(conversation: Conversation, options: FormatOptions): string {
  const names = partyNames(conversation);
  const cues = subtitleCues(conversation, options, (turn) => `${names(turn.partyId)}: `);
  return lines(
    cues.map((cue, i) => `${i + 1}\n${formatSrtTime(cue.startMs)} --> ${formatSrtTime(cue.endMs)}\n${cue.lines.join('\n')}\n`),
  );
}

function formatVtt(conversation: Conversation, options: FormatOptions): string {
  const names = partyNames(conversation);
  const cues = subtitleCues(conversation, options, () => '');
  const body = cues.map(
    (cue) =>
      `\n${formatVttTime(cue.startMs)} --> ${formatVttTime(cue.endMs)}\n` +
      `<v ${escapeVtt(names(cue.partyId))}>${cue.lines.map(escapeVtt).join('\n')}`,
  );
  // A NOTE block is for readers of the file; players skip it ("-->" may not appear in one).
  const notes = warningLines(conversation).map((w) => `\nNOTE Warning: ${w.replace(/-->/g, '->')}`);
  return lines(['WEBVTT', ...notes, ...body]);
}

function formatMarkdown(conversation: Conversation, options: FormatOptions): string {
  const analytics = options.analytics ?? computeAnalytics(conversation);
  const names = partyNames(conversation);
  const title = options.title ?? `Transcript: ${sourceDisplayName(conversation.source) || 'untitled'}`;
  const out = [
    `# ${escapeMarkdown(title)}`,
    '',
    `Duration ${formatDuration(conversation.durationMs)} · ${count(conversation.parties.length, 'party', 'parties')} · ` +
      count(conversation.turns.length, 'turn', 'turns'),
    '',
    ...warningLines(conversation).flatMap((w) => [`> **Warning:** ${escapeMarkdown(w)}`, '']),
    '| Party | Track | Talk time | Share | Words |',
    '| --- | --- | --- | --- | --- |',
    ...analytics.parties.map((p) => {
      const party = conversation.parties.find((candidate) => candidate.id === p.partyId);
      const track = party?.speaker !== undefined ? `speaker ${party.speaker}` : `channel ${(party?.channel ?? 0) + 1}`;
      return `| ${escapeMarkdown(p.name)} | ${track} | ${formatDuration(p.talkMs)} | ${Math.round(p.talkRatio * 100)}% | ${p.words} |`;
    }),
    '',
  ];
  if (conversation.turns.length === 0) out.push('_No speech was recognised._', '');
  for (const turn of conversation.turns) {
    out.push(`**[${formatClock(turn.startMs)}] ${escapeMarkdown(names(turn.partyId))}:** ${escapeMarkdown(oneLine(turn.text))}`, '');
  }
  return lines(out.slice(0, -1));
}

/** The subtitle cues of a conversation, ordered by start (stable), each line prefixed by `label` on its first line. */
export function subtitleCues(
  conversation: Conversation,
  options: Pick<FormatOptions, 'maxCueMs' | 'maxLineChars' | 'maxCueLines'>,
  label: (turn: Turn) => string,
): Cue[] {
  const maxCueMs = options.maxCueMs ?? 7000;
  const width = options.maxLineChars ?? 42;
  const maxLines = options.maxCueLines ?? 2;
  const cues: Cue[] = [];
  for (const turn of conversation.turns) {
    const prefix = label(turn);
    let cue: { startMs: number; endMs: number; words: string[] } | undefined;
    const flush = () => {
      if (cue) cues.push({ startMs: cue.startMs, endMs: cue.endMs, partyId: turn.partyId, lines: wrap(prefix + cue.words.join(' '), width) });
    };
    for (const unit of cueUnits(turn)) {
      const tooLong = cue && unit.endMs - cue.startMs > maxCueMs;
      if (cue && (tooLong || wrap(prefix + [...cue.words, unit.text].join(' '), width).length > maxLines)) {
        flush();
        cue = undefined;
      }
      if (cue) {
        cue.words.push(unit.text);
        cue.endMs = Math.max(cue.endMs, unit.endMs);
      } else {
        cue = { startMs: unit.startMs, endMs: unit.endMs, words: [unit.text] };
      }
    }
    flush();
  }
  return cues.sort((a, b) => a.startMs - b.startMs);
}

/** What a cue is cut from: the words of a phrase (timed, matching its display text one to one), else the phrase. */
function cueUnits(turn: Turn): { text: string; startMs: number; endMs: number }[] {
  return turn.phrases.flatMap((phrase) => {
    const text = oneLine(phrase.text);
    const tokens = text.split(' ').filter(Boolean);
    if (phrase.words.length > 0 && tokens.length === phrase.words.length) {
      return phrase.words.map((word, i) => ({ text: tokens[i], startMs: word.startMs, endMs: Math.max(word.startMs, word.endMs) }));
    }
    return text ? [{ text, startMs: phrase.startMs, endMs: Math.max(phrase.startMs, phrase.endMs) }] : [];
  });
}

/** Greedy word wrap; a word longer than `width` gets a line of its own. */
function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  for (const word of text.split(' ')) {
    const last = out.at(-1);
    if (last !== undefined && last.length + 1 + word.length <= width) out[out.length - 1] = `${last} ${word}`;
    else out.push(word);
  }
  return out;
}

function partyNames(conversation: Conversation): (partyId: string) => string {
  const byId = new Map(conversation.parties.map((p) => [p.id, p.name]));
  return (partyId) => byId.get(partyId) ?? partyId;
}

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function lines(items: string[]): string {
  return items.length > 0 ? `${items.join('\n')}\n` : '';
}

function escapeVtt(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Backslash-escapes what Markdown would read as emphasis, code, links, HTML, tables, headings or entities. */
function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()<>#|~&!]/g, '\\$&');
}
