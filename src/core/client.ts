/**
 * REST client of the Speech to text batch transcription API (api-version 2024-11-15), for Azure AI Speech and for
 * the local service alike. Plain Node (undici); used by the extension and the CLI.
 *
 * Throttling: answers 429 and 503 that carry `Retry-After` are retried inside the client a bounded number of times
 * (`maxRetries`, waiting what the header says but at most `maxRetryWaitMs`); every other failure throws a
 * {@link SpeechApiError} at once. `Retry-After` of the last answer is exposed as `retryAfterMs`: on `get()` results
 * (so pollers can back off while a job runs) and on every `SpeechApiError`.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { audioContentType } from './audioFiles';
import { FAST_TRANSCRIPTION } from './limits';
import { PHRASE_LIST_HEADER } from './localService';
import { redactSecrets, redactUrl, redactUrlsIn } from './redact';
import { sleep } from './sleep';
import {
  API_VERSION,
  GUID,
  TRANSCRIBE_API_VERSION,
  type TranscribeDefinition,
  type TranscribeResult,
  type ApiError,
  type BaseModel,
  type GatewayError,
  type PaginatedFiles,
  type PaginatedTranscriptions,
  type Transcription,
  type TranscriptionCreate,
  type TranscriptionFile,
  type TranscriptionLocales,
  type TranscriptionUpdate,
} from './wire';

export interface SpeechClientOptions {
  /** `https://<region>.api.cognitive.microsoft.com`, `http://127.0.0.1:<port>`, with or without `/speechtotext`. */
  endpoint: string;
  /** Sent as `Ocp-Apim-Subscription-Key` to the endpoint only (never to content URLs). */
  key: string;
  apiVersion?: string;
  /** Per-request timeout (headers and body). Default 60 s. */
  timeoutMs?: number;
  /** undici dispatcher (proxy agents, tests). */
  dispatcher?: Dispatcher;
  /** Retries of a 429/503 that carries Retry-After. Default 3. */
  maxRetries?: number;
  /** Longest wait honoured for one Retry-After. Default 60 s. */
  maxRetryWaitMs?: number;
  /**
   * api-version of `transcriptions:transcribe`. Default: {@link TRANSCRIBE_API_VERSION} where the endpoint answers
   * it, else {@link API_VERSION} (found out once per client, see {@link SpeechClient.transcribe}).
   */
  transcribeApiVersion?: string;
}

/** Options of {@link SpeechClient.transcribe}. */
export interface TranscribeOptions {
  /** Aborts the upload or the wait for the answer. */
  signal?: AbortSignal;
  /** Bytes of the request body sent so far (the audio is most of it). */
  onProgress?(sentBytes: number, totalBytes: number): void;
  /** Notes for the log: the api-version used and definition fields an older version cannot take. */
  log?(message: string): void;
  /** How long the answer may take once the audio is sent (the service transcribes meanwhile). Default 30 min. */
  answerTimeoutMs?: number;
}

/** Bytes of the audio read per chunk of the multipart body. */
const UPLOAD_CHUNK_BYTES = 256 * 1024;

/** A failed call: HTTP status, the spec's error code and inner code, and a readable message without secrets. */
export class SpeechApiError extends Error {
  constructor(
    message: string,
    /** HTTP status; 0 when the request never got an answer (network error, timeout). */
    readonly status: number,
    /** `code` of the spec's error body (e.g. `InvalidArgument`), or the gateway's (e.g. `401`). */
    readonly code: string | undefined,
    /** `innerError.code` (e.g. `InvalidLocale`, `InvalidTimeToLive`). */
    readonly innerCode: string | undefined,
    /** `Retry-After` of the answer in ms, where it had one. */
    readonly retryAfterMs: number | undefined,
  ) {
    super(message);
    this.name = 'SpeechApiError';
  }
}

/** What {@link SpeechClient.get} resolves to. */
export interface GetTranscriptionResult {
  transcription: Transcription;
  /** `Retry-After` of the answer in ms: how long the service asks to wait before polling again. */
  retryAfterMs?: number;
}

interface Answer {
  status: number;
  text: string;
  retryAfterMs?: number;
  /** The local service's note on the phrase list ({@link PHRASE_LIST_HEADER}). */
  phraseListNote?: string;
  /** The `ETag` of the answer, when the service tags it (the local service's files listings). */
  etag?: string;
}

