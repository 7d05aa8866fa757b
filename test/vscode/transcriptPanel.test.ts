/**
 * The transcript panel in a real VS Code: panels opened by key from a loader, their page (which must load under
 * its CSP and render the turns: it reports back with `rendered`), restoring by key, and clean-up.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { computeAnalytics } from '../../src/core/analytics';
import { mergeFile } from '../../src/core/merge';
import { parseResultText } from '../../src/core/result';
import { TRANSCRIPT_VIEW_TYPE, TranscriptPanels } from '../../src/vscode/transcriptPanel';
import type { LoadedTranscript } from '../../src/vscode/transcriptViewModel';
import { makeMono } from '../support/audio';
import { extension, until } from './extensionHelpers';

const RENDER_TIMEOUT_MS = 30_000;

/** The stereo call fixture (6 turns) as the loader of the extension would return it. */
function transcript(key: string, title: string, audio?: vscode.Uri): LoadedTranscript {
  const file = path.join(extension().extensionPath, 'test', 'fixtures', 'results', 'stereo-call.json');
  const conversation = mergeFile(parseResultText(fs.readFileSync(file, 'utf8'), 'stereo-call.json'), { names: ['Agent', 'Customer'] });
  return { key, title, conversation, analytics: computeAnalytics(conversation), audioPath: audio?.fsPath, lowConfidence: 0.5 };
}

/** A loader over fixed transcripts that counts its calls by key. */
function fakeLoader(known: LoadedTranscript[]) {
  const calls: string[] = [];
  const loader = async (key: string) => {
    calls.push(key);
    return known.find((t) => t.key === key);
  };
  return { loader, calls };
}

/** globalState stand-in; the panel reads `extensionUri` and `globalState` of its context, nothing else. */
function testContext(): vscode.ExtensionContext {
  const values = new Map<string, unknown>();
  const globalState = {
    keys: () => [...values.keys()],
    get: (key: string, fallback?: unknown) => (values.has(key) ? values.get(key) : fallback),
    update: async (key: string, value: unknown) => void (value === undefined ? values.delete(key) : values.set(key, value)),
    setKeysForSync: () => undefined,
  };
  return { extensionUri: extension().extensionUri, globalState } as unknown as vscode.ExtensionContext;
}

/** A real log channel whose lines are also kept, to see the page's `rendered` reports. */
function recordingLog(): { log: vscode.LogOutputChannel; lines: string[] } {
  const channel = vscode.window.createOutputChannel('Speech Batch transcript panel test', { log: true });
  const lines: string[] = [];
  const levels = new Set<string | symbol>(['trace', 'debug', 'info', 'warn', 'error']);
  const log = new Proxy(channel, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop);
      if (typeof value !== 'function') return value;
      if (levels.has(prop)) {
        return (message: string, ...args: unknown[]) => {
          lines.push(`${String(prop)} ${message}`);
          return (value as (...a: unknown[]) => unknown).apply(target, [message, ...args]);
        };
      }
      return (value as (...a: unknown[]) => unknown).bind(target);
    },
  });
  return { log, lines };
}

function transcriptTabs(title: string): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((group) => group.tabs)
    .filter((tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith(TRANSCRIPT_VIEW_TYPE) && tab.label === `${title} (transcript)`);
}

/** Waits until `title` has exactly `count` transcript tabs (the tab model follows the panels asynchronously). */
async function tabsOf(title: string, count: number): Promise<void> {
  await until(`${count} tab(s) titled "${title}"`, () => transcriptTabs(title).length === count);
}

