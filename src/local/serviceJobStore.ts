/**
 * Persistent job store of the local service. Layout under the data directory:
 *   jobs/<id>.json        one record per transcription (written atomically: temp file + rename)
 *   results/<id>/<name>   its result files (contenturl_<n>.json, report.json)
 *   tmp/                  downloads in progress (emptied at start)
 * Everything lives in memory too, so reads never touch the disk. Changes of one record are serialised, and a
 * change becomes visible only once it is on disk: what a client has seen survives a crash. The one exception is
 * {@link ServiceJobStore.forceUpdate}: a job that ends because its record cannot be written (the disk is full) shows
 * that at once, and the record is written as soon as it can be.
 * Transcripts of calls are personal data: folders are created 0700 and files 0600 (and fixed so at open).
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { redactUrl } from '../core/redact';
import type { AudioWarning, EntityError, FileKind, Status, TranscriptionCreate } from '../core/wire';

/** A result file of a job. */
export interface StoredFile {
  /** GUID: the `fileId` of the files API. */
  id: string;
  /** e.g. `contenturl_0.json`, `report.json`. */
  name: string;
  kind: FileKind;
  size: number;
  createdDateTime: string;
  /** A Transcription file: the length of its audio (listed, so clients can measure progress in audio) and the damage
   * found in it (listed in its `properties`). */
  durationMilliseconds?: number;
  warnings?: AudioWarning[];
}

/** What the service keeps about one transcription. */
export interface ServiceJob {
  id: string;
  /** The validated create request (holds the content URLs, which responses never show). */
  request: TranscriptionCreate;
  status: Status;
  createdDateTime: string;
  lastActionDateTime: string;
  /** Total audio duration of the transcribed files, once finished. */
  durationMilliseconds?: number;
  error?: EntityError;
  files: StoredFile[];
  /** How many times the job went Running (a job that keeps crashing the service is failed, not resumed again). */
  attempts?: number;
  /** Submission order: 1, 2, 3… in this data folder (records written before it existed have none). */
  sequence?: number;
}

const DIR_MODE = 0o700;
const FILE_MODE = 0o600;
/** A file in the data folder whose presence says stored results name their inputs without SAS signatures. */
const SOURCES_REDACTED_MARKER = 'sources-redacted';
/** First and longest wait before writing a record {@link ServiceJobStore.forceUpdate} could not write, again. */
const UNSAVED_RETRY_MS = { first: 500, max: 10_000 };

export class ServiceJobStore {
  private readonly records = new Map<string, ServiceJob>();
  private readonly writes = new Map<string, Promise<void>>();
  /** Records shown but not yet on disk ({@link forceUpdate}), with the timer of their next write. */
  private readonly unsaved = new Map<string, NodeJS.Timeout | undefined>();
  private lastSequence = 0;

  private constructor(
    readonly dataDir: string,
    private readonly log: (message: string) => void,
  ) {}

  /** Opens (creating if needed) the store in `dataDir` and loads every job record. */
  static async open(dataDir: string, log: (message: string) => void = () => {}): Promise<ServiceJobStore> {
    const store = new ServiceJobStore(path.resolve(dataDir), log);
    await fs.mkdir(store.dataDir, { recursive: true, mode: DIR_MODE });
    if (((await fs.stat(store.dataDir)).mode & 0o777) !== DIR_MODE) await restrictTree(store.dataDir, log);
    await fs.mkdir(store.jobsDir, { recursive: true, mode: DIR_MODE });
    await fs.mkdir(store.resultsDir, { recursive: true, mode: DIR_MODE });
    await fs.rm(store.tempDir, { recursive: true, force: true });
    await fs.mkdir(store.tempDir, { recursive: true, mode: DIR_MODE });
    await store.load();
    return store;
  }

  /** Scratch space for downloads; emptied whenever the store opens. */
  get tempDir(): string {
    return path.join(this.dataDir, 'tmp');
  }

  private get jobsDir(): string {
    return path.join(this.dataDir, 'jobs');
  }

  private get resultsDir(): string {
    return path.join(this.dataDir, 'results');
  }

  /** Every job, newest first (by submission order; records from before it was kept by creation time, then id). */
  list(): ServiceJob[] {
    return [...this.records.values()].sort(
      (a, b) => (b.sequence ?? 0) - (a.sequence ?? 0) || b.createdDateTime.localeCompare(a.createdDateTime) || a.id.localeCompare(b.id),
    );
  }

  get(id: string): ServiceJob | undefined {
    return this.records.get(id.toLowerCase());
  }

