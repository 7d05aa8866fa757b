/**
 * How the local service shares its time (issue 13, items 1, 2 and 5): files with absurd headers fail before any
 * decoding; decoding runs off the thread that answers HTTP; audio longer than `--max-audio-minutes` fails from its
 * header; downloads that stall time out without holding up other jobs; a short job is not starved by a long one.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { SpeechClient } from '../../src/core/client';
import type { Transcription, TranscriptionReportFile } from '../../src/core/wire';
import { makeCall, makeCorruptWav, makeMono, makeRepeatedCall } from '../support/audio';
import { startService, waitForStatus, type RunningService } from '../support/service';

function body(urls: string[], displayName = 'scheduling test') {
  return { displayName, locale: 'en-US', contentUrls: urls, properties: { timeToLiveHours: 6 } };
}

const fileUrl = (file: string): string => pathToFileURL(file).href;

/** Python that listens on 127.0.0.1 with a backlog of 0 and never accepts; prints its port. */
const NEVER_ACCEPTS = [
  'import socket, time',
  's = socket.socket()',
  "s.bind(('127.0.0.1', 0))",
  's.listen(0)',
  'print(s.getsockname()[1], flush=True)',
  'time.sleep(600)',
].join('\n');

/** A copy of the WAV `source` cut to `bytes` whose header declares `sampleRate` (byte rate and data size to match). */
function withSampleRate(source: string, sampleRate: number, bytes: number, out: string): string {
  const wav = fs.readFileSync(source).subarray(0, bytes);
  const fmt = wav.indexOf('fmt ', 12, 'latin1');
  const data = wav.indexOf('data', 12, 'latin1');
  assert.ok(fmt > 0 && data > 0, 'a plain WAV header');
  const blockAlign = wav.readUInt16LE(fmt + 8 + 12);
  wav.writeUInt32LE(sampleRate, fmt + 8 + 4);
  wav.writeUInt32LE(sampleRate * blockAlign, fmt + 8 + 8);
  wav.writeUInt32LE(bytes - data - 8, data + 4);
  wav.writeUInt32LE(bytes - 8, 4);
  fs.writeFileSync(out, wav);
  return out;
}

/** Latencies (ms, sorted) of `count` sequential GET /transcriptions, `gapMs` apart. */
async function listLatencies(client: SpeechClient, count: number, gapMs: number): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await client.listPage({ top: 10 });
    latencies.push(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, gapMs));
  }
  return latencies.sort((a, b) => a - b);
}

/** The p-th percentile (nearest rank) of sorted values. */
const percentile = (sorted: number[], p: number): number => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;

/** Polls until the job has a final status; resolves with it and the time (ms since `since`) it was seen. */
async function finished(client: SpeechClient, id: string, since: number, timeoutMs = 300_000): Promise<{ job: Transcription; ms: number }> {
  const job = await waitForStatus(client, id, ['Succeeded', 'Failed'], timeoutMs);
  return { job, ms: Date.now() - since };
}

async function reportOf(client: SpeechClient, id: string): Promise<TranscriptionReportFile> {
  const files = await client.listFiles(id);
  const report = files.find((f) => f.name === 'report.json')!;
  return client.fetchContent<TranscriptionReportFile>(report.links!.contentUrl!);
}