/**
 * A job's files listed with {@link SpeechClient.listFilesIfChanged}: every file and the listing's tag (when the
 * service tags listings), or `unchanged` when the listing is still the one of the tag given.
 */
export type FilesListing = { unchanged: false; files: TranscriptionFile[]; etag?: string } | { unchanged: true };

/** A request body: text, or a factory of a fresh stream for each attempt (a retry resends it from the start). */
type Body = string | (() => AsyncIterable<Uint8Array>);

export class SpeechClient {
  /** `<origin>/speechtotext`, no trailing slash. */
  readonly baseUrl: string;
  readonly apiVersion: string;
  private readonly key: string;
  private readonly timeoutMs: number;
  private readonly dispatcher?: Dispatcher;
  private readonly maxRetries: number;
  private readonly maxRetryWaitMs: number;
  private transcribeVersion: Promise<string> | undefined;

  constructor(options: SpeechClientOptions) {
    const endpoint = options.endpoint.trim().replace(/\/+$/, '');
    let parsed: URL;
    try {
      parsed = new URL(endpoint);
    } catch {
      throw new Error(`Not a valid Speech endpoint URL: "${redactUrl(endpoint)}". Expected e.g. https://westeurope.api.cognitive.microsoft.com`);
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
      throw new Error(`The Speech endpoint must be an http(s) URL, not "${redactUrl(endpoint)}".`);
    }
    const base = `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
    this.baseUrl = base.endsWith('/speechtotext') ? base : `${base}/speechtotext`;
    this.key = options.key;
    this.apiVersion = options.apiVersion ?? API_VERSION;
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.dispatcher = options.dispatcher;
    this.maxRetries = options.maxRetries ?? 3;
    this.maxRetryWaitMs = options.maxRetryWaitMs ?? 60_000;
    if (options.transcribeApiVersion) this.transcribeVersion = Promise.resolve(options.transcribeApiVersion);
  }

  /** The transcription id in a self URL (or an id as is). Throws when there is none. */
  static idOf(selfOrId: string): string {
    const path = selfOrId.split('?')[0]!;
    const match = /\/transcriptions\/([^/]+)\/?$/.exec(path);
    let id = path;
    try {
      if (match) id = decodeURIComponent(match[1]!);
    } catch {
      id = ''; // a malformed escape such as %zz
    }
    if (!GUID.test(id)) throw new Error(`Not a transcription id or self URL: "${redactUrl(selfOrId)}".`);
    return id;
  }

  /** `POST /transcriptions:submit`: creates a job; resolves with the created transcription (status NotStarted). */
  async submit(body: TranscriptionCreate): Promise<Transcription> {
    const answer = await this.call('POST', '/transcriptions:submit', {}, body);
    return parseJson<Transcription>(answer, 'submit');
  }

  /** `GET /transcriptions/{id}`; accepts an id or a self URL. `retryAfterMs` tells pollers when to look again. */
  async get(idOrSelfUrl: string): Promise<GetTranscriptionResult> {
    const answer = await this.call('GET', `/transcriptions/${SpeechClient.idOf(idOrSelfUrl)}`);
    return { transcription: parseJson<Transcription>(answer, 'get'), retryAfterMs: answer.retryAfterMs };
  }

  /** `GET /transcriptions?skip&top`: one page. */
  async listPage(options: { skip?: number; top?: number } = {}): Promise<PaginatedTranscriptions> {
    const answer = await this.call('GET', '/transcriptions', pageQuery(options));
    return parseJson<PaginatedTranscriptions>(answer, 'list');
  }

  /** Every transcription of the resource, following `@nextLink` (`top`: page size asked for). */
  async listAll(options: { top?: number } = {}): Promise<Transcription[]> {
    return this.collect<Transcription>('/transcriptions', pageQuery(options));
  }

  /** `PATCH /transcriptions/{id}`: display name, description, custom properties. */
  async update(idOrSelfUrl: string, patch: TranscriptionUpdate): Promise<Transcription> {
    const answer = await this.call('PATCH', `/transcriptions/${SpeechClient.idOf(idOrSelfUrl)}`, {}, patch);
    return parseJson<Transcription>(answer, 'update');
  }

  /** `DELETE /transcriptions/{id}`: removes the job and its results. */
  async delete(idOrSelfUrl: string): Promise<void> {
    await this.call('DELETE', `/transcriptions/${SpeechClient.idOf(idOrSelfUrl)}`);
  }

  /**
   * `GET /transcriptions/{id}/files`, every page (`top`: page size asked for). `sasLifetimeMinutes` sets how long
   * the content URLs work.
   */
  async listFiles(idOrSelfUrl: string, options: { sasLifetimeMinutes?: number; top?: number } = {}): Promise<TranscriptionFile[]> {
    const query = { ...sasQuery(options), ...pageQuery(options) };
    return this.collect<TranscriptionFile>(`/transcriptions/${SpeechClient.idOf(idOrSelfUrl)}/files`, query);
  }

  /**
   * `GET /transcriptions/{id}/files`, every page, unless the listing is still the one tagged `etag` (an earlier
   * answer's): then one request, answered 304 Not Modified. The local service tags its listings (a poll of a running
   * job of 1,000 files costs one small request instead of 11 pages); Azure does not, and always lists.
   */
  async listFilesIfChanged(idOrSelfUrl: string, etag?: string): Promise<FilesListing> {
    const path = `/transcriptions/${SpeechClient.idOf(idOrSelfUrl)}/files`;
    const first = await this.call('GET', path, {}, undefined, etag ? { 'if-none-match': etag } : {});
    if (first.status === 304) return { unchanged: true };
    return { unchanged: false, files: await this.collect<TranscriptionFile>(path, {}, first), ...(first.etag ? { etag: first.etag } : {}) };
  }

  /** `GET /transcriptions/{id}/files?skip&top`: one page. */
  async listFilesPage(idOrSelfUrl: string, options: { skip?: number; top?: number } = {}): Promise<PaginatedFiles> {
    const answer = await this.call('GET', `/transcriptions/${SpeechClient.idOf(idOrSelfUrl)}/files`, pageQuery(options));
    return parseJson<PaginatedFiles>(answer, 'listFiles');
  }

  /** `GET /transcriptions/{id}/files/{fileId}`. */
  async getFile(idOrSelfUrl: string, fileId: string, options: { sasLifetimeMinutes?: number } = {}): Promise<TranscriptionFile> {
    const path = `/transcriptions/${SpeechClient.idOf(idOrSelfUrl)}/files/${encodeURIComponent(fileId)}`;
    const answer = await this.call('GET', path, sasQuery(options));
    return parseJson<TranscriptionFile>(answer, 'getFile');
  }

  /** `GET /transcriptions/locales`. */
  async locales(): Promise<TranscriptionLocales> {
    const answer = await this.call('GET', '/transcriptions/locales');
    return parseJson<TranscriptionLocales>(answer, 'locales');
  }

  /** `GET /models/base`, every page; `filter` as the API takes it (e.g. `locale eq 'en-US'`). */
  async listBaseModels(options: { filter?: string } = {}): Promise<BaseModel[]> {
    return this.collect<BaseModel>('/models/base', options.filter ? { filter: options.filter } : {});
  }

  /**
   * `POST /transcriptions:transcribe` (fast transcription): sends the audio file and the definition as
   * multipart/form-data — the file streamed from disk, never read whole — and resolves with the service's answer,
   * which it gives once the audio is transcribed. Files the service would refuse for their size (250 MB) fail before
   * anything is sent. api-version 2025-10-15 where the endpoint answers it, else 2024-11-15 (said once in `log`);
   * fields the version used does not know are left out and named in `log`.
   */
  async transcribe(audioPath: string, definition: TranscribeDefinition, options: TranscribeOptions = {}): Promise<TranscribeResult> {
    const size = (await fs.stat(audioPath)).size;
    if (size >= FAST_TRANSCRIPTION.maxBytes) {
      throw new SpeechApiError(
        `${path.basename(audioPath)} is ${(size / 1024 / 1024).toFixed(0)} MB; fast transcription takes files smaller than ${FAST_TRANSCRIPTION.maxBytes / 1024 / 1024} MB (use batch transcription).`,
        0,
        undefined,
        'AudioSizeLimitExceeded',
        undefined,
      );
    }
    options.signal?.throwIfAborted();
    const version = await this.transcribeApiVersion(options.log);
    const { definition: sent, dropped } = definitionFor(version, definition);
    if (dropped.length > 0) options.log?.(`api-version ${version} has no ${dropped.join(', ')}: sent without.`);
    const multipart = multipartBody(audioPath, size, JSON.stringify(sent), options.onProgress);
    const url = new URL(`${this.baseUrl}/transcriptions:transcribe`);
    url.searchParams.set('api-version', version);
    const headers = {
      'ocp-apim-subscription-key': this.key,
      accept: 'application/json',
      'content-type': multipart.contentType,
      'content-length': String(multipart.length),
    };
    const answer = await this.send('POST', url.toString(), headers, multipart.body, {
      signal: options.signal,
      headersTimeoutMs: options.answerTimeoutMs ?? 30 * 60_000,
    });
    if (answer.status < 200 || answer.status >= 300) throw this.toError('POST', url, answer);
    if (answer.phraseListNote) options.log?.(`Phrase list: ${answer.phraseListNote}.`);
    const result = parseJson<TranscribeResult>(answer, 'transcribe');
    if (!result || !Array.isArray(result.phrases)) {
      throw new SpeechApiError('The answer to transcribe is not a transcription result (no "phrases").', answer.status, undefined, undefined, undefined);
    }
    return result;
  }

  /**
   * The api-version `transcribe` uses: 2025-10-15 if the endpoint answers it (asked once, with the cheap locales
   * request, so that no audio is uploaded twice), else 2024-11-15 — an endpoint that does not know a version says
   * so in its error answer (400 or 404 naming the api-version, or 404 for the locales resource every version has).
   */
  transcribeApiVersion(log?: (message: string) => void): Promise<string> {
    this.transcribeVersion ??= (async () => {
      try {
        await this.callUrl('GET', `${this.baseUrl}/transcriptions/locales?api-version=${TRANSCRIBE_API_VERSION}`);
        log?.(`Fast transcription uses api-version ${TRANSCRIBE_API_VERSION}.`);
        return TRANSCRIBE_API_VERSION;
      } catch (err) {
        if (!(err instanceof SpeechApiError && isUnsupportedVersion(err))) throw err;
        log?.(`The endpoint does not support api-version ${TRANSCRIBE_API_VERSION} (${err.message}); fast transcription falls back to ${API_VERSION}, without phrase list weights and enhanced mode.`);
        return API_VERSION;
      }
    })();
    // A failure (network, key) is not an answer about versions: ask again next time.
    this.transcribeVersion.catch(() => (this.transcribeVersion = undefined));
    return this.transcribeVersion;
  }

  /**
   * Downloads and parses the JSON behind a file's `links.contentUrl`. Content URLs are SAS-style: they carry their
   * own signature, so no key is sent, and errors mention them only without their query string.
   */
  async fetchContent<T>(contentUrl: string): Promise<T> {
    const answer = await this.send('GET', contentUrl, { accept: 'application/json' });
    if (answer.status !== 200) {
      const reason = redactUrlsIn(answer.text.trim()).slice(0, 200);
      throw new SpeechApiError(
        this.clean(`Downloading ${redactUrl(contentUrl)} failed with HTTP ${answer.status}${reason ? `: ${reason}` : ''}`),
        answer.status,
        undefined,
        undefined,
        answer.retryAfterMs,
      );
    }
    return parseJson<T>(answer, `content ${redactUrl(contentUrl)}`);
  }

  private async collect<T>(path: string, query: Record<string, string>, first?: Answer): Promise<T[]> {
    const values: T[] = [];
    let answer = first ?? (await this.call('GET', path, query));
    for (;;) {
      const page = parseJson<{ values?: T[]; '@nextLink'?: string }>(answer, 'list');
      values.push(...(page.values ?? []));
      const next = page['@nextLink'];
      if (!next) return values;
      answer = await this.callUrl('GET', this.sameOrigin(next));
    }
  }

  /** A `@nextLink` is followed only on the endpoint's own origin: the key must never travel elsewhere. */
  private sameOrigin(link: string): string {
    const url = new URL(link, this.baseUrl);
    if (url.origin !== new URL(this.baseUrl).origin) {
      throw new Error(`Refusing to follow a next link to another host (${redactUrl(url.toString())}).`);
    }
    return url.toString();
  }

  private call(method: string, path: string, query: Record<string, string> = {}, body?: unknown, extraHeaders: Record<string, string> = {}): Promise<Answer> {
    const url = new URL(`${this.baseUrl}${path}`);
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
    return this.callUrl(method, url.toString(), body, extraHeaders);
  }

  /** One call; 2xx answers (and a 304 to a conditional request, `if-none-match`) resolve, others reject. */
  private async callUrl(method: string, rawUrl: string, body?: unknown, extraHeaders: Record<string, string> = {}): Promise<Answer> {
    const url = new URL(rawUrl);
    if (!url.searchParams.has('api-version')) url.searchParams.set('api-version', this.apiVersion);
    const headers: Record<string, string> = { ...extraHeaders, 'ocp-apim-subscription-key': this.key, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const answer = await this.send(method, url.toString(), headers, body === undefined ? undefined : JSON.stringify(body));
    if ((answer.status >= 200 && answer.status < 300) || (answer.status === 304 && headers['if-none-match'])) return answer;
    throw this.toError(method, url, answer);
  }

  /** One HTTP exchange, with the bounded Retry-After retries for 429/503. */
  private async send(
    method: string,
    url: string,
    headers: Record<string, string>,
    body?: Body,
    options: { signal?: AbortSignal; headersTimeoutMs?: number } = {},
  ): Promise<Answer> {
    for (let attempt = 0; ; attempt++) {
      let answer: Answer;
      try {
        // undici is loaded on the first request, not when the extension activates (it is most of the load time).
        const { request } = await import('undici');
        const response = await request(url, {
          method: method as Dispatcher.HttpMethod,
          headers,
          body: typeof body === 'function' ? Readable.from(body(), { objectMode: false }) : body,
          dispatcher: this.dispatcher,
          signal: options.signal,
          headersTimeout: options.headersTimeoutMs ?? this.timeoutMs,
          bodyTimeout: this.timeoutMs,
        });
        const text = await response.body.text();
        answer = { status: response.statusCode, text, retryAfterMs: parseRetryAfter(response.headers['retry-after']) };
        const note = response.headers[PHRASE_LIST_HEADER];
        if (typeof note === 'string') answer.phraseListNote = safeDecode(note);
        const etag = response.headers.etag;
        if (typeof etag === 'string') answer.etag = etag;
      } catch (err) {
        if (options.signal?.aborted) throw options.signal.reason;
        const reason = redactUrlsIn(err instanceof Error ? err.message : String(err));
        throw new SpeechApiError(this.clean(`${method} ${redactUrl(url)} failed: ${reason}`), 0, undefined, undefined, undefined);
      }
      const throttled = (answer.status === 429 || answer.status === 503) && answer.retryAfterMs !== undefined;
      if (!throttled || attempt >= this.maxRetries) return answer;
      await sleep(Math.min(answer.retryAfterMs!, this.maxRetryWaitMs), options.signal);
    }
  }

  private toError(method: string, url: URL, answer: Answer): SpeechApiError {
    let code: string | undefined;
    let innerCode: string | undefined;
    let detail = '';
    try {
      const parsed = JSON.parse(answer.text) as ApiError & Partial<GatewayError>;
      if (parsed.error && typeof parsed.error === 'object') {
        code = String(parsed.error.code);
        detail = parsed.error.message ?? '';
      } else {
        code = parsed.code;
        innerCode = parsed.innerError?.code;
        const inner = parsed.innerError?.message;
        detail = [parsed.message, inner && inner !== parsed.message ? inner : undefined].filter(Boolean).join(' ');
      }
    } catch {
      detail = answer.text.trim().slice(0, 200);
    }
    const codes = [code, innerCode].filter(Boolean).join('/');
    const path = url.pathname.replace(/^.*?\/speechtotext/, '');
    const message = `${method} ${path} failed with HTTP ${answer.status}${codes ? ` (${codes})` : ''}${detail ? `: ${detail}` : ''}`;
    return new SpeechApiError(this.clean(message), answer.status, code, innerCode, answer.retryAfterMs);
  }

  private clean(message: string): string {
    return redactSecrets(message, [this.key]);
  }
}

/** `Retry-After` (delta seconds or HTTP date) in ms from now; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined || raw.trim() === '') return undefined;
  if (/^\d+$/.test(raw.trim())) return Number(raw.trim()) * 1000;
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function parseJson<T>(answer: Answer, what: string): T {
  try {
    return JSON.parse(answer.text) as T;
  } catch {
    throw new SpeechApiError(`The answer to ${what} is not JSON (HTTP ${answer.status}).`, answer.status, undefined, undefined, answer.retryAfterMs);
  }
}

function pageQuery(options: { skip?: number; top?: number }): Record<string, string> {
  const query: Record<string, string> = {};
  if (options.skip !== undefined) query.skip = String(options.skip);
  if (options.top !== undefined) query.top = String(options.top);
  return query;
}

function sasQuery(options: { sasLifetimeMinutes?: number }): Record<string, string> {
  return options.sasLifetimeMinutes === undefined ? {} : { sasLifetimeMinutes: String(options.sasLifetimeMinutes) };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Whether an error answer says the endpoint does not know the api-version asked for. */
function isUnsupportedVersion(err: SpeechApiError): boolean {
  if (err.status !== 400 && err.status !== 404) return false;
  return err.status === 404 || /api[- ]?version/i.test(err.message);
}

/**
 * The definition as `version` takes it, and the fields left out: 2024-11-15 has no `enhancedMode`, `audioUrl` or
 * phrase list weight; 2025-10-15 no `models`.
 */
export function definitionFor(version: string, definition: TranscribeDefinition): { definition: TranscribeDefinition; dropped: string[] } {
  const sent: TranscribeDefinition = JSON.parse(JSON.stringify(definition)) as TranscribeDefinition;
  const dropped: string[] = [];
  if (version < TRANSCRIBE_API_VERSION) {
    for (const field of ['enhancedMode', 'audioUrl'] as const) {
      if (sent[field] !== undefined) {
        delete sent[field];
        dropped.push(field);
      }
    }
    if (sent.phraseList?.biasingWeight !== undefined) {
      delete sent.phraseList.biasingWeight;
      dropped.push('phraseList.biasingWeight');
    }
  } else if (sent.models !== undefined) {
    delete sent.models;
    dropped.push('models');
  }
  return { definition: sent, dropped };
}

/**
 * A multipart/form-data body of two parts, `definition` (application/json) and `audio` (the file, with its name and
 * MIME type), whose audio is read from disk chunk by chunk as the request is sent; `body()` starts a fresh stream.
 */
export function multipartBody(
  audioPath: string,
  size: number,
  definitionJson: string,
  onProgress?: (sentBytes: number, totalBytes: number) => void,
): { contentType: string; length: number; body: () => AsyncIterable<Uint8Array> } {
  const boundary = `----SpeechBatch${randomBytes(16).toString('hex')}`;
  // A file name is a quoted string: quotes and line breaks would end it early.
  const fileName = path.basename(audioPath).replace(/["\r\n\\]/g, '_');
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="definition"\r\nContent-Type: application/json\r\n\r\n${definitionJson}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="audio"; filename="${fileName}"\r\n` +
      `Content-Type: ${audioContentType(audioPath) ?? 'application/octet-stream'}\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const length = head.length + size + tail.length;
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    length,
    body: async function* () {
      let sent = 0;
      const report = (bytes: number): void => {
        sent += bytes;
        onProgress?.(sent, length);
      };
      yield head;
      report(head.length);
      let read = 0;
      for await (const chunk of createReadStream(audioPath, { highWaterMark: UPLOAD_CHUNK_BYTES }) as AsyncIterable<Buffer>) {
        read += chunk.length;
        // The declared length is the size at the start: a file that grows meanwhile must not break the framing.
        if (read > size) throw new Error(`${path.basename(audioPath)} changed while it was being sent.`);
        yield chunk;
        report(chunk.length);
      }
      if (read !== size) throw new Error(`${path.basename(audioPath)} changed while it was being sent.`);
      yield tail;
      report(tail.length);
    },
  };
}
