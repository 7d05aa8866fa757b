/**
 * Downloads a model file: streamed to `<name>.part` next to its place, resumed with an HTTP Range request after a
 * dropped connection (and in a later run), checked against the published SHA-1 (or, where none is published, its
 * SHA-256 recorded in `<name>.sha256` and reported), and renamed into place only when complete and correct.
 * Cancel with an AbortSignal (the partial file stays, for a later resume); progress reports bytes and rate.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable, Transform } from 'node:stream';
import { checkModelFile, DEFAULT_MODEL_BASE_URL, ModelFileError, modelUrl, type CatalogModel } from './models';
import { sleep } from './sleep';

export interface DownloadProgress {
  /** Bytes on disk so far (a resumed download starts above 0). */
  receivedBytes: number;
  /** Total size, once the server said it. */
  totalBytes?: number;
  /** Bytes per second over the last few seconds. */
  bytesPerSecond: number;
}

export interface DownloadOptions {
  url: string;
  /** Final path of the file. */
  destination: string;
  /** Expected SHA-1 (hex), where published. */
  sha1?: string;
  signal?: AbortSignal;
  onProgress?: (progress: DownloadProgress) => void;
  /** Reconnects after a dropped connection before giving up (default 5). */
  retries?: number;
  /** Wait before a reconnect (default 1000 ms, doubled each time). */
  retryDelayMs?: number;
  /** Sets of fetch; for tests. */
  fetch?: typeof fetch;
}

export interface DownloadResult {
  path: string;
  sizeBytes: number;
  sha1: string;
  sha256: string;
  /** True when the publisher's SHA-1 was checked; false when none is published (the SHA-256 was recorded instead). */
  verified: boolean;
  /** Where the SHA-256 was recorded when there was no published checksum. */
  recordedChecksumFile?: string;
}

/** A download that failed for a reason the user can act on (`message` says it). */
export class DownloadError extends Error {
  override name = 'DownloadError';
  constructor(
    message: string,
    readonly kind: 'not-found' | 'http' | 'checksum' | 'not-a-model' | 'disk-full' | 'network' | 'cancelled',
  ) {
    super(message);
  }
}

function partPath(destination: string): string {
  return `${destination}.part`;
}

/** Hashes what a resumed download already has on disk. */
async function hashExisting(file: string, hashes: Hash[]): Promise<void> {
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) for (const h of hashes) h.update(chunk);
}

function diskError(err: unknown, file: string): DownloadError | undefined {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new DownloadError(`The disk is full: ${path.dirname(file)} has no room left for the model. Free some space and run the download again (it resumes).`, 'disk-full');
  }
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return new DownloadError(`Cannot write ${file} (${code}). Choose a models folder you can write to.`, 'disk-full');
  }
  return undefined;
}

