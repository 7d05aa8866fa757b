/** Typed access to the `speechBatch.*` settings (declared in package.json `contributes.configuration`). */
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { TRANSCRIPT_FORMATS, type TranscriptFormat } from '../core/model';
import { DEFAULT_MODEL_BASE_URL, defaultModelsDir } from '../core/models';
import type { ProfanityFilterMode, PunctuationMode } from '../core/wire';
import type { BackendKind } from './jobRecord';
import type { JobOptions } from './jobRequest';
import { pollTiming, type PollTiming } from './pollSchedule';
import { TRANSCRIPTION_MODES, type TranscriptionMode } from './transcriptionPlan';

const SECTION = 'speechBatch';

/** Azure connection settings (machine scope). Keys are never settings: they live in SecretStorage. */
export interface AzureSettings {
  region: string;
  endpoint: string;
  container: string;
}

/** How transcripts are merged and shown. */
export interface ViewSettings {
  partyNames: string[];
  joinTurnsWithinMs: number;
  /** Local service: its confidences are calibrated per engine (P(word right)), so 0.5 marks words more likely wrong than right. */
  lowConfidenceThreshold: number;
  /** Azure: its word confidence is Azure's own 0–1 score, not calibrated by Speech Batch. */
  lowConfidenceThresholdAzure: number;
}

function config(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration(SECTION);
}

export function backendSetting(): BackendKind {
  return config().get<string>('backend') === 'azure' ? 'azure' : 'local';
}

export function azureSettings(): AzureSettings {
  const c = config();
  return {
    region: (c.get<string>('azure.region') ?? '').trim(),
    endpoint: (c.get<string>('azure.endpoint') ?? '').trim(),
    container: (c.get<string>('azure.container') ?? '').trim() || 'speech-batch',
  };
}

/** The job defaults "Transcribe" uses as they are and "Transcribe with Options…" offers. */
export function jobDefaults(): JobOptions {
  const c = config();
  return {
    locale: c.get<string>('locale') || 'en-US',
    wordLevelTimestamps: c.get<boolean>('wordLevelTimestamps') ?? true,
    punctuationMode: c.get<PunctuationMode>('punctuationMode') ?? 'DictatedAndAutomatic',
    profanityFilterMode: c.get<ProfanityFilterMode>('profanityFilterMode') ?? 'Masked',
    diarization: {
      enabled: c.get<boolean>('diarization.enabled') ?? false,
      maxSpeakers: c.get<number>('diarization.maxSpeakers') ?? 2,
    },
    timeToLiveHours: c.get<number>('timeToLiveHours') ?? 48,
    customModel: c.get<string>('customModel') ?? '',
  };
}

/** `speechBatch.transcriptionMode`: fast transcription, batch jobs, or the rule of transcriptionPlan.ts. */
export function transcriptionMode(): TranscriptionMode {
  const value = config().get<string>('transcriptionMode');
  return TRANSCRIPTION_MODES.find((m) => m === value) ?? 'auto';
}

/**
 * `speechBatch.phraseList` for the workspace folder of `resource` (a resource-scoped setting: each folder may have
 * its own product, agent and street names): trimmed, without empty entries and repeats.
 */
export function phraseList(resource?: vscode.Uri): string[] {
  const raw = vscode.workspace.getConfiguration(SECTION, resource).get<unknown[]>('phraseList') ?? [];
  return [...new Set(raw.filter((p): p is string => typeof p === 'string').map((p) => p.trim()).filter(Boolean))];
}

export function viewSettings(): ViewSettings {
  const c = config();
  return {
    partyNames: (c.get<unknown[]>('partyNames') ?? []).map((n) => (typeof n === 'string' ? n : '')),
    joinTurnsWithinMs: Math.max(0, c.get<number>('joinTurnsWithinMs') ?? 1500),
    lowConfidenceThreshold: c.get<number>('lowConfidenceThreshold') ?? 0.5,
    lowConfidenceThresholdAzure: c.get<number>('lowConfidenceThresholdAzure') ?? 0.5,
  };
}

/** Sets `speechBatch.azure.region` (user settings). */
export function updateAzureRegion(region: string): Thenable<void> {
  return config().update('azure.region', region, vscode.ConfigurationTarget.Global);
}

/** Sets `speechBatch.backend` (user settings). */
export function updateBackendSetting(backend: BackendKind): Thenable<void> {
  return config().update('backend', backend, vscode.ConfigurationTarget.Global);
}

/** The format transcripts are saved in next to their audio when a job finishes, or undefined (off). */
export function transcriptFilesNextToAudio(): TranscriptFormat | undefined {
  const value = config().get<string>('transcriptFilesNextToAudio');
  return TRANSCRIPT_FORMATS.find((f) => f === value);
}

/** The local service's models: the default model, the download base URL and the models folder. */
export interface LocalModelSettings {
  /** Name of the model local jobs use when none is picked (`speechBatch.local.model`); empty: the best installed. */
  model: string;
  /** Where the catalogue's files are downloaded from (a company may mirror them). */
  downloadBaseUrl: string;
  /** The models folder: the setting, else $SPEECH_BATCH_MODELS_DIR, else the one the CLI uses too. */
  modelsFolder: string;
}

export function localModelSettings(): LocalModelSettings {
  const c = config();
  const folder = (c.get<string>('local.modelsFolder') ?? '').trim();
  return {
    model: (c.get<string>('local.model') ?? '').trim(),
    downloadBaseUrl: (c.get<string>('local.modelDownloadBaseUrl') ?? '').trim() || DEFAULT_MODEL_BASE_URL,
    modelsFolder: folder ? path.resolve(folder.replace(/^~(?=$|[\\/])/, os.homedir())) : defaultModelsDir(),
  };
}

/** Sets `speechBatch.local.model` (user settings); empty clears it. */
export function updateLocalModel(name: string): Thenable<void> {
  return config().update('local.model', name || undefined, vscode.ConfigurationTarget.Global);
}

export function pollingSettings(): PollTiming {
  const c = config();
  return pollTiming(c.get<number>('polling.minIntervalSeconds') ?? 3, c.get<number>('polling.maxIntervalSeconds') ?? 60);
}

/** Fires when any of the given `speechBatch.*` settings (relative names, e.g. `backend`) changes. */
export function onDidChangeSettings(names: readonly string[], listener: () => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (names.some((name) => e.affectsConfiguration(`${SECTION}.${name}`))) listener();
  });
}
