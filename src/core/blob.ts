/**
 * Uploading audio to Azure Blob Storage for batch transcription, and the SAS URLs the Speech service reads it with.
 *
 * A {@link BlobTarget} is a container plus the credential to write to it, made from either
 *
 * - a storage **connection string with an account key** (`AccountName=…;AccountKey=…`): the container is created when
 *   missing, and every uploaded blob gets its own **read-only** SAS (`sp=r`, `sr=b`) that expires `ttlHours` + 1 h
 *   from now and is HTTPS-only whenever the endpoint is HTTPS. This is the recommended setup.
 * - a **container SAS URL** (`https://<account>.blob.core.windows.net/<container>?sv=…&sp=…&sig=…`), or a connection
 *   string with `SharedAccessSignature=` (an account SAS). A SAS cannot sign other SAS, so the read URL of a blob is
 *   the blob URL with that same SAS: it carries all of the SAS's permissions and expires when the SAS does. Needed
 *   permissions (`sp`):
 *   - `r` read: the Speech service downloads the audio with it (required);
 *   - `c` create or `w` write: upload (required);
 *   - `d` delete: remove uploads after cancelling or with {@link deleteUploads};
 *   - `l` list: only for {@link containerSasForListing} (`contentContainerUrl` jobs).
 *   The container must exist already (a container SAS cannot create it).
 *
 * Secrets: connection strings, account keys and SAS signatures never appear in the messages of the errors thrown
 * here; log URLs through `redactUrl` (./redact).
 *
 * Memory: files go up in blocks of `blockSizeBytes` (default 4 MiB; smaller files in one request), with at most
 * `concurrency` (default 4) requests in flight over all files. Each request streams its block from disk through a
 * 64 KiB read buffer rather than holding the block, so memory does not grow with file size: bench/blob-upload.ts
 * measured a peak of about 40 MiB above the starting RSS (SDK and HTTP included) for 110 MiB and 330 MiB calls alike,
 * where reading the file and uploading the buffer took 337 MiB for the 330 MiB call.
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  BlobSASPermissions,
  BlobServiceClient,
  ContainerClient,
  ContainerSASPermissions,
  RestError,
  SASProtocol,
  StorageSharedKeyCredential,
  generateBlobSASQueryParameters,
} from '@azure/storage-blob';
import { AUDIO_EXTENSIONS, audioContentType, isAudioPath } from './audioFiles';
import { BlobStorageError, toStorageError } from './blobErrors';
import { redactUrl } from './redact';

export { BlobStorageError } from './blobErrors';

/** Extra lifetime of a read SAS beyond the job's time to live, so a job that starts late still reads its audio. */
export const SAS_MARGIN_HOURS = 1;
/** Default size of the blocks a file is uploaded in. */
export const DEFAULT_BLOCK_SIZE_BYTES = 4 * 1024 * 1024;
/** Default number of requests in flight at once, over all files of one upload. */
export const DEFAULT_CONCURRENCY = 4;

/** What a SAS grants, as far as its query tells (a stored access policy, `si`, may define both instead). */
interface SasGrant {
  /** `sp`, e.g. `rcwdl`. */
  readonly permissions?: string;
  readonly expiresOn?: Date;
}

/** A container to upload to, with the credential to do so. Build one with {@link blobTarget}. */
export type BlobTarget = (
  | { readonly kind: 'sharedKey'; readonly credential: StorageSharedKeyCredential }
  | { readonly kind: 'sas'; readonly sas: SasGrant }
) & {
  readonly container: ContainerClient;
  /** The container URL without any query: safe to show. */
  readonly containerUrl: string;
  /** The secret values (account key, SAS signature) to mask in any text shown to users. */
  readonly secrets: readonly string[];
};

/** One file to upload; `name` (default: the file's base name) becomes the last segment of the blob name. */
export interface UploadFile {
  path: string;
  name?: string;
}

export interface UploadOptions {
  /** Hours the read URLs must stay valid: the job's `timeToLiveHours`. They expire {@link SAS_MARGIN_HOURS} later. */
  ttlHours: number;
  /** Called as bytes reach the storage; `sentBytes` counts all files and never decreases. */
  onProgress?(sentBytes: number, totalBytes: number, file: UploadFile): void;
  /** Aborts the upload; blobs of this upload that were already written are deleted, then it rejects (AbortError). */
  signal?: AbortSignal;
  /** Most requests in flight at once over all files. Default {@link DEFAULT_CONCURRENCY}. */
  concurrency?: number;
  /** Block size; files up to this size go in one request. Default {@link DEFAULT_BLOCK_SIZE_BYTES}. */
  blockSizeBytes?: number;
  /** Put before the per-upload folder, e.g. `calls/` gives `calls/<yyyy-mm-dd>/<uuid>/<name>`. */
  prefix?: string;
}

