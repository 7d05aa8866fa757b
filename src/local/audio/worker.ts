/**
 * Entry point of the local service's audio worker threads (bundled as dist/local-worker.js): runs the CPU-heavy
 * steps of recognition — decoding, resampling, silence shortening, PCM conversion, diarization, building and
 * serialising the result file — so that the service's main thread only answers HTTP and moves data. One task at a
 * time; see ./workerPool.ts for the protocol.
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import type { Utterance } from '../engine/types';
import { diarize } from '../recognition/diarize';
import { buildResultFile, type ResultFileInput } from '../recognition/result-file';
import { prepareChannel, type PrepareRequest } from './prepare';
import type { WorkerReply, WorkerTask } from './workerPool';

async function perform(task: WorkerTask): Promise<{ result: unknown; transfer: ArrayBuffer[] }> {
  switch (task.kind) {
    case 'prepare': {
      const prepared = await prepareChannel(task.request as PrepareRequest);
      const transfer = [prepared.pcm.buffer, ...(prepared.resampled ? [prepared.resampled.buffer] : [])] as ArrayBuffer[];
      return { result: prepared, transfer };
    }
    case 'result': {
      const file = buildResultFile(task.request as ResultFileInput);
      return { result: { json: JSON.stringify(file, null, 2), durationMilliseconds: file.durationMilliseconds ?? 0 }, transfer: [] };
    }
    case 'diarize': {
      const { samples, utterances, maxSpeakers } = task.request as { samples: Float32Array; utterances: Utterance[]; maxSpeakers: number };
      return { result: diarize(samples, utterances, maxSpeakers), transfer: [] };
    }
  }
}

const port = parentPort;
if (!port) throw new Error('the audio worker runs in a worker thread only');

/**
 * This thread yields the CPU to the thread that answers HTTP: on Linux a thread has its own nice value, set through
 * its thread id (/proc/thread-self -> "<pid>/task/<tid>"). Elsewhere the worker keeps the process's priority.
 */
function lowerPriority(): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, WORKER_NICE);
  } catch {
    // not Linux, or not permitted: the same priority as the service
  }
}
const WORKER_NICE = 10;
lowerPriority();
port.on('message', (task: WorkerTask) => {
  perform(task).then(
    ({ result, transfer }) => port.postMessage({ id: task.id, ok: true, result } satisfies WorkerReply, transfer),
    (err: Error & { code?: string }) =>
      port.postMessage({ id: task.id, ok: false, error: { name: err.name, message: err.message, code: err.code } } satisfies WorkerReply),
  );
});