/** Downloads `options.url` to `options.destination` (see the module comment). */
export async function downloadModel(options: DownloadOptions): Promise<DownloadResult> {
  const { url, destination, signal } = options;
  const part = partPath(destination);
  const doFetch = options.fetch ?? fetch;
  const retries = options.retries ?? 5;
  await fs.mkdir(path.dirname(destination), { recursive: true });

  let totalBytes: number | undefined;
  let attempt = 0;
  const rate = new RateMeter();
  for (;;) {
    signal?.throwIfAborted();
    const have = (await fs.stat(part).catch(() => undefined))?.size ?? 0;
    if (totalBytes !== undefined && have >= totalBytes) break;
    let response: Response;
    try {
      response = await doFetch(url, { headers: have > 0 ? { range: `bytes=${have}-` } : {}, signal, redirect: 'follow' });
    } catch (err) {
      if (signal?.aborted) throw cancelled(signal);
      if (++attempt > retries) throw new DownloadError(`Cannot reach ${redact(url)}: ${(err as Error).message}`, 'network');
      await sleep((options.retryDelayMs ?? 1000) * 2 ** (attempt - 1), signal).catch(() => {});
      continue;
    }
    if (response.status === 416 && have > 0) {
      // The part file is as long as (or longer than) the file: check it as it is.
      await response.body?.cancel();
      break;
    }
    if (response.status === 404 || response.status === 410) {
      await response.body?.cancel();
      throw new DownloadError(`The model is not at ${redact(url)} (HTTP ${response.status}). Check the download base URL (a mirror may not have this model).`, 'not-found');
    }
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      throw new DownloadError(`Downloading ${redact(url)} failed: HTTP ${response.status} ${response.statusText}`.trim(), 'http');
    }
    const resumed = response.status === 206;
    if (have > 0 && !resumed) await fs.rm(part, { force: true }); // the server ignored Range: start over
    const start = resumed ? have : 0;
    const range = /\/(\d+)\s*$/.exec(response.headers.get('content-range') ?? '');
    const length = Number(response.headers.get('content-length') ?? NaN);
    totalBytes = range ? Number(range[1]) : Number.isFinite(length) ? start + length : totalBytes;

    let received = start;
    const counter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        received += chunk.length;
        options.onProgress?.({ receivedBytes: received, totalBytes, bytesPerSecond: rate.add(chunk.length) });
        done(null, chunk);
      },
    });
    try {
      await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream), counter, createWriteStream(part, { flags: resumed ? 'a' : 'w' }), { signal });
    } catch (err) {
      if (signal?.aborted) throw cancelled(signal);
      const disk = diskError(err, part);
      if (disk) throw disk;
      // A dropped connection: resume from what arrived.
      if (++attempt > retries) throw new DownloadError(`The connection to ${redact(url)} kept dropping (${(err as Error).message}); run the download again to resume.`, 'network');
      await sleep((options.retryDelayMs ?? 1000) * 2 ** (attempt - 1), signal).catch(() => {});
      continue;
    }
    if (totalBytes === undefined || received >= totalBytes) break;
    // The body ended early without an error: resume.
    if (++attempt > retries) throw new DownloadError(`The download of ${redact(url)} kept ending early; run it again to resume.`, 'network');
  }

  const sha1 = createHash('sha1');
  const sha256 = createHash('sha256');
  await hashExisting(part, [sha1, sha256]);
  const result = { sha1: sha1.digest('hex'), sha256: sha256.digest('hex') };
  const sizeBytes = (await fs.stat(part)).size;
  if (totalBytes !== undefined && sizeBytes !== totalBytes) {
    await fs.rm(part, { force: true });
    throw new DownloadError(`The download has ${sizeBytes} bytes instead of ${totalBytes}; the partial file was deleted. Run the download again.`, 'checksum');
  }
  if (options.sha1 && result.sha1 !== options.sha1.toLowerCase()) {
    await fs.rm(part, { force: true });
    throw new DownloadError(
      `The downloaded file's SHA-1 is ${result.sha1}, not the published ${options.sha1.toLowerCase()}: it is damaged or not the published model. The partial file was deleted; run the download again.`,
      'checksum',
    );
  }
  try {
    await fs.rename(part, destination);
  } catch (err) {
    throw diskError(err, destination) ?? err;
  }
  let recordedChecksumFile: string | undefined;
  if (!options.sha1) {
    recordedChecksumFile = `${destination}.sha256`;
    await fs.writeFile(recordedChecksumFile, `${result.sha256}  ${path.basename(destination)}\n`);
  }
  return { path: destination, sizeBytes, ...result, verified: Boolean(options.sha1), ...(recordedChecksumFile && { recordedChecksumFile }) };
}

function cancelled(signal: AbortSignal): DownloadError {
  const reason = signal.reason instanceof Error ? signal.reason.message : 'cancelled';
  return new DownloadError(`The download was cancelled (${reason}); run it again to resume.`, 'cancelled');
}

/** URLs are shown without their query (a mirror's URL may carry a token). */
function redact(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : `${url.slice(0, q)}?…`;
}

/** Bytes per second over a sliding window of a few seconds. */
class RateMeter {
  private readonly samples: { at: number; bytes: number }[] = [];

  add(bytes: number, now = Date.now()): number {
    this.samples.push({ at: now, bytes });
    while (this.samples.length > 1 && now - this.samples[0]!.at > 3000) this.samples.shift();
    const span = Math.max(250, now - this.samples[0]!.at);
    return Math.round((this.samples.reduce((s, x) => s + x.bytes, 0) * 1000) / span);
  }
}

export interface InstallOptions {
  /** A catalogue entry, or {@link otherWhisperModel} for a whisper.cpp file the catalogue does not list. */
  model: CatalogModel;
  modelsDir: string;
  /** Default {@link DEFAULT_MODEL_BASE_URL}. */
  baseUrl?: string;
  signal?: AbortSignal;
  onProgress?: (progress: DownloadProgress) => void;
  /** For tests. */
  retryDelayMs?: number;
}

/**
 * Downloads a model into the models folder ({@link downloadModel}) and checks that what arrived is a complete model
 * of its kind; a file that is not (a mirror answering with an error page, where no checksum is published) is deleted
 * and the {@link DownloadError} says so. The CLI and the extension both install through here.
 */
export async function installModel(options: InstallOptions): Promise<DownloadResult & { url: string }> {
  const { model } = options;
  const url = modelUrl(model, options.baseUrl || DEFAULT_MODEL_BASE_URL);
  const destination = path.join(options.modelsDir, model.fileName);
  const result = await downloadModel({
    url,
    destination,
    sha1: model.sha1,
    signal: options.signal,
    onProgress: options.onProgress,
    ...(options.retryDelayMs !== undefined && { retryDelayMs: options.retryDelayMs }),
  });
  try {
    await checkModelFile(result.path, model.kind);
  } catch (err) {
    if (!(err instanceof ModelFileError)) throw err;
    await fs.rm(result.path, { force: true });
    if (result.recordedChecksumFile) await fs.rm(result.recordedChecksumFile, { force: true });
    throw new DownloadError(`What ${redact(url)} sent is not a usable model (${err.message}); it was deleted. Check the download base URL.`, 'not-a-model');
  }
  return { ...result, url };
}
