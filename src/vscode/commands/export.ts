/**
 * `speechBatch.export`: the transcript in a chosen format (text, subtitles, Markdown, JSON) to a file. The handler is
 * `exportTranscript` (`export` is a reserved word).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { exportFormats } from '../transcriptFiles';
import { transcriptTitle } from '../transcriptService';
import { transcriptOf, type CommandTarget } from './args';
import type { CommandContext } from './context';

export async function exportTranscript(ctx: CommandContext, target: CommandTarget): Promise<void> {
  const ref = await transcriptOf(ctx, target);
  if (!ref) return;
  const choice = await vscode.window.showQuickPick(exportFormats(), { placeHolder: vscode.l10n.t('Export format') });
  if (!choice) return;
  const base = path.parse(transcriptTitle(ref)).name;
  const folder = ref.file.audioPath ? vscode.Uri.file(path.dirname(ref.file.audioPath)) : vscode.workspace.workspaceFolders?.[0]?.uri;
  const fileName = `${base}.${choice.format}`;
  const file = await vscode.window.showSaveDialog({
    defaultUri: folder ? vscode.Uri.joinPath(folder, fileName) : undefined,
    filters: { [choice.label]: [choice.format] },
    saveLabel: vscode.l10n.t('Export'),
  });
  if (!file) return;
  const text = await ctx.transcripts.format(ref, choice.format);
  await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(text));
  const open = vscode.l10n.t('Open');
  if ((await vscode.window.showInformationMessage(vscode.l10n.t('Exported the transcript to {0}.', path.basename(file.fsPath)), open)) === open) {
    await vscode.window.showTextDocument(file);
  }
}
