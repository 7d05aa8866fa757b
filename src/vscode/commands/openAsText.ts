/** `speechBatch.openAsText`: the merged conversation as a read-only text document. */
import { showTranscriptDocument } from '../transcriptDocuments';
import { transcriptOf, type CommandTarget } from './args';
import type { CommandContext } from './context';

export async function openAsText(ctx: CommandContext, target: CommandTarget): Promise<void> {
  const ref = await transcriptOf(ctx, target);
  if (ref) await showTranscriptDocument(ref, 'text');
}
