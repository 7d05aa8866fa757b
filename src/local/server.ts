/**
 * HTTP API of the local service: the transcription operations of the Speech to text REST API (2024-11-15) under
 * `/speechtotext`, behind the `Ocp-Apim-Subscription-Key` header, plus signed content URLs under `/content` and the
 * service's own `POST /speechbatch/allowed-paths` (same key).
 *
 * Only requests whose Host names the loopback address and port the service listens on are answered (a web page
 * cannot reach it through DNS rebinding), and links are built from that address, never from the Host header.
 */
import * as http from 'node:http';
import { createHash, timingSafeEqual } from 'node:crypto';
import { GUID, type PaginatedBaseModels, type PaginatedFiles, type PaginatedTranscriptions, type TranscriptionLocales } from '../core/wire';
import { GATEWAY_401_BODY, invalidArgument, invalidRequest, isDiskFull, notFound, ServiceError } from './errors';
import type { AllowedPaths } from './allowedPaths';
import type { JobRunner } from './jobRunner';
import type { ModelRegistry } from './modelRegistry';
import { apiUrl, toFile, toTranscription, transcriptionSelf, type LinkBase } from './resources';
import { ContentSigner, DEFAULT_SAS_LIFETIME_MINUTES, MAX_SAS_LIFETIME_MINUTES } from './signing';
import type { ServiceJobStore } from './serviceJobStore';
import { PHRASE_LIST_HEADER } from '../core/localService';
import type { FastTranscriber } from './transcribe';
import { parseJsonBody, validateCreate, validateUpdate } from './validate';

/** api-versions the service answers; the first is the one the project is written against. */
export const SUPPORTED_API_VERSIONS = ['2024-11-15', '2025-10-15'] as const;
const MAX_BODY_BYTES = 4 * 1024 * 1024;
const DEFAULT_TOP = 100;
const MAX_TOP = 100;

export interface ServerContext {
  store: ServiceJobStore;
  runner: JobRunner;
  /** The subscription key every API request must carry. */
  key: string;
  /** Locales the recogniser transcribes (without `models`). */
  locales: readonly string[];
  /** The installed models (base models of the API); their locales replace `locales`. */
  models?: ModelRegistry;
  /** Where `file://` inputs may come from; `POST /speechbatch/allowed-paths` adds to it. */
  allowedPaths: AllowedPaths;
  /** `transcriptions:transcribe` (fast transcription); without it the operation answers 404. */
  fast?: FastTranscriber;
  log?: (message: string) => void;
}

/** The service's own route that adds paths `file://` inputs may come from (not part of the Azure API). */
export const ALLOWED_PATHS_ROUTE = '/speechbatch/allowed-paths';
/** The service's own route that says whether whisper.cpp can run here, and why not (not part of the Azure API). */
export const ENGINES_ROUTE = '/speechbatch/engines';

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Raw bytes (content URLs) instead of a JSON body. */
  raw?: Buffer;
}

type Handler = (req: http.IncomingMessage, url: URL, base: LinkBase, params: string[]) => Reply | Promise<Reply>;

/**
 * How long an idle keep-alive connection stays open. Longer than clients keep theirs (undici: 4 s), so the client
 * always closes first: a server closing a connection just as a client reuses it fails that request ("other side
 * closed"), which a client whose event loop was busy for a few seconds runs into with Node's default of 5 s.
 */
const KEEP_ALIVE_MS = 65_000;

/** Creates the HTTP server (not yet listening). */
export function createServer(context: ServerContext): http.Server {
  const api = new Api(context);
  const server = http.createServer((req, res) => {
    api.handle(req).then(
      (reply) => send(res, reply),
      (err: Error) => {
        context.log?.(`${req.method} ${req.url?.split('?')[0]}: ${err.stack ?? err.message}`);
        send(res, errorReply(new ServiceError(500, 'InternalServerError', 'The local service failed to process the request.')));
      },
    );
  });
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  server.headersTimeout = KEEP_ALIVE_MS + 1000;
  return server;
}

class Api {
  private readonly signer: ContentSigner;
  private readonly key: Buffer;
  private readonly routes: { method: string; pattern: RegExp; handler: Handler }[];

