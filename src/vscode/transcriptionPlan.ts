/**
 * Which files of a Transcribe go to fast transcription (one request per file, answered with the transcript) and
 * which to a batch job. Plain Node (no VS Code import), so the rule is unit-testable.
 *
 * The rule (`speechBatch.transcriptionMode`):
 * - `batch`, or a custom model (fast transcription takes none in 2025-10-15): every file in one batch job.
 * - `fast`: every file within fast transcription's limits (< 2 h by its header, < 250 MB) goes fast; the rest batch.
 * - `auto` (default): on Azure without a storage connection, fast — a key and a region are all it needs; files
 *   beyond the limits are refused up front (they need batch, which reads audio from Blob Storage). On Azure with a
 *   storage connection, batch: one job for the whole selection, billed at batch's lower rate per audio hour, no size
 *   limit. On the local service, batch (parallel on every core, progress per file, Cancel keeps finished files),
 *   except a single file when a phrase list is set: only fast transcription takes a phrase list.
 */
import { fastTranscriptionFit } from '../core/fastFlow';
import type { BackendKind } from './jobRecord';

export type TranscriptionMode = 'auto' | 'fast' | 'batch';
export const TRANSCRIPTION_MODES: readonly TranscriptionMode[] = ['auto', 'fast', 'batch'];

export interface PlanInput {
  backend: BackendKind;
  mode: TranscriptionMode;
  /** Azure: whether a storage connection is set (batch needs one). */
  storageConfigured: boolean;
  phrases: readonly string[];
  customModel: string;
}

export interface TranscriptionPlan {
  fast: string[];
  batch: string[];
  /** Files that fit neither: Azure without storage, beyond fast transcription's limits. */
  refused: { path: string; reason: string }[];
}

export async function planTranscription(
  audioPaths: readonly string[],
  input: PlanInput,
  fit: (path: string) => Promise<{ fits: true } | { fits: false; reason: string }> = fastTranscriptionFit,
): Promise<TranscriptionPlan> {
  const plan: TranscriptionPlan = { fast: [], batch: [], refused: [] };
  const noStorage = input.backend === 'azure' && !input.storageConfigured;
  const wantsFast =
    input.mode !== 'batch' &&
    !input.customModel.trim() &&
    (input.mode === 'fast' || noStorage || (input.backend === 'local' && input.phrases.length > 0 && audioPaths.length === 1));
  if (!wantsFast) {
    plan.batch.push(...audioPaths);
    return plan;
  }
  for (const audioPath of audioPaths) {
    const result = await fit(audioPath).catch((err: Error) => ({ fits: false as const, reason: err.message }));
    if (result.fits) plan.fast.push(audioPath);
    else if (noStorage) plan.refused.push({ path: audioPath, reason: result.reason });
    else plan.batch.push(audioPath);
  }
  return plan;
}
