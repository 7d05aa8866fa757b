/**
 * Validation of request bodies the way the Speech service validates them: the spec's constraints, its error codes,
 * unknown fields ignored. Returns clean copies holding only the fields the service understands.
 */
import type {
  DiarizationProperties,
  EntityReference,
  LanguageIdentificationProperties,
  ProfanityFilterMode,
  PunctuationMode,
  TranscriptionCreate,
  TranscriptionProperties,
  TranscriptionUpdate,
} from '../core/wire';
import { DIARIZATION_SPEAKERS, isWholeIn, TTL_HOURS } from '../core/limits';
import { invalidArgument, invalidRequest } from './errors';

const PUNCTUATION_MODES: readonly PunctuationMode[] = ['None', 'Dictated', 'Automatic', 'DictatedAndAutomatic'];
const PROFANITY_MODES: readonly ProfanityFilterMode[] = ['None', 'Removed', 'Tags', 'Masked'];
const MAX_CONTENT_URLS = 1000;
const INPUT_SCHEMES = ['http:', 'https:', 'file:'];

type Json = Record<string, unknown>;

/** Parses a JSON request body; empty → EmptyRequest, malformed or not an object → InvalidRequestBodyFormat. */
export function parseJsonBody(text: string): Json {
  if (text.trim() === '') throw invalidRequest('EmptyRequest', 'The request body is empty; a JSON object is expected.');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw invalidRequest('InvalidRequestBodyFormat', `The request body is not valid JSON: ${(err as Error).message}`);
  }
  if (!isObject(value)) throw invalidRequest('InvalidRequestBodyFormat', 'The request body must be a JSON object.');
  return value;
}

/** The service's models, for a job's `model` (see ModelRegistry.resolveReference): throws the API's error. */
export interface ModelLookup {
  resolveReference(self: unknown, locale: string): unknown;
}

/**
 * Validates the body of `POST /transcriptions:submit` against the locales the service can transcribe and, where
 * given, its models (without them, any `model` is refused).
 */
export function validateCreate(body: Json, supportedLocales: readonly string[], models?: ModelLookup): TranscriptionCreate {
  const displayName = requiredString(body, 'displayName');
  const locale = supportedLocale(requiredString(body, 'locale'), supportedLocales, 'locale');
  let model: EntityReference | undefined;
  if (body.model !== undefined) {
    if (!models) throw invalidArgument('InvalidModel', 'The local service has no custom models; omit "model" to use its base model.');
    if (!isObject(body.model)) throw invalidArgument('InvalidModelUri', '"model" must be an object with the "self" URL of a base model.');
    models.resolveReference(body.model.self, locale);
    model = { self: body.model.self as string };
  }
  const sources = [body.contentUrls, body.contentContainerUrl, body.dataset].filter((v) => v !== undefined).length;
  if (sources !== 1) {
    throw invalidArgument(
      'OnlyOneOfUrlsOrContainerOrDataset',
      'Exactly one of "contentUrls", "contentContainerUrl" or "dataset" must be given.',
    );
  }
  if (body.dataset !== undefined) {
    throw invalidArgument('InvalidDataset', 'The local service has no datasets; use "contentUrls" or "contentContainerUrl".');
  }
  const result: TranscriptionCreate = { displayName, locale, properties: validateProperties(body.properties, supportedLocales) };
  if (model) result.model = model;
  if (body.contentUrls !== undefined) result.contentUrls = contentUrls(body.contentUrls);
  if (body.contentContainerUrl !== undefined) result.contentContainerUrl = url(body.contentContainerUrl, 'contentContainerUrl', ['http:', 'https:']);
  Object.assign(result, validateUpdate(pick(body, ['description', 'customProperties'])));
  return result;
}

