/**
 * The transcript webview's page (HTML shell and CSP), without VS Code: the host (`transcriptPanel.ts`) and the
 * browser tests of the page both build it from here. The page itself is `media/transcript.js` + `transcript.css`
 * with the pure helpers of `media/transcriptModel.js`; the messages are in `transcriptViewModel.ts`.
 */

import { randomBytes } from 'node:crypto';

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
    // blob: only for the MediaSource the player streams the recording into (media, never scripts).
    `media-src ${cspSource} blob:`,
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
  return webviewPage({ ...o, scripts: [o.modelScript, o.script] });
}

/** `media/webview.css`, next to a page's own stylesheet (both are in media/). */
function baseStyleOf(style: string): string {
  return style.replace(/[^/?#]+(?=[?#]|$)/, 'webview.css');
}

/** What {@link webviewPage} needs: the CSP source and nonce, the page's scripts and style, its loading text. */
export interface WebviewPageOptions {
  cspSource: string;
  nonce: string;
  /** Script URIs, loaded in this order, each with the nonce. */
  scripts: string[];
  style: string;
  loadingText: string;
  lang: string;
}

/**
 * The shell every Speech Batch webview starts from (transcript, batch summary): the strict CSP with the nonce, the
 * shared base stylesheet (`media/webview.css`: theme colours, body, buttons, focus, the status line) and the page's
 * own, a status line until the data arrives, and the scripts that build the rest without innerHTML.
 */
export function webviewPage(o: WebviewPageOptions): string {
  const nonce = escapeHtml(o.nonce);
  return `<!DOCTYPE html>
<html lang="${escapeHtml(o.lang)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(o.cspSource, o.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeHtml(baseStyleOf(o.style))}">
<link rel="stylesheet" href="${escapeHtml(o.style)}">
</head>
<body>
<main id="app" aria-busy="true">
<p id="message" role="status">${escapeHtml(o.loadingText)}</p>
</main>
${o.scripts.map((script) => `<script nonce="${nonce}" src="${escapeHtml(script)}"></script>`).join('\n')}
</body>
</html>`;
}
