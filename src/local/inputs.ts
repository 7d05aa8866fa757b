/**
 * The audio a job transcribes: `contentUrls` (http/https downloaded streaming into a temp file with a size cap;
 * `file://` read in place) or every blob of a `contentContainerUrl` (listed through its SAS with @azure/storage-blob).
 */
import { AnonymousCredential, ContainerClient, newPipeline } from '@azure/storage-blob';
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { Agent, errors, request, type Dispatcher } from 'undici';
import { redactUrl } from '../core/redact';
import type { TranscriptionCreate } from '../core/wire';
import type { AllowedPaths } from './allowedPaths';

/** Time without progress after which a container listing gives up. */
const NETWORK_TIMEOUT_MS = 60_000;
/** Redirects a download follows before it fails with "too many redirects". */
const MAX_REDIRECTIONS = 5;

/** Default time a download may take to connect (`--download-connect-timeout-seconds`). */
export const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;
/** Default time a download may go without an answer or data (`--download-idle-timeout-seconds`). */
export const DEFAULT_IDLE_TIMEOUT_MS = 60_000;

/** How downloads behave; one instance serves every download of the service. */
export class Downloader {
  readonly connectTimeoutMs: number;
  readonly idleTimeoutMs: number;
  readonly dispatcher: Dispatcher;

  constructor(options: { connectTimeoutMs?: number; idleTimeoutMs?: number } = {}) {
    this.connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    this.idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    this.dispatcher = new Agent({
      connect: { timeout: this.connectTimeoutMs },
      headersTimeout: this.idleTimeoutMs,
      bodyTimeout: this.idleTimeoutMs,
    });
  }

  /** Why a download failed, in words: the timeouts name the option that sets them. */
  describe(err: Error): string {
    const seconds = (ms: number): string => `${Math.round(ms / 100) / 10} s`;
    if (err instanceof errors.ConnectTimeoutError) {
      return `could not connect within ${seconds(this.connectTimeoutMs)} (--download-connect-timeout-seconds)`;
    }
    if (err instanceof errors.HeadersTimeoutError) return `no answer for ${seconds(this.idleTimeoutMs)} (--download-idle-timeout-seconds)`;
    if (err instanceof errors.BodyTimeoutError) return `no data for ${seconds(this.idleTimeoutMs)} (--download-idle-timeout-seconds)`;
    return err.message;
  }
}

const defaultDownloader = new Downloader();

/** Default cap for one downloaded audio file: 1 GiB (Azure accepts at most 1 GB per file). */
export const DEFAULT_MAX_INPUT_BYTES = 1024 ** 3;

/** One audio file of a job. */
export interface InputSource {
  /** Position in the job: the `n` of `contenturl_<n>.json`. */
  index: number;
  /** The URL as given (may carry a SAS token: only ever log it through redactUrl). */
  url: string;
  /** Last path segment, for messages ("call.wav"). */
  name: string;
}

/** A source that could not be listed or fetched; `message` is meant for users and carries no secrets. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/** A fetched input on local disk; `release()` removes it if it was a download. */
export interface LocalInput {
  path: string;
  release(): Promise<void>;
}

/** The sources of a job, in order: its content URLs, or the blobs of its container sorted by name. */
export async function resolveSources(request: TranscriptionCreate, signal?: AbortSignal): Promise<InputSource[]> {
  const urls = request.contentUrls ?? (request.contentContainerUrl ? await listContainer(request.contentContainerUrl, signal) : []);
  return urls.map((url, index) => ({ index, url, name: nameOf(url) }));
}

/** Makes the source available as a local file (downloading http/https into `tempDir`). */
export async function fetchInput(
  source: InputSource,
  tempDir: string,
  options: { maxBytes?: number; signal?: AbortSignal; allowedPaths?: AllowedPaths; downloader?: Downloader } = {},
): Promise<LocalInput> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_INPUT_BYTES;
  const url = new URL(source.url);
  if (url.protocol === 'file:') return openLocalFile(url, maxBytes, options.allowedPaths);
  const target = path.join(tempDir, `${randomUUID()}${path.extname(source.name)}`);
  try {
    await download(source.url, target, maxBytes, options.downloader ?? defaultDownloader, options.signal);
  } catch (err) {
    await fs.rm(target, { force: true });
    throw err;
  }
  return { path: target, release: () => fs.rm(target, { force: true }) };
}

