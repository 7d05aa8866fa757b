/**
 * The transcript view: one webview panel per transcript key, restored after a reload by a serializer.
 *
 * Handshake: the page (`media/transcript.js`) posts `ready` whenever it (re)loads; the panel answers with the
 * transcript in compact form (`load`, built once per transcript) or with a "no longer available" message, then — text
 * first, audio after — looks at the recording and says how to play it (`audio`): streamed in windows the page asks
 * for (`audioRequest` → `audioData`, see core/playback.ts), or as a webview resource when it cannot be windowed or
 * when the page cannot stream (`audioFallback`: no MediaSource, the type not supported, a media error while streaming,
 * or a stream that stalled: no window arrived for a while as playback waited).
 * Renames go through an input box, are saved with `setPartyNames` and sent as new names only (`parties`); copy/export
 * run the extension's commands with the transcript's key.
 */

import * as vscode from 'vscode';
import { renameParties } from '../core/merge';
import { openPlayback, PLAYBACK_MIME, type PlaybackSource } from '../core/playback';
import { Commands } from './commandIds';
import { showError, UserFacingError, userMessage } from './errors';
import { Disposable, toDisposable } from './lifecycle';
import { getPartyNames, renamedPartyNames, setPartyNames } from './partyNames';
import { onDidChangeSettings } from './settings';
import { createNonce, transcriptPage } from './transcriptWebview';
import { compactTranscript } from './transcriptViewData';
import type {
  AudioSource,
  CompactTranscript,
  HostMessage,
  LoadedTranscript,
  LoadMessage,
  TranscriptStrings,
  TranscriptWebviewState,
  WebviewMessage,
} from './transcriptViewModel';

/** The panels' view type (package.json activates the extension on it). */
export const TRANSCRIPT_VIEW_TYPE = 'speechBatch.transcript';

/** Settings the loader uses to build a transcript: open panels reload when one changes. */
const VIEW_SETTINGS = ['lowConfidenceThreshold', 'lowConfidenceThresholdAzure', 'joinTurnsWithinMs', 'partyNames'];

/** Loads a transcript by key; undefined when it no longer exists. */
export type TranscriptLoader = (key: string) => Promise<LoadedTranscript | undefined>;

