/**
 * Read-only `speech-transcript:` documents, so transcripts open in the editor, can be searched and saved (Save As):
 *
 * - `speech-transcript:/<jobId>/<result file>/<name>.txt`: the merged conversation as text;
 * - `speech-transcript:/<jobId>/<result file>/<name>.json`: the raw result JSON.
 *
 * Open documents are refreshed (`onDidChange`) when their job changes, the party names setting changes or a party is
 * renamed in the transcript view (`refresh`); documents of a deleted job keep what they show.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { JobRecord } from './jobRecord';
import { Disposable } from './lifecycle';
import { onDidChangeSettings } from './settings';
import { transcriptTitle, type TranscriptRef, type TranscriptService } from './transcriptService';

export const TRANSCRIPT_SCHEME = 'speech-transcript';

export type TranscriptDocumentKind = 'text' | 'json';

/** The URI of a transcript document. */
export function transcriptDocumentUri(ref: TranscriptRef, kind: TranscriptDocumentKind): vscode.Uri {
  const base = path.parse(transcriptTitle(ref)).name.replace(/[\\/]/g, '_') || ref.file.name;
  const segments = [ref.job.id, ref.file.name, `${base}.${kind === 'text' ? 'txt' : 'json'}`].map(encodeURIComponent);
  return vscode.Uri.from({ scheme: TRANSCRIPT_SCHEME, path: `/${segments.join('/')}` });
}

/** Opens the merged text or the raw result JSON of a transcript as a read-only document. */
export async function showTranscriptDocument(ref: TranscriptRef, kind: TranscriptDocumentKind): Promise<void> {
  const doc = await vscode.workspace.openTextDocument(transcriptDocumentUri(ref, kind));
  if (kind === 'json' && doc.languageId !== 'json') await vscode.languages.setTextDocumentLanguage(doc, 'json');
  await vscode.window.showTextDocument(doc, { preview: false });
}

/** The transcript key and kind of a document URI, or undefined if it is not one of ours. */
export function parseTranscriptDocumentUri(uri: vscode.Uri): { key: string; kind: TranscriptDocumentKind } | undefined {
  if (uri.scheme !== TRANSCRIPT_SCHEME) return undefined;
  const [jobId, fileName, name] = uri.path.split('/').filter(Boolean).map(decodeURIComponent);
  if (!jobId || !fileName || !name) return undefined;
  return { key: `${jobId}/${fileName}`, kind: name.endsWith('.json') ? 'json' : 'text' };
}

export class TranscriptDocumentProvider extends Disposable implements vscode.TextDocumentContentProvider {
  private readonly changed = this._register(new vscode.EventEmitter<vscode.Uri>());
  readonly onDidChange = this.changed.event;

  /** `onDidChangeJob`: fires with a job that changed (JobManager.onDidChange). */
  constructor(
    private readonly transcripts: TranscriptService,
    onDidChangeJob: vscode.Event<JobRecord | undefined>,
  ) {
    super();
    this._register(onDidChangeJob((job) => job && this.refreshOpen((key) => key.startsWith(`${job.id}/`))));
    this._register(onDidChangeSettings(['partyNames', 'joinTurnsWithinMs'], () => this.refreshOpen(() => true)));
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const parsed = parseTranscriptDocumentUri(uri);
    const ref = parsed && this.transcripts.resolve(parsed.key);
    if (!parsed || !ref) throw new Error(vscode.l10n.t('No transcript is known for {0}.', uri.path));
    return parsed.kind === 'json' ? this.transcripts.resultText(ref) : this.transcripts.format(ref, 'txt');
  }

  /** Shows the current content in the open documents of one transcript (e.g. after a party was renamed). */
  refresh(key: string): void {
    this.refreshOpen((k) => k === key);
  }

  private refreshOpen(matches: (key: string) => boolean): void {
    for (const doc of vscode.workspace.textDocuments) {
      const parsed = parseTranscriptDocumentUri(doc.uri);
      if (parsed && matches(parsed.key) && this.transcripts.resolve(parsed.key)) this.changed.fire(doc.uri);
    }
  }
}
