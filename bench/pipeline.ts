/**
 * Benchmark of the streaming, segmented pipeline of the local service (long calls and big batches). Every figure is a
 * ratio or a peak measured side by side in this one run, on this machine:
 *
 *   memory      peak RSS of the service process (VmHWM) transcribing the same call repeated to 5, 20, 60 and 180
 *               minutes (44.1 kHz stereo WAV, made streamed in the OS temp folder and deleted after each length; the
 *               3-hour file is ~1.9 GB): the slope must be ≈ 0          target: 60 min < 300 MB, 180 min ≤ 60 min
 *               (every 60 s of a length's run a line shows its RSS so far, so a run cut short still tells)
 *   mono        audio seconds per wall second of the service on one long mono file / of one bare
 *               `pocketsphinx_continuous` on the same 16 kHz audio (a mono file must use every core)   target ≥ 1.7 on 2 cores
 *   stereo      the same for a stereo call against bare pocketsphinx on both channels at once          target ≥ 0.9
 *   batch       wall time of one job of N short files / (sum of bare times / cores)                    target ≤ 1.15
 *   responsive  p50/p99 of GET /transcriptions (list), GET /transcriptions/{id} (get) and a page of its files while
 *               the service works through a job of 1,000 tiny files (0.3 s silences, a spoken word every 20th, three
 *               that are not audio), one request at a time every 50 ms                        target: p99 < 50 ms
 *
 *     npx tsx bench/pipeline.ts [--parts memory,mono,stereo,batch,responsive] [--minutes 5,20,60,180] [--mono-minutes 10] [--files 200]
 *                         [--big-files 1000]
 *                                                                                         (npm run bench:pipeline)
 *   e.g. a quick memory check: --parts memory --minutes 5,20
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { SpeechClient } from '../src/core/client';
import { waitForJob } from '../src/core/jobFlow';
import { PocketsphinxEngine } from '../src/local/engine/pocketsphinx';
import { longScript, makeCall, makeTinyBatch } from '../test/support/audio';
import { startService, type RunningService } from '../test/support/service';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}

function statusMb(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)![1]) / 1024;
}

const peakRssMb = (pid: number): number => statusMb(pid, 'VmHWM');

/** Runs bare pocketsphinx on each raw 16 kHz file at once; resolves with the wall time in ms. */
async function bare(files: string[], parallel = files.length): Promise<number> {
  const engine = new PocketsphinxEngine();
  const started = performance.now();
  const queue = [...files];
  const worker = async (): Promise<void> => {
    for (let file = queue.shift(); file; file = queue.shift()) {
      const { binary, args } = engine.commandLine(file);
      await new Promise<void>((resolve, reject) => {
        const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'ignore'] });
        child.on('error', reject);
        child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${binary} exited with ${code}`))));
      });
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return performance.now() - started;
}

/** Transcribes the files in one job through the service; resolves with the wall time in ms. */
async function throughService(service: RunningService, files: string[]): Promise<number> {
  const client = new SpeechClient({ endpoint: service.endpoint, key: service.key });
  const started = performance.now();
  const job = await client.submit({
    displayName: 'bench',
    locale: 'en-US',
    contentUrls: files.map((f) => pathToFileURL(f).href),
    properties: { timeToLiveHours: 6 },
  });
  const done = await waitForJob(client, job.self!, { minIntervalMs: 200, maxIntervalMs: 1000 });
  const ms = performance.now() - started;
  if (done.status !== 'Succeeded') throw new Error(`job failed: ${JSON.stringify(done.properties.error)}`);
  await client.delete(job.self!);
  return ms;
}

/** A raw 16 kHz mono 16-bit copy of one channel (what bare pocketsphinx reads). */
function rawChannel(input: string, channel: number, out: string): string {
  execFileSync('sox', [input, '-t', 'raw', '-r', '16000', '-b', '16', '-e', 'signed-integer', '-c', '1', out, 'remix', String(channel + 1)]);
  return out;
}

async function main(): Promise<void> {
  const parts = new Set(option('parts', 'memory,mono,stereo,batch,responsive').split(','));
  const bigFiles = Number(option('big-files', '1000'));
  const minutesList = option('minutes', '5,20,60,180').split(',').map(Number);
  const monoMinutes = Number(option('mono-minutes', '10'));
  const fileCount = Number(option('files', '200'));
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-pipeline-'));
  const cores = os.availableParallelism();
  const lines: string[] = [];
  const report = (line: string): void => {
    console.log(line);
    lines.push(line);
  };
  try {
    const call = makeCall(undefined, longScript(2));
    report(`machine: ${cores} cores; base call ${(call.durationMs / 1000).toFixed(1)} s (flite, two voices)`);

    // Memory: the same call repeated to each length, 44.1 kHz stereo WAV, each in a fresh service.
    for (const minutes of parts.has('memory') ? minutesList : []) {
      const repeats = Math.ceil((minutes * 60_000) / call.durationMs);
      const wav = path.join(work, `long-${minutes}.wav`);
      execFileSync('sox', [call.wav, '-r', '44100', '-b', '16', wav, 'repeat', String(repeats - 1), 'trim', '0', String(minutes * 60)]);
      // The 3-hour WAV (~1.9 GB) is over the service's default 1 GiB per input.
      const service = await startService({ args: ['--allow-path', work, '--max-input-mb', '4096'] });
      const started = performance.now();
      const sampler = setInterval(() => {
        const elapsed = (performance.now() - started) / 1000;
        console.log(`  … ${minutes} min: ${elapsed.toFixed(0)} s in, RSS ${statusMb(service.pid, 'VmRSS').toFixed(0)} MB, peak so far ${peakRssMb(service.pid).toFixed(0)} MB`);
      }, 60_000);
      try {
        const ms = await throughService(service, [wav]);
        report(`memory: ${minutes} min 44.1 kHz stereo WAV (${(fs.statSync(wav).size / 1024 ** 2).toFixed(0)} MB): service peak RSS ${peakRssMb(service.pid).toFixed(0)} MB, ${(ms / 1000).toFixed(1)} s (${((minutes * 60_000) / ms).toFixed(1)}× real time)`);
      } finally {
        clearInterval(sampler);
        await service.stop();
        fs.rmSync(wav, { force: true });
      }
    }

    if (parts.has('mono')) {
      // One long mono file: every core against one bare process.
      const monoWav = path.join(work, 'mono.wav');
      const monoRepeats = Math.ceil((monoMinutes * 60_000) / call.durationMs);
      execFileSync('sox', [call.wav, '-r', '16000', '-b', '16', monoWav, 'remix', '1,2', 'repeat', String(monoRepeats - 1), 'trim', '0', String(monoMinutes * 60)]);
      const monoRaw = rawChannel(monoWav, 0, path.join(work, 'mono.raw'));
      const bareMono = await bare([monoRaw]);
      const service = await startService({ args: ['--allow-path', work] });
      const serviceMono = await throughService(service, [monoWav]).finally(() => service.stop());
      report(`mono ${monoMinutes} min: bare pocketsphinx ${(bareMono / 1000).toFixed(1)} s, service ${(serviceMono / 1000).toFixed(1)} s → speed-up ${(bareMono / serviceMono).toFixed(2)}× (target ≥ 1.7 on 2 cores)`);
    }
    if (parts.has('stereo')) {
      // A stereo call: both channels of the bare CLI at once against the service.
      const stereoWav = path.join(work, 'stereo.wav');
      execFileSync('sox', [call.wav, stereoWav, 'repeat', String(Math.ceil((monoMinutes * 60_000) / call.durationMs) - 1), 'trim', '0', String(monoMinutes * 60)]);
      const bareStereo = await bare([0, 1].map((c) => rawChannel(stereoWav, c, path.join(work, `stereo-${c}.raw`))));
      const service = await startService({ args: ['--allow-path', work] });
      const serviceStereo = await throughService(service, [stereoWav]).finally(() => service.stop());
      report(`stereo ${monoMinutes} min: bare pocketsphinx (2 channels at once) ${(bareStereo / 1000).toFixed(1)} s, service ${(serviceStereo / 1000).toFixed(1)} s → ${(bareStereo / serviceStereo).toFixed(2)}× (target ≥ 0.9)`);
    }
    if (parts.has('batch')) {
      // A batch of short files in one job against the bare engine's total over the cores.
      const short = makeCall(undefined, longScript(0.2));
      const files = Array.from({ length: fileCount }, (_, i) => {
        const file = path.join(work, `batch-${i}.wav`);
        fs.copyFileSync(short.wav, file);
        return file;
      });
      const raws = [0, 1].map((c) => rawChannel(short.wav, c, path.join(work, `batch-${c}.raw`)));
      const bareOne = await bare(raws, 1);
      const service = await startService({ args: ['--allow-path', work] });
      const serviceBatch = await throughService(service, files).finally(() => service.stop());
      const ideal = (bareOne * fileCount) / cores;
      report(`batch of ${fileCount} files (${(short.durationMs / 1000).toFixed(1)} s stereo each): service ${(serviceBatch / 1000).toFixed(1)} s, bare total / cores ${(ideal / 1000).toFixed(1)} s → ${(serviceBatch / ideal).toFixed(2)} (target ≤ 1.15)`);
    }
    if (parts.has('responsive')) {
      const batch = makeTinyBatch(bigFiles, { speechEvery: 20 });
      const service = await startService({ args: ['--allow-path', batch.dir] });
      try {
        const client = new SpeechClient({ endpoint: service.endpoint, key: service.key });
        const started = performance.now();
        const job = await client.submit({
          displayName: 'big batch',
          locale: 'en-US',
          contentUrls: batch.files.map((f) => pathToFileURL(f).href),
          properties: { timeToLiveHours: 6 },
        });
        const latencies = { list: [] as number[], get: [] as number[], files: [] as number[] };
        const timed = async <T>(into: number[], request: () => Promise<T>): Promise<T> => {
          const t = performance.now();
          const answer = await request();
          into.push(performance.now() - t);
          return answer;
        };
        for (;;) {
          await timed(latencies.list, () => client.listPage({ top: 10 }));
          await timed(latencies.files, () => client.listFilesPage(job.self!, { top: 100 }));
          const { transcription } = await timed(latencies.get, () => client.get(job.self!));
          if (transcription.status === 'Succeeded' || transcription.status === 'Failed') break;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        const seconds = (performance.now() - started) / 1000;
        const p = (values: number[], q: number): string => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))]!.toFixed(1);
        const line = (name: string, values: number[]): string => `${name} p50 ${p(values, 0.5)} ms, p99 ${p(values, 0.99)} ms (${values.length} requests)`;
        report(`responsive: job of ${bigFiles} tiny files done in ${seconds.toFixed(1)} s; ${line('list', latencies.list)}; ${line('get', latencies.get)}; ${line('files page', latencies.files)} (target p99 < 50 ms)`);
      } finally {
        await service.stop();
      }
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