  constructor(private readonly context: ServerContext) {
    this.signer = new ContentSigner(context.key);
    this.key = Buffer.from(context.key);
    this.routes = [
      { method: 'POST', pattern: /^\/transcriptions:submit$/, handler: (req, _url, base) => this.submit(req, base) },
      { method: 'POST', pattern: /^\/transcriptions:transcribe$/, handler: (req, _url, base) => this.transcribe(req, base) },
      { method: 'GET', pattern: /^\/transcriptions$/, handler: (_req, url, base) => this.list(url, base) },
      { method: 'GET', pattern: /^\/transcriptions\/locales$/, handler: () => this.localesReply() },
      { method: 'GET', pattern: /^\/models\/base$/, handler: (_req, url, base) => this.listModels(url, base) },
      { method: 'GET', pattern: /^\/models\/base\/([^/]+)$/, handler: (_req, _url, base, [id]) => this.getModel(id!, base) },
      { method: 'GET', pattern: /^\/transcriptions\/([^/]+)$/, handler: (_req, _url, base, [id]) => this.get(id!, base) },
      { method: 'PATCH', pattern: /^\/transcriptions\/([^/]+)$/, handler: (req, _url, base, [id]) => this.update(req, id!, base) },
      { method: 'DELETE', pattern: /^\/transcriptions\/([^/]+)$/, handler: (_req, _url, _base, [id]) => this.remove(id!) },
      { method: 'GET', pattern: /^\/transcriptions\/([^/]+)\/files$/, handler: (req, url, base, [id]) => this.listFiles(req, url, id!, base) },
      {
        method: 'GET',
        pattern: /^\/transcriptions\/([^/]+)\/files\/([^/]+)$/,
        handler: (_req, url, base, [id, fileId]) => this.getFile(url, id!, fileId!, base),
      },
    ];
  }

  async handle(req: http.IncomingMessage): Promise<Reply> {
    const url = new URL(req.url ?? '/', 'http://local');
    try {
      const origin = checkHost(req);
      if (url.pathname.startsWith('/content/')) return await this.content(req, url);
      if (!this.authorized(req)) return { status: 401, body: GATEWAY_401_BODY };
      if (url.pathname === ALLOWED_PATHS_ROUTE) return await this.allowPaths(req);
      if (url.pathname === ENGINES_ROUTE) return this.engines(req);
      if (!url.pathname.startsWith('/speechtotext/')) throw notFound(`There is no resource at ${url.pathname}.`);
      const apiVersion = checkApiVersion(url);
      const base: LinkBase = { origin, apiVersion };
      const path = url.pathname.slice('/speechtotext'.length);
      const matching = this.routes.filter((r) => r.pattern.test(path));
      const route = matching.find((r) => r.method === req.method);
      if (!route) {
        if (matching.length > 0) throw new ServiceError(405, 'NotAllowed', `${req.method} is not allowed on ${url.pathname}.`);
        throw notFound(`There is no resource at ${url.pathname}.`);
      }
      const params = route.pattern.exec(path)!.slice(1).map((part) => {
        try {
          return decodeURIComponent(part);
        } catch {
          throw notFound(`There is no resource at ${url.pathname}.`); // a malformed escape such as %zz
        }
      });
      return await route.handler(req, url, base, params);
    } catch (err) {
      if (err instanceof ServiceError) return errorReply(err);
      if (isDiskFull(err)) return errorReply(diskFull(this.context.store.dataDir));
      throw err;
    }
  }

  private authorized(req: http.IncomingMessage): boolean {
    const given = Buffer.from(String(req.headers['ocp-apim-subscription-key'] ?? ''));
    return given.length === this.key.length && timingSafeEqual(given, this.key);
  }

  /** `POST /speechbatch/allowed-paths` with `{"paths": ["/abs/dir", "/abs/file.wav"]}`: 204 once they are allowed. */
  private async allowPaths(req: http.IncomingMessage): Promise<Reply> {
    if (req.method !== 'POST') throw new ServiceError(405, 'NotAllowed', `${req.method} is not allowed on ${ALLOWED_PATHS_ROUTE}.`);
    const body = parseJsonBody(await readBody(req));
    const paths = body.paths;
    if (!Array.isArray(paths) || paths.length === 0 || !paths.every((p) => typeof p === 'string' && p !== '')) {
      throw invalidArgument('InvalidParameterValue', '"paths" must be a non-empty array of absolute paths.');
    }
    try {
      this.context.allowedPaths.add(paths as string[]);
    } catch (err) {
      throw invalidArgument('InvalidParameterValue', `"paths": ${(err as Error).message}; give absolute paths.`);
    }
    this.context.log?.(`allowed ${paths.length} more path(s) for file:// inputs`);
    return { status: 204 };
  }