/** Opens, reveals and restores transcript panels, one per key. */
export class TranscriptPanels extends Disposable implements vscode.WebviewPanelSerializer<TranscriptWebviewState> {
  /** Panels showing a transcript, by key. */
  private readonly panels = new Map<string, TranscriptPanel>();
  /** Every open panel, including those showing "no longer available". */
  private readonly all = new Set<TranscriptPanel>();
  private readonly opening = new Map<string, Promise<void>>();
  private readonly renamed = this._register(new vscode.EventEmitter<string>());
  /** Fires with a transcript's key after a party of it was renamed (other views of it show the new names). */
  readonly onDidRenameParties = this.renamed.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly loader: TranscriptLoader,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    const serializer = registerSerializer(this, log);
    if (serializer) this._register(serializer);
    this._register(onDidChangeSettings(VIEW_SETTINGS, () => void this.reloadAll()));
    // Closes every panel (opened or restored) with this object.
    this._register(toDisposable(() => [...this.all].forEach((panel) => panel.dispose())));
  }

  /**
   * Opens a panel for `key`, or reveals the one already open.
   *
   * @throws UserFacingError when the loader has no transcript for `key`; whatever the loader throws.
   */
  async show(key: string): Promise<void> {
    if (!this.panels.has(key)) {
      let pending = this.opening.get(key);
      if (!pending) {
        pending = this.open(key).finally(() => this.opening.delete(key));
        this.opening.set(key, pending);
      }
      await pending;
    }
    this.panels.get(key)?.reveal();
  }

  /** Restores a panel after a reload, from the key the page saved with `setState`. */
  async deserializeWebviewPanel(webviewPanel: vscode.WebviewPanel, state: TranscriptWebviewState | undefined): Promise<void> {
    const key = typeof state?.key === 'string' ? state.key : undefined;
    let data: LoadedTranscript | undefined;
    let problem = unavailableText();
    if (key !== undefined) {
      try {
        data = await this.loader(key);
      } catch (err) {
        problem = vscode.l10n.t('This transcript could not be loaded: {0}', userMessage(err));
        this.log.error(`Restoring transcript ${key}: ${userMessage(err)}`);
      }
    }
    if (data && this.panels.has(data.key)) {
      webviewPanel.dispose(); // already opened meanwhile: keep one panel per key
    } else if (data) {
      this.track(new TranscriptPanel(webviewPanel, this.context, this.log, data, this.renamed));
    } else {
      this.log.info(`Transcript panel not restored${key === undefined ? '' : ` (${key})`}: ${problem}`);
      this.track(new TranscriptPanel(webviewPanel, this.context, this.log, problem, this.renamed));
    }
  }

  /** Loads the transcripts of the open panels again (e.g. with a new low-confidence threshold) and shows them. */
  private async reloadAll(): Promise<void> {
    await Promise.all(
      [...this.panels].map(async ([key, panel]) => {
        try {
          const data = await this.loader(key);
          if (data) {
            await panel.update(data);
          }
        } catch (err) {
          this.log.warn(`Reloading transcript ${key} after a settings change failed: ${userMessage(err)}`);
        }
      }),
    );
  }

  private async open(key: string): Promise<void> {
    const data = await this.loader(key);
    if (!data) {
      throw new UserFacingError(unavailableText());
    }
    const panel = vscode.window.createWebviewPanel(TRANSCRIPT_VIEW_TYPE, tabTitle(data), vscode.ViewColumn.Active, {
      enableScripts: true,
    });
    this.track(new TranscriptPanel(panel, this.context, this.log, data, this.renamed));
  }

  private track(panel: TranscriptPanel): void {
    const key = panel.key;
    this.all.add(panel);
    if (key !== undefined) {
      this.panels.set(key, panel);
    }
    panel.onDidDispose(() => {
      this.all.delete(panel);
      if (key !== undefined && this.panels.get(key) === panel) {
        this.panels.delete(key);
      }
    });
  }
}

function registerSerializer(serializer: TranscriptPanels, log: vscode.LogOutputChannel): vscode.Disposable | undefined {
  try {
    return vscode.window.registerWebviewPanelSerializer(TRANSCRIPT_VIEW_TYPE, serializer);
  } catch (err) {
    // Only one serializer per view type: a second TranscriptPanels (e.g. in tests) opens panels but restores none.
    log.warn(`Transcript panels will not be restored by this instance: ${userMessage(err)}`);
    return undefined;
  }
}

/** "call.wav (transcript)": a transcript's tab is not mistaken for its audio's. */
function tabTitle(data: LoadedTranscript): string {
  return vscode.l10n.t('{0} (transcript)', data.tabTitle ?? data.title);
}

function unavailableText(): string {
  return vscode.l10n.t('This transcript is no longer available. Its job may have been deleted, or its results have expired.');
}

/** One panel: its page, its messages and, when loaded, its transcript. Disposed when the panel closes. */
class TranscriptPanel extends Disposable {
  private readonly disposed = this._register(new vscode.EventEmitter<void>());
  /** Fires once, when the panel closes. */
  readonly onDidDispose = this.disposed.event;
  private ready = false;
  /** The transcript as the page gets it, built once per loaded transcript. */
  private compact: { data: LoadedTranscript; transcript: CompactTranscript } | undefined;
  /** The recording opened for playback (once per panel), with the path it was opened for. */
  private playback: { path: string; source: Promise<PlaybackSource | undefined> } | undefined;
  /** Windows are read one after the other. */
  private reading: Promise<unknown> = Promise.resolve();
  /** The page said it cannot stream: the recording goes to it as a webview resource from then on. */
  private streamFailed = false;