/** Validates a `PATCH /transcriptions/{id}` body (`TranscriptionUpdate`). */
export function validateUpdate(body: Json): TranscriptionUpdate {
  const update: TranscriptionUpdate = {};
  if (body.displayName !== undefined) update.displayName = requiredString(body, 'displayName');
  if (body.description !== undefined) {
    if (typeof body.description !== 'string') throw parameter('"description" must be a string.');
    update.description = body.description;
  }
  if (body.customProperties !== undefined) update.customProperties = customProperties(body.customProperties);
  return update;
}

/** A transcribe definition as the local service runs it. */
export interface TranscribeRequest {
  locale: string;
  /** `models[locale]` (2024-11-15). */
  model?: string;
  profanityFilterMode: ProfanityFilterMode;
  diarization?: { enabled: true; maxSpeakers?: number };
  /** Given: transcribed separately, phrases carry their channel. */
  channels?: number[];
  phrases: string[];
  biasingWeight?: number;
}

/** Most phrases a phrase list may hold (Azure's documentation: "shouldn't have more than 500 phrases"). */
export const MAX_PHRASES = 500;

/**
 * Validates the `definition` of `POST /transcriptions:transcribe` (`TranscribeDefinition` of the api-version): the
 * first candidate locale the service speaks is used (with none given, its first locale: the local service does not
 * identify languages); 2025-10-15's `enhancedMode` (an LLM task) and `audioUrl` are refused as not supported here.
 */
export function validateTranscribeDefinition(
  body: Json,
  apiVersion: string,
  supportedLocales: readonly string[],
  models?: ModelLookup,
): TranscribeRequest {
  const v2025 = apiVersion >= '2025-10-15';
  let locale = supportedLocales.includes('en-US') ? 'en-US' : supportedLocales[0];
  if (body.locales !== undefined) {
    if (!Array.isArray(body.locales) || body.locales.some((l) => typeof l !== 'string')) throw parameter('"locales" must be an array of locales.');
    if (body.locales.length > 0) {
      const supported = (body.locales as string[]).map((l) => supportedLocales.find((s) => s.toLowerCase() === l.toLowerCase()));
      const first = supported.find((l) => l !== undefined);
      // Every candidate must be a locale; none the service speaks is the error batch answers for a locale.
      if (!first) supportedLocale(String(body.locales[0]), supportedLocales, 'locales[0]');
      locale = first!;
    }
  }
  if (!locale) throw invalidArgument('InvalidLocale', 'The local service has no models installed; it transcribes no locale.');
  const request: TranscribeRequest = { locale, profanityFilterMode: 'Masked', phrases: [] };
  if (body.models !== undefined && !v2025) {
    if (!isObject(body.models) || Object.values(body.models).some((m) => typeof m !== 'string')) {
      throw invalidArgument('InvalidModelUri', '"models" must map locales to model URLs.');
    }
    const self = Object.entries(body.models).find(([l]) => l.toLowerCase() === locale.toLowerCase())?.[1];
    if (self !== undefined) {
      if (!models) throw invalidArgument('InvalidModel', 'The local service has no custom models; omit "models" to use its base model.');
      models.resolveReference(self, locale);
      request.model = self as string;
    }
  }
  if (body.profanityFilterMode !== undefined) request.profanityFilterMode = oneOf(body.profanityFilterMode, PROFANITY_MODES, 'profanityFilterMode');
  if (body.diarization !== undefined) {
    const d = diarization(body.diarization, 'diarization');
    if (d.enabled) request.diarization = { enabled: true, ...(d.maxSpeakers !== undefined ? { maxSpeakers: d.maxSpeakers } : {}) };
  }
  if (body.channels !== undefined) request.channels = channels(body.channels, 'channels');
  if (body.phraseList !== undefined) {
    const list = body.phraseList;
    if (!isObject(list)) throw parameter('"phraseList" must be an object with "phrases".');
    if (list.phrases !== undefined) {
      if (!Array.isArray(list.phrases) || list.phrases.some((p) => typeof p !== 'string')) throw parameter('"phraseList.phrases" must be an array of strings.');
      if (list.phrases.length > MAX_PHRASES) throw parameter(`"phraseList.phrases" may hold at most ${MAX_PHRASES} phrases (got ${list.phrases.length}).`);
      request.phrases = (list.phrases as string[]).map((p) => p.trim()).filter(Boolean);
    }
    if (v2025 && list.biasingWeight !== undefined) {
      if (typeof list.biasingWeight !== 'number' || !Number.isFinite(list.biasingWeight) || list.biasingWeight < 0) {
        throw parameter('"phraseList.biasingWeight" must be a number of 0 or more.');
      }
      request.biasingWeight = list.biasingWeight;
    }
  }
  if (v2025 && body.enhancedMode !== undefined) {
    const mode = body.enhancedMode;
    if (!isObject(mode) || (mode.enabled !== undefined && typeof mode.enabled !== 'boolean')) throw parameter('"enhancedMode" must be an object; "enabled" true or false.');
    if (mode.enabled) {
      throw parameter('"enhancedMode" (transcription or translation by a large language model) is not supported by the local service; omit it or set "enabled": false.');
    }
  }
  if (v2025 && body.audioUrl !== undefined) {
    throw parameter('"audioUrl" is not supported by the local service; send the audio in the "audio" part.');
  }
  return request;
}