/** A `file://` input, read in place; only from the allowed paths (none given: none allowed). */
async function openLocalFile(url: URL, maxBytes: number, allowedPaths: AllowedPaths | undefined): Promise<LocalInput> {
  let file;
  try {
    file = fileURLToPath(url);
  } catch (err) {
    throw new InputError(`${url.href} is not a local file path: ${(err as Error).message}`);
  }
  if (!(await allowedPaths?.allows(file))) {
    throw new InputError(`${file} is outside the folders the local service may read`);
  }
  let stat;
  try {
    stat = await fs.stat(file);
  } catch {
    throw new InputError(`the file ${file} does not exist or cannot be read`);
  }
  if (!stat.isFile()) throw new InputError(`${file} is not a file`);
  if (stat.size > maxBytes) throw new InputError(`the file is larger than the limit of ${formatBytes(maxBytes)}`);
  return { path: file, release: async () => {} };
}

async function download(url: string, target: string, maxBytes: number, downloader: Downloader, signal?: AbortSignal): Promise<void> {
  let response;
  try {
    response = await request(url, { method: 'GET', signal, maxRedirections: MAX_REDIRECTIONS, dispatcher: downloader.dispatcher });
  } catch (err) {
    if (signal?.aborted) throw err;
    throw new InputError(`downloading ${redactUrl(url)} failed: ${downloader.describe(err as Error)}`);
  }
  if (response.statusCode >= 300 && response.statusCode < 400 && response.headers.location) {
    // undici hands back the last redirect once MAX_REDIRECTIONS are used up (a loop, or a chain too long).
    await response.body.dump();
    throw new InputError(`downloading ${redactUrl(url)} failed: too many redirects (more than ${MAX_REDIRECTIONS})`);
  }
  if (response.statusCode !== 200) {
    await response.body.dump();
    throw new InputError(`downloading ${redactUrl(url)} failed with HTTP ${response.statusCode}`);
  }
  const declared = Number(response.headers['content-length']);
  if (declared > maxBytes) {
    await response.body.dump();
    throw new InputError(`the file is larger than the limit of ${formatBytes(maxBytes)}`);
  }
  let received = 0;
  const cap = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      received += chunk.length;
      if (received > maxBytes) callback(new InputError(`the file is larger than the limit of ${formatBytes(maxBytes)}`));
      else callback(null, chunk);
    },
  });
  try {
    await pipeline(response.body, cap, createWriteStream(target), { signal });
  } catch (err) {
    if (err instanceof InputError || signal?.aborted) throw err;
    throw new InputError(`downloading ${redactUrl(url)} failed: ${downloader.describe(err as Error)}`);
  }
}

async function listContainer(containerUrl: string, signal?: AbortSignal): Promise<string[]> {
  // Two tries only: a wrong or unreachable container must fail the job soon, not after minutes of SDK retries.
  const pipeline = newPipeline(new AnonymousCredential(), { retryOptions: { maxTries: 2, tryTimeoutInMs: NETWORK_TIMEOUT_MS } });
  const container = new ContainerClient(containerUrl, pipeline);
  const urls: { name: string; url: string }[] = [];
  try {
    for await (const blob of container.listBlobsFlat({ abortSignal: signal })) {
      urls.push({ name: blob.name, url: container.getBlobClient(blob.name).url });
    }
  } catch (err) {
    if (signal?.aborted) throw err;
    const status = (err as { statusCode?: number }).statusCode;
    throw new InputError(
      `listing the container ${redactUrl(containerUrl)} failed${status ? ` with HTTP ${status}` : ''}: check that the SAS grants read and list`,
    );
  }
  if (urls.length === 0) throw new InputError(`the container ${redactUrl(containerUrl)} has no files`);
  return urls.sort((a, b) => a.name.localeCompare(b.name)).map((u) => u.url);
}

/** Last path segment of a URL, decoded ("call.wav"). */
export function nameOf(url: string): string {
  try {
    const segments = new URL(url).pathname.split('/').filter(Boolean);
    return decodeURIComponent(segments.at(-1) ?? '') || redactUrl(url);
  } catch {
    return 'input';
  }
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 ** 3 ? `${(bytes / 1024 ** 3).toFixed(1)} GiB` : `${Math.round(bytes / 1024 ** 2)} MiB`;
}