  /** `GET /speechbatch/engines`: `{ whisper: { available, reason? } }` — the extension says why models go unused. */
  private engines(req: http.IncomingMessage): Reply {
    if (req.method !== 'GET') throw new ServiceError(405, 'NotAllowed', `${req.method} is not allowed on ${ENGINES_ROUTE}.`);
    const reason = this.context.models ? this.context.models.whisperUnavailable() : 'this service runs without models';
    return { status: 200, body: { whisper: reason ? { available: false, reason } : { available: true } } };
  }

  private async submit(req: http.IncomingMessage, base: LinkBase): Promise<Reply> {
    const body = parseJsonBody(await readBody(req));
    const request = validateCreate(body, await this.locales(), this.context.models);
    // A job without a model gets the one it will run on now (the default, else the best installed for its locale),
    // and says so in its `model`, as Azure's jobs do; a default that is not installed is left to fail the job.
    const chosen = !request.model && this.context.models?.choose(undefined, request.locale);
    if (chosen && this.context.models!.byId(chosen.id)) request.model = { self: apiUrl(base, `/models/base/${chosen.id}`) };
    const job = await this.context.store.create(request);
    this.context.runner.enqueue(job.id);
    this.context.log?.(`job ${job.id}: submitted (${request.contentUrls?.length ?? 'container'} inputs)`);
    return { status: 201, body: toTranscription(job, base), headers: { location: transcriptionSelf(base, job.id) } };
  }

  /** Fast transcription: answers with the transcript once the audio is transcribed. */
  private async transcribe(req: http.IncomingMessage, base: LinkBase): Promise<Reply> {
    if (!this.context.fast) throw notFound('This service does not offer fast transcription.');
    const { result, phraseListUse } = await this.context.fast.transcribe(req, base.apiVersion, await this.locales());
    // Not part of the spec's answer: what the local engine did with the phrase list, for the client's log.
    return { status: 200, body: result, ...(phraseListUse ? { headers: { [PHRASE_LIST_HEADER]: encodeURIComponent(phraseListUse) } } : {}) };
  }

  private list(url: URL, base: LinkBase): Reply {
    const { skip, top } = paging(url);
    const jobs = this.context.store.list();
    const page: PaginatedTranscriptions = { values: jobs.slice(skip, skip + top).map((job) => toTranscription(job, base)) };
    if (skip + top < jobs.length) page['@nextLink'] = apiUrl(base, '/transcriptions', { skip: skip + top, top });
    return { status: 200, body: page };
  }

  /** What the installed models transcribe (re-read: a model may have been downloaded since). */
  private async locales(): Promise<readonly string[]> {
    const { models } = this.context;
    if (!models) return this.context.locales;
    await models.refresh();
    return models.locales();
  }

  private async localesReply(): Promise<Reply> {
    const supported = [...(await this.locales())];
    const locales: TranscriptionLocales = { Submit: supported, Transcribe: supported };
    return { status: 200, body: locales };
  }

  private async listModels(url: URL, base: LinkBase): Promise<Reply> {
    const { skip, top } = paging(url);
    const models = this.context.models ? await this.context.models.refresh() : [];
    const page: PaginatedBaseModels = { values: models.slice(skip, skip + top).map((m) => this.context.models!.toBaseModel(m, base)) };
    if (skip + top < models.length) page['@nextLink'] = apiUrl(base, '/models/base', { skip: skip + top, top });
    return { status: 200, body: page };
  }

  private async getModel(id: string, base: LinkBase): Promise<Reply> {
    await this.context.models?.refresh();
    const model = GUID.test(id) ? this.context.models?.byId(id) : undefined;
    if (!model) throw notFound(`There is no base model with id '${id}'.`);
    return { status: 200, body: this.context.models!.toBaseModel(model, base) };
  }

