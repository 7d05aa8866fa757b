/**
 * Benchmark of the local recogniser on a stereo flite call of several minutes. Prints, measured side by side in one
 * run on the same audio:
 *
 *   (a) real-time factor: Recognizer wall time / audio length                                  target ≤ 0.25
 *   (b) service overhead: end-to-end service time (submit → Succeeded → result fetched, through the real HTTP
 *       service) / bare `pocketsphinx_continuous` on the same two 16 kHz mono channels, run in parallel
 *       as child processes of this process                                                     target ≤ 1.10
 *
 *     npx tsx bench/local-engine.ts [--minutes 3.5] [--rounds 2]      (or: npm run bench)
 *
 * Rounds alternate bare CLI and service so that load from other processes hits both alike; the medians are compared.
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { SpeechClient } from '../src/core/client';
import type { TranscriptionResultFile } from '../src/core/wire';
import { PocketsphinxEngine } from '../src/local/engine/pocketsphinx';
import { Recognizer } from '../src/local/recognizer';
import { longScript, makeCall } from '../test/support/audio';
import { startService, waitForStatus } from '../test/support/service';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await work();
  return { ms: performance.now() - start, value };
}

/** Runs the bare CLI on each file at once; resolves when all have exited successfully. */
function runBareCli(files: string[]): Promise<void> {
  const engine = new PocketsphinxEngine();
  return Promise.all(
    files.map(
      (file) =>
        new Promise<void>((resolve, reject) => {
          const { binary, args } = engine.commandLine(file);
          const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'inherit'] });
          child.on('error', reject);
          child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${binary} exited with ${code}`))));
        }),
    ),
  ).then(() => undefined);
}

async function main(): Promise<void> {
  const minutes = option('minutes', 3.5);
  const rounds = option('rounds', 2);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-local-engine-'));
  const service = await startService();
  try {
    const call = makeCall(undefined, longScript(minutes));
    const audioSeconds = call.durationMs / 1000;
    console.log(`audio: stereo call of ${audioSeconds.toFixed(1)} s (${call.reference.length} turns), ${os.cpus().length} cores`);

    // The two channels as 16 kHz mono 16-bit WAVs: what the bare CLI gets.
    const channelFiles = [1, 2].map((c) => {
      const file = path.join(work, `channel-${c - 1}.wav`);
      execFileSync('sox', [call.wav, '-r', '16000', '-b', '16', '-c', '1', file, 'remix', String(c)]);
      return file;
    });

    const recognizer = new Recognizer();
    const client = new SpeechClient({ endpoint: service.endpoint, key: service.key });
    const throughService = async (): Promise<void> => {
      const created = await client.submit({
        displayName: 'bench',
        locale: 'en-US',
        contentUrls: [pathToFileURL(call.wav).href],
        properties: { timeToLiveHours: 6, wordLevelTimestampsEnabled: true },
      });
      const done = await waitForStatus(client, created.self!, ['Succeeded', 'Failed'], 30 * 60_000);
      if (done.status !== 'Succeeded') throw new Error(`job failed: ${JSON.stringify(done.properties.error)}`);
      const files = await client.listFiles(created.self!);
      const result = files.find((f) => f.kind === 'Transcription')!;
      const content = await client.fetchContent<TranscriptionResultFile>(result.links!.contentUrl!);
      if (!content.recognizedPhrases?.length) throw new Error('the service returned no phrases');
    };

    const recognizerMs: number[] = [];
    const bareMs: number[] = [];
    const serviceMs: number[] = [];
    for (let round = 1; round <= rounds; round++) {
      const bare = await timed(() => runBareCli(channelFiles));
      const viaService = await timed(throughService);
      const direct = await timed(() => recognizer.recognizeFile(call.wav, 'bench.wav', {
        locale: 'en-US', wordLevelTimestamps: true, displayFormWordLevelTimestamps: false,
      }));
      bareMs.push(bare.ms);
      serviceMs.push(viaService.ms);
      recognizerMs.push(direct.ms);
      console.log(
        `round ${round}: bare pocketsphinx ${(bare.ms / 1000).toFixed(2)} s, service ${(viaService.ms / 1000).toFixed(2)} s, ` +
          `Recognizer ${(direct.ms / 1000).toFixed(2)} s`,
      );
    }
    await recognizer.close();

    const rtf = median(recognizerMs) / 1000 / audioSeconds;
    const overhead = median(serviceMs) / median(bareMs);
    console.log(`(a) Recognizer wall time / audio length: ${rtf.toFixed(3)} (target ≤ 0.25) ${rtf <= 0.25 ? 'ok' : 'MISSED'}`);
    console.log(`(b) service end-to-end / bare pocketsphinx: ${overhead.toFixed(3)} (target ≤ 1.10) ${overhead <= 1.1 ? 'ok' : 'MISSED'}`);
  } finally {
    await service.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