describe('local service (scheduling and limits)', function () {
  this.timeout(600_000);
  let scratch: string;
  const services: RunningService[] = [];

  async function start(args: string[] = []): Promise<{ service: RunningService; client: SpeechClient }> {
    const service = await startService({ args });
    services.push(service);
    return { service, client: new SpeechClient({ endpoint: service.endpoint, key: service.key }) };
  }

  before(function () {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'speech-batch-scheduling-'));
  });

  after(async function () {
    await Promise.all(services.splice(0).map((s) => s.stop()));
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  describe('sample rates and a responsive API (item 1)', function () {
    let client: SpeechClient;
    before(async function () {
      ({ client } = await start());
    });

    it('fails a 4 KB WAV declaring 100,000,001 Hz at once, with the reason, and keeps answering', async function () {
      const absurd = withSampleRate(makeMono('Hello there.'), 100_000_001, 4096, path.join(scratch, 'absurd-rate.wav'));
      const low = withSampleRate(makeMono('Hello there.'), 1, 4096, path.join(scratch, 'one-hertz.wav'));
      const started = Date.now();
      const created = await client.submit(body([fileUrl(absurd), fileUrl(low)]));
      const latencies = await listLatencies(client, 20, 20);
      const { job, ms } = await finished(client, created.self!, started);
      console.log(`      failed after ${ms} ms; GET p50 ${percentile(latencies, 50).toFixed(0)} ms, max ${latencies.at(-1)!.toFixed(0)} ms`);
      assert.equal(job.status, 'Failed');
      assert.match(job.properties.error!.message!, /contenturl_0 \(absurd-rate\.wav\): the sample rate is 100000001 Hz; recordings use 4000 to 384000 Hz/);
      assert.match(job.properties.error!.message!, /contenturl_1 \(one-hertz\.wav\): the sample rate is 1 Hz; recordings use 4000 to 384000 Hz/);
      assert.ok(ms < 5000, `failed after ${ms} ms`);
      assert.ok(latencies.at(-1)! < 200, `slowest GET ${latencies.at(-1)!.toFixed(0)} ms`);
    });

    it('answers GET /transcriptions within 200 ms (p99 of 50) while long and high-rate files are being decoded', async function () {
      const long = makeRepeatedCall(8, { sampleRate: 48000, mp3Kbps: 128 }); // ≈ 5.6 min, 5.4 MB of MP3
      const highRate = makeMono('A recording at a sample rate no telephone uses, but one that is still allowed.', { sampleRate: 383_999 });
      const created = await client.submit(body([fileUrl(long.mp3), fileUrl(highRate), fileUrl(long.wav)]));
      const started = Date.now();
      const latencies = await listLatencies(client, 50, 30);
      const measuredFor = Date.now() - started;
      const p99 = percentile(latencies, 99);
      console.log(
        `      50 GETs over ${measuredFor} ms of decoding: p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms`,
      );
      assert.equal((await client.get(created.self!)).transcription.status, 'Running', 'measured while the job ran');
      await client.delete(created.self!);
      assert.ok(p99 < 200, `p99 ${p99.toFixed(0)} ms`);
    });
  });

  describe('--max-audio-minutes (item 2)', function () {
    let client: SpeechClient;
    before(async function () {
      ({ client } = await start(['--max-audio-minutes', '1']));
    });

    it('fails WAV and MP3 files whose header declares more audio than the cap, before decoding them', async function () {
      const long = makeRepeatedCall(3); // ≈ 2 min 6.9 s
      const short = makeMono('Short and fine.');
      // The MP3 without lame's Info header (no frame count): its header only bounds the length, decoding tells.
      const mp3 = fs.readFileSync(long.mp3);
      mp3.write('XXXX', mp3.indexOf('Info', 0, 'latin1'), 'latin1');
      const noInfo = path.join(scratch, 'no-info.mp3');
      fs.writeFileSync(noInfo, mp3);
      const started = Date.now();
      const created = await client.submit(body([fileUrl(long.wav), fileUrl(long.mp3), fileUrl(short), fileUrl(noInfo)]));
      const { job, ms } = await finished(client, created.self!, started);
      assert.equal(job.status, 'Succeeded');
      const report = await reportOf(client, created.self!);
      const failures = report.details.filter((d) => d.status === 'Failed');
      assert.deepEqual(failures.map((d) => d.errorKind), ['AudioLengthLimitExceeded', 'AudioLengthLimitExceeded', 'AudioLengthLimitExceeded']);
      assert.match(failures[0]!.errorMessage!, /^contenturl_0 \(repeated\.wav\): declares 2 min 6 s of audio; this service takes at most 1 min per file \(--max-audio-minutes\)$/);
      assert.match(failures[1]!.errorMessage!, /^contenturl_1 \(repeated\.mp3\): declares 2 min [67] s of audio; this service takes at most 1 min per file/);
      // Streamed: decoding stops at the cap instead of decoding the rest only to count it.
      assert.match(failures[2]!.errorMessage!, /^contenturl_3 \(no-info\.mp3\): holds more than 1 min of audio; this service takes at most 1 min per file/);
      console.log(`      job with three over-long files and one short file done in ${ms} ms`);
    });

    it('refuses a cap of 0 at start', async function () {
      await assert.rejects(start(['--max-audio-minutes', '0']), /--max-audio-minutes must be at least 1/);
    });
  });

  describe('one slow job does not block the others (item 5)', function () {
    let files: http.Server;
    let base: string;
    const sockets = new Set<Socket>();

    before(async function () {
      const small = makeMono('Hello, this is a short message.');
      files = http.createServer((req, res) => {
        const url = new URL(req.url!, 'http://x');
        if (url.pathname.startsWith('/never')) return; // accepts the request and never answers
        if (url.pathname.startsWith('/stall')) {
          // Headers and half of the body, then nothing.
          const audio = fs.readFileSync(small);
          res.writeHead(200, { 'content-type': 'audio/wav', 'content-length': audio.length });
          res.write(audio.subarray(0, audio.length >> 1));
          return;
        }
        res.writeHead(200, { 'content-type': 'audio/wav' });
        fs.createReadStream(small).pipe(res);
      });
      files.on('connection', (socket) => {
        sockets.add(socket);
        socket.once('close', () => sockets.delete(socket));
      });
      await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
    });

    after(function () {
      for (const socket of sockets) socket.destroy();
      files?.close();
    });

    it('runs a one-file job while four downloads of another job never answer', async function () {
      const { client } = await start();
      const stalled = await client.submit(body(['/never-1.wav', '/never-2.wav', '/never-3.wav', '/never-4.wav', '/small.wav'].map((p) => base + p)));
      const started = Date.now();
      const next = await client.submit(body([fileUrl(makeMono('Next in line.'))]));
      const { job, ms } = await finished(client, next.self!, started);
      console.log(`      the one-file job finished ${ms} ms after it was submitted`);
      assert.equal(job.status, 'Succeeded');
      assert.equal((await client.get(stalled.self!)).transcription.status, 'Running', 'the stalled downloads are still waiting');
      assert.ok(ms < 30_000, `the one-file job took ${ms} ms`);
    });

    it('gives up downloads after the idle timeout, whether no answer or a stall mid-body, with the reason', async function () {
      const { client, service } = await start(['--download-idle-timeout-seconds', '2', '--download-connect-timeout-seconds', '5']);
      const started = Date.now();
      const created = await client.submit(body(['/never.wav', '/stall.wav', '/small.wav'].map((p) => `${base}${p}?sig=SECRET`)));
      const { job, ms } = await finished(client, created.self!, started);
      assert.equal(job.status, 'Succeeded');
      const report = await reportOf(client, created.self!);
      const failures = report.details.filter((d) => d.status === 'Failed').map((d) => d.errorMessage);
      assert.deepEqual(failures, [
        `contenturl_0 (never.wav): downloading ${base}/never.wav?… failed: no answer for 2 s (--download-idle-timeout-seconds)`,
        `contenturl_1 (stall.wav): downloading ${base}/stall.wav?… failed: no data for 2 s (--download-idle-timeout-seconds)`,
      ]);
      assert.ok(ms < 20_000, `done in ${ms} ms`);
      assert.ok(!service.stderr().includes('SECRET'));
      assert.deepEqual(fs.readdirSync(path.join(service.dataDir, 'tmp')), [], 'partial downloads are removed');
    });

    it('gives up a download that cannot connect after the connect timeout, with the reason', async function () {
      // A listener that never accepts (python: Node always accepts), its one-place queue taken: a SYN gets no answer.
      const listener = spawn('python3', ['-c', NEVER_ACCEPTS], { stdio: ['ignore', 'pipe', 'inherit'] });
      try {
        const port = await new Promise<number>((resolve, reject) => {
          listener.stdout!.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
          listener.once('error', reject);
        });
        const fillers = Array.from({ length: 3 }, () => net.connect(port, '127.0.0.1').on('error', () => {}));
        await new Promise((resolve) => setTimeout(resolve, 300));
        const { client } = await start(['--download-connect-timeout-seconds', '2']);
        const started = Date.now();
        const created = await client.submit(body([`http://127.0.0.1:${port}/call.wav`, fileUrl(makeMono('Still here.'))]));
        const { job, ms } = await finished(client, created.self!, started);
        for (const filler of fillers) filler.destroy();
        assert.equal(job.status, 'Succeeded');
        const report = await reportOf(client, created.self!);
        assert.deepEqual(report.details.filter((d) => d.status === 'Failed').map((d) => d.errorMessage), [
          `contenturl_0 (call.wav): downloading http://127.0.0.1:${port}/call.wav failed: could not connect within 2 s (--download-connect-timeout-seconds)`,
        ]);
        assert.ok(ms < 15_000, `done in ${ms} ms`);
      } finally {
        listener.kill();
      }
    });

    it('fails empty and non-audio files at once, while a long call occupies the engines', async function () {
      const { client } = await start();
      const call = makeCall();
      const long = await client.submit(body([fileUrl(call.wav), fileUrl(call.wav), fileUrl(call.wav)], 'long'));
      await waitForStatus(client, long.self!, ['Running']);
      await new Promise((resolve) => setTimeout(resolve, 1000)); // the engines are busy with the long job
      const started = Date.now();
      const bad = await client.submit(body([fileUrl(makeCorruptWav(scratch, 'empty')), fileUrl(makeCorruptWav(scratch, 'text'))], 'bad'));
      const { job, ms } = await finished(client, bad.self!, started);
      console.log(`      the job of an empty and a text file failed ${ms} ms after it was submitted`);
      assert.equal(job.status, 'Failed');
      assert.match(job.properties.error!.message!, /contenturl_0 \(empty\.wav\): the audio file is empty/);
      assert.match(job.properties.error!.message!, /contenturl_1 \(text\.wav\): not a WAV or MP3 file/);
      assert.equal((await client.get(long.self!)).transcription.status, 'Running');
      assert.ok(ms < 3000, `failed after ${ms} ms`);
      await client.delete(long.self!);
    });

    it('finishes a short job submitted after a long one well before the long one', async function () {
      const { client } = await start();
      const call = makeCall();
      const started = Date.now();
      const long = await client.submit(body([fileUrl(call.wav), fileUrl(call.mp3), fileUrl(call.wav), fileUrl(call.mp3)], 'long'));
      await waitForStatus(client, long.self!, ['Running']);
      const short = await client.submit(body([fileUrl(makeMono('A short question.'))], 'short'));
      const shortDone = await finished(client, short.self!, started);
      const longDone = await finished(client, long.self!, started);
      console.log(`      short job done after ${shortDone.ms} ms, long job after ${longDone.ms} ms`);
      assert.equal(shortDone.job.status, 'Succeeded');
      assert.equal(longDone.job.status, 'Succeeded');
      assert.ok(shortDone.ms < longDone.ms / 2, `short ${shortDone.ms} ms, long ${longDone.ms} ms`);
    });
  });
});
