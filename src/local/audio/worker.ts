/**
 * Entry point of the local service's audio worker threads (bundled as dist/local-worker.js): runs the CPU-heavy
 * steps of recognition — streamed decoding, resampling, segmenting, silence shortening, PCM conversion, voice
 * statistics for diarization, building and serialising the result file — so that the service's main thread only answers HTTP and moves data. One task at a time; see
 * ./workerPool.ts for the protocol.
 */
import { readlinkSync } from 'node:fs';
import { closeSync, openSync, writeSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { voiceStatistics, type VoiceRequest } from '../recognition/diarize';
import { writeResultFile, type ResultFileInput } from '../recognition/result-file';
import { segmentFile, type SegmentFileRequest } from './segmentFile';
import type { WorkerAck, WorkerPartial, WorkerReply, WorkerTask } from './workerPool';

/** Segments sent but not yet acknowledged by the main thread: bounds the memory of a file in flight. */
const MAX_UNACKNOWLEDGED = 4;

const port = parentPort;
if (!port) throw new Error('the audio worker runs in a worker thread only');

async function perform(task: WorkerTask): Promise<{ result: unknown; transfer: ArrayBuffer[] }> {
  switch (task.kind) {
    case 'segment': {
      let unacknowledged = 0;
      let wake: (() => void) | undefined;
      const onAck = (message: WorkerAck | WorkerTask): void => {
        if ('ack' in message && message.ack === task.id) {
          unacknowledged--;
          wake?.();
        }
      };
      port!.on('message', onAck);
      try {
        const result = await segmentFile(task.request as SegmentFileRequest, async (segment) => {
          while (unacknowledged >= MAX_UNACKNOWLEDGED) await new Promise<void>((resolve) => (wake = resolve));
          unacknowledged++;
          port!.postMessage({ id: task.id, partial: segment } satisfies WorkerPartial, [segment.pcm.buffer as ArrayBuffer]);
        });
        return { result, transfer: [] };
      } finally {
        port!.off('message', onAck);
      }
    }
    case 'voice':
      return { result: voiceStatistics(task.request as VoiceRequest), transfer: [] };
    case 'result': {
      const { writeTo, ...input } = task.request as ResultFileInput & { writeTo: string };
      // Written piece by piece as it is made: the finished transcript is never in memory whole.
      const fd = openSync(writeTo, 'w', 0o600);
      let bytes = 0;
      try {
        writeResultFile(input, (piece) => {
          writeSync(fd, piece);
          bytes += piece.byteLength;
        });
      } finally {
        closeSync(fd);
      }
      return { result: { json: { file: writeTo, bytes }, durationMilliseconds: Math.round(input.durationMs), warnings: input.warnings ?? [] }, transfer: [] };
    }
  }
}

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

port.on('message', (task: WorkerTask | WorkerAck) => {
  if ('ack' in task) return; // for the streaming task it belongs to
  perform(task).then(
    ({ result, transfer }) => port.postMessage({ id: task.id, ok: true, result } satisfies WorkerReply, transfer),
    (err: Error & { code?: string }) =>
      port.postMessage({ id: task.id, ok: false, error: { name: err.name, message: err.message, code: err.code } } satisfies WorkerReply),
  );
});
