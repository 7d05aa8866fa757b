/**
 * The channel-aware transcript model every view of a transcript is built from.
 * All times are integer milliseconds from the start of the audio file (rounded from ticks; 1 tick = 100 ns).
 *
 * Pipeline: result file JSON --parseResult()--> Transcript --mergeConversation()--> Conversation
 *           Conversation --formatConversation()--> txt | srt | vtt | md | json
 *           Conversation --computeAnalytics()--> CallAnalytics
 */

export interface Word {
  text: string;
  startMs: number;
  endMs: number;
  /** 0..1 where the service gave one. */
  confidence?: number;
}

/** One recognised phrase (utterance) of one channel, its best alternative. */
export interface Phrase {
  channel: number;
  /** Diarization speaker number (from 1), where present. */
  speaker?: number;
  /** Language identification locale, where present. */
  locale?: string;
  startMs: number;
  endMs: number;
  /** Display form (punctuated, capitalised). */
  text: string;
  /** Lexical form (raw words). */
  lexical: string;
  confidence?: number;
  /** Word timings where the job asked for them (display words preferred over lexical words for display). */
  words: Word[];
}

/** A parsed result file (one input audio). */
export interface Transcript {
  /** The audio this came from (`source` of the result file), possibly a SAS URL: redact before logging. */
  source: string;
  timestamp?: string;
  /** Audio duration where known. */
  durationMs?: number;
  /** Channels present in the phrases, ascending. */
  channels: number[];
  /** Sorted by startMs, then channel. */
  phrases: Phrase[];
  /** Per-channel full text (`combinedRecognizedPhrases`). */
  combined: { channel: number; text: string; lexical: string }[];
  /** Damage found in the audio (the local service's `warnings`): sentences for users; absent when there is none. */
  warnings?: string[];
}

/** A party of the conversation: a channel (stereo calls) or a speaker (diarized mono). */
export interface Party {
  /** Stable id: `ch0`, `ch1`, … or `spk1`, `spk2`, … */
  id: string;
  /** Display name: "Channel 1"/"Channel 2" or "Speaker N" unless renamed. */
  name: string;
  channel?: number;
  speaker?: number;
}

/** One turn: consecutive phrases of one party (joined when within `joinWithinMs`). */
export interface Turn {
  partyId: string;
  startMs: number;
  endMs: number;
  text: string;
  phrases: Phrase[];
  /** True where this turn's time range overlaps another party's turn (crosstalk). */
  overlap: boolean;
}

export interface Conversation {
  source: string;
  durationMs: number;
  /** Damage found in the audio (see {@link Transcript.warnings}); shown with the transcript wherever it goes. */
  warnings?: string[];
  parties: Party[];
  /** Ordered by start time; stable for ties (channel/speaker order, then original order). */
  turns: Turn[];
}

export interface MergeOptions {
  /** Join consecutive phrases of one party whose gap is at most this (ms). 0 = never join. Default 1500. */
  joinWithinMs?: number;
  /** Names by party index (channel 0, 1 … or speaker 1, 2 …): ["Agent", "Customer"]. Empty entries keep defaults. */
  names?: string[];
  /** `channel` (default for stereo) or `speaker` (default when phrases carry speakers and only one channel). */
  partyBy?: 'channel' | 'speaker';
}

export type TranscriptFormat = 'txt' | 'srt' | 'vtt' | 'md' | 'json';
export const TRANSCRIPT_FORMATS: readonly TranscriptFormat[] = ['txt', 'srt', 'vtt', 'md', 'json'];

export interface PartyAnalytics {
  partyId: string;
  name: string;
  talkMs: number;
  /** talkMs / total talk time of all parties (0..1). */
  talkRatio: number;
  turns: number;
  words: number;
  /** Times this party started talking while another party was still talking. */
  interruptions: number;
  longestMonologueMs: number;
  wordsPerMinute: number;
}

export interface CallAnalytics {
  durationMs: number;
  /** Time when nobody talks (within durationMs). */
  silenceMs: number;
  /** Time when two or more parties talk at once. */
  overlapMs: number;
  /** Sum of every party's talk time. */
  talkMs: number;
  interruptions: number;
  /** The longest monologue (see analytics.ts): `durationMs` is its speech time, `startMs`..`endMs` where it runs. */
  longestMonologue: { partyId: string; startMs: number; endMs: number; durationMs: number } | null;
  parties: PartyAnalytics[];
}
