/**
 * The one place command arguments are parsed. VS Code passes, depending on where a command runs:
 * - a jobs view node (`view/item/context` menus, tree item clicks, "Open Transcript" on a notification): a job, one
 *   of its files, or a group ("Failed (3)") or page of a big job's files;
 * - a transcript key string (the transcript view's Copy and Export buttons);
 * - the clicked `Uri` and the whole selection as a `Uri[]` (Explorer context menu), or one `Uri` (editor title);
 * - nothing (Command Palette, keybindings).
 * Handlers get a {@link CommandTarget} and never look at raw arguments; `jobOf`, `transcriptOf` and `audioOf` below
 * turn a target into what the command works on, asking the user (quick pick, open dialog) when it names nothing.
 */
import * as vscode from 'vscode';
import { AUDIO_EXTENSIONS, expandAudioPaths } from '../../core/audioFiles';
import { UserFacingError } from '../errors';
import type { JobRecord } from '../jobRecord';
import { outcomeLabel, type JobsTreeNode } from '../jobsTree';
import { transcriptTitle, type TranscriptRef } from '../transcriptService';
import type { CommandContext } from './context';

/** What a command was invoked on; empty when it was run from the palette. */
export interface CommandTarget {
  /** A node of the jobs view. */
  node?: JobsTreeNode;
  /** A transcript key (`<jobId>/<result file>`). */
  transcriptKey?: string;
  /** `file:` resources: the Explorer selection (or the clicked resource), or the editor's resource. */
  files: vscode.Uri[];
}

/** Reads the arguments VS Code passed to a command. */
export function parseCommandArgs(args: readonly unknown[]): CommandTarget {
  const [first, second] = args;
  const target: CommandTarget = { files: [] };
  if (typeof first === 'string') target.transcriptKey = first;
  else if (isTreeNode(first)) target.node = first;
  // The Explorer passes the clicked resource and the selection (which includes it); an editor title only its resource.
  const resources = Array.isArray(second) && second.length > 0 ? second : [first];
  target.files = resources.filter((u): u is vscode.Uri => u instanceof vscode.Uri && u.scheme === 'file');
  return target;
}

function isTreeNode(value: unknown): value is JobsTreeNode {
  if (typeof value !== 'object' || value === null) return false;
  const node = value as Partial<JobsTreeNode>;
  return (node.kind === 'job' || node.kind === 'file' || node.kind === 'group' || node.kind === 'page') && typeof node.job === 'object' && node.job !== null;
}

/** The job a command is about: the node's (as stored now), or one the user picks. Undefined when cancelled. */
export async function jobOf(ctx: CommandContext, target: CommandTarget, offered: (job: JobRecord) => boolean = () => true): Promise<JobRecord | undefined> {
  if (target.node) return ctx.jobs.latest(target.node.job);
  const jobs = ctx.jobs.all().filter(offered);
  if (jobs.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('There are no transcription jobs.'));
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    jobs.map((job) => ({
      label: job.displayName,
      description: outcomeLabel(job),
      detail: new Date(job.createdDateTime).toLocaleString(vscode.env.language),
      job,
    })),
    { placeHolder: vscode.l10n.t('Pick a job') },
  );
  return picked?.job;
}

/** The transcript a command is about: by key, a result file node, one of a job node's, or picked. Undefined when cancelled. */
export async function transcriptOf(ctx: CommandContext, target: CommandTarget): Promise<TranscriptRef | undefined> {
  if (target.transcriptKey !== undefined) {
    const ref = ctx.transcripts.resolve(target.transcriptKey);
    if (!ref) throw new UserFacingError(vscode.l10n.t('That transcript is no longer available.'));
    return ref;
  }
  const node = target.node;
  if (node?.kind === 'file' && node.file.state === 'transcription') return { job: node.job, file: node.file };
  if (node?.kind === 'job') {
    const job = await ctx.jobs.ensureFiles(ctx.jobs.latest(node.job));
    return pickTranscript(ctx.transcripts.refs(job), vscode.l10n.t('"{0}" has no transcripts.', job.displayName));
  }
  const audio = target.files.length === 1 ? target.files[0]!.fsPath : undefined;
  if (audio !== undefined) {
    // An audio file in the Explorer: its newest transcript.
    const ref = ctx.jobs
      .all()
      .flatMap((job) => ctx.transcripts.refs(job))
      .find((r) => r.file.audioPath === audio);
    if (ref) return ref;
  }
  const all = ctx.jobs
    .all()
    .filter((job) => job.status === 'Succeeded')
    .flatMap((job) => ctx.transcripts.refs(job));
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

/**
 * The audio files a command is about: the selected files and folders (folders expanded), or files picked in an open
 * dialog when there is no selection. Undefined when cancelled.
 */
export async function audioOf(target: CommandTarget): Promise<string[] | undefined> {
  const uris = [...target.files];
  if (uris.length === 0) {
    const picked = await vscode.window.showOpenDialog({
      canSelectMany: true,
      openLabel: vscode.l10n.t('Transcribe'),
      title: vscode.l10n.t('Audio files to transcribe'),
      filters: { [vscode.l10n.t('Audio')]: AUDIO_EXTENSIONS.flatMap((ext) => [ext.slice(1), ext.slice(1).toUpperCase()]) },
    });
    if (!picked || picked.length === 0) return undefined;
    uris.push(...picked);
  }
  const files = await expandAudioPaths(uris.map((u) => u.fsPath));
  if (files.length === 0) {
    throw new UserFacingError(vscode.l10n.t('No audio files (.wav, .mp3, .flac, .m4a, …) in the selection.'));
  }
  return files;
}
