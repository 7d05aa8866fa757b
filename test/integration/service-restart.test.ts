/**
 * What survives the service process: jobs persisted under the data directory resume after a crash or a clean stop,
 * finished jobs stay readable, and finished jobs past their time to live are deleted at start.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { SpeechClient } from '../../src/core/client';
import type { TranscriptionResultFile } from '../../src/core/wire';
import { DEFAULT_SCRIPT, makeCall, makeMono } from '../support/audio';
import { delay } from '../support/timeouts';
import { callService, startService, waitForStatus, type RunningService } from '../support/service';

const KEY = 'restart-test-key';

function body(url: string, timeToLiveHours = 6) {
  return { displayName: path.basename(url), locale: 'en-US', contentUrls: [url], properties: { timeToLiveHours } };
}

describe('local service (restarts)', function () {
  let dataDir: string;
  const running: RunningService[] = [];

  async function start(): Promise<{ service: RunningService; client: SpeechClient }> {
    const service = await startService({ dataDir, key: KEY });
    running.push(service);
    return { service, client: new SpeechClient({ endpoint: service.endpoint, key: KEY }) };
  }

  function jobFile(id: string): string {
    return path.join(dataDir, 'jobs', `${id}.json`);
  }

  beforeEach(function () {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'speech-batch-restart-'));
  });

  afterEach(async function () {
    await Promise.all(running.splice(0).map((s) => s.stop()));
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('finishes a job that was running when the service was killed, and keeps finished ones', async function () {
    const first = await start();
    const finished = await first.client.submit(body(pathToFileURL(makeMono('Good morning.')).href));
    await waitForStatus(first.client, finished.self!);
    const call = makeCall();
    const interrupted = await first.client.submit(body(pathToFileURL(call.wav).href));
    const interruptedId = SpeechClient.idOf(interrupted.self!);
    await waitForStatus(first.client, interruptedId, ['Running']);
    await first.service.kill();
    assert.equal(JSON.parse(fs.readFileSync(jobFile(interruptedId), 'utf8')).status, 'Running', 'on disk as it was');

    const second = await start();
    assert.equal((await second.client.get(finished.self!)).transcription.status, 'Succeeded');
    const [oldResult] = await second.client.listFiles(finished.self!);
    const result = await second.client.fetchContent<TranscriptionResultFile>(oldResult!.links!.contentUrl!);
    assert.equal(result.source, pathToFileURL(makeMono('Good morning.')).href);

    const done = await waitForStatus(second.client, interruptedId);
    assert.equal(done.status, 'Succeeded', JSON.stringify(done.properties.error));
    assert.ok(Math.abs(done.properties.durationMilliseconds! - call.durationMs) < 50);
    const files = await second.client.listFiles(interruptedId);
    assert.deepEqual(files.map((f) => f.name), ['contenturl_0.json', 'report.json']);
    const stereo = await second.client.fetchContent<TranscriptionResultFile>(files[0]!.links!.contentUrl!);
    assert.deepEqual(stereo.combinedRecognizedPhrases!.map((c) => c.channel), [0, 1]);
  });

  it('stops cleanly on SIGTERM in the middle of a job, which resumes at the next start', async function () {
    const first = await start();
    const job = await first.client.submit(body(pathToFileURL(makeCall(undefined, DEFAULT_SCRIPT.slice(0, 4)).wav).href));
    await waitForStatus(first.client, job.self!, ['Running']);
    const stopping = Date.now();
    await first.service.stop();
    assert.equal(await first.service.exited, 0);
    assert.ok(Date.now() - stopping < 5000, `shut down in ${Date.now() - stopping} ms`);
    assert.match(first.service.stderr(), /SIGTERM: shutting down/);

    const second = await start();
    assert.equal((await waitForStatus(second.client, job.self!)).status, 'Succeeded');
  });

  it('resumes unfinished jobs in submission order after a crash, showing Running only for jobs that run', async function () {
    const first = await start();
    const long = await first.client.submit(body(pathToFileURL(makeCall().wav).href));
    const longId = SpeechClient.idOf(long.self!);
    await waitForStatus(first.client, longId, ['Running']);
    // Queued within the same second: the order must not depend on creation times or ids.
    const queued: string[] = [];
    for (let i = 0; i < 6; i++) {
      queued.push(SpeechClient.idOf((await first.client.submit(body(pathToFileURL(makeMono(`Message number ${i + 1}.`)).href))).self!));
    }
    await first.service.kill();

    const second = await start();
    const order = [longId, ...queued];
    const runningLine = (id: string) => `job ${id}: running`;
    // Whatever shows Running must have started in this process (its log says so), not merely be queued.
    for (;;) {
      const jobs = await second.client.listAll();
      const running = jobs.filter((t) => t.status === 'Running').map((t) => SpeechClient.idOf(t.self!));
      await delay(150);
      const log = second.service.stderr();
      for (const id of running) assert.ok(log.includes(runningLine(id)), `job ${id} shows Running but has not started:\n${log}`);
      if (jobs.every((t) => t.status === 'Succeeded' || t.status === 'Failed')) break;
    }
    const log = second.service.stderr();
    const started = order.map((id) => ({ id, at: log.indexOf(runningLine(id)) }));
    assert.ok(started.every((s) => s.at >= 0), log);
    assert.deepEqual(
      [...started].sort((a, b) => a.at - b.at).map((s) => s.id),
      order,
      'resumed in the order they were submitted',
    );
    for (const id of order) assert.equal((await second.client.get(id)).transcription.status, 'Succeeded', id);
    // The newest first, as before the restart.
    assert.deepEqual((await second.client.listAll()).map((t) => SpeechClient.idOf(t.self!)), [...order].reverse());
  });

  it('deletes finished jobs older than their time to live at start, with their results', async function () {
    const first = await start();
    const missing = pathToFileURL(path.join(dataDir, 'missing.wav')).href;
    const shortLived = SpeechClient.idOf((await first.client.submit(body(missing, 6))).self!);
    const longLived = SpeechClient.idOf((await first.client.submit(body(missing, 744))).self!);
    const fresh = SpeechClient.idOf((await first.client.submit(body(missing, 6))).self!);
    for (const id of [shortLived, longLived, fresh]) await waitForStatus(first.client, id);
    await first.service.stop();

    // Seven hours pass for two of them (the TTL counts from when a job finished).
    const sevenHoursAgo = new Date(Date.now() - 7 * 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z');
    for (const id of [shortLived, longLived]) {
      const record = JSON.parse(fs.readFileSync(jobFile(id), 'utf8'));
      record.lastActionDateTime = sevenHoursAgo;
      fs.writeFileSync(jobFile(id), JSON.stringify(record));
    }
    assert.ok(fs.existsSync(path.join(dataDir, 'results', shortLived, 'report.json')));

    const second = await start();
    assert.equal((await callService(second.service, 'GET', `/transcriptions/${shortLived}`)).status, 404);
    assert.ok(!fs.existsSync(path.join(dataDir, 'results', shortLived)), 'results removed');
    assert.ok(!fs.existsSync(jobFile(shortLived)));
    assert.equal((await second.client.get(longLived)).transcription.status, 'Failed', '744 h have not passed');
    assert.equal((await second.client.get(fresh)).transcription.status, 'Failed', 'finished just now');
    assert.match(second.service.stderr(), new RegExp(`job ${shortLived}: time to live of 6 h passed, deleted`));
  });
});
