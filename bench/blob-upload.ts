/**
 * Upload benchmark against a real Azurite: peak memory and time of uploadForTranscription for a long stereo call,
 * side by side with the naive way (read the whole file, upload the buffer). Each variant runs in its own process so
 * its peak RSS is its own.
 *
 *   npx tsx bench/blob-upload.ts [minutes of audio, default 30]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { blobTarget, uploadForTranscription } from '../src/core/blob';
import { startAzurite } from '../test/support/azurite';

interface Measurement {
  variant: string;
  ms: number;
  /** Peak resident set size minus the RSS before the upload, in MiB. */
  peakExtraMiB: number;
}

const VARIANTS: Record<string, (connectionString: string, file: string) => Promise<unknown>> = {
  'uploadForTranscription, 4 MiB blocks, concurrency 4': (cs, file) =>
    uploadForTranscription(blobTarget(cs, 'bench'), [{ path: file }], { ttlHours: 6 }),
  'uploadForTranscription, 4 MiB blocks, concurrency 1': (cs, file) =>
    uploadForTranscription(blobTarget(cs, 'bench'), [{ path: file }], { ttlHours: 6, concurrency: 1 }),
  'naive: readFile + uploadData': async (cs, file) => {
    const target = blobTarget(cs, 'bench');
    await target.container.createIfNotExists();
    await target.container.getBlockBlobClient(`naive/${path.basename(file)}`).uploadData(await fs.promises.readFile(file));
  },
};

/** Child process: runs one variant, prints its Measurement as JSON. */
async function measure(variant: string, connectionString: string, file: string): Promise<void> {
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
  const start = performance.now();
  await VARIANTS[variant](connectionString, file);
  const ms = performance.now() - start;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  const result: Measurement = { variant, ms, peakExtraMiB: (peak - before) / 2 ** 20 };
  process.stdout.write(JSON.stringify(result));
}

async function main(): Promise<void> {
  const minutes = Number(process.argv[2] ?? 30);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'speech-batch-bench-'));
  const file = path.join(dir, 'long-call.wav');
  execFileSync('sox', ['-n', '-r', '16000', '-c', '2', '-b', '16', file, 'synth', String(minutes * 60), 'pinknoise', 'vol', '0.1']);
  const size = fs.statSync(file).size;
  const azurite = await startAzurite();
  try {
    console.log(`upload of a ${minutes} min stereo call (${(size / 2 ** 20).toFixed(1)} MiB) to Azurite on this machine`);
    const results: Measurement[] = [];
    for (const variant of Object.keys(VARIANTS)) {
      const child = spawnSync(process.execPath, [...process.execArgv, __filename, '--child', variant, azurite.connectionString, file], {
        encoding: 'utf8',
      });
      if (child.status !== 0) throw new Error(`${variant} failed:\n${child.stderr}`);
      results.push(JSON.parse(child.stdout) as Measurement);
    }
    const [streamed] = results;
    for (const r of results) {
      console.log(
        `${r.variant.padEnd(52)} ${(r.ms / 1000).toFixed(2).padStart(6)} s  ${((size / 2 ** 20) / (r.ms / 1000)).toFixed(0).padStart(4)} MiB/s` +
          `  peak extra RSS ${r.peakExtraMiB.toFixed(1).padStart(6)} MiB  (${(r.peakExtraMiB / streamed.peakExtraMiB).toFixed(1)}x, time ${(r.ms / streamed.ms).toFixed(2)}x)`,
      );
    }
  } finally {
    await azurite.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') {
  void measure(process.argv[3], process.argv[4], process.argv[5]);
} else {
  void main();
}