export interface UploadedBlob {
  /** `<prefix><yyyy-mm-dd>/<uuid>/<name>` (UTC date), unique per upload. */
  blobName: string;
  /** URL the Speech service reads the audio from (`contentUrls`). Secret: log through `redactUrl`. */
  readUrl: string;
  /** When `readUrl` stops working; with a container SAS, when that SAS expires (possibly before the job's TTL). */
  expiresOn: Date;
}

/**
 * A target from what a user pasted: a container SAS URL (starts with `https://` or `http://`), or a storage
 * connection string plus the container to use (the `speechBatch.azure.container` setting).
 */
export function blobTarget(connectionStringOrSasUrl: string, containerName: string): BlobTarget {
  const value = connectionStringOrSasUrl.trim();
  return /^https?:\/\//i.test(value)
    ? blobTargetFromContainerSasUrl(value)
    : blobTargetFromConnectionString(value, containerName);
}

/** A target from a storage connection string (account key, SAS, or `UseDevelopmentStorage=true`) and a container. */
export function blobTargetFromConnectionString(connectionString: string, containerName: string): BlobTarget {
  checkContainerName(containerName);
  let service: BlobServiceClient;
  try {
    service = BlobServiceClient.fromConnectionString(connectionString);
  } catch {
    throw new BlobStorageError(
      'The storage connection string is not valid. Copy it from the storage account in the Azure portal ' +
        '(Security + networking › Access keys › Connection string).',
      'InvalidConnectionString',
    );
  }
  const container = service.getContainerClient(containerName);
  if (service.credential instanceof StorageSharedKeyCredential) {
    return {
      kind: 'sharedKey',
      credential: service.credential,
      container,
      containerUrl: withoutQuery(container.url),
      secrets: [/AccountKey=([^;]+)/i.exec(connectionString)?.[1] ?? ''],
    };
  }
  return sasTarget(container, 'connection string');
}

/** A target from a container SAS URL; checks that it grants read and create/write and has not expired. */
export function blobTargetFromContainerSasUrl(sasUrl: string): BlobTarget {
  let url: URL;
  try {
    url = new URL(sasUrl);
  } catch {
    throw new BlobStorageError('The container SAS URL is not a valid URL.', 'InvalidSasUrl');
  }
  const resource = url.searchParams.get('sr');
  if (resource !== null && resource !== 'c') {
    throw new BlobStorageError(
      `The SAS URL is for ${resource === 'b' ? 'a single blob' : `resource "${resource}"`}; a container SAS (sr=c) is needed.`,
      'InvalidSasUrl',
    );
  }
  let container: ContainerClient | undefined;
  try {
    container = new ContainerClient(url.toString());
  } catch {
    // The client cannot find a container name in the path.
  }
  if (!container?.containerName) {
    throw new BlobStorageError(`The SAS URL ${redactUrl(sasUrl)} names no container.`, 'InvalidSasUrl');
  }
  checkContainerName(container.containerName);
  return sasTarget(container, 'SAS URL');
}

function sasTarget(container: ContainerClient, what: string): BlobTarget {
  const params = new URL(container.url).searchParams;
  if (!params.get('sig')) {
    throw new BlobStorageError(`The storage ${what} has no SAS signature (sig) and no account key.`, 'InvalidSasUrl');
  }
  const expiry = params.get('se');
  const sas: SasGrant = {
    permissions: params.get('sp') ?? undefined,
    expiresOn: expiry ? new Date(expiry) : undefined,
  };
  if (sas.expiresOn && sas.expiresOn.getTime() <= Date.now()) {
    throw new BlobStorageError(
      `The storage SAS expired on ${sas.expiresOn.toISOString()}. Create a new one.`,
      'SasExpired',
    );
  }
  requirePermission(sas, 'r', 'the Speech service reads the uploaded audio with it');
  requirePermission(sas, 'cw', 'uploading audio');
  return { kind: 'sas', sas, container, containerUrl: withoutQuery(container.url), secrets: [params.get('sig')!] };
}

/** Throws unless the SAS grants at least one of `anyOf` (permission letters); passes for stored access policies. */
function requirePermission(sas: SasGrant, anyOf: string, purpose: string): void {
  if (sas.permissions === undefined || [...anyOf].some((letter) => sas.permissions!.includes(letter))) return;
  const wanted = [...anyOf].map((letter) => `"${letter}"`).join(' or ');
  throw new BlobStorageError(
    `The storage SAS grants "${sas.permissions}" but ${purpose} needs ${wanted}. ` +
      'Create a container SAS with read, create, write, delete and list (sp=rcwdl).',
    'MissingPermission',
  );
}