function validateProperties(value: unknown, supportedLocales: readonly string[]): TranscriptionProperties {
  if (!isObject(value)) throw parameter('"properties" is required and must be an object with at least "timeToLiveHours".');
  const ttl = value.timeToLiveHours;
  if (!isWholeIn(ttl, TTL_HOURS)) {
    throw invalidArgument(
      'InvalidTimeToLive',
      `"properties.timeToLiveHours" must be a whole number of hours from ${TTL_HOURS.min} to ${TTL_HOURS.max} (got ${JSON.stringify(ttl) ?? 'nothing'}).`,
    );
  }
  // Azure's defaults, so responses and the recogniser see explicit values.
  const props: TranscriptionProperties = {
    wordLevelTimestampsEnabled: false,
    displayFormWordLevelTimestampsEnabled: false,
    channels: [0, 1],
    punctuationMode: 'DictatedAndAutomatic',
    profanityFilterMode: 'Masked',
    timeToLiveHours: ttl,
  };
  for (const name of ['wordLevelTimestampsEnabled', 'displayFormWordLevelTimestampsEnabled'] as const) {
    if (value[name] === undefined) continue;
    if (typeof value[name] !== 'boolean') throw parameter(`"properties.${name}" must be true or false.`);
    props[name] = value[name];
  }
  if (value.channels !== undefined) props.channels = channels(value.channels, 'properties.channels');
  if (value.punctuationMode !== undefined) props.punctuationMode = oneOf(value.punctuationMode, PUNCTUATION_MODES, 'properties.punctuationMode');
  if (value.profanityFilterMode !== undefined) {
    props.profanityFilterMode = oneOf(value.profanityFilterMode, PROFANITY_MODES, 'properties.profanityFilterMode');
  }
  if (value.diarization !== undefined) props.diarization = diarization(value.diarization, 'properties.diarization');
  if (value.languageIdentification !== undefined) {
    props.languageIdentification = languageIdentification(value.languageIdentification, supportedLocales);
  }
  if (value.destinationContainerUrl !== undefined) {
    throw parameter('"properties.destinationContainerUrl" is not supported by the local service; read results through the files API.');
  }
  return props;
}

function channels(value: unknown, name: string): number[] {
  if (!Array.isArray(value) || value.length === 0 || value.some((c) => c !== 0 && c !== 1) || new Set(value).size !== value.length) {
    throw invalidArgument('InvalidChannels', `"${name}" must list channel 0, channel 1 or both, each once.`);
  }
  return [...(value as number[])].sort();
}

