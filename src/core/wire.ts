/**
 * Wire types of the Azure AI Speech "Speech to text" REST API, api-version 2024-11-15 (transcriptions),
 * derived from spec/speechtotext.json (the official OpenAPI 2.0 spec), plus the result and report files
 * that a transcription produces (documented in "batch-transcription-get", not in the spec).
 *
 * Results from v3.2 differ only in the result file: ISO 8601 `duration`/`offset` strings and no
 * `durationMilliseconds`. Those optional fields are typed as optional here so both parse.
 */

export const API_VERSION = '2024-11-15';

/** `Status` in the spec. */
export type Status = 'NotStarted' | 'Running' | 'Succeeded' | 'Failed';
export const TERMINAL_STATUSES: readonly Status[] = ['Succeeded', 'Failed'];
export function isTerminal(status: Status | undefined): boolean {
  return status !== undefined && TERMINAL_STATUSES.includes(status);
}

/** A transcription id (and a file id): a GUID in any letter case. */
export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type PunctuationMode = 'None' | 'Dictated' | 'Automatic' | 'DictatedAndAutomatic';
export type ProfanityFilterMode = 'None' | 'Removed' | 'Tags' | 'Masked';
export type LanguageIdentificationMode = 'Continuous' | 'Single';

/** `ErrorCode` in the spec (top-level error codes). */
export type ErrorCode =
  | 'InvalidRequest'
  | 'InvalidArgument'
  | 'InternalServerError'
  | 'ServiceUnavailable'
  | 'NotFound'
  | 'PipelineError'
  | 'Conflict'
  | 'InternalCommunicationFailed'
  | 'Forbidden'
  | 'NotAllowed'
  | 'Unauthorized'
  | 'UnsupportedMediaType'
  | 'TooManyRequests'
  | 'UnprocessableEntity';

/** A subset of `DetailedErrorCode` in the spec: the ones this project produces or reacts to. */
export type DetailedErrorCode =
  | 'InvalidParameterValue'
  | 'InvalidRequestBodyFormat'
  | 'EmptyRequest'
  | 'InvalidLocale'
  | 'InvalidModel'
  | 'InvalidTranscription'
  | 'InvalidPayload'
  | 'InvalidParameter'
  | 'InvalidRecordingsUri'
  | 'OnlyOneOfUrlsOrContainerOrDataset'
  | 'ExceededNumberOfRecordingsUris'
  | 'InvalidChannels'
  | 'InvalidTimeToLive'
  | 'InvalidAudioFormat'
  | 'BadChannelConfiguration'
  | 'InvalidChannelSpecification'
  | 'AudioLengthLimitExceeded'
  | 'EmptyAudioFile'
  | 'UnsupportedPagination'
  | 'UnsupportedFilter'
  | 'DeleteNotAllowed'
  | 'UnexpectedError'
  | (string & {});

/** `InnerError` in the spec. */
export interface InnerError {
  code?: DetailedErrorCode;
  message?: string;
  target?: string;
  details?: Record<string, string>;
  innerError?: InnerError;
}

/** `Error` in the spec: the body of every non-2xx answer of the Speech service itself. */
export interface ApiError {
  code?: ErrorCode;
  message?: string;
  target?: string;
  details?: ApiError[];
  innerError?: InnerError;
}

/** What Azure's API gateway (not the Speech service) answers for a missing or bad key, with HTTP 401. */
export interface GatewayError {
  error: { code: string; message: string };
}

/** `EntityError` in the spec: why a transcription failed (in `properties.error`). */
export interface EntityError {
  code?: string;
  message?: string;
}

/** `EntityReference` in the spec. */
export interface EntityReference {
  self: string;
}

export interface DiarizationProperties {
  enabled?: boolean;
  /** 2..35 */
  maxSpeakers?: number;
}

export interface LanguageIdentificationProperties {
  candidateLocales: string[];
  speechModelMapping?: Record<string, EntityReference>;
  mode?: LanguageIdentificationMode;
}

/** `TranscriptionProperties` in the spec. */
export interface TranscriptionProperties {
  wordLevelTimestampsEnabled?: boolean;
  displayFormWordLevelTimestampsEnabled?: boolean;
  channels?: number[];
  punctuationMode?: PunctuationMode;
  profanityFilterMode?: ProfanityFilterMode;
  destinationContainerUrl?: string;
  /** Required, 6..744. */
  timeToLiveHours: number;
  languageIdentification?: LanguageIdentificationProperties;
  diarization?: DiarizationProperties;
  /** Read-only: set when the transcription failed. */
  readonly error?: EntityError;
  /** Read-only: total audio duration. */
  readonly durationMilliseconds?: number;
}