function checkContainerName(name: string): void {
  if (!/^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$/.test(name)) {
    throw new BlobStorageError(
      `"${name}" is not a valid blob container name: use 3 to 63 lower-case letters, digits and single hyphens.`,
      'InvalidContainerName',
    );
  }
}

/**
 * Uploads audio files under a new folder `<prefix><yyyy-mm-dd>/<uuid>/` and returns, in the order of `files`, each
 * blob's name and the URL the Speech service reads it from. Files are checked before anything is uploaded (exist,
 * not empty, an accepted audio type). On failure or abort, the blobs this call wrote are deleted (best effort) before it rejects.
 */
export async function uploadForTranscription(
  target: BlobTarget,
  files: readonly UploadFile[],
  options: UploadOptions,
): Promise<UploadedBlob[]> {
  checkTtl(options.ttlHours);
  const sizes = files.map(checkFile);
  const totalBytes = sizes.reduce((sum, size) => sum + size, 0);
  const blobNames = uniqueBlobNames(files, options.prefix ?? '');
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? DEFAULT_CONCURRENCY));
  const blockSize = options.blockSizeBytes ?? DEFAULT_BLOCK_SIZE_BYTES;
  throwIfAborted(options.signal);
  if (files.length === 0) return [];

  if (target.kind === 'sharedKey') {
    await storageCall(
      target,
      'creating the container',
      () => target.container.createIfNotExists({ abortSignal: options.signal }),
      options.signal,
    );
  }

  const stop = new AbortController();
  const onAbort = () => stop.abort();
  options.signal?.addEventListener('abort', onAbort);
  const sent = files.map(() => 0);
  const report = (index: number, loaded: number) => {
    if (loaded <= sent[index]) return;
    sent[index] = loaded;
    options.onProgress?.(
      sent.reduce((sum, bytes) => sum + bytes, 0),
      totalBytes,
      files[index],
    );
  };

  const workers = Math.min(concurrency, files.length);
  const blockConcurrency = Math.max(1, Math.floor(concurrency / workers));
  /** Blobs that may exist: uploaded, or cut off before the storage answered. */
  const written: string[] = [];
  let failure: unknown;
  let next = 0;
  const worker = async () => {
    while (failure === undefined && !stop.signal.aborted && next < files.length) {
      const index = next++;
      const blobName = blobNames[index];
      try {
        await target.container.getBlockBlobClient(blobName).uploadFile(files[index].path, {
          blockSize,
          maxSingleShotSize: blockSize,
          concurrency: blockConcurrency,
          abortSignal: stop.signal,
          blobHTTPHeaders: { blobContentType: audioContentType(blobName) },
          onProgress: (progress) => report(index, progress.loadedBytes),
        });
        written.push(blobName);
        report(index, sizes[index]);
      } catch (err) {
        // A refused request (an HTTP status) wrote nothing visible: staged blocks without a commit are not a blob.
        if (!(err instanceof RestError && err.statusCode !== undefined)) written.push(blobName);
        failure ??= err;
        stop.abort();
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: workers }, worker));
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }

  if (failure !== undefined || options.signal?.aborted) {
    const leftBehind = await deleteQuietly(target, written);
    const error = options.signal?.aborted ? cancelled() : toStorageError(failure, target, 'uploading audio');
    if (leftBehind > 0) {
      error.message += ` ${leftBehind} uploaded blob(s) could not be removed from ${target.containerUrl}.`;
    }
    throw error;
  }
  const expiresOn = new Date(Date.now() + (options.ttlHours + SAS_MARGIN_HOURS) * 3_600_000);
  return blobNames.map((blobName) => ({
    blobName,
    ...readAccess(target, blobName, expiresOn),
  }));
}

/**
 * The URL to read one blob with until `expiresOn`: a fresh read-only SAS with an account key; with a SAS target, the
 * blob URL with the target's SAS (valid until the SAS expires, whatever `expiresOn` asks).
 */
export function blobReadUrl(target: BlobTarget, blobName: string, expiresOn: Date): string {
  return readAccess(target, blobName, expiresOn).readUrl;
}

function readAccess(target: BlobTarget, blobName: string, expiresOn: Date): { readUrl: string; expiresOn: Date } {
  const blob = target.container.getBlobClient(blobName);
  if (target.kind === 'sas') {
    return { readUrl: blob.url, expiresOn: target.sas.expiresOn ?? expiresOn };
  }
  const query = generateBlobSASQueryParameters(
    {
      containerName: target.container.containerName,
      blobName,
      permissions: BlobSASPermissions.parse('r'),
      expiresOn,
      protocol: sasProtocol(target),
    },
    target.credential,
  );
  return { readUrl: `${blob.url}?${query.toString()}`, expiresOn };
}

