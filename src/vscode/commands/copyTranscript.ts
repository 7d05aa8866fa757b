/** `speechBatch.copyTranscript`: the transcript as text to the clipboard. */
import * as vscode from 'vscode';
import { transcriptTitle } from '../transcriptService';
import { transcriptOf, type CommandTarget } from './args';
import type { CommandContext } from './context';

export async function copyTranscript(ctx: CommandContext, target: CommandTarget): Promise<void> {
  const ref = await transcriptOf(ctx, target);
  if (!ref) return;
  await vscode.env.clipboard.writeText(await ctx.transcripts.format(ref, 'txt'));
  vscode.window.setStatusBarMessage(vscode.l10n.t('Copied the transcript of {0}.', transcriptTitle(ref)), 4000);
}
