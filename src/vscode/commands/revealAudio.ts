/** `speechBatch.revealAudio`: shows a job file's audio in the Explorer (or in the system's file manager when it is outside the workspace). */
import * as vscode from 'vscode';
import { UserFacingError } from '../errors';
import type { CommandTarget } from './args';
import type { CommandContext } from './context';

export async function revealAudio(_ctx: CommandContext, target: CommandTarget): Promise<void> {
  const node = target.node;
  const audioPath = node?.kind === 'file' ? node.file.audioPath : node?.job.audioPaths.length === 1 ? node.job.audioPaths[0] : undefined;
  if (!audioPath) throw new UserFacingError(vscode.l10n.t('This file is not on this machine.'));
  const uri = vscode.Uri.file(audioPath);
  if (vscode.workspace.getWorkspaceFolder(uri)) await vscode.commands.executeCommand('revealInExplorer', uri);
  else await vscode.commands.executeCommand('revealFileInOS', uri);
}
