/** Types of `transcriptModel.js` (the pure part of the transcript webview), for TypeScript callers and tests. */
import type { CallAnalytics, Conversation, Party, Turn } from '../src/core/model';

export type Side = 'left' | 'right';

export interface PartyLayout {
  id: string;
  name: string;
  /** 0-based position of the party; picks its colour. */
  index: number;
  side: Side;
}

/** A run of a turn's text; `confidence` is set on low-confidence words only, `match` inside search matches. */
export interface Segment {
  text: string;
  confidence?: number;
  match?: number;
}

export interface TextMatch {
  start: number;
  end: number;
}

export interface TurnView {
  index: number;
  partyId: string;
  partyName: string;
  partyIndex: number;
  side: Side;
  startMs: number;
  endMs: number;
  /** `HH:MM:SS` of startMs. */
  time: string;
  overlap: boolean;
  /** The text shown: the segments joined. */
  text: string;
  segments: Segment[];
}

export interface TranscriptViewModel {
  parties: PartyLayout[];
  turns: TurnView[];
}

export interface PartyAnalyticsView {
  partyId: string;
  name: string;
  index: number;
  talk: string;
  ratio: number;
  share: string;
  turns: number;
  wordsPerMinute: number;
  interruptions: number;
}

export interface AnalyticsView {
  duration: string;
  talk: string;
  silence: string;
  silenceShare: string;
  overlap: string;
  overlapShare: string;
  interruptions: number;
  longestMonologue: { duration: string; partyName: string; startMs: number; time: string } | null;
  parties: PartyAnalyticsView[];
}

/** What the host posts with a `load` message, minus the host-only parts. */
export interface ViewModelInput {
  conversation: Conversation;
  lowConfidence: number;
}

export function formatClock(ms: number): string;
export function formatDuration(ms: number): string;
export function formatPercent(ratio: number): string;
export function format(template: string, ...args: unknown[]): string;
export function layoutParties(parties: Pick<Party, 'id' | 'name'>[]): PartyLayout[];
export function segmentTurn(turn: Pick<Turn, 'text' | 'phrases'>, threshold: number): Segment[];
export function findMatches(text: string, query: string): TextMatch[];
export function highlightSegments(segments: Segment[], matches: TextMatch[], firstMatch: number): Segment[];
export function buildViewModel(data: ViewModelInput): TranscriptViewModel;
export function buildAnalytics(analytics: CallAnalytics, parties: Pick<Party, 'id' | 'name'>[]): AnalyticsView;
export function searchTurns(turns: Pick<TurnView, 'text'>[], query: string): ({ turn: number } & TextMatch)[];
export function activeTurnIndex(turns: Pick<TurnView, 'startMs' | 'endMs'>[], ms: number): number;
export function wrapIndex(index: number, length: number): number;
