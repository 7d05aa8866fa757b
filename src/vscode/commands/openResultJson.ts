/** `speechBatch.openResultJson`: the service's raw result JSON of a transcript as a read-only document. */
import { showTranscriptDocument } from '../transcriptDocuments';
import { transcriptOf, type CommandTarget } from './args';
import type { CommandContext } from './context';

export async function openResultJson(ctx: CommandContext, target: CommandTarget): Promise<void> {
  const ref = await transcriptOf(ctx, target);
  if (ref) await showTranscriptDocument(ref, 'json');
}
