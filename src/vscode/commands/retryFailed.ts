/**
 * `speechBatch.retryFailed`: a new job over just the failed files of a job (from its row, or from the "Failed" group of
 * a big job's files), or over one failed file, with the current default options. The files must still be on this
 * machine.
 */
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { UserFacingError } from '../errors';
import { jobDefaults } from '../settings';
import { jobOf, type CommandTarget } from './args';
import type { CommandContext } from './context';
import { startTranscription } from './transcribe';

export async function retryFailed(ctx: CommandContext, target: CommandTarget): Promise<void> {
  const node = target.node;
  const job = await jobOf(ctx, target, (j) => j.files.some((f) => f.state === 'failed') || j.status === 'Failed');
  if (!job) return;
  const failed =
    node?.kind === 'file' ? [node.file] : job.files.filter((f) => f.state === 'failed');
  // A job that failed as a whole (e.g. its audio could not be read at all) may list no files: retry all its audio.
  const paths = failed.length > 0 ? failed.flatMap((f) => (f.audioPath ? [f.audioPath] : [])) : job.status === 'Failed' ? job.audioPaths : [];
  const present = paths.filter((p) => fs.existsSync(p));
  if (present.length === 0) {
    throw new UserFacingError(
      paths.length === 0
        ? vscode.l10n.t('The failed files of "{0}" are not on this machine, so they cannot be retried from here.', job.displayName)
        : vscode.l10n.t('The failed files of "{0}" are no longer where they were: {1}', job.displayName, paths[0]!),
    );
  }
  await ctx.jobs.acknowledge(job);
  const name =
    present.length === 1 && node?.kind === 'file'
      ? vscode.l10n.t('{0} (retry)', node.file.audioName ?? node.file.name)
      : vscode.l10n.t('{0} (retry of {1} failed)', job.displayName.replace(/ \(retry.*\)$/, ''), present.length);
  await startTranscription(ctx, present, jobDefaults(), name);
}