  private get(id: string, base: LinkBase): Reply {
    return { status: 200, body: toTranscription(this.job(id), base) };
  }

  private async update(req: http.IncomingMessage, id: string, base: LinkBase): Promise<Reply> {
    this.job(id);
    const patch = validateUpdate(parseJsonBody(await readBody(req)));
    const job = await this.context.store.update(id, (r) => Object.assign(r.request, patch));
    if (!job) throw jobNotFound(id);
    return { status: 200, body: toTranscription(job, base) };
  }

  private async remove(id: string): Promise<Reply> {
    const job = this.job(id);
    await this.context.runner.cancel(job.id);
    await this.context.store.delete(job.id);
    this.context.log?.(`job ${job.id}: deleted`);
    return { status: 204 };
  }

  /**
   * A page of a job's files. The listing is tagged (a weak ETag of the files listed and the page asked for): a client
   * that polls a running job asks with `If-None-Match` and gets 304 Not Modified until a file is done, instead of
   * every page with a signed content URL per file.
   */
  private listFiles(req: http.IncomingMessage, url: URL, id: string, base: LinkBase): Reply {
    const job = this.job(id);
    const { skip, top } = paging(url);
    const hash = createHash('sha1').update(`${skip}:${top}`);
    for (const file of job.files) hash.update(`:${file.id}`);
    const etag = `W/"${job.files.length}-${hash.digest('base64url')}"`;
    if (ifNoneMatch(req, etag)) return { status: 304, headers: { etag } };
    const expiresAt = sasExpiry(url);
    const page: PaginatedFiles = {
      values: job.files.slice(skip, skip + top).map((file) => toFile(job, file, base, this.signer, expiresAt)),
    };
    if (skip + top < job.files.length) {
      const sas = url.searchParams.get('sasLifetimeMinutes');
      page['@nextLink'] = apiUrl(base, `/transcriptions/${job.id}/files`, { skip: skip + top, top, ...(sas && { sasLifetimeMinutes: sas }) });
    }
    return { status: 200, body: page, headers: { etag } };
  }

  private getFile(url: URL, id: string, fileId: string, base: LinkBase): Reply {
    const job = this.job(id);
    const file = job.files.find((f) => f.id.toLowerCase() === fileId.toLowerCase());
    if (!file) throw notFound(`The transcription ${job.id} has no file with id '${fileId}'.`);
    return { status: 200, body: toFile(job, file, base, this.signer, sasExpiry(url)) };
  }

  /** `GET /content/<id>/<fileId>?se&sig`: a result file, for anyone holding a valid, unexpired signature. */
  private async content(req: http.IncomingMessage, url: URL): Promise<Reply> {
    const [, , id = '', fileId = ''] = url.pathname.split('/');
    if (req.method !== 'GET') throw new ServiceError(405, 'NotAllowed', `${req.method} is not allowed on content URLs.`);
    if (!this.signer.verify(id, fileId, url.searchParams.get('se'), url.searchParams.get('sig'))) {
      throw new ServiceError(403, 'Forbidden', 'The content URL is not valid or has expired. Get a fresh one from the files of the transcription.');
    }
    const job = this.context.store.get(id);
    const file = job?.files.find((f) => f.id === fileId);
    if (!job || !file) throw notFound('The file of this content URL no longer exists.');
    const raw = await this.context.store.readResult(job.id, file.name);
    return { status: 200, raw, headers: { 'content-type': 'application/json; charset=utf-8' } };
  }

  private job(id: string) {
    const job = GUID.test(id) ? this.context.store.get(id) : undefined;
    if (!job) throw jobNotFound(id);
    return job;
  }
}

/**
 * The origin links are built from, `http://127.0.0.1:<port>` (the address the request came in on); throws 421 when
 * the Host header names anything but this service on a loopback name (DNS rebinding).
 */
function checkHost(req: http.IncomingMessage): string {
  const port = req.socket.localPort;
  const host = String(req.headers.host ?? '').toLowerCase();
  const accepted = [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`];
  if (!accepted.includes(host)) {
    throw new ServiceError(
      421,
      'InvalidRequest',
      `The local service answers only requests addressed to http://127.0.0.1:${port} (or localhost:${port}); the Host header was ${host ? `'${host}'` : 'missing'}.`,
    );
  }
  return `http://127.0.0.1:${port}`;
}

