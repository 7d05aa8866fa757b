/**
 * The messages between the batch summary webview (`media/batchSummary.js`, type-checked against this file) and its
 * host (`batchSummaryPanel.ts`). Types only.
 */
import type { SummaryRow } from '../core/batchSummary';

/** A call of the summary, with the key of its transcript (click-through) when it was transcribed. */
export interface SummaryCall extends SummaryRow {
  key?: string;
}

/** The words of the page, in the UI language. */
export interface SummaryStrings {
  call: string;
  status: string;
  duration: string;
  talkShare: string;
  silence: string;
  crosstalk: string;
  interruptions: string;
  wpm: string;
  longestMonologue: string;
  transcribed: string;
  failed: string;
  /** A call its job's cancelling left untranscribed. */
  cancelled: string;
  exportCsv: string;
  durations: string;
  /** "{0} calls · {1} transcribed · {2} failed" */
  counts: string;
  /** "{0} calls · {1} transcribed · {2} failed · {3} cancelled" (a cancelled job). */
  countsCancelled: string;
  /** "Sorted by {0}" (for screen readers). */
  sortedBy: string;
}

/** Host → page: the summary to show. */
export interface SummaryLoadMessage {
  type: 'load';
  /** The job's key: the page keeps it (with the sort) so the panel comes back after a reload. */
  jobKey: string;
  title: string;
  calls: SummaryCall[];
  strings: SummaryStrings;
}

/** Page → host. */
export type SummaryWebviewMessage = { type: 'ready' } | { type: 'open'; key: string } | { type: 'exportCsv' } | { type: 'rendered'; rows: number };

/** What the page keeps with `setState` (and the serializer gets back after a reload). */
export interface SummaryWebviewState {
  jobKey?: string;
  sort?: { key: string; descending: boolean };
}

/** What `acquireVsCodeApi()` gives the page. */
export interface SummaryWebviewApi {
  postMessage(message: SummaryWebviewMessage): void;
  getState(): SummaryWebviewState | undefined;
  setState(state: SummaryWebviewState): void;
}