  /** Stores a new job (status NotStarted) and resolves once it is on disk. */
  async create(request: TranscriptionCreate, now = new Date()): Promise<ServiceJob> {
    const timestamp = isoSeconds(now);
    const record: ServiceJob = {
      id: randomUUID(),
      request,
      status: 'NotStarted',
      createdDateTime: timestamp,
      lastActionDateTime: timestamp,
      files: [],
      sequence: ++this.lastSequence,
    };
    return this.serialize(record.id, async () => {
      await writeAtomic(this.recordFile(record.id), JSON.stringify(record, null, 2));
      this.records.set(record.id, record);
      return record;
    });
  }

  /** Applies `change` to a copy of the job, persists it, then shows it; undefined when the job no longer exists. */
  async update(id: string, change: (record: ServiceJob) => void): Promise<ServiceJob | undefined> {
    const key = id.toLowerCase();
    return this.serialize(key, async () => {
      const current = this.records.get(key);
      if (!current) return undefined;
      const next = structuredClone(current);
      change(next);
      await writeAtomic(this.recordFile(key), JSON.stringify(next, null, 2));
      this.records.set(key, next);
      this.forgetUnsaved(key);
      return next;
    });
  }

  private forgetUnsaved(key: string): void {
    clearTimeout(this.unsaved.get(key));
    this.unsaved.delete(key);
  }

  /**
   * Applies `change` and shows it at once, even when the record cannot be written now (the disk is full): the job
   * must not look Running forever. The write is retried in the background until it succeeds, the record changes
   * again or is deleted; until then a restart finds the record as it was last written.
   */
  forceUpdate(id: string, change: (record: ServiceJob) => void): ServiceJob | undefined {
    const key = id.toLowerCase();
    const current = this.records.get(key);
    if (!current) return undefined;
    const next = structuredClone(current);
    change(next);
    this.records.set(key, next);
    this.saveUnsaved(key, UNSAVED_RETRY_MS.first);
    return next;
  }

  /** Writes the shown record of `key` if it still differs from the disk; retries with growing waits. */
  private saveUnsaved(key: string, waitMs: number): void {
    clearTimeout(this.unsaved.get(key));
    this.unsaved.set(key, undefined);
    void this.serialize(key, async () => {
      const record = this.records.get(key);
      if (!record || !this.unsaved.has(key)) return;
      await writeAtomic(this.recordFile(key), JSON.stringify(record, null, 2));
      if (this.records.get(key) === record) this.unsaved.delete(key);
    }).catch((err: Error) => {
      if (!this.unsaved.has(key)) return;
      this.log(`job ${key}: cannot write its record (${err.message}); trying again in ${waitMs / 1000} s`);
      const timer = setTimeout(() => this.saveUnsaved(key, Math.min(waitMs * 2, UNSAVED_RETRY_MS.max)), waitMs);
      timer.unref();
      this.unsaved.set(key, timer);
    });
  }

  /** Removes the job record and its result files. False when there was no such job. */
  async delete(id: string): Promise<boolean> {
    const key = id.toLowerCase();
    const existed = await this.serialize(key, async () => {
      if (!this.records.has(key)) return false;
      await fs.rm(this.recordFile(key), { force: true });
      this.records.delete(key);
      this.forgetUnsaved(key);
      return true;
    });
    if (existed) await this.clearResults(key);
    return existed;
  }

  /** Writes a result file atomically; resolves with its size in bytes. */
  /**
   * Writes a result file (text), or moves one written at {@link resultTempPath} into place;
   * resolves with its size in bytes.
   */
  async writeResult(id: string, name: string, content: string | { file: string; bytes: number }): Promise<number> {
    const dir = path.join(this.resultsDir, id);
    await fs.mkdir(dir, { recursive: true, mode: DIR_MODE });
    if (typeof content === 'object') {
      try {
        await fs.rename(content.file, path.join(dir, name));
      } catch (err) {
        await fs.rm(content.file, { force: true });
        throw err;
      }
      return content.bytes;
    }
    await writeAtomic(path.join(dir, name), content);
    return Buffer.byteLength(content);
  }

  /** A new path in the store's temp folder (same disk as the results) for a result file written elsewhere. */
  resultTempPath(): string {
    return path.join(this.tempDir, `result-${randomUUID()}.json`);
  }

  /** The content of a result file. */
  readResult(id: string, name: string): Promise<Buffer> {
    return fs.readFile(path.join(this.resultsDir, id, path.basename(name)));
  }