/** 507 Insufficient Storage: a change (a submit, an update) could not be stored because the disk is full. */
function diskFull(dataDir: string): ServiceError {
  return new ServiceError(
    507,
    'ServiceUnavailable',
    `The local service cannot store this request: the disk holding ${dataDir} is full. Free some space, then try again.`,
  );
}

function jobNotFound(id: string): ServiceError {
  return notFound(`There is no transcription with id '${id}'.`);
}

function checkApiVersion(url: URL): string {
  const version = url.searchParams.get('api-version');
  const supported = SUPPORTED_API_VERSIONS.join(', ');
  if (!version) {
    throw invalidRequest('InvalidParameterValue', `The query parameter 'api-version' is missing. Supported versions: ${supported}.`);
  }
  if (!(SUPPORTED_API_VERSIONS as readonly string[]).includes(version)) {
    throw invalidRequest('InvalidParameterValue', `The api-version '${version}' is not supported. Supported versions: ${supported}.`);
  }
  return version;
}

function paging(url: URL): { skip: number; top: number } {
  if (url.searchParams.has('filter')) throw invalidRequest('UnsupportedFilter', 'The local service does not support filter; page through all entities instead.');
  const skip = integerParam(url, 'skip', 0);
  const top = integerParam(url, 'top', DEFAULT_TOP);
  if (skip < 0) throw invalidRequest('UnsupportedPagination', "'skip' must be 0 or more.");
  if (top < 1 || top > MAX_TOP) throw invalidRequest('UnsupportedPagination', `'top' must be from 1 to ${MAX_TOP}.`);
  return { skip, top };
}

function sasExpiry(url: URL): Date {
  const minutes = integerParam(url, 'sasLifetimeMinutes', DEFAULT_SAS_LIFETIME_MINUTES);
  if (minutes < 1 || minutes > MAX_SAS_LIFETIME_MINUTES) {
    throw invalidRequest(
      'InvalidSasValidityDuration',
      `'sasLifetimeMinutes' must be from 1 to ${MAX_SAS_LIFETIME_MINUTES} (${MAX_SAS_LIFETIME_MINUTES / 1440} days); got ${minutes}.`,
    );
  }
  return new Date(Date.now() + minutes * 60_000);
}

function integerParam(url: URL, name: string, fallback: number): number {
  const raw = url.searchParams.get(name);
  if (raw === null) return fallback;
  if (!/^-?\d+$/.test(raw.trim())) throw invalidRequest('InvalidParameterValue', `'${name}' must be a whole number (got '${raw}').`);
  return Number(raw);
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const type = String(req.headers['content-type'] ?? 'application/json');
  if (!/^application\/([\w.+-]*\+)?json\b/i.test(type)) {
    throw new ServiceError(415, 'UnsupportedMediaType', `The request body must be application/json (got ${type}).`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw invalidRequest('InvalidPayload', `The request body is larger than ${MAX_BODY_BYTES / 1024 / 1024} MiB.`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Whether the request's `If-None-Match` names this (weak) tag: `*`, or the tag among a list, weakly compared. */
function ifNoneMatch(req: http.IncomingMessage, etag: string): boolean {
  const header = req.headers['if-none-match'];
  if (!header) return false;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.trim() === '*' || header.split(',').some((tag) => opaque(tag) === opaque(etag));
}

function errorReply(err: ServiceError): Reply {
  // A request refused before its body was read (an upload past the size cap) ends its connection.
  return { status: err.status, body: err.toBody(), ...(err.status === 413 ? { headers: { connection: 'close' } } : {}) };
}

function send(res: http.ServerResponse, reply: Reply): void {
  const payload = reply.raw ?? (reply.body === undefined ? undefined : Buffer.from(JSON.stringify(reply.body)));
  const headers: Record<string, string | number> = { ...reply.headers };
  if (payload) {
    headers['content-type'] ??= 'application/json; charset=utf-8';
    headers['content-length'] = payload.length;
  }
  res.writeHead(reply.status, headers);
  res.end(payload);
}