function diarization(value: unknown, name: string): DiarizationProperties {
  if (!isObject(value)) throw parameter(`"${name}" must be an object.`);
  const result: DiarizationProperties = {};
  if (value.enabled !== undefined) {
    if (typeof value.enabled !== 'boolean') throw parameter(`"${name}.enabled" must be true or false.`);
    result.enabled = value.enabled;
  }
  if (value.maxSpeakers !== undefined) {
    const max = value.maxSpeakers;
    if (!isWholeIn(max, DIARIZATION_SPEAKERS)) {
      throw parameter(`"${name}.maxSpeakers" must be a whole number from ${DIARIZATION_SPEAKERS.min} to ${DIARIZATION_SPEAKERS.max}.`);
    }
    result.maxSpeakers = max;
  }
  return result;
}

function languageIdentification(value: unknown, supportedLocales: readonly string[]): LanguageIdentificationProperties {
  if (!isObject(value) || !Array.isArray(value.candidateLocales) || value.candidateLocales.length < 1) {
    throw parameter('"properties.languageIdentification.candidateLocales" must list the candidate locales.');
  }
  const candidateLocales = value.candidateLocales.map((l, i) =>
    supportedLocale(typeof l === 'string' ? l : '', supportedLocales, `properties.languageIdentification.candidateLocales[${i}]`),
  );
  if (value.speechModelMapping !== undefined) {
    throw invalidArgument('InvalidModel', 'The local service has no custom models; omit "speechModelMapping".');
  }
  const result: LanguageIdentificationProperties = { candidateLocales };
  if (value.mode !== undefined) result.mode = oneOf(value.mode, ['Continuous', 'Single'] as const, 'properties.languageIdentification.mode');
  return result;
}

function contentUrls(value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0) throw invalidArgument('InvalidRecordingsUri', '"contentUrls" must be a non-empty array of URLs.');
  if (value.length > MAX_CONTENT_URLS) {
    throw invalidArgument('ExceededNumberOfRecordingsUris', `At most ${MAX_CONTENT_URLS} content URLs are allowed (got ${value.length}).`);
  }
  return value.map((v, i) => url(v, `contentUrls[${i}]`, INPUT_SCHEMES));
}

function url(value: unknown, name: string, schemes: readonly string[]): string {
  let parsed: URL | undefined;
  try {
    parsed = typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!parsed || !schemes.includes(parsed.protocol)) {
    throw invalidArgument('InvalidRecordingsUri', `"${name}" must be an absolute ${schemes.map((s) => s.slice(0, -1)).join('/')} URL.`);
  }
  return value as string;
}

function customProperties(value: unknown): Record<string, string> {
  if (!isObject(value)) throw parameter('"customProperties" must be an object of strings.');
  const entries = Object.entries(value);
  if (entries.length > 10) throw parameter('"customProperties" may have at most 10 entries.');
  for (const [key, v] of entries) {
    if (typeof v !== 'string') throw parameter(`"customProperties.${key}" must be a string.`);
    if (key.length > 64 || v.length > 256) throw parameter('"customProperties" keys may have 64 characters and values 256 at most.');
  }
  return { ...(value as Record<string, string>) };
}

function supportedLocale(locale: string, supportedLocales: readonly string[], name: string): string {
  const match = supportedLocales.find((l) => l.toLowerCase() === locale.toLowerCase());
  if (!match) {
    throw invalidArgument(
      'InvalidLocale',
      `"${name}": the locale "${locale}" is not supported. Supported locales: ${supportedLocales.join(', ') || 'none'}.`,
    );
  }
  return match;
}

function requiredString(body: Json, name: string): string {
  const value = body[name];
  if (typeof value !== 'string' || value.trim() === '') throw parameter(`"${name}" is required and must be a non-empty string.`);
  return value;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], name: string): T {
  if (!allowed.includes(value as T)) throw parameter(`"${name}" must be one of ${allowed.join(', ')}.`);
  return value as T;
}

function parameter(message: string) {
  return invalidArgument('InvalidParameterValue', message);
}

function pick(body: Json, names: string[]): Json {
  return Object.fromEntries(names.filter((n) => body[n] !== undefined).map((n) => [n, body[n]]));
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
