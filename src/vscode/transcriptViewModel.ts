/**
 * The shapes of the transcript view, declared once: the loaded transcript (TranscriptService → TranscriptPanels),
 * the messages between the host and the page, the page's saved state, and the API of the page's pure helpers.
 * Types only, no VS Code and no DOM: `media/transcript.js` and `media/transcriptModel.js` are type-checked against
 * them (`// @ts-check`, media/tsconfig.json, part of `npm run typecheck`).
 */
import type { CallAnalytics, Conversation, Party, Turn } from '../core/model';

/** One transcript, loaded and analysed with the current names and settings: what every view of it shows. */
export interface LoadedTranscript {
  /** `<jobId>/<result file name>`. */
  key: string;
  title: string;
  /** The tab's name when it differs from `title`: `call.wav — day2` when another transcript is also `call.wav`. */
  tabTitle?: string;
  conversation: Conversation;
  analytics: CallAnalytics;
  /**
   * Words below this confidence (0..1) are marked: `speechBatch.lowConfidenceThreshold` for the local service,
   * whose confidences are calibrated (P(word right)), `speechBatch.lowConfidenceThresholdAzure` for Azure's scores.
   */
  lowConfidence: number;
  /** The recording on disk, for the player (its folder becomes readable by the webview). */
  audioPath?: string;
}

/** Texts of the webview, localised by the host (placeholders `{0}`, `{1}` are filled in by the page). */
export interface TranscriptStrings {
  conversation: string;
  noSpeech: string;
  search: string;
  searchPlaceholder: string;
  previousMatch: string;
  nextMatch: string;
  /** `{0} of {1}` */
  matchCount: string;
  noMatches: string;
  copy: string;
  copyTitle: string;
  export: string;
  exportTitle: string;
  analytics: string;
  duration: string;
  talkTime: string;
  silence: string;
  overlap: string;
  interruptions: string;
  longestMonologue: string;
  /** `{0} by {1} at {2}`: duration, party, time. */
  longestMonologueValue: string;
  none: string;
  party: string;
  share: string;
  turns: string;
  wordsPerMinute: string;
  /** `{0}: {1}`: party, share; the accessible text of the talk-time bar. */
  talkShare: string;
  /** `Rename {0}` */
  renameParty: string;
  /** `Play from {0}` */
  playFrom: string;
  overlapBadge: string;
  overlapTitle: string;
  /** `Likely misrecognized: confidence {0}` (a marked word's tooltip) */
  lowConfidence: string;
  /** `Words marked as likely misrecognized: {0} (confidence below {1}). …`: the legend, when words are marked. */
  lowConfidenceLegend: string;
  audio: string;
}

/** Host → webview: the transcript to show (again after a rename), with the recording as a webview URI. */
export interface LoadMessage extends Omit<LoadedTranscript, 'audioPath'> {
  type: 'load';
  /** The recording as a webview URI, when there is a local file. */
  audioUri?: string;
  strings: TranscriptStrings;
}

/** Host → webview: the transcript could not be loaded (e.g. restored after its job was deleted). */
export interface UnavailableMessage {
  type: 'unavailable';
  message: string;
}

export type HostMessage = LoadMessage | UnavailableMessage;

/**
 * Webview → host. `ready`: the page is listening (the host answers with `load` or `unavailable`);
 * `rendered`: the page shows `turns` turns; `rename`: the user wants to rename a party; `copy`/`export`: toolbar.
 */
export type WebviewMessage =
  | { type: 'ready' }
  | { type: 'rendered'; turns: number }
  | { type: 'rename'; partyId: string }
  | { type: 'copy' }
  | { type: 'export' };

/** What the webview keeps with `setState` (and the serializer gets back after a reload). */
export interface TranscriptWebviewState {
  key?: string;
  /** Playback position, restored when the page is rebuilt. */
  positionMs?: number;
  /** Search query, restored with the page. */
  query?: string;
}

/** What `acquireVsCodeApi()` returns to the page. */
export interface TranscriptWebviewApi {
  postMessage(message: WebviewMessage): void;
  getState(): TranscriptWebviewState | undefined;
  setState(state: TranscriptWebviewState): void;
}

// ---- the page's pure helpers (media/transcriptModel.js, global `TranscriptModel`) ----------------------------

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

/** The part of a {@link LoadMessage} the view model is built from. */
export type ViewModelInput = Pick<LoadMessage, 'conversation' | 'lowConfidence'>;

/** The functions of `media/transcriptModel.js`; the file is checked against this interface. */
export interface TranscriptModelApi {
  formatClock(ms: number): string;
  formatDuration(ms: number): string;
  playerTime(positionMs: number, durationMs: number): string;
  formatPercent(ratio: number): string;
  format(template: string, ...args: unknown[]): string;
  layoutParties(parties: Pick<Party, 'id' | 'name'>[]): PartyLayout[];
  segmentTurn(turn: Pick<Turn, 'text' | 'phrases'>, threshold: number): Segment[];
  findMatches(text: string, query: string): TextMatch[];
  highlightSegments(segments: Segment[], matches: TextMatch[], firstMatch: number): Segment[];
  buildViewModel(data: ViewModelInput): TranscriptViewModel;
  buildAnalytics(analytics: CallAnalytics, parties: Pick<Party, 'id' | 'name'>[]): AnalyticsView;
  searchTurns(turns: Pick<TurnView, 'text'>[], query: string): ({ turn: number } & TextMatch)[];
  activeTurnIndex(turns: Pick<TurnView, 'startMs' | 'endMs'>[], ms: number): number;
  wrapIndex(index: number, length: number): number;
}