  /** `content`: the transcript, or the text to show instead. */
  constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
    private content: LoadedTranscript | string,
    private readonly renamed: vscode.EventEmitter<string>,
  ) {
    super();
    this._register(panel);
    const media = vscode.Uri.joinPath(context.extensionUri, 'media');
    const audio = typeof content === 'string' || !content.audioPath ? undefined : vscode.Uri.file(content.audioPath);
    panel.title = typeof content === 'string' ? vscode.l10n.t('Transcript not available') : tabTitle(content);
    panel.iconPath = vscode.Uri.joinPath(context.extensionUri, 'resources', 'speech-batch.svg');
    panel.webview.options = {
      enableScripts: true,
      localResourceRoots: audio ? [media, vscode.Uri.joinPath(audio, '..')] : [media],
    };
    const webview = panel.webview;
    const nonce = createNonce();
    webview.html = transcriptPage({
      cspSource: webview.cspSource,
      nonce,
      modelScript: webview.asWebviewUri(vscode.Uri.joinPath(media, 'transcriptModel.js')).toString(),
      script: webview.asWebviewUri(vscode.Uri.joinPath(media, 'transcript.js')).toString(),
      style: webview.asWebviewUri(vscode.Uri.joinPath(media, 'transcript.css')).toString(),
      loadingText: vscode.l10n.t('Loading transcript…'),
      lang: vscode.env.language,
    });
    this._register(webview.onDidReceiveMessage((message: WebviewMessage) => this.onMessage(message)));
    this._register(panel.onDidDispose(() => this.dispose()));
    this._register(toDisposable(() => void this.playback?.source.then((source) => source?.close()).catch(() => undefined)));
  }

  /** The transcript's key; undefined when the panel shows why there is none. */
  get key(): string | undefined {
    return typeof this.content === 'string' ? undefined : this.content.key;
  }

  /** Shows a newer version of the same transcript (same key and recording). */
  async update(data: LoadedTranscript): Promise<void> {
    this.content = data;
    if (this.ready) {
      await this.post(this.loadMessage(data));
      void this.announceAudio(data);
    }
  }

  reveal(): void {
    this.panel.reveal();
  }

  /** Closes the panel (also run when the user closed it); fires {@link onDidDispose} once. */
  override dispose(): void {
    if (this.isDisposed) return;
    this.disposed.fire();
    super.dispose();
  }

  private async onMessage(message: WebviewMessage): Promise<void> {
    const content = this.content;
    try {
      switch (message.type) {
        case 'ready':
          this.log.trace(`Transcript view ${this.key ?? '(unavailable)'}: page ready`);
          this.ready = true;
          await this.post(
            typeof content === 'string' ? { type: 'unavailable', message: content } : this.loadMessage(content),
          );
          if (typeof content !== 'string') void this.announceAudio(content);
          break;
        case 'audioRequest':
          if (typeof content !== 'string') void this.sendWindow(content, message.request, message.startMs, message.durationMs);
          break;
        case 'audioFallback':
          if (typeof content !== 'string') await this.fallBackToResource(content, message.reason);
          break;
        case 'rendered':
          this.log.debug(`Transcript view ${typeof content === 'string' ? '(unavailable)' : content.key}: ${message.turns} turns shown`);
          break;
        case 'rename':
          if (typeof content !== 'string') {
            await this.rename(content, message.partyId);
          }
          break;
        case 'copy':
        case 'export':
          if (typeof content !== 'string') {
            await vscode.commands.executeCommand(message.type === 'copy' ? Commands.copyTranscript : Commands.export, content.key);
          }
          break;
      }
    } catch (err) {
      void showError(this.log, `Transcript view (${message.type})`, err);
    }
  }

  private post(message: HostMessage): Thenable<boolean> {
    return this.panel.webview.postMessage(message);
  }

  private loadMessage(data: LoadedTranscript): LoadMessage {
    if (this.compact?.data !== data) {
      this.compact = { data, transcript: compactTranscript(data.conversation, data.lowConfidence) };
    }
    return {
      type: 'load',
      key: data.key,
      title: data.title,
      transcript: this.compact.transcript,
      analytics: data.analytics,
      lowConfidence: data.lowConfidence,
      hasAudio: !!data.audioPath,
      strings: webviewStrings(),
    };
  }

  /** The recording, opened for windowed playback once per panel (undefined: it cannot be windowed). */
  private playbackOf(audioPath: string): Promise<PlaybackSource | undefined> {
    if (this.playback?.path !== audioPath) {
      const previous = this.playback?.source;
      void previous?.then((source) => source?.close()).catch(() => undefined);
      this.playback = { path: audioPath, source: openPlayback(audioPath) };
    }
    return this.playback.source;
  }

  /** Tells the page how to play the recording, once it has been looked at (the text is already showing). */
  private async announceAudio(data: LoadedTranscript): Promise<void> {
    const audioPath = data.audioPath;
    if (!audioPath) return;
    let source: AudioSource;
    try {
      const playback = this.streamFailed ? undefined : await this.playbackOf(audioPath);
      source = playback
        ? { kind: 'stream', mime: PLAYBACK_MIME, durationMs: playback.durationMs, init: playback.init() }
        : this.resourceSource(audioPath);
      this.log.debug(`Transcript view ${data.key}: recording ${playback ? `streamed (${playback.sampleRate} Hz, ${playback.channels} ch)` : 'loaded as a resource'}`);
    } catch (err) {
      this.log.warn(`Transcript view ${data.key}: the recording cannot be played: ${userMessage(err)}`);
      source = { kind: 'none', message: vscode.l10n.t('The recording cannot be played: {0}', userMessage(err)) };
    }
    if (!this.isDisposed && this.content === data) await this.post({ type: 'audio', source });
  }

  /** The recording as a webview resource the player loads itself (its folder is one of the panel's resource roots). */
  private resourceSource(audioPath: string): AudioSource {
    return { kind: 'uri', uri: this.panel.webview.asWebviewUri(vscode.Uri.file(audioPath)).toString() };
  }

  /**
   * The page cannot stream here (e.g. a host without MediaSource, or without FLAC in MP4): it gets the recording as a
   * webview resource, now and whenever the audio is announced again.
   */
  private async fallBackToResource(data: LoadedTranscript, reason: unknown): Promise<void> {
    const audioPath = data.audioPath;
    if (!audioPath) return;
    this.streamFailed = true;
    const why = String(reason).replace(/\s+/g, ' ').slice(0, 300);
    this.log.warn(`Transcript view ${data.key}: the player cannot stream the recording (${why}); it plays the file as a webview resource instead`);
    if (!this.isDisposed && this.content === data) await this.post({ type: 'audio', source: this.resourceSource(audioPath) });
  }

  /** Reads the window the player asked for and sends it (reads are queued, one at a time). */
  private async sendWindow(data: LoadedTranscript, request: number, startMs: number, durationMs: number): Promise<void> {
    const audioPath = data.audioPath;
    if (!audioPath) return;
    const read = this.reading.then(async () => {
      const source = await this.playbackOf(audioPath);
      if (!source) throw new Error(vscode.l10n.t('This recording cannot be streamed.'));
      return source.window(startMs, Math.min(Math.max(durationMs, 1000), 60_000));
    });
    this.reading = read.catch(() => undefined);
    try {
      const window = await read;
      if (!this.isDisposed) await this.post({ type: 'audioData', request, startMs: window.startMs, endMs: window.endMs, data: window.data });
    } catch (err) {
      this.log.warn(`Transcript view ${data.key}: reading the recording at ${startMs} ms failed: ${userMessage(err)}`);
      const error = vscode.l10n.t('The recording could not be read: {0}', userMessage(err));
      if (!this.isDisposed) await this.post({ type: 'audioData', request, startMs, endMs: startMs, error });
    }
  }

  /** Asks for a party's new name, saves it for this transcript and shows it. */
  private async rename(data: LoadedTranscript, partyId: string): Promise<void> {
    const party = data.conversation.parties.find((p) => p.id === partyId);
    if (!party) {
      return;
    }
    const input = await vscode.window.showInputBox({
      title: vscode.l10n.t('Rename {0}', party.name),
      prompt: vscode.l10n.t('Name of this party in this transcript'),
      value: party.name,
      validateInput: (value) => (value.trim() ? undefined : vscode.l10n.t('Enter a name.')),
    });
    const name = input?.trim();
    if (!name || name === party.name || this.content !== data) {
      return;
    }
    const saved = getPartyNames(this.context, data.key);
    await setPartyNames(this.context, data.key, renamedPartyNames(data.conversation.parties, partyId, name, saved));
    this.log.info(`Transcript ${data.key}: party ${partyId} renamed`);
    this.renamed.fire(data.key);
    const renamed = withName(data, partyId, name);
    if (this.compact?.data === data) {
      // Only the names change: the page takes them without reloading, and the compact turns stay as they are.
      this.compact = { data: renamed, transcript: { ...this.compact.transcript, parties: renamed.conversation.parties.map(({ id, name }) => ({ id, name })) } };
    }
    this.content = renamed;
    if (this.ready) await this.post({ type: 'parties', parties: this.compact?.transcript.parties ?? [] });
  }
}

