/**
 * Transcripts as files on disk: Export All writes one file per call of a job into a folder, and the
 * `speechBatch.transcriptFilesNextToAudio` setting writes `call.transcript.md` (or another format) beside `call.wav`
 * when a job finishes, so that Find in Files, git and diff work on them.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TranscriptFormat } from '../core/model';
import type { JobRecord } from './jobRecord';
import type { TranscriptRef, TranscriptService } from './transcriptService';

/** `call.wav` → `call.transcript.md`: the file written beside the audio. */
export function transcriptFileNextTo(audioPath: string, format: TranscriptFormat): string {
  const parsed = path.parse(audioPath);
  return path.join(parsed.dir, `${parsed.name}.transcript.${format}`);
}

/**
 * The relative path of a call's file in an export folder: its audio's path below the folder the job's files share
 * (`day1/call.wav` → `day1/call.md`), so that files of the same name stay apart.
 */
export function exportRelativePath(ref: TranscriptRef, format: TranscriptFormat): string {
  const label = ref.file.audioName ?? ref.file.name;
  const parsed = path.parse(label);
  return path.join(parsed.dir, `${parsed.name}.${format}`);
}

/** The export formats, in the order offered. */
export function exportFormats(): { format: TranscriptFormat; label: string; description: string; detail: string }[] {
  return [
    { format: 'md', label: vscode.l10n.t('Markdown'), description: '.md', detail: vscode.l10n.t('Who said what when, with the call analytics; readable and searchable') },
    { format: 'txt', label: vscode.l10n.t('Text'), description: '.txt', detail: vscode.l10n.t('One line per turn with time and party') },
    { format: 'srt', label: vscode.l10n.t('SubRip subtitles (SRT)'), description: '.srt', detail: vscode.l10n.t('Subtitles for video and media players') },
    { format: 'vtt', label: vscode.l10n.t('WebVTT subtitles'), description: '.vtt', detail: vscode.l10n.t('Subtitles for web players, with voice tags per party') },
    { format: 'json', label: vscode.l10n.t('JSON with analytics'), description: '.json', detail: vscode.l10n.t('Turns, words and analytics for other tools') },
  ];
}

/** Writes each transcript as `format` to the file `target` names; resolves with the files written. */
export async function writeAll(
  transcripts: TranscriptService,
  refs: readonly TranscriptRef[],
  format: TranscriptFormat,
  target: (ref: TranscriptRef) => vscode.Uri,
  progress?: (done: number, total: number) => void,
): Promise<vscode.Uri[]> {
  const written: vscode.Uri[] = [];
  for (const ref of refs) {
    const uri = target(ref);
    const text = await transcripts.format(ref, format);
    await vscode.workspace.fs.createDirectory(vscode.Uri.file(path.dirname(uri.fsPath)));
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
    written.push(uri);
    progress?.(written.length, refs.length);
  }
  return written;
}

/** Writes each transcript of a finished job beside its audio (`call.transcript.<format>`); resolves with the files. */
export function saveNextToAudio(transcripts: TranscriptService, job: JobRecord, format: TranscriptFormat): Promise<vscode.Uri[]> {
  const refs = transcripts.refs(job).filter((ref) => ref.file.audioPath);
  return writeAll(transcripts, refs, format, (ref) => vscode.Uri.file(transcriptFileNextTo(ref.file.audioPath!, format)));
}
