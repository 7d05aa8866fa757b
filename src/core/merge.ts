/**
 * Merges a transcript's channels (stereo calls) or speakers (diarized mono) into one conversation of turns,
 * interleaved by start time. O(n log n) in the number of phrases.
 *
 * - Parties: by channel, or by speaker when the phrases carry speakers and there is only one channel
 *   (override with `partyBy`). Default names "Channel 1", "Channel 2" (channel 0, 1) and "Speaker N".
 * - Order: by start time; ties by party (channel/speaker number), then by the order in the file.
 * - Joining: a phrase joins the turn just before it when that turn is of the same party and the gap is at most
 *   `joinWithinMs` (default 1500; 0 never joins). So phrases are never joined across a turn of another party
 *   that starts between them, and the turns stay ordered by start time.
 * - Overlap: crosstalk is kept as it is; every turn whose time range intersects a turn of another party is
 *   marked `overlap: true`.
 */

import type { Conversation, MergeOptions, Party, Phrase, Transcript, Turn } from './model';

/** Default of `MergeOptions.joinWithinMs` (and of the `speechBatch.joinTurnsWithinMs` setting). */
export const DEFAULT_JOIN_WITHIN_MS = 1500;

/** Separates the sources of several files in the `source` of their conversation. */
export const SOURCE_SEPARATOR = ', ';

/** New names for parties: by party index (channel 0, 1 … or speaker 1, 2 …) or by party id (`ch0`, `spk2`). */
export type PartyNames = readonly string[] | Readonly<Record<string, string>>;

/**
 * Merges one result file (the normal case: one recording, one or two channels) into a conversation.
 *
 * @throws RangeError when `joinWithinMs` is negative or not a number.
 */
export function mergeFile(transcript: Transcript, options: MergeOptions = {}): Conversation {
  const joinWithinMs = options.joinWithinMs ?? DEFAULT_JOIN_WITHIN_MS;
  if (!Number.isFinite(joinWithinMs) || joinWithinMs < 0) {
    throw new RangeError(`joinWithinMs must be a number of milliseconds >= 0, got ${String(joinWithinMs)}`);
  }
  const bySpeaker = (options.partyBy ?? defaultPartyBy(transcript)) === 'speaker';
  const parties = partiesOf(transcript, bySpeaker).map((party) => withName(party, options.names));
  const rank = new Map(parties.map((party, i) => [party.id, i]));
  const phrases = transcript.phrases
    .map((phrase): PartyPhrase => {
      const id = partyId(phrase, bySpeaker);
      return { phrase, partyId: id, rank: rank.get(id)! };
    })
    .sort((a, b) => a.phrase.startMs - b.phrase.startMs || a.rank - b.rank);
  const turns = joinIntoTurns(phrases, joinWithinMs);
  markOverlaps(turns);
  const lastEnd = turns.reduce((end, turn) => Math.max(end, turn.endMs), 0);
  return {
    source: transcript.source,
    durationMs: transcript.durationMs ?? lastEnd,
    ...(transcript.warnings ? { warnings: transcript.warnings } : {}),
    parties,
    turns,
  };
}

/**
 * Merges one or more result files into one conversation.
 *
 * One transcript: the same as {@link mergeFile}. Several transcripts: the parties of one call recorded into
 * separate, time-aligned files (e.g. `agent.wav` and `customer.wav`, each mono); file i becomes the party of
 * channel i ("Channel i+1", renamed by `names[i]`). The conversation lasts as long as the longest file and its
 * `source` lists the files' sources, comma-separated. To read several unrelated recordings, merge each with
 * {@link mergeFile}.
 *
 * @throws RangeError when given no transcript, or several where one has more than one channel.
 */
export function mergeConversation(transcripts: Transcript | Transcript[], options: MergeOptions = {}): Conversation {
  if (!Array.isArray(transcripts)) return mergeFile(transcripts, options);
  if (transcripts.length === 0) throw new RangeError('nothing to merge: no transcripts given');
  if (transcripts.length === 1) return mergeFile(transcripts[0], options);
  return mergeFile(combineTracks(transcripts), { ...options, partyBy: 'channel' });
}

/** A copy of `conversation` with parties renamed; parties without a (non-blank) new name keep their defaults. */
export function renameParties(conversation: Conversation, names: PartyNames): Conversation {
  return { ...conversation, parties: conversation.parties.map((party) => withName(party, names)) };
}

/** The default name of a party: "Channel 1" for channel 0, "Speaker 2" for speaker 2. */
export function defaultPartyName(party: Pick<Party, 'channel' | 'speaker'>): string {
  return party.speaker !== undefined ? `Speaker ${party.speaker}` : `Channel ${(party.channel ?? 0) + 1}`;
}

function defaultPartyBy(transcript: Transcript): 'channel' | 'speaker' {
  return transcript.channels.length <= 1 && transcript.phrases.some((p) => p.speaker !== undefined)
    ? 'speaker'
    : 'channel';
}

function partyId(phrase: Phrase, bySpeaker: boolean): string {
  return bySpeaker ? `spk${phrase.speaker ?? 0}` : `ch${phrase.channel}`;
}

/**
 * The parties, ascending. By channel, the transcript's channels and those that only appear in the combined text
 * (silent ones) count too.
 */