/** The transcript with party `partyId` renamed; analytics keep their numbers (only names change). */
function withName(data: LoadedTranscript, partyId: string, name: string): LoadedTranscript {
  const names = Object.fromEntries(data.conversation.parties.map((p) => [p.id, p.id === partyId ? name : p.name]));
  return {
    ...data,
    conversation: renameParties(data.conversation, names),
    analytics: { ...data.analytics, parties: data.analytics.parties.map((p) => (p.partyId === partyId ? { ...p, name } : p)) },
  };
}

/** The webview's texts in the UI language. */
function webviewStrings(): TranscriptStrings {
  return {
    conversation: vscode.l10n.t('Conversation'),
    audioWarning: vscode.l10n.t('Damaged recording'),
    noSpeech: vscode.l10n.t('No speech was recognised in this recording.'),
    search: vscode.l10n.t('Search the transcript'),
    searchPlaceholder: vscode.l10n.t('Search'),
    previousMatch: vscode.l10n.t('Previous match (Shift+Enter)'),
    nextMatch: vscode.l10n.t('Next match (Enter)'),
    matchCount: vscode.l10n.t('{0} of {1}', '{0}', '{1}'),
    noMatches: vscode.l10n.t('No matches'),
    copy: vscode.l10n.t('Copy'),
    copyTitle: vscode.l10n.t('Copy the transcript to the clipboard'),
    export: vscode.l10n.t('Export…'),
    exportTitle: vscode.l10n.t('Export the transcript to a file'),
    analytics: vscode.l10n.t('Call analytics'),
    duration: vscode.l10n.t('Duration'),
    talkTime: vscode.l10n.t('Talk time'),
    silence: vscode.l10n.t('Silence'),
    overlap: vscode.l10n.t('Overlap'),
    interruptions: vscode.l10n.t('Interruptions'),
    longestMonologue: vscode.l10n.t('Longest monologue'),
    longestMonologueValue: vscode.l10n.t('{0} by {1} at {2}', '{0}', '{1}', '{2}'),
    none: vscode.l10n.t('none'),
    party: vscode.l10n.t('Party'),
    share: vscode.l10n.t('Share'),
    turns: vscode.l10n.t('Turns'),
    wordsPerMinute: vscode.l10n.t('Words/min'),
    talkShare: vscode.l10n.t('{0}: {1} of the talk time', '{0}', '{1}'),
    renameParty: vscode.l10n.t('Rename {0}', '{0}'),
    playFrom: vscode.l10n.t('Play from {0}', '{0}'),
    overlapBadge: vscode.l10n.t('Overlap'),
    overlapTitle: vscode.l10n.t('Overlaps the speech of another party'),
    lowConfidence: vscode.l10n.t('Likely misrecognized: confidence {0}', '{0}'),
    lowConfidenceLegend: vscode.l10n.t('Words marked as likely misrecognized: {0} (confidence below {1}). Hover over one for its confidence.', '{0}', '{1}'),
    audio: vscode.l10n.t('Call recording'),
    audioLoading: vscode.l10n.t('Loading the recording…'),
    audioFallback: vscode.l10n.t('This player cannot stream the recording here, so it plays the whole file: in a long call, starting and seeking can take a while.'),
    audioStalled: vscode.l10n.t('The recording stopped arriving, so the player plays the whole file instead: in a long call, starting and seeking can take a while.'),
    audioError: vscode.l10n.t('The recording cannot be played here: {0}', '{0}'),
  };
}
