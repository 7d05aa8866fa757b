/**
 * The transcript webview's page and message protocol, without VS Code: the host (`transcriptPanel.ts`) and the
 * browser tests of the page both build it from here. The page itself is `media/transcript.js` + `transcript.css`
 * with the pure helpers of `media/transcriptModel.js`.
 */

import { randomBytes } from 'node:crypto';
import type { CallAnalytics, Conversation } from '../core/model';

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
  /** `Low confidence: {0}` */
  lowConfidence: string;
  audio: string;
}

/** Host → webview: the transcript to show (again after a rename). */
export interface LoadMessage {
  type: 'load';
  key: string;
  title: string;
  conversation: Conversation;
  analytics: CallAnalytics;
  /** The recording as a webview URI, when there is a local file. */
  audioUri?: string;
  lowConfidence: number;
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

export interface TranscriptPageOptions {
  /** `webview.cspSource`. */
  cspSource: string;
  nonce: string;
  /** URIs (as the webview sees them) of `transcriptModel.js`, `transcript.js` and `transcript.css`. */
  modelScript: string;
  script: string;
  style: string;
  /** Shown until the transcript arrives. */
  loadingText: string;
  /** `lang` of the page, e.g. `vscode.env.language`. */
  lang: string;
}

/** A fresh CSP nonce (128 random bits). */
export function createNonce(): string {
  return randomBytes(16).toString('base64');
}

/** The Content-Security-Policy of the page: nothing but the nonce'd scripts and the webview's own resources. */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    `default-src 'none'`,
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource}`,
    `media-src ${cspSource}`,
    `img-src ${cspSource}`,
  ].join('; ');
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/** The page shell; `transcript.js` builds the rest once the host posts the transcript. */
export function transcriptPage(o: TranscriptPageOptions): string {
  const nonce = escapeHtml(o.nonce);
  return `<!DOCTYPE html>
<html lang="${escapeHtml(o.lang)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(o.cspSource, o.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeHtml(o.style)}">
</head>
<body>
<main id="app" aria-busy="true">
<p id="message" role="status">${escapeHtml(o.loadingText)}</p>
</main>
<script nonce="${nonce}" src="${escapeHtml(o.modelScript)}"></script>
<script nonce="${nonce}" src="${escapeHtml(o.script)}"></script>
</body>
</html>`;
}
