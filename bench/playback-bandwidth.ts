/**
 * Benchmark of the bytes the transcript view's player gets over the webview's message channel (src/core/playback.ts):
 * a recording of real speech (the sample call repeated for a few minutes, both parties, pauses) in the formats calls
 * come in, read whole in the 20-s windows the player asks for while playing. Prints per format the bytes per second
 * of audio sent, side by side with the uncompressed 16-bit samples (what the stream sent before its frames were
 * compressed: 176 KB/s for 44.1 kHz stereo), the ratio, and the time to make one 20-s window (median).
 *
 * Run: npx tsx bench/playback-bandwidth.ts [--minutes 3]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { openPlayback } from '../src/core/playback';
import { makeLongRecording } from '../test/support/longCall';

const minutesArg = process.argv.indexOf('--minutes');
const MINUTES = minutesArg > 0 ? Number(process.argv[minutesArg + 1]) : 3;
const WINDOW_MS = 20_000;

const FORMATS: [string, string[]][] = [
  ['44.1 kHz stereo 16-bit', ['-r', '44100', '-c', '2', '-b', '16']],
  ['16 kHz stereo 16-bit', ['-r', '16000', '-c', '2', '-b', '16']],
  ['8 kHz mono µ-law', ['-r', '8000', '-c', '1', '-e', 'u-law']],
];

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-playback-'));
  try {
    console.log(`Recording: the sample call repeated to ${MINUTES} min; windows of ${WINDOW_MS / 1000} s\n`);
    console.log('| format | 16-bit samples (KB/s) | sent (KB/s) | sent / samples | one window made in (median ms) |');
    console.log('| --- | --- | --- | --- | --- |');
    for (const [name, args] of FORMATS) {
      const file = makeLongRecording(path.join(dir, `${name.replace(/\W+/g, '-')}.wav`), MINUTES, args);
      const source = (await openPlayback(file, { ffmpeg: false }))!;
      try {
        let bytes = source.init().length;
        const times: number[] = [];
        for (let at = 0; at < source.durationMs; ) {
          const started = performance.now();
          const window = await source.window(at, WINDOW_MS);
          times.push(performance.now() - started);
          bytes += window.data.length;
          at = window.endMs;
        }
        times.sort((a, b) => a - b);
        const seconds = source.durationMs / 1000;
        const samples = source.sampleRate * source.channels * 2;
        const sent = bytes / seconds;
        const median = times[Math.floor(times.length / 2)]!;
        console.log(`| ${name} | ${(samples / 1000).toFixed(1)} | ${(sent / 1000).toFixed(1)} | ${(sent / samples).toFixed(2)} | ${median.toFixed(1)} |`);
      } finally {
        await source.close();
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main();