export interface TranscriptionLinks {
  readonly files?: string;
}

/** `Transcription` in the spec: both the create request body and the resource returned. */
export interface Transcription {
  readonly self?: string;
  displayName: string;
  description?: string;
  customProperties?: Record<string, string>;
  locale: string;
  readonly createdDateTime?: string;
  readonly lastActionDateTime?: string;
  contentUrls?: string[];
  contentContainerUrl?: string;
  model?: EntityReference;
  dataset?: EntityReference;
  readonly links?: TranscriptionLinks;
  properties: TranscriptionProperties;
  readonly status?: Status;
}

/** The body of `POST /transcriptions:submit`. */
export type TranscriptionCreate = Omit<
  Transcription,
  'self' | 'createdDateTime' | 'lastActionDateTime' | 'links' | 'status'
>;

/** `TranscriptionUpdate` in the spec (PATCH body). */
export interface TranscriptionUpdate {
  displayName?: string;
  description?: string;
  customProperties?: Record<string, string>;
}

/** `PaginatedTranscriptions` in the spec. */
export interface PaginatedTranscriptions {
  values: Transcription[];
  '@nextLink'?: string;
}

/** `FileKind` in the spec (the ones a transcription has). */
export type FileKind = 'Transcription' | 'TranscriptionReport' | (string & {});

/** `File` in the spec. */
export interface TranscriptionFile {
  readonly self?: string;
  readonly name?: string;
  kind?: FileKind;
  links?: { readonly contentUrl?: string };
  /** `warnings`: the local service's damage found in the input of a Transcription file (see {@link AudioWarning}). */
  properties?: { readonly size?: number; readonly durationMilliseconds?: number; readonly warnings?: AudioWarning[] };
  readonly createdDateTime?: string;
}

/** `PaginatedFiles` in the spec. */
export interface PaginatedFiles {
  values: TranscriptionFile[];
  '@nextLink'?: string;
}

/** `BaseModel` in the spec (the local service lists its engines' models as base models). */
export interface BaseModel {
  self: string;
  displayName: string;
  description?: string;
  locale: string;
  createdDateTime?: string;
  lastActionDateTime?: string;
  status?: Status;
  links?: { manifest?: string };
  properties?: {
    deprecationDates?: { adaptationDateTime?: string; transcriptionDateTime?: string };
    features?: {
      supportsTranscriptionsSubmit?: boolean;
      supportsTranscriptionsTranscribe?: boolean;
      supportsEndpoints?: boolean;
      supportsTranscriptionsOnSpeechContainers?: boolean;
      supportedOutputFormats?: ('Lexical' | 'Display')[];
      supportsAdaptationsWith?: string[];
    };
    chargeForAdaptation?: boolean;
  };
}

/** `PaginatedBaseModels` in the spec. */
export interface PaginatedBaseModels {
  values: BaseModel[];
  '@nextLink'?: string;
}

/** `TranscriptionLocales` in the spec. */
export interface TranscriptionLocales {
  Transcribe?: string[];
  Submit?: string[];
}

// ---------------------------------------------------------------------------------------------------------
// Result files (one per input audio; `kind: Transcription`), not part of the OpenAPI spec.
// ---------------------------------------------------------------------------------------------------------

export interface ResultWord {
  /** `words[]` use `word`; `displayWords[]` use `displayText`. */
  word?: string;
  displayText?: string;
  /** ISO 8601 duration, e.g. "PT1.23S". */
  offset?: string;
  duration?: string;
  offsetInTicks?: number;
  durationInTicks?: number;
  confidence?: number;
}

export interface ResultNBest {
  confidence?: number;
  lexical?: string;
  itn?: string;
  maskedITN?: string;
  display?: string;
  words?: ResultWord[];
  displayWords?: ResultWord[];
}

export interface ResultPhrase {
  recognitionStatus?: string;
  channel?: number;
  /** Diarization: speaker number, from 1. */
  speaker?: number;
  /** Language identification: the locale of this phrase. */
  locale?: string;
  offset?: string;
  duration?: string;
  offsetInTicks?: number;
  durationInTicks?: number;
  nBest?: ResultNBest[];
}

export interface ResultCombinedPhrase {
  channel?: number;
  lexical?: string;
  itn?: string;
  maskedITN?: string;
  display?: string;
}

/**
 * Damage found in an input that was still transcribed (the local service; Azure sends none): the transcript holds
 * what could be decoded. Shaped like Azure's `EntityError` ({ code, message }); the message is a sentence for users,
 * e.g. "Only 0:23 of 0:48 could be decoded: the file ends early". The same list is in the result file
 * (`warnings`), in the file's line of report.json (`warnings`) and in its files-list entry (`properties.warnings`).
 */