describe('transcript panel (webview) in VS Code', function () {
  this.timeout(90_000);
  const disposables: vscode.Disposable[] = [];
  let lines: string[];
  let log: vscode.LogOutputChannel;

  // The extension's own TranscriptPanels holds the view type's serializer; the instances made here open and restore
  // panels all the same (they log that they do not register one).
  before(() => extension().activate());

  beforeEach(() => {
    ({ log, lines } = recordingLog());
    disposables.push(log);
  });

  afterEach(() => {
    for (const d of disposables.splice(0).reverse()) d.dispose();
  });

  function panels(loader: (key: string) => Promise<LoadedTranscript | undefined>): TranscriptPanels {
    const p = new TranscriptPanels(testContext(), loader, log);
    disposables.push(p);
    return p;
  }

  const rendered = (key: string, turns: number) => `debug Transcript view ${key}: ${turns} turns shown`;

  /**
   * Waits until `count` pages of `key` (or of `(unavailable)`) said `ready`. The tests let each page load before
   * they hide or close it: code-server 4.100 at times never loads the next webview when one was hidden or disposed
   * while its page was still loading.
   */
  async function pageReady(key: string, count = 1): Promise<void> {
    const line = `trace Transcript view ${key}: page ready`;
    await until(`${count} page(s) of ${key} are ready`, () => lines.filter((l) => l === line).length >= count, RENDER_TIMEOUT_MS);
  }

  it('opens a panel for a key; its page loads under the CSP and shows every turn', async () => {
    const { loader, calls } = fakeLoader([transcript('job-a/contenturl_0.json', 'panel test a.wav')]);
    await panels(loader).show('job-a/contenturl_0.json');
    assert.deepEqual(calls, ['job-a/contenturl_0.json']);
    await tabsOf('panel test a.wav', 1);
    await until('the page rendered the 6 turns', () => lines.includes(rendered('job-a/contenturl_0.json', 6)), RENDER_TIMEOUT_MS);
  });

  it('reveals the open panel of a key instead of opening another', async () => {
    const { loader, calls } = fakeLoader([transcript('job-b/contenturl_0.json', 'panel test b.wav')]);
    const p = panels(loader);
    await Promise.all([p.show('job-b/contenturl_0.json'), p.show('job-b/contenturl_0.json')]);
    await p.show('job-b/contenturl_0.json');
    assert.deepEqual(calls, ['job-b/contenturl_0.json']);
    await tabsOf('panel test b.wav', 1);
    await pageReady('job-b/contenturl_0.json');
  });

  it('fails readably for a key that no longer loads, opening nothing', async () => {
    const { loader } = fakeLoader([]);
    await assert.rejects(panels(loader).show('deleted/contenturl_0.json'), /no longer available/);
    assert.equal(
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.label === 'Transcript not available').length,
      0,
    );
  });

  it('restores a panel by the key its page saved, with a strict CSP, nonce-only scripts and the audio folder readable', async () => {
    const audioDir = path.join(extension().extensionPath, '.test-output', 'audio');
    const wav = vscode.Uri.file(makeMono('Restored panels play their recording.', { dir: audioDir }));
    const { loader, calls } = fakeLoader([transcript('job-c/contenturl_0.json', 'panel test c.wav', wav)]);
    const p = panels(loader);
    const webviewPanel = vscode.window.createWebviewPanel(TRANSCRIPT_VIEW_TYPE, 'restoring', vscode.ViewColumn.Active, {});
    await p.deserializeWebviewPanel(webviewPanel, { key: 'job-c/contenturl_0.json' });
    assert.deepEqual(calls, ['job-c/contenturl_0.json']);
    assert.equal(webviewPanel.title, 'panel test c.wav (transcript)', 'the tab says it is the transcript, not the audio');

    const webview = webviewPanel.webview;
    const html = webview.html;
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1].replace(/&#39;/g, "'");
    assert.ok(csp, 'the page has a CSP meta tag');
    const nonce = /script-src 'nonce-([A-Za-z0-9+/=]{16,})'/.exec(csp)?.[1];
    assert.ok(nonce, `the CSP allows scripts by nonce only: ${csp}`);
    const source = webview.cspSource;
    assert.equal(csp, `default-src 'none'; script-src 'nonce-${nonce}'; style-src ${source}; media-src ${source} blob:; img-src ${source}`);
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    assert.equal(scripts.length, 2);
    for (const [, attributes, body] of scripts) {
      assert.ok(attributes.includes(`nonce="${nonce}"`) && /\bsrc="[^"]+"/.test(attributes), `script tag ${attributes}`);
      assert.equal(body.trim(), '', 'no inline script');
    }
    assert.doesNotMatch(html, /\son[a-z]+\s*=/i, 'no inline event handlers');
    assert.doesNotMatch(html, /<style|\sstyle\s*=/i, 'no inline styles');

    assert.equal(webview.options.enableScripts, true);
    const roots = (webview.options.localResourceRoots ?? []).map((u) => u.fsPath).sort();
    assert.deepEqual(roots, [path.dirname(wav.fsPath), path.join(extension().extensionPath, 'media')].sort());

    await until('the restored page rendered', () => lines.includes(rendered('job-c/contenturl_0.json', 6)), RENDER_TIMEOUT_MS);
    // Text first, audio after: the recording is looked at once the text is shown, and streamed in windows.
    await until('the recording is streamed', () => lines.some((l) => l.includes('job-c/contenturl_0.json: recording streamed')), RENDER_TIMEOUT_MS);
    // Restored, the panel is tracked by its key like an opened one.
    await p.show('job-c/contenturl_0.json');
    assert.deepEqual(calls, ['job-c/contenturl_0.json']);
  });

  it('restores a panel whose transcript is gone (or whose state is empty) as "not available"', async () => {
    const { loader, calls } = fakeLoader([]);
    const p = panels(loader);
    const gone = vscode.window.createWebviewPanel(TRANSCRIPT_VIEW_TYPE, 'restoring gone', vscode.ViewColumn.Active, {});
    await p.deserializeWebviewPanel(gone, { key: 'deleted/contenturl_0.json' });
    assert.equal(gone.title, 'Transcript not available');
    await pageReady('(unavailable)', 1);
    const empty = vscode.window.createWebviewPanel(TRANSCRIPT_VIEW_TYPE, 'restoring empty', vscode.ViewColumn.Active, {});
    await p.deserializeWebviewPanel(empty, undefined);
    assert.equal(empty.title, 'Transcript not available');
    await pageReady('(unavailable)', 2);
    assert.deepEqual(calls, ['deleted/contenturl_0.json']);

    const failing = vscode.window.createWebviewPanel(TRANSCRIPT_VIEW_TYPE, 'restoring failing', vscode.ViewColumn.Active, {});
    await panels(async () => {
      throw new Error('result file unreadable');
    }).deserializeWebviewPanel(failing, { key: 'broken/contenturl_0.json' });
    assert.equal(failing.title, 'Transcript not available');
    await pageReady('(unavailable)', 3);
    assert.ok(lines.some((l) => l.startsWith('error') && l.includes('broken/contenturl_0.json') && l.includes('result file unreadable')));
  });

  it('forgets a closed panel: showing its key again loads a new one', async () => {
    const { loader, calls } = fakeLoader([transcript('job-d/contenturl_0.json', 'panel test d.wav')]);
    const p = panels(loader);
    await p.show('job-d/contenturl_0.json');
    await until('the page rendered', () => lines.includes(rendered('job-d/contenturl_0.json', 6)), RENDER_TIMEOUT_MS);
    await vscode.window.tabGroups.close(transcriptTabs('panel test d.wav'));
    await tabsOf('panel test d.wav', 0);
    await p.show('job-d/contenturl_0.json');
    assert.deepEqual(calls, ['job-d/contenturl_0.json', 'job-d/contenturl_0.json']);
    await tabsOf('panel test d.wav', 1);
    await pageReady('job-d/contenturl_0.json');
  });

  it('reloads open transcripts when a setting they are built with changes', async () => {
    const { loader, calls } = fakeLoader([transcript('job-g/contenturl_0.json', 'panel test g.wav')]);
    await panels(loader).show('job-g/contenturl_0.json');
    await until('the page rendered', () => lines.includes(rendered('job-g/contenturl_0.json', 6)), RENDER_TIMEOUT_MS);
    const renders = () => lines.filter((l) => l === rendered('job-g/contenturl_0.json', 6)).length;
    const before = renders();
    const settings = vscode.workspace.getConfiguration('speechBatch');
    await settings.update('lowConfidenceThreshold', 0.8, vscode.ConfigurationTarget.Global);
    try {
      await until('the transcript was loaded again', () => calls.length === 2);
      await until('the page rendered it again', () => renders() > before, RENDER_TIMEOUT_MS);
    } finally {
      await settings.update('lowConfidenceThreshold', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('closes every panel it opened or restored when disposed', async () => {
    const { loader } = fakeLoader([transcript('job-e/contenturl_0.json', 'panel test e.wav'), transcript('job-f/contenturl_0.json', 'panel test f.wav')]);
    const p = new TranscriptPanels(testContext(), loader, log);
    await p.show('job-e/contenturl_0.json');
    await pageReady('job-e/contenturl_0.json');
    await p.show('job-f/contenturl_0.json');
    await pageReady('job-f/contenturl_0.json');
    await tabsOf('panel test e.wav', 1);
    await tabsOf('panel test f.wav', 1);
    const restored = vscode.window.createWebviewPanel(TRANSCRIPT_VIEW_TYPE, 'restoring', vscode.ViewColumn.Active, {});
    await p.deserializeWebviewPanel(restored, { key: 'deleted/contenturl_0.json' });
    await pageReady('(unavailable)');
    let restoredClosed = false;
    disposables.push(restored.onDidDispose(() => (restoredClosed = true)));
    p.dispose();
    await tabsOf('panel test e.wav', 0);
    await tabsOf('panel test f.wav', 0);
    assert.equal(restoredClosed, true);
  });
});
