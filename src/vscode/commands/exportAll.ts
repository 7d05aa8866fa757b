/**
 * `speechBatch.exportAll`: every transcript of a job, in one format, into a chosen folder: one file per call, named
 * after its audio (`call-07.wav` → `call-07.md`).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { UserFacingError } from '../errors';
import { exportFormats, exportRelativePath, writeAll } from '../transcriptFiles';
import { jobOf, type CommandTarget } from './args';
import type { CommandContext } from './context';

export async function exportAll(ctx: CommandContext, target: CommandTarget): Promise<void> {
  const picked = await jobOf(ctx, target, (j) => j.files.some((f) => f.state === 'transcription'));
  if (!picked) return;
  const job = await ctx.jobs.ensureFiles(picked);
  const refs = ctx.transcripts.refs(job);
  if (refs.length === 0) throw new UserFacingError(vscode.l10n.t('"{0}" has no transcripts.', job.displayName));
  const choice = await vscode.window.showQuickPick(exportFormats(), {
    title: vscode.l10n.t('Export {0} transcript(s) of "{1}"', refs.length, job.displayName),
    placeHolder: vscode.l10n.t('Format of the files'),
  });
  if (!choice) return;
  const near = job.audioPaths[0] ? vscode.Uri.file(path.dirname(job.audioPaths[0])) : vscode.workspace.workspaceFolders?.[0]?.uri;
  const folders = await vscode.window.showOpenDialog({
    canSelectFiles: false,
    canSelectFolders: true,
    canSelectMany: false,
    defaultUri: near,
    openLabel: vscode.l10n.t('Export Here'),
    title: vscode.l10n.t('Folder for the {0} transcript files', refs.length),
  });
  const folder = folders?.[0];
  if (!folder) return;
  const targets = new Map(refs.map((ref) => [ref, vscode.Uri.joinPath(folder, ...exportRelativePath(ref, choice.format).split(path.sep))]));
  const existing: vscode.Uri[] = [];
  for (const uri of targets.values()) {
    if (await vscode.workspace.fs.stat(uri).then(() => true, () => false)) existing.push(uri);
  }
  if (existing.length > 0) {
    const replace = vscode.l10n.t('Replace');
    const answer = await vscode.window.showWarningMessage(
      vscode.l10n.t('{0} of the files already exist in {1}. Replace them?', existing.length, path.basename(folder.fsPath)),
      { modal: true, detail: existing.slice(0, 5).map((u) => path.basename(u.fsPath)).join('\n') },
      replace,
    );
    if (answer !== replace) return;
  }
  const written = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Exporting the transcripts of "{0}"', job.displayName) },
    (progress) =>
      writeAll(ctx.transcripts, refs, choice.format, (ref) => targets.get(ref)!, (done, total) =>
        progress.report({ increment: 100 / total, message: vscode.l10n.t('{0} of {1}', done, total) }),
      ),
  );
  const reveal = vscode.l10n.t('Reveal in Explorer');
  const answer = await vscode.window.showInformationMessage(
    vscode.l10n.t('Exported {0} transcript(s) of "{1}" to {2}.', written.length, job.displayName, folder.fsPath),
    reveal,
  );
  if (answer === reveal && written[0]) {
    if (vscode.workspace.getWorkspaceFolder(written[0])) await vscode.commands.executeCommand('revealInExplorer', written[0]);
    else await vscode.commands.executeCommand('revealFileInOS', written[0]);
  }
}