export interface AudioWarning {
  code: AudioWarningCode;
  message: string;
}

/**
 * AudioTruncated: shorter than its header says, or cut inside a frame; AudioLengthUnknown: a WAV header that gives no
 * length (streamed, never finished); AudioDamaged: data that could not be decoded (corrupt MP3 frames, ffmpeg's
 * errors); AudioSilent: all silence (or one channel of a stereo call); AudioClipped: too loud throughout.
 */
export type AudioWarningCode = 'AudioTruncated' | 'AudioLengthUnknown' | 'AudioDamaged' | 'AudioSilent' | 'AudioClipped' | (string & {});

/** The JSON behind the `contentUrl` of a file of kind `Transcription`. */
export interface TranscriptionResultFile {
  source?: string;
  timestamp?: string;
  durationInTicks?: number;
  /** 2024-11-15 and later; absent in v3.2. */
  durationMilliseconds?: number;
  /** ISO 8601 duration (v3.x). */
  duration?: string;
  combinedRecognizedPhrases?: ResultCombinedPhrase[];
  recognizedPhrases?: ResultPhrase[];
  /** Local service: damage found in the audio (absent when there is none). */
  warnings?: AudioWarning[];
}

export interface ReportDetail {
  source: string;
  status: 'Succeeded' | 'Failed' | (string & {});
  errorKind?: string;
  errorMessage?: string;
  /** Local service: damage found in an input that was transcribed (status Succeeded). */
  warnings?: AudioWarning[];
}

/** The JSON behind the `contentUrl` of the file of kind `TranscriptionReport` (`report.json`). */
export interface TranscriptionReportFile {
  successfulTranscriptionsCount: number;
  failedTranscriptionsCount: number;
  details: ReportDetail[];
}

// ---------------------------------------------------------------------------------------------------------
// Fast transcription: `POST /transcriptions:transcribe` (multipart: `definition` JSON + `audio` file), answered
// synchronously. 2024-11-15 is in spec/speechtotext.json; 2025-10-15 adds `phraseList.biasingWeight`, `enhancedMode`
// and `audioUrl` and drops `models` (spec/transcribe-2025-10-15.json holds those definitions).
// ---------------------------------------------------------------------------------------------------------

/** The api-version the client asks for first on `transcriptions:transcribe`; it falls back to {@link API_VERSION}. */
export const TRANSCRIBE_API_VERSION = '2025-10-15';

/** `PhraseListProperties` (2025-10-15; 2024-11-15 endpoints take `phrases` only). */
export interface PhraseListProperties {
  phrases?: string[];
  /** 2025-10-15 only. The spec gives no range. */
  biasingWeight?: number;
}

/** `EnhancedModeProperties` (2025-10-15). */
export interface EnhancedModeProperties {
  enabled?: boolean;
  /** e.g. `transcribe` or `translate`. */
  task?: string;
  targetLanguage?: string;
  prompt?: string[];
}

/** `TranscribeDefinition`: the `definition` part of the multipart request. */
export interface TranscribeDefinition {
  /** Candidate locales; none: the service detects the language. */
  locales?: string[];
  /** 2024-11-15 only: locale → model self URL. */
  models?: Record<string, string>;
  /** 2025-10-15 only: audio to fetch instead of the `audio` part. */
  audioUrl?: string;
  enhancedMode?: EnhancedModeProperties;
  phraseList?: PhraseListProperties;
  profanityFilterMode?: ProfanityFilterMode;
  diarization?: DiarizationProperties;
  /** Channels transcribed separately (0, 1); none: channels are merged and transcribed jointly. */
  channels?: number[];
}

/** `Word` of a transcribe result (display form). */
export interface TranscribeWord {
  text: string;
  offsetMilliseconds: number;
  durationMilliseconds: number;
}

/** `Phrase` of a transcribe result. */
export interface TranscribePhrase {
  /** Only when `channels` were given. */
  channel?: number;
  /** Only with diarization. */
  speaker?: number;
  offsetMilliseconds: number;
  durationMilliseconds: number;
  text: string;
  words?: TranscribeWord[];
  locale?: string;
  confidence: number;
}

/** `TranscribeResult`: the answer of `transcriptions:transcribe`. */
export interface TranscribeResult {
  durationMilliseconds: number;
  combinedPhrases: { channel?: number; text: string }[];
  phrases: TranscribePhrase[];
  /**
   * Not in the spec: the local service's damage found in the audio (absent when there is none), the same list as a
   * batch result file's `warnings`. Azure sends none; clients read it where present and skip malformed entries.
   */
  warnings?: AudioWarning[];
}
