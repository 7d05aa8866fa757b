/** `speechBatch.openTranscript`: the transcript view (webview) of a result file, a job's transcript, or one picked. */
import { transcriptKey } from '../transcriptService';
import { transcriptOf, type CommandTarget } from './args';
import type { CommandContext } from './context';

export async function openTranscript(ctx: CommandContext, target: CommandTarget): Promise<void> {
  const ref = await transcriptOf(ctx, target);
  if (ref) await ctx.showPanel(transcriptKey(ref.job, ref.file));
}