  /**
   * Versions before the marker file existed stored each input's full URL, SAS signature included, in `report.json`
   * and the result files, which content URLs serve without the key. Rewrites those of finished jobs without the
   * query string (as results are written now), once per data folder; resolves with the number of files rewritten.
   */
  async redactStoredSources(): Promise<number> {
    const marker = path.join(this.dataDir, SOURCES_REDACTED_MARKER);
    if (await fs.access(marker).then(() => true, () => false)) return 0;
    let rewritten = 0;
    for (const job of this.list().filter((j) => j.status === 'Succeeded' || j.status === 'Failed')) {
      for (const file of job.files) {
        const content = await this.readResult(job.id, file.name).then(
          (raw) => withRedactedSources(raw.toString('utf8')),
          () => undefined, // deleted meanwhile
        );
        if (content === undefined) continue;
        await writeAtomic(path.join(this.resultsDir, job.id, file.name), content);
        await this.update(job.id, (r) => {
          const stored = r.files.find((f) => f.id === file.id);
          if (stored) stored.size = Buffer.byteLength(content);
        });
        rewritten++;
      }
    }
    await fs.writeFile(marker, '', { mode: FILE_MODE });
    return rewritten;
  }

  /** Removes every result file of a job (before a rerun, or when it is deleted). */
  async clearResults(id: string): Promise<void> {
    await fs.rm(path.join(this.resultsDir, id), { recursive: true, force: true });
  }

  /** Waits for every pending write, and tries once more to write records not yet on disk (shutdown). */
  async flush(): Promise<void> {
    for (const key of this.unsaved.keys()) this.saveUnsaved(key, UNSAVED_RETRY_MS.max);
    await Promise.all(this.writes.values());
    for (const timer of this.unsaved.values()) clearTimeout(timer);
  }

  /** Runs `task` after every earlier task of the same record has ended (whether it succeeded or not). */
  private serialize<T>(id: string, task: () => Promise<T>): Promise<T> {
    const result = (this.writes.get(id) ?? Promise.resolve()).then(task);
    const settled = result.then(
      () => {},
      () => {},
    );
    this.writes.set(id, settled);
    void settled.then(() => {
      if (this.writes.get(id) === settled) this.writes.delete(id);
    });
    return result;
  }

  private recordFile(id: string): string {
    return path.join(this.jobsDir, `${id}.json`);
  }

  private async load(): Promise<void> {
    for (const name of await fs.readdir(this.jobsDir)) {
      const file = path.join(this.jobsDir, name);
      if (!name.endsWith('.json')) {
        await fs.rm(file, { force: true }); // an interrupted atomic write
        continue;
      }
      try {
        const record = JSON.parse(await fs.readFile(file, 'utf8')) as ServiceJob;
        if (typeof record.id !== 'string' || typeof record.status !== 'string' || !record.request) throw new Error('not a job record');
        this.records.set(record.id, record);
        this.lastSequence = Math.max(this.lastSequence, record.sequence ?? 0);
      } catch (err) {
        this.log(`skipping unreadable job record ${name}: ${(err as Error).message}`);
      }
    }
  }
}

/** ISO 8601 without fractions, as the service writes timestamps ("2024-11-15T10:20:30Z"). */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A result or report file's JSON with every `source` cut to its redacted form; undefined when nothing changes. */
function withRedactedSources(text: string): string | undefined {
  if (!/[?&]sig=/i.test(text)) return undefined;
  let json: { source?: unknown; details?: { source?: unknown }[] };
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof json.source === 'string') json.source = redactUrl(json.source);
  for (const detail of Array.isArray(json.details) ? json.details : []) {
    if (typeof detail.source === 'string') detail.source = redactUrl(detail.source);
  }
  return JSON.stringify(json, null, 2);
}

/** Gives every folder under (and including) `root` mode 0700 and every file 0600: data folders of older versions. */
async function restrictTree(root: string, log: (message: string) => void): Promise<void> {
  await fs.chmod(root, DIR_MODE);
  for (const entry of await fs.readdir(root, { withFileTypes: true, recursive: true })) {
    const file = path.join(entry.parentPath, entry.name);
    if (entry.isDirectory()) await fs.chmod(file, DIR_MODE);
    else if (entry.isFile()) await fs.chmod(file, FILE_MODE);
  }
  log(`made ${root} readable by its owner only`);
}

/** Writes `content` to a temp file next to `file` and renames it over `file`: readers never see half a file. */
async function writeAtomic(file: string, content: string): Promise<void> {
  const temp = `${file}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`;
  try {
    await fs.writeFile(temp, content, { mode: FILE_MODE });
    await fs.rename(temp, file);
  } catch (err) {
    await fs.rm(temp, { force: true });
    throw err;
  }
}
