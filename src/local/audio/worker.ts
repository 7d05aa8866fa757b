/**
 * Entry point of the local service's audio worker threads (bundled as dist/local-worker.js): runs the CPU-heavy
 * steps of recognition — decoding, resampling, silence shortening, PCM conversion, diarization — so that the
 * service's main thread only answers HTTP and moves data. One task at a time; see ./workerPool.ts for the protocol.
 */
import { parentPort } from 'node:worker_threads';
import type { Utterance } from '../engine/types';
import { diarize } from '../recognition/diarize';
import { prepareChannel, type PrepareRequest } from './prepare';
import type { WorkerReply, WorkerTask } from './workerPool';

async function perform(task: WorkerTask): Promise<{ result: unknown; transfer: ArrayBuffer[] }> {
  switch (task.kind) {
    case 'prepare': {
      const prepared = await prepareChannel(task.request as PrepareRequest);
      const transfer = [prepared.pcm.buffer, ...(prepared.resampled ? [prepared.resampled.buffer] : [])] as ArrayBuffer[];
      return { result: prepared, transfer };
    }
    case 'diarize': {
      const { samples, utterances, maxSpeakers } = task.request as { samples: Float32Array; utterances: Utterance[]; maxSpeakers: number };
      return { result: diarize(samples, utterances, maxSpeakers), transfer: [] };
    }
  }
}

const port = parentPort;
if (!port) throw new Error('the audio worker runs in a worker thread only');
port.on('message', (task: WorkerTask) => {
  perform(task).then(
    ({ result, transfer }) => port.postMessage({ id: task.id, ok: true, result } satisfies WorkerReply, transfer),
    (err: Error & { code?: string }) =>
      port.postMessage({ id: task.id, ok: false, error: { name: err.name, message: err.message, code: err.code } } satisfies WorkerReply),
  );
});
