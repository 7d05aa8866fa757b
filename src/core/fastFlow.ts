/**
 * Fast transcription of one local audio file, the same for the CLI and the extension, on Azure and on the local
 * service: whether the file fits the operation's limits, the definition built from the user's choices and the
 * file's header (two channels: transcribed separately, so a call's parties stay apart; one channel: diarization where
 * asked for), and the answer turned into a batch-shaped result file that every reader of transcripts understands.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { probeAudioHeader } from './audioHeader';
import type { SpeechClient, TranscribeOptions } from './client';
import { resultFileFromTranscribe } from './fastResult';
import { DIARIZATION_SPEAKERS, FAST_TRANSCRIPTION } from './limits';
import { formatClock } from './ticks';
import type { ProfanityFilterMode, TranscribeDefinition, TranscriptionResultFile } from './wire';

/** The user's choices that fast transcription takes. */
export interface FastChoices {
  locale: string;
  profanityFilterMode?: ProfanityFilterMode;
  /** Diarization of mono recordings (stereo calls are split by channel). */
  diarization?: { enabled: boolean; maxSpeakers: number };
  /** The phrase list: words and names likely in the audio. */
  phrases?: readonly string[];
  /** Weight of the phrase list (api-version 2025-10-15); the service's default when absent. */
  biasingWeight?: number;
}

/** Whether a file can go to fast transcription: smaller than 250 MB and, where its header tells, shorter than 2 h. */
export async function fastTranscriptionFit(audioPath: string): Promise<{ fits: true } | { fits: false; reason: string }> {
  const size = (await fs.stat(audioPath)).size;
  if (size >= FAST_TRANSCRIPTION.maxBytes) {
    return { fits: false, reason: `${(size / 1024 / 1024).toFixed(0)} MB (fast transcription takes less than ${FAST_TRANSCRIPTION.maxBytes / 1024 / 1024} MB)` };
  }
  const { durationMs } = await probeAudioHeader(audioPath).catch(() => ({ durationMs: undefined }));
  if (durationMs !== undefined && durationMs >= FAST_TRANSCRIPTION.maxDurationMs) {
    return { fits: false, reason: `${formatClock(durationMs)} long (fast transcription takes less than 2 hours)` };
  }
  return { fits: true };
}

/** The definition for one file. */
export async function fastDefinition(audioPath: string, choices: FastChoices): Promise<TranscribeDefinition> {
  const { channels } = await probeAudioHeader(audioPath).catch(() => ({ channels: undefined }));
  const definition: TranscribeDefinition = { locales: [choices.locale] };
  if (choices.profanityFilterMode) definition.profanityFilterMode = choices.profanityFilterMode;
  if (channels === 2) {
    definition.channels = [0, 1];
  } else if (choices.diarization?.enabled) {
    const maxSpeakers = Math.min(DIARIZATION_SPEAKERS.max, Math.max(DIARIZATION_SPEAKERS.min, Math.round(choices.diarization.maxSpeakers)));
    definition.diarization = { enabled: true, maxSpeakers };
  }
  const phrases = [...new Set((choices.phrases ?? []).map((p) => p.trim()).filter(Boolean))];
  if (phrases.length > 0) {
    definition.phraseList = { phrases, ...(choices.biasingWeight !== undefined ? { biasingWeight: choices.biasingWeight } : {}) };
  }
  return definition;
}

/** Transcribes one file with `transcriptions:transcribe`; resolves with its result file (named after the file). */
export async function transcribeFile(
  client: SpeechClient,
  audioPath: string,
  choices: FastChoices,
  options: TranscribeOptions = {},
): Promise<TranscriptionResultFile> {
  const result = await client.transcribe(audioPath, await fastDefinition(audioPath, choices), options);
  return resultFileFromTranscribe(result, path.basename(audioPath));
}