/**
 * A read+list SAS URL of the whole container, for jobs with `contentContainerUrl`. The Speech service transcribes
 * every blob in the container, so use a container that holds only this job's audio.
 */
export function containerSasForListing(target: BlobTarget, ttlHours: number): string {
  checkTtl(ttlHours);
  if (target.kind === 'sas') {
    requirePermission(target.sas, 'r', 'transcribing a container');
    requirePermission(target.sas, 'l', 'transcribing a container');
    return target.container.url;
  }
  const query = generateBlobSASQueryParameters(
    {
      containerName: target.container.containerName,
      permissions: ContainerSASPermissions.parse('rl'),
      expiresOn: new Date(Date.now() + (ttlHours + SAS_MARGIN_HOURS) * 3_600_000),
      protocol: sasProtocol(target),
    },
    target.credential,
  );
  return `${target.container.url}?${query.toString()}`;
}

/** Deletes uploaded blobs (e.g. once their job finished); blobs already gone are fine. */
export async function deleteUploads(target: BlobTarget, blobNames: readonly string[], signal?: AbortSignal): Promise<void> {
  if (target.kind === 'sas') requirePermission(target.sas, 'd', 'deleting uploads');
  for (const blobName of blobNames) {
    const remove = () => target.container.deleteBlob(blobName, { abortSignal: signal }).catch(ignoreNotFound);
    await storageCall(target, `deleting ${blobName}`, remove, signal);
  }
}

/** Deletes what it can; returns how many of the blobs remain (or cannot be checked). */
async function deleteQuietly(target: BlobTarget, blobNames: readonly string[]): Promise<number> {
  let remaining = 0;
  for (const blobName of blobNames) {
    const gone = await deleteUploads(target, [blobName]).then(
      () => true,
      () => target.container.getBlobClient(blobName).exists().then((exists) => !exists, () => false),
    );
    if (!gone) remaining++;
  }
  return remaining;
}

function ignoreNotFound(err: unknown): void {
  if (!(err instanceof RestError && err.statusCode === 404)) throw err;
}

function sasProtocol(target: BlobTarget): SASProtocol {
  return target.containerUrl.startsWith('https:') ? SASProtocol.Https : SASProtocol.HttpsAndHttp;
}

function checkTtl(ttlHours: number): void {
  if (!(Number.isFinite(ttlHours) && ttlHours > 0)) {
    throw new RangeError(`ttlHours must be a positive number of hours, not ${ttlHours}.`);
  }
}

/** Size of a file to upload; throws a BlobStorageError naming the file when it cannot be uploaded. */
function checkFile(file: UploadFile): number {
  const problem = (why: string) => new BlobStorageError(`Cannot upload ${file.path}: ${why}`, 'InvalidFile');
  if (!isAudioPath(file.name ?? file.path)) {
    throw problem(`only audio files (${AUDIO_EXTENSIONS.join(', ')}) can be transcribed.`);
  }
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file.path);
  } catch {
    throw problem('the file does not exist or cannot be read.');
  }
  if (!stat.isFile()) throw problem('it is not a file.');
  if (stat.size === 0) throw problem('the file is empty.');
  return stat.size;
}

/** `<prefix><yyyy-mm-dd>/<uuid>/<name>` for every file; equal names get `-2`, `-3`, … before the extension. */
function uniqueBlobNames(files: readonly UploadFile[], prefix: string): string[] {
  const folder = `${prefix}${new Date().toISOString().slice(0, 10)}/${randomUUID()}/`;
  const taken = new Set<string>();
  return files.map((file) => {
    const base = (file.name ?? path.basename(file.path)).replace(/[\\/]/g, '_');
    const ext = path.extname(base);
    let name = base;
    for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${base.slice(0, base.length - ext.length)}-${n}${ext}`;
    taken.add(name.toLowerCase());
    return folder + name;
  });
}

function withoutQuery(url: string): string {
  const parsed = new URL(url);
  parsed.search = '';
  return parsed.toString();
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw cancelled();
}

function cancelled(): BlobStorageError {
  return new BlobStorageError('Cancelled.', 'Cancelled');
}

/** Runs one storage request, turning its failure into a BlobStorageError that is safe to show. */
async function storageCall<T>(target: BlobTarget, action: string, call: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throwIfAborted(signal);
    throw toStorageError(err, target, action);
  }
}
