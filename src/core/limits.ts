/**
 * The bounds of the Speech-to-text batch API that clients and the local service both enforce (the 2024-11-15 spec:
 * `timeToLiveHours` 6 to 744, `diarization.maxSpeakers` 2 to 35). package.json's settings repeat them as JSON
 * Schema bounds; a unit test keeps the two equal.
 */
export const TTL_HOURS = { min: 6, max: 744 } as const;
export const DIARIZATION_SPEAKERS = { min: 2, max: 35 } as const;

/** Whether `value` is a whole number within `range` (inclusive). */
export function isWholeIn(value: unknown, range: { readonly min: number; readonly max: number }): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= range.min && value <= range.max;
}

/**
 * Fast transcription (`transcriptions:transcribe`) takes audio "shorter than 2 hours in audio duration and smaller
 * than 250 MB in size" (the spec's words); longer or larger files need batch transcription.
 */
export const FAST_TRANSCRIPTION = { maxDurationMs: 2 * 3_600_000, maxBytes: 250 * 1024 * 1024 } as const;
