/**
 * Commands on finished transcripts: open (webview), open as text, open the result JSON, export, copy.
 * They accept a jobs tree node, a transcript key (from the transcript view), or nothing (then a quick pick asks).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TranscriptFormat } from '../core/model';
import { UserFacingError } from './errors';
import type { JobManager } from './jobManager';
import type { JobsTreeNode } from './jobsTree';
import { transcriptDocumentUri, type TranscriptDocumentKind } from './transcriptDocuments';
import { transcriptKey, transcriptTitle, type TranscriptRef, type TranscriptService } from './transcriptService';

export interface TranscriptCommandDeps {
  jobs: JobManager;
  transcripts: TranscriptService;
  /** Opens or reveals the transcript view of a key. */
  showPanel(key: string): Promise<void>;
}

/** The export formats, in the order offered. */
function exportFormats(): { format: TranscriptFormat; label: string; description: string }[] {
  return [
    { format: 'txt', label: vscode.l10n.t('Text'), description: '.txt' },
    { format: 'srt', label: vscode.l10n.t('SubRip subtitles (SRT)'), description: '.srt' },
    { format: 'vtt', label: vscode.l10n.t('WebVTT subtitles'), description: '.vtt' },
    { format: 'md', label: vscode.l10n.t('Markdown'), description: '.md' },
    { format: 'json', label: vscode.l10n.t('JSON with analytics'), description: '.json' },
  ];
}

/** The transcript a command is about: from its argument, or picked by the user. Undefined when cancelled. */
export async function resolveTranscript(deps: TranscriptCommandDeps, arg: unknown): Promise<TranscriptRef | undefined> {
  if (typeof arg === 'string') {
    const ref = deps.transcripts.resolve(arg);
    if (!ref) throw new UserFacingError(vscode.l10n.t('That transcript is no longer available.'));
    return ref;
  }
  const node = arg as JobsTreeNode | undefined;
  if (node?.kind === 'file' && node.file.state === 'transcription') return { job: node.job, file: node.file };
  if (node?.kind === 'job') {
    const job = await deps.jobs.ensureFiles(deps.jobs.latest(node.job));
    return pickTranscript(deps.transcripts.refs(job), vscode.l10n.t('"{0}" has no transcripts.', job.displayName));
  }
  const all = deps.jobs
    .all()
    .filter((job) => job.status === 'Succeeded')
    .flatMap((job) => deps.transcripts.refs(job));
  return pickTranscript(all, vscode.l10n.t('No finished transcripts yet. Transcribe an audio file first.'));
}

async function pickTranscript(refs: TranscriptRef[], noneMessage: string): Promise<TranscriptRef | undefined> {
  if (refs.length === 0) throw new UserFacingError(noneMessage);
  if (refs.length === 1) return refs[0];
  const picked = await vscode.window.showQuickPick(
    refs.map((ref) => ({
      label: transcriptTitle(ref),
      description: ref.job.displayName,
      detail: new Date(ref.job.createdDateTime).toLocaleString(vscode.env.language),
      ref,
    })),
    { placeHolder: vscode.l10n.t('Pick a transcript'), matchOnDescription: true },
  );
  return picked?.ref;
}

export async function openTranscript(deps: TranscriptCommandDeps, arg?: unknown): Promise<void> {
  const ref = await resolveTranscript(deps, arg);
  if (ref) await deps.showPanel(transcriptKey(ref.job, ref.file));
}

/** Opens the merged text or the raw result JSON as a read-only document. */
export async function openDocument(deps: TranscriptCommandDeps, kind: TranscriptDocumentKind, arg?: unknown): Promise<void> {
  const ref = await resolveTranscript(deps, arg);
  if (!ref) return;
  const doc = await vscode.workspace.openTextDocument(transcriptDocumentUri(ref, kind));
  if (kind === 'json' && doc.languageId !== 'json') await vscode.languages.setTextDocumentLanguage(doc, 'json');
  await vscode.window.showTextDocument(doc, { preview: false });
}

export async function exportTranscript(deps: TranscriptCommandDeps, arg?: unknown): Promise<void> {
  const ref = await resolveTranscript(deps, arg);
  if (!ref) return;
  const choice = await vscode.window.showQuickPick(exportFormats(), { placeHolder: vscode.l10n.t('Export format') });
  if (!choice) return;
  const base = path.parse(transcriptTitle(ref)).name;
  const folder = ref.file.audioPath ? vscode.Uri.file(path.dirname(ref.file.audioPath)) : vscode.workspace.workspaceFolders?.[0]?.uri;
  const fileName = `${base}.${choice.format}`;
  const target = await vscode.window.showSaveDialog({
    defaultUri: folder ? vscode.Uri.joinPath(folder, fileName) : undefined,
    filters: { [choice.label]: [choice.format] },
    saveLabel: vscode.l10n.t('Export'),
  });
  if (!target) return;
  const text = await deps.transcripts.format(ref, choice.format);
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(text));
  const open = vscode.l10n.t('Open');
  if ((await vscode.window.showInformationMessage(vscode.l10n.t('Exported the transcript to {0}.', path.basename(target.fsPath)), open)) === open) {
    await vscode.window.showTextDocument(target);
  }
}

export async function copyTranscript(deps: TranscriptCommandDeps, arg?: unknown): Promise<void> {
  const ref = await resolveTranscript(deps, arg);
  if (!ref) return;
  await vscode.env.clipboard.writeText(await deps.transcripts.format(ref, 'txt'));
  vscode.window.setStatusBarMessage(vscode.l10n.t('Copied the transcript of {0}.', transcriptTitle(ref)), 4000);
}
