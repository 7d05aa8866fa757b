/**
 * Worker threads for the CPU-heavy steps of recognition (./worker.ts), so that a long or hostile file never stalls
 * the thread that answers HTTP. Threads start on first use and are kept (unreferenced while idle, so they never keep
 * the process alive); a task whose signal aborts terminates its thread, and a new one starts for the next task.
 *
 * Protocol: the main thread posts a {@link WorkerTask}; the worker answers one {@link WorkerReply} with the same id.
 * A streaming task ('segment') first posts any number of {@link WorkerPartial}s; the main thread acknowledges each
 * with a {@link WorkerAck} once it is done with it, and the worker keeps only a bounded number unacknowledged.
 */
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { AudioFormatError } from './types';

export interface WorkerTask {
  id: number;
  kind: 'segment' | 'voice' | 'result';
  request: unknown;
}

/** A piece of a streaming task's output, before its reply. */
export interface WorkerPartial {
  id: number;
  partial: unknown;
}

/** The main thread is done with one partial of task `ack`. */
export interface WorkerAck {
  ack: number;
}

export type WorkerReply =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: { name: string; message: string; code?: string } };

/** Where the worker's code is: the bundle next to the service's (dist/local-worker.js), or the source under tsx. */
function workerScript(): { filename: string; eval: boolean } {
  if (__filename.endsWith('.ts')) {
    // Tests and the benchmark run the TypeScript sources through tsx: the worker registers it too.
    // (createRequire keeps the bundler from following `tsx`, which the bundle never needs.)
    const tsx = createRequire(__filename).resolve('tsx/cjs');
    const code = `require(${JSON.stringify(tsx)}); require(${JSON.stringify(path.join(__dirname, 'worker.ts'))});`;
    return { filename: code, eval: true };
  }
  return { filename: path.join(__dirname, 'local-worker.js'), eval: false };
}

function toError(error: { name: string; message: string; code?: string }): Error {
  if (error.name === 'AudioFormatError') return new AudioFormatError(error.message, error.code as AudioFormatError['code']);
  return new Error(error.message);
}

/**
 * Young-generation size of a worker thread, MB. V8 grows it (up to 48 MB by default on 64-bit) while a thread
 * allocates fast, and keeps it: writing the result file of a long call made ~30 MB of short-lived strings and grew
 * the process by that much at the very end of the file. The workers' short-lived objects are small (audio lives in
 * ArrayBuffers outside the heap), so a small young generation costs little CPU and keeps memory flat.
 */
const WORKER_YOUNG_GENERATION_MB = 8;

export class AudioWorkers {
  private readonly all = new Set<Worker>();
  /** The error a worker died of (its `exit` follows). */
  private readonly crashes = new WeakMap<Worker, Error>();
  private readonly idle: Worker[] = [];
  private readonly waiting: { grant: (worker: Worker) => void; fail: (err: Error) => void }[] = [];
  private nextId = 1;
  private closed = false;
  private readonly script = workerScript();

  constructor(readonly size: number) {
    if (!(Number.isInteger(size) && size >= 1)) throw new RangeError(`worker count must be a positive integer (got ${size})`);
  }

  /**
   * Runs one task on a free worker thread (waiting for one if all are busy) and resolves with its result. `transfer`
   * lists buffers of `request` moved to the worker (no copy; unusable here afterwards). When `signal` aborts, the
   * worker is terminated and the promise rejects with `signal.reason`.
   */
  async run<T>(
    kind: WorkerTask['kind'],
    request: unknown,
    transfer: ArrayBuffer[] = [],
    signal?: AbortSignal,
    /** Receives each partial of a streaming task; `ack()` tells the worker it may send another. */
    onPartial?: (partial: unknown, ack: () => void) => void,
  ): Promise<T> {
    signal?.throwIfAborted();
    const worker = await this.acquire(signal);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const finish = (keep: boolean): void => {
        worker.off('message', onMessage);
        worker.off('exit', onExit);
        signal?.removeEventListener('abort', onAbort);
        if (keep) this.release(worker);
        else void worker.terminate();
      };
      const onMessage = (reply: WorkerReply | WorkerPartial): void => {
        if (reply.id !== id) return;
        if ('partial' in reply) {
          let acked = false;
          onPartial?.(reply.partial, () => {
            if (acked) return;
            acked = true;
            worker.postMessage({ ack: id } satisfies WorkerAck);
          });
          return;
        }
        finish(true);
        if (reply.ok) resolve(reply.result as T);
        else reject(toError(reply.error));
      };
      const onExit = (code: number): void => {
        finish(false);
        const crash = this.crashes.get(worker);
        reject(
          this.closed
            ? new Error('the recogniser was closed')
            : new Error(`the audio worker stopped unexpectedly (${crash ? crash.message : `exit code ${code}`})`),
        );
      };
      const onAbort = (): void => {
        finish(false);
        reject(signal!.reason);
      };
      worker.on('message', onMessage);
      worker.once('exit', onExit);
      signal?.addEventListener('abort', onAbort, { once: true });
      worker.ref();
      worker.postMessage({ id, kind, request } satisfies WorkerTask, transfer);
    });
  }

  /** Terminates every worker; waiting and later tasks reject. */
  async close(): Promise<void> {
    this.closed = true;
    for (const waiter of this.waiting.splice(0)) waiter.fail(new Error('the recogniser was closed'));
    await Promise.all([...this.all].map((worker) => worker.terminate()));
  }

  private acquire(signal?: AbortSignal): Promise<Worker> {
    if (this.closed) return Promise.reject(new Error('the recogniser was closed'));
    const worker = this.idle.pop() ?? (this.all.size < this.size ? this.spawn() : undefined);
    if (worker) return Promise.resolve(worker);
    return new Promise<Worker>((resolve, reject) => {
      const waiter = {
        grant: (granted: Worker): void => {
          signal?.removeEventListener('abort', onAbort);
          resolve(granted);
        },
        fail: reject,
      };
      const onAbort = (): void => {
        this.waiting.splice(this.waiting.indexOf(waiter), 1);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(waiter);
    });
  }

  private release(worker: Worker): void {
    const waiter = this.waiting.shift();
    if (waiter) waiter.grant(worker);
    else {
      worker.unref();
      this.idle.push(worker);
    }
  }

  private spawn(): Worker {
    const worker = new Worker(this.script.filename, { eval: this.script.eval, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } });
    this.all.add(worker);
    // Errors also end the worker: the task's `exit` handler reports them; an idle worker's are of no consequence.
    worker.on('error', (err) => this.crashes.set(worker, err));
    worker.once('exit', () => {
      this.all.delete(worker);
      const at = this.idle.indexOf(worker);
      if (at >= 0) this.idle.splice(at, 1);
      // A replacement for a task that waits.
      if (!this.closed && this.waiting.length > 0) this.release(this.spawn());
    });
    return worker;
  }
}