function partiesOf(transcript: Transcript, bySpeaker: boolean): Party[] {
  const numbers = bySpeaker
    ? transcript.phrases.map((p) => p.speaker ?? 0)
    : [...transcript.phrases.map((p) => p.channel), ...transcript.channels, ...transcript.combined.map((c) => c.channel)];
  return [...new Set(numbers)]
    .sort((a, b) => a - b)
    .map((n) => {
      const party = bySpeaker ? { id: `spk${n}`, speaker: n } : { id: `ch${n}`, channel: n };
      return { ...party, name: defaultPartyName(party) };
    });
}

function withName(party: Party, names: PartyNames | undefined): Party {
  const name = names && (Array.isArray(names) ? names[partyIndex(party)] : (names as Record<string, string>)[party.id]);
  return { ...party, name: name?.replace(/\s+/g, ' ').trim() || defaultPartyName(party) };
}

/** A party's index in a list of names: its channel, or its speaker number minus one. */
function partyIndex(party: Party): number {
  return party.speaker !== undefined ? party.speaker - 1 : (party.channel ?? 0);
}

/** A phrase with its party and the party's place in the party order (for ties). */
interface PartyPhrase {
  phrase: Phrase;
  partyId: string;
  rank: number;
}

function joinIntoTurns(phrases: PartyPhrase[], joinWithinMs: number): Turn[] {
  const turns: Turn[] = [];
  for (const { phrase, partyId: party } of phrases) {
    const last = turns.at(-1);
    if (last && last.partyId === party && joinWithinMs > 0 && phrase.startMs - last.endMs <= joinWithinMs) {
      last.endMs = Math.max(last.endMs, phrase.endMs);
      last.phrases.push(phrase);
      last.text = joinText(last.text, phrase.text);
    } else {
      turns.push({
        partyId: party,
        startMs: phrase.startMs,
        endMs: phrase.endMs,
        text: phrase.text.trim(),
        phrases: [phrase],
        overlap: false,
      });
    }
  }
  return turns;
}

function joinText(a: string, b: string): string {
  return [a, b.trim()].filter(Boolean).join(' ');
}

/**
 * Marks turns (ordered by start) that intersect a turn of another party, in two linear passes: forwards, a turn
 * overlaps when an earlier turn of another party ends after it starts; backwards, when a later one starts
 * before it ends. Empty (zero-length) turns overlap nothing.
 */
function markOverlaps(turns: Turn[]): void {
  const spoken = turns.filter((turn) => turn.endMs > turn.startMs);
  const latestEnd = new BestOfOtherKeys((a, b) => a > b);
  for (const turn of spoken) {
    const end = latestEnd.bestExcept(turn.partyId);
    if (end !== undefined && end > turn.startMs) turn.overlap = true;
    latestEnd.offer(turn.partyId, turn.endMs);
  }
  const earliestStart = new BestOfOtherKeys((a, b) => a < b);
  for (let i = spoken.length - 1; i >= 0; i--) {
    const turn = spoken[i];
    const start = earliestStart.bestExcept(turn.partyId);
    if (start !== undefined && start < turn.endMs) turn.overlap = true;
    earliestStart.offer(turn.partyId, turn.startMs);
  }
}

/** Keeps the best value of the two best distinct keys, so "the best value of any key but k" is O(1). */
class BestOfOtherKeys {
  private first?: { key: string; value: number };
  private second?: { key: string; value: number };

  constructor(private readonly isBetter: (a: number, b: number) => boolean) {}

  offer(key: string, value: number): void {
    if (this.first?.key === key) {
      if (this.isBetter(value, this.first.value)) this.first.value = value;
    } else if (!this.first || this.isBetter(value, this.first.value)) {
      this.second = this.first;
      this.first = { key, value };
    } else if (!this.second || this.isBetter(value, this.second.value)) {
      this.second = { key, value };
    }
  }

  bestExcept(key: string): number | undefined {
    return this.first?.key !== key ? this.first?.value : this.second?.value;
  }
}

/** Several single-channel transcripts as the channels of one: file i becomes channel i. */
function combineTracks(transcripts: Transcript[]): Transcript {
  transcripts.forEach((t, i) => {
    if (t.channels.length > 1) {
      throw new RangeError(
        `file ${i + 1} of ${transcripts.length} has ${t.channels.length} channels; ` +
          'several files merge as one party each, so each must have one channel (merge stereo files one by one)',
      );
    }
  });
  const phrases = transcripts
    .flatMap((t, i) => t.phrases.map((p) => ({ ...p, channel: i })))
    .sort((a, b) => a.startMs - b.startMs || a.channel - b.channel);
  const durations = transcripts.map((t) => t.durationMs).filter((d): d is number => d !== undefined);
  return {
    source: transcripts.map((t) => t.source).join(SOURCE_SEPARATOR),
    durationMs: durations.length > 0 ? Math.max(...durations) : undefined,
    channels: transcripts.map((_, i) => i),
    phrases,
    combined: transcripts.flatMap((t, i) => t.combined.map((c) => ({ ...c, channel: i }))),
    ...(transcripts.some((t) => t.warnings) ? { warnings: transcripts.flatMap((t) => t.warnings ?? []) } : {}),
  };
}
