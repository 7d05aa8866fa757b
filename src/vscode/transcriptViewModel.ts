/**
 * The shapes of the transcript view, declared once: the loaded transcript (TranscriptService → TranscriptPanels),
 * the messages between the host and the page, the page's saved state, and the API of the page's pure helpers.
 * Types only, no VS Code and no DOM: `media/transcript.js` and `media/transcriptModel.js` are type-checked against
 * them (`// @ts-check`, media/tsconfig.json, part of `npm run typecheck`).
 */
import type { CallAnalytics, Conversation, Party } from '../core/model';

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
  /** Label of the banner of damage found in the audio (`#warnings`). */
  audioWarning: string;
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
  /** Shown in the player's place until the recording can play. */
  audioLoading: string;
  /** Shown with the player when the page cannot stream the recording and plays it from its file instead. */
  audioFallback: string;
  /** Shown with the player instead of {@link audioFallback} when the stream stopped arriving (stalled, no error). */
  audioStalled: string;
  /** `The recording cannot be played here: {0}` (the browser's media error). */
  audioError: string;
}

/**
 * The turns of a transcript as the page gets them: one array per field, one entry per turn (in speaking order),
 * built once by the host (`transcriptViewData.ts`). No phrases or words: the page never re-reads the result.
 */
export interface CompactTranscript {
  parties: Pick<Party, 'id' | 'name'>[];
  /** Index into `parties` of each turn's party. */
  party: number[];
  /** Start and end of each turn (ms). */
  start: number[];
  end: number[];
  /** Indices of the turns that overlap another party's speech (crosstalk), ascending. */
  overlap: number[];
  /** The text shown for each turn. */
  text: string[];
  /** Low-confidence words: `[turn, start, end, confidence, start, end, confidence, …]` (character offsets into the
   * turn's text, confidence 0..1), one entry per turn that has any, ascending by turn. */
  low: number[][];
  durationMs: number;
  /** Damage found in the audio, as sentences for the banner (`#warnings`); absent when the audio was sound. */
  warnings?: string[];
}

/** Host → webview: the transcript to show. Sent once per page (again only when the transcript itself changed). */
export interface LoadMessage {
  type: 'load';
  key: string;
  title: string;
  transcript: CompactTranscript;
  analytics: CallAnalytics;
  /** Words below this confidence (0..1) are marked (the marks are in `transcript.low`). */
  lowConfidence: number;
  /** There is a local recording: the player shows that it is loading until an `audio` message says how to play it. */
  hasAudio: boolean;
  strings: TranscriptStrings;
}

/**
 * How the page plays the recording. `stream`: a MediaSource of type `mime` (`audio/mp4; codecs="flac"`) fed with
 * windows the page asks for (`audioRequest` → `audioData`), starting with the `init` segment; `uri`: a webview
 * resource URI the player loads itself (formats the host cannot window, or the page's answer to `audioFallback`
 * when it cannot stream); `none`: why there is no playback.
 */
export type AudioSource =
  | { kind: 'stream'; mime: string; durationMs: number; init: Uint8Array }
  | { kind: 'uri'; uri: string }
  | { kind: 'none'; message: string };

/** Host → webview: the recording is ready to play (or cannot be played). */
export interface AudioMessage {
  type: 'audio';
  source: AudioSource;
}

/** Host → webview: a window of the recording as one media segment (`startMs`..`endMs`), or why it could not be read. */
export interface AudioDataMessage {
  type: 'audioData';
  request: number;
  startMs: number;
  endMs: number;
  data?: Uint8Array;
  error?: string;
}

/** Host → webview: the parties were renamed (the turns and analytics stay as they are). */
export interface PartiesMessage {
  type: 'parties';
  parties: Pick<Party, 'id' | 'name'>[];
}

/** Host → webview: the transcript could not be loaded (e.g. restored after its job was deleted). */
export interface UnavailableMessage {
  type: 'unavailable';
  message: string;
}

export type HostMessage = LoadMessage | AudioMessage | AudioDataMessage | PartiesMessage | UnavailableMessage;

/**
 * Webview → host. `ready`: the page is listening (the host answers with `load` or `unavailable`);
 * `rendered`: the page shows the transcript of `turns` turns; `rename`: the user wants to rename a party;
 * `copy`/`export`: toolbar; `audioRequest`: the player needs the recording from `startMs` on (about `durationMs`);
 * `audioFallback`: the page cannot stream the recording (no MediaSource, its type not supported, a SourceBuffer or
 * media error, or the stream stalled: no window arrived for a while as playback waited; `reason` says which, for the log) and asks for it as a resource URI (an `audio` message of kind `uri`).
 */
export type WebviewMessage =
  | { type: 'ready' }
  | { type: 'rendered'; turns: number }
  | { type: 'rename'; partyId: string }
  | { type: 'copy' }
  | { type: 'export' }
  | { type: 'audioRequest'; request: number; startMs: number; durationMs: number }
  | { type: 'audioFallback'; reason: string };

/** What the webview keeps with `setState` (and the serializer gets back after a reload). */
export interface TranscriptWebviewState {
  key?: string;
  /** Playback position, restored when the page is rebuilt. */
  positionMs?: number;
  /** Search query, restored with the page. */
  query?: string;
  /** The turn at the top of the view and how far (px) the view is scrolled into it, restored with the page. */
  scrollTurn?: number;
  scrollOffset?: number;
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
  /** The text shown. */
  text: string;
  /** Its low-confidence words as `[start, end, confidence, …]` (see {@link CompactTranscript.low}). */
  low: number[];
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


/** The functions of `media/transcriptModel.js`; the file is checked against this interface. */
export interface TranscriptModelApi {
  formatClock(ms: number): string;
  formatDuration(ms: number): string;
  playerTime(positionMs: number, durationMs: number): string;
  formatPercent(ratio: number): string;
  format(template: string, ...args: unknown[]): string;
  layoutParties(parties: Pick<Party, 'id' | 'name'>[]): PartyLayout[];
  /** A turn's text as segments, its low-confidence words (`low` marks) carrying their confidence. */
  segmentsOf(turn: Pick<TurnView, 'text' | 'low'>): Segment[];
  findMatches(text: string, query: string): TextMatch[];
  highlightSegments(segments: Segment[], matches: TextMatch[], firstMatch: number): Segment[];
  buildViewModel(transcript: CompactTranscript): TranscriptViewModel;
  buildAnalytics(analytics: CallAnalytics, parties: Pick<Party, 'id' | 'name'>[]): AnalyticsView;
  searchTurns(turns: Pick<TurnView, 'text'>[], query: string): ({ turn: number } & TextMatch)[];
  activeTurnIndex(turns: Pick<TurnView, 'startMs' | 'endMs'>[], ms: number): number;
  wrapIndex(index: number, length: number): number;
}
