/**
 * Call analytics of a merged conversation: who talked how much, silence, crosstalk, interruptions, monologues.
 *
 * Talk is measured on phrases, not turns: a party talks during the union of its phrases' time ranges, so the
 * pauses inside a joined turn are not talk. Definitions:
 * - silence: the duration (the transcript's, else the last phrase end) minus the time anybody talks;
 * - overlap: the time two or more parties talk at once;
 * - interruption: a party starts talking while another party is talking (who started strictly earlier), and
 *   that other party keeps talking at least `interruptionMinOverlapMs` (default 300) past the start. Short
 *   tails ("…right" as the other begins) are not interruptions; backchannels ("uh-huh") over a longer
 *   stretch of speech are;
 * - monologue: a run of one party's speech with nobody else talking, joined across that party's own pauses of at
 *   most `monologueMaxGapMs` (default 1500) of silence; it ends when another party speaks (alone or over it) or
 *   the pause is longer. Its length is the party's SPEECH time in the run (the pauses inside are not counted, just
 *   as they are not talk), so a monologue never exceeds its party's talk time; `startMs`/`endMs` give where the
 *   run starts and ends. The longest is reported per party and overall;
 * Every figure is exact in milliseconds here; what users see is floored to the second (./ticks.ts).
 * - words: lexical words (spoken words, so "$25" counts as "twenty five dollars"); words per minute are per
 *   minute of the party's talk time, rounded to 0.1; talk ratios are rounded to 0.001.
 * One pass over the sorted phrase boundaries: O(n log n).
 */

import type { CallAnalytics, Conversation, PartyAnalytics, Phrase } from './model';

/** Default of `AnalyticsOptions.interruptionMinOverlapMs`. */
export const INTERRUPTION_MIN_OVERLAP_MS = 300;
/** Default of `AnalyticsOptions.monologueMaxGapMs`. */
export const MONOLOGUE_MAX_GAP_MS = 1500;

export interface AnalyticsOptions {
  /** How long the interrupted party must keep talking past the other's start (ms). */
  interruptionMinOverlapMs?: number;
  /** Longest pause of one party (with nobody else talking) that still continues its monologue (ms). */
  monologueMaxGapMs?: number;
}

type Monologue = NonNullable<CallAnalytics['longestMonologue']>;

interface Boundary {
  timeMs: number;
  partyId: string;
  /** For starts: the end of the interval that starts here. Undefined for ends. */
  endMs?: number;
}

/** Computes the analytics of a conversation; see the module comment for the definitions. */
export function computeAnalytics(conversation: Conversation, options: AnalyticsOptions = {}): CallAnalytics {
  const minOverlap = options.interruptionMinOverlapMs ?? INTERRUPTION_MIN_OVERLAP_MS;
  const maxGap = options.monologueMaxGapMs ?? MONOLOGUE_MAX_GAP_MS;
  const phrasesByParty = new Map<string, Phrase[]>(conversation.parties.map((p) => [p.id, []]));
  for (const turn of conversation.turns) phrasesByParty.get(turn.partyId)?.push(...turn.phrases);

  const stats = new Map(
    conversation.parties.map((party) => {
      const phrases = phrasesByParty.get(party.id) ?? [];
      return [party.id, { talkMs: 0, interruptions: 0, longestMonologueMs: 0, words: countWords(phrases) }];
    }),
  );
  const boundaries: Boundary[] = [];
  for (const [partyId, phrases] of phrasesByParty) {
    for (const [startMs, endMs] of union(phrases)) {
      stats.get(partyId)!.talkMs += endMs - startMs;
      boundaries.push({ timeMs: startMs, partyId, endMs }, { timeMs: endMs, partyId });
    }
  }
  // By time; at equal times ends first, so back-to-back speech neither overlaps nor interrupts.
  boundaries.sort((a, b) => a.timeMs - b.timeMs || (a.endMs === undefined ? -1 : 0) - (b.endMs === undefined ? -1 : 0));

  let anyTalkMs = 0;
  let overlapMs = 0;
  let longest: Monologue | null = null;
  let monologue: Monologue | undefined;
  const closeMonologue = () => {
    if (!monologue) return;
    const party = stats.get(monologue.partyId)!;
    party.longestMonologueMs = Math.max(party.longestMonologueMs, monologue.durationMs);
    if (!longest || monologue.durationMs > longest.durationMs) longest = monologue;
    monologue = undefined;
  };

  const talking = new Map<string, { startMs: number; endMs: number }>();
  let previousMs = boundaries[0]?.timeMs ?? 0;
  for (const boundary of boundaries) {
    const { timeMs, partyId, endMs } = boundary;
    if (timeMs > previousMs && talking.size > 0) {
      anyTalkMs += timeMs - previousMs;
      if (talking.size > 1) {
        overlapMs += timeMs - previousMs;
        closeMonologue();
      } else {
        const [solo] = talking.keys();
        if (monologue?.partyId === solo && previousMs - monologue.endMs <= maxGap) {
          monologue.endMs = timeMs;
          monologue.durationMs += timeMs - previousMs; // speech only: the pause before it is not talk
        } else {
          closeMonologue();
          monologue = { partyId: solo, startMs: previousMs, endMs: timeMs, durationMs: timeMs - previousMs };
        }
      }
    }
    previousMs = timeMs;
    if (endMs === undefined) {
      talking.delete(partyId);
      continue;
    }
    const interrupts = [...talking].some(
      ([other, span]) => other !== partyId && span.startMs < timeMs && span.endMs - timeMs >= minOverlap,
    );
    if (interrupts) stats.get(partyId)!.interruptions++;
    talking.set(partyId, { startMs: timeMs, endMs });
  }
  closeMonologue();

  const lastEnd = conversation.turns.reduce((end, turn) => Math.max(end, turn.endMs), 0);
  const durationMs = conversation.durationMs || lastEnd;
  const talkMs = [...stats.values()].reduce((sum, s) => sum + s.talkMs, 0);
  const parties: PartyAnalytics[] = conversation.parties.map((party) => {
    const s = stats.get(party.id)!;
    return {
      partyId: party.id,
      name: party.name,
      talkMs: s.talkMs,
      talkRatio: talkMs > 0 ? round(s.talkMs / talkMs, 3) : 0,
      turns: conversation.turns.filter((turn) => turn.partyId === party.id).length,
      words: s.words,
      interruptions: s.interruptions,
      longestMonologueMs: s.longestMonologueMs,
      wordsPerMinute: s.talkMs > 0 ? round(s.words / (s.talkMs / 60_000), 1) : 0,
    };
  });
  return {
    durationMs,
    silenceMs: Math.max(0, durationMs - anyTalkMs),
    overlapMs,
    talkMs,
    interruptions: parties.reduce((sum, p) => sum + p.interruptions, 0),
    longestMonologue: longest,
    parties,
  };
}

/** The union of the phrases' time ranges as sorted, disjoint, non-touching [start, end) pairs; empty ones dropped. */
function union(phrases: Phrase[]): [number, number][] {
  const spans = phrases
    .filter((p) => p.endMs > p.startMs)
    .map((p): [number, number] => [p.startMs, p.endMs])
    .sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const span of spans) {
    const last = merged.at(-1);
    if (last && span[0] <= last[1]) last[1] = Math.max(last[1], span[1]);
    else merged.push(span);
  }
  return merged;
}

function countWords(phrases: Phrase[]): number {
  return phrases.reduce((sum, p) => sum + ((p.lexical || p.text).match(/\S+/g)?.length ?? 0), 0);
}

function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}
