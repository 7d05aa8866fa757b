/**
 * Builds the `POST /transcriptions:submit` body from the user's choices. Plain Node (no VS Code import).
 */
import * as path from 'node:path';
import { DIARIZATION_SPEAKERS, TTL_HOURS } from '../core/limits';
import type { ProfanityFilterMode, PunctuationMode, TranscriptionCreate } from '../core/wire';

/** The per-job choices (defaults come from the `speechBatch.*` settings, "Transcribe with Options…" edits them). */
export interface JobOptions {
  locale: string;
  wordLevelTimestamps: boolean;
  punctuationMode: PunctuationMode;
  profanityFilterMode: ProfanityFilterMode;
  /** Diarization of mono recordings; stereo calls are split by channel regardless. */
  diarization: { enabled: boolean; maxSpeakers: number };
  /** Within TTL_HOURS (src/core/limits.ts). */
  timeToLiveHours: number;
  /** Self URL of a custom model, or empty for the base model. */
  customModel: string;
}

/**
 * A display name for a job over these audio files: the file name, or the first name and a count (`more` words the
 * count: the VS Code layer passes a localised "+ {0} more").
 */
export function jobDisplayName(audioPaths: readonly string[], more = (count: number) => `+ ${count} more`): string {
  const first = path.basename(audioPaths[0] ?? 'audio');
  return audioPaths.length <= 1 ? first : `${first} ${more(audioPaths.length - 1)}`;
}

/** The create body. Both channels of stereo audio are transcribed (`channels: [0, 1]`). */
export function buildTranscriptionCreate(
  displayName: string,
  contentUrls: readonly string[],
  options: JobOptions,
): TranscriptionCreate {
  if (contentUrls.length === 0) throw new Error('A job needs at least one audio file.');
  const ttl = Math.round(options.timeToLiveHours);
  if (!(ttl >= TTL_HOURS.min && ttl <= TTL_HOURS.max)) {
    throw new Error(`Time to live must be between ${TTL_HOURS.min} and ${TTL_HOURS.max} hours, not ${options.timeToLiveHours}.`);
  }
  const body: TranscriptionCreate = {
    displayName,
    locale: options.locale,
    contentUrls: [...contentUrls],
    properties: {
      timeToLiveHours: ttl,
      wordLevelTimestampsEnabled: options.wordLevelTimestamps,
      displayFormWordLevelTimestampsEnabled: options.wordLevelTimestamps,
      punctuationMode: options.punctuationMode,
      profanityFilterMode: options.profanityFilterMode,
      channels: [0, 1],
    },
  };
  if (options.diarization.enabled) {
    const maxSpeakers = Math.min(DIARIZATION_SPEAKERS.max, Math.max(DIARIZATION_SPEAKERS.min, Math.round(options.diarization.maxSpeakers)));
    body.properties.diarization = { enabled: true, maxSpeakers };
  }
  if (options.customModel.trim()) body.model = { self: options.customModel.trim() };
  return body;
}
