/**
 * `POST /speechtotext/transcriptions:transcribe` of the local service (fast transcription): the multipart request
 * is read as it arrives (the audio straight into a temp file, capped at 250 MB), the definition validated like
 * Azure's, the audio run through the same recogniser as batch jobs (capped at 2 h of audio), and the answer given
 * synchronously as a `TranscribeResult`. A client that goes away stops the recognition.
 */
import type * as http from 'node:http';
import { randomUUID } from 'node:crypto';
import { transcribeResultFromFile } from '../core/fastResult';
import { FAST_TRANSCRIPTION } from '../core/limits';
import type { TranscribeResult } from '../core/wire';
import { AudioFormatError } from './audio/types';
import { EngineNotInstalledError } from './engine/types';
import { invalidArgument, invalidRequest, ServiceError } from './errors';
import { multipartBoundary, MultipartError, readMultipart } from './multipart';
import type { Recognizer } from './recognizer';
import { parseJsonBody, validateTranscribeDefinition, type ModelLookup } from './validate';

export interface FastTranscriberOptions {
  recognizer: Pick<Recognizer, 'recognizeFile' | 'phraseListUse'>;
  /** Where uploaded audio is written while it is transcribed (the store's tmp dir, emptied at every start). */
  tempDir: string;
  models?: ModelLookup;
  log?: (message: string) => void;
}

/** The answer, and what the engine did with the phrase list (sent as a response header: the body is the spec's). */
export interface FastTranscription {
  result: TranscribeResult;
  phraseListUse?: string;
}


const MAX_DEFINITION_BYTES = 1024 * 1024;

export class FastTranscriber {
  constructor(private readonly options: FastTranscriberOptions) {}

  async transcribe(req: http.IncomingMessage, apiVersion: string, supportedLocales: readonly string[]): Promise<FastTranscription> {
    const boundary = multipartBoundary(req.headers['content-type']);
    if (!boundary) {
      throw new ServiceError(415, 'UnsupportedMediaType', `The request body must be multipart/form-data with a boundary (got ${req.headers['content-type'] ?? 'no Content-Type'}).`);
    }
    // The client going away (Cancel) stops reading and recognising.
    const abort = new AbortController();
    const onClose = (): void => abort.abort(new Error('the client closed the connection'));
    req.socket.once('close', onClose);
    const id = randomUUID();
    const log = this.options.log ?? (() => {});
    let form;
    try {
      form = await readMultipart(req, boundary, {
        tempDir: this.options.tempDir,
        fileFields: ['audio'],
        limits: { maxFileBytes: FAST_TRANSCRIPTION.maxBytes - 1, maxFieldBytes: MAX_DEFINITION_BYTES, maxParts: 8 },
        signal: abort.signal,
      });
    } catch (err) {
      req.socket.off('close', onClose);
      throw multipartFailure(err);
    }
    try {
      const text = form.fields.get('definition');
      const definition = validateTranscribeDefinition(text === undefined ? {} : parseJsonBody(text), apiVersion, supportedLocales, this.options.models);
      const audio = form.files.get('audio');
      if (!audio) throw invalidArgument('InvalidParameterValue', 'The request has no "audio" part; send the audio file as the form field "audio".');
      if (audio.size === 0) throw invalidArgument('EmptyAudioFile', 'The audio file is empty.');
      const source = audio.fileName || 'audio';
      const phraseListUse = definition.phrases.length > 0 ? this.options.recognizer.phraseListUse(definition.model, definition.locale, definition.phrases) : undefined;
      log(`transcribe ${id}: ${(audio.size / 1024 / 1024).toFixed(1)} MB, ${definition.locale}${phraseListUse ? `; phrase list of ${definition.phrases.length}: ${phraseListUse}` : ''}`);
      const started = Date.now();
      const file = await this.options.recognizer.recognizeFile(audio.path, source, {
        locale: definition.locale,
        wordLevelTimestamps: false,
        displayFormWordLevelTimestamps: true,
        channels: definition.channels,
        punctuationMode: 'DictatedAndAutomatic',
        profanityFilterMode: definition.profanityFilterMode,
        diarization: definition.diarization,
        model: definition.model,
        phrases: definition.phrases,
        maxDurationMs: FAST_TRANSCRIPTION.maxDurationMs,
        signal: abort.signal,
        group: `transcribe-${id}`,
      });
      const result = transcribeResultFromFile(file, { channelsGiven: definition.channels !== undefined, locale: definition.locale });
      log(`transcribe ${id}: ${(result.durationMilliseconds / 1000).toFixed(1)} s of audio in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      return { result, ...(phraseListUse ? { phraseListUse } : {}) };
    } catch (err) {
      if (abort.signal.aborted) {
        log(`transcribe ${id}: stopped (${(abort.signal.reason as Error).message})`);
        throw invalidRequest('InvalidRequest', 'The client closed the connection before the answer.');
      }
      throw recognitionFailure(err);
    } finally {
      req.socket.off('close', onClose);
      await form.dispose();
    }
  }
}

function multipartFailure(err: unknown): unknown {
  if (!(err instanceof MultipartError)) return err;
  if (err.kind === 'tooLarge' && err.field === 'audio') {
    const mb = FAST_TRANSCRIPTION.maxBytes / 1024 / 1024;
    return new ServiceError(413, 'InvalidRequest', `The audio is ${mb} MB or larger; fast transcription takes files smaller than ${mb} MB. Use batch transcription.`, 'InvalidPayload');
  }
  return invalidRequest('InvalidRequestBodyFormat', `The multipart body cannot be read: ${err.message}.`);
}

function recognitionFailure(err: unknown): unknown {
  if (err instanceof ServiceError) return err;
  if (err instanceof AudioFormatError) return invalidArgument(err.code, `The audio cannot be transcribed: ${err.message}.`);
  if (err instanceof EngineNotInstalledError) return new ServiceError(503, 'ServiceUnavailable', err.message, err.code);
  return err;
}
