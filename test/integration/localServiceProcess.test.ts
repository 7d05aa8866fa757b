/**
 * The launcher of the local service process (src/core/localService.ts, used by the extension and the CLI) against
 * the real built service: start on first use, a real call transcribed through it, restart after a crash, stop, the
 * paths the service may read, and no service left behind when its parent dies.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { SpeechClient } from '../../src/core/client';
import { parseResult } from '../../src/core/result';
import { LocalService, LocalServiceError, type ServiceLogger } from '../../src/core/localService';
import { readJobOutputs, waitForJob } from '../../src/core/jobFlow';
import { AUDIO_CACHE_DIR, makeCall } from '../support/audio';
import { SERVICE_SCRIPT } from '../support/service';
import { eventually } from '../support/timeouts';

const KEY = 'integration-test-key-0123456789';

function memoryLog(): ServiceLogger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) };
}

function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  return eventually<T>(async () => {
    const value = await probe();
    return value === undefined ? { last: undefined } : { value };
  }, timeoutMs, () => `timed out waiting for ${what}`, 200);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Transcribes one file through a running service; resolves with the finished job and its failures. */
async function transcribeOne(endpoint: string, file: string): Promise<{ status: string; reasons: string[] }> {
  const client = new SpeechClient({ endpoint, key: KEY });
  const created = await client.submit({ displayName: 'one', locale: 'en-US', contentUrls: [pathToFileURL(file).href], properties: { timeToLiveHours: 6 } });
  const done = await waitForJob(client, created.self!, { minIntervalMs: 200, timeoutMs: 150_000 });
  const { failures } = await readJobOutputs(client, created.self!);
  return { status: done.status ?? 'unknown', reasons: failures.map((f) => f.reason) };
}

describe('local service process (LocalService)', () => {
  let dataDir: string;
  let service: LocalService;
  let log: ReturnType<typeof memoryLog>;

  beforeEach(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'speech-batch-ext-service-'));
    log = memoryLog();
    service = new LocalService({ scriptPath: SERVICE_SCRIPT, dataDir, key: async () => KEY, log, nodePath: process.execPath, allowPaths: [AUDIO_CACHE_DIR] });
  });

  afterEach(async () => {
    await service.stop();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('starts once on first use, transcribes a real stereo call, and never logs its key', async () => {
    assert.equal(service.running, false);
    const [a, b] = await Promise.all([service.endpoint(), service.endpoint()]);
    assert.equal(a, b, 'concurrent first uses share one process');
    assert.match(a, /^http:\/\/127\.0\.0\.1:\d+$/);

    const call = makeCall();
    const client = new SpeechClient({ endpoint: a, key: KEY });
    const created = await client.submit({
      displayName: 'call',
      locale: 'en-US',
      contentUrls: [pathToFileURL(call.wav).href],
      properties: { timeToLiveHours: 6, wordLevelTimestampsEnabled: true, channels: [0, 1] },
    });
    const id = SpeechClient.idOf(created.self!);
    const done = await waitForJob(client, id, { minIntervalMs: 200, timeoutMs: 150_000 });
    assert.equal(done.status, 'Succeeded', JSON.stringify(done.properties.error));
    const result = (await client.listFiles(id)).find((f) => f.kind === 'Transcription');
    const transcript = parseResult(await client.fetchContent(result!.links!.contentUrl!));
    assert.deepEqual(transcript.channels, [0, 1]);
    assert.ok(transcript.phrases.length >= 2, 'both parties said something');
    assert.ok(!log.lines.join('\n').includes(KEY), 'the key is not in the log');
  });

  it('restarts the service after a crash, on a new port', async () => {
    const first = await service.endpoint();
    const pid = Number(/pid (\d+)/.exec(log.lines.join('\n'))![1]);
    const commandLine = await fs.readFile(`/proc/${pid}/cmdline`, 'utf8');
    assert.ok(commandLine.includes('--data') && !commandLine.includes(KEY), 'the key is not on the command line');
    process.kill(pid, 'SIGKILL');
    const second = await waitFor('the restart', async () => {
      const line = log.lines.find((l, i) => i > 0 && /listening on/.test(l) && !l.includes(first));
      return line ? await service.endpoint() : undefined;
    }, 30_000);
    assert.notEqual(second, first);
    assert.ok(log.lines.some((l) => /stopped .*restarting it \(1\/3\)/.test(l)), log.lines.join('\n'));
    const client = new SpeechClient({ endpoint: second, key: KEY });
    assert.ok(Array.isArray((await client.listPage()).values));
  });

  it('fails with a readable error when the service cannot start', async () => {
    const broken = new LocalService({ scriptPath: path.join(dataDir, 'missing.js'), dataDir, key: async () => KEY, log, nodePath: process.execPath });
    await assert.rejects(broken.endpoint(), (err: Error) => err instanceof LocalServiceError && /exited \(code 1\) before it was ready/.test(err.message));
  });

  it('gives up a start that takes too long, without restarting it in a loop', async () => {
    const slow = new LocalService({ scriptPath: SERVICE_SCRIPT, dataDir, key: async () => KEY, log, nodePath: process.execPath, startTimeoutMs: 5 });
    await assert.rejects(slow.endpoint(), /did not start within/);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.equal(log.lines.filter((l) => l.startsWith('Starting')).length, 1, log.lines.join('\n'));
    assert.equal(slow.running, false);
    await slow.stop();
  });

  it('stops the process on stop()', async () => {
    await service.endpoint();
    assert.equal(service.running, true);
    await service.stop();
    assert.equal(service.running, false);
    await assert.rejects(service.endpoint(), /shutting down/);
  });

  it('does not restart the service after a clean exit (Ctrl-C), but starts it again on the next use', async () => {
    const first = await service.endpoint();
    const pid = Number(/pid (\d+)/.exec(log.lines.join('\n'))![1]);
    process.kill(pid, 'SIGINT');
    await waitFor('the exit', async () => (log.lines.some((l) => /exited; it starts again when it is needed/.test(l)) ? true : undefined), 10_000);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.equal(service.running, false);
    assert.equal(log.lines.filter((l) => l.startsWith('Starting')).length, 1, log.lines.join('\n'));
    const second = await service.endpoint();
    assert.notEqual(second, first);
    assert.equal(service.running, true);
  });

  it('leaves no process behind when stopped while starting', async () => {
    const pending = service.endpoint();
    await service.stop();
    await assert.rejects(pending, /shutting down/);
    assert.equal(service.running, false);
    assert.ok(!log.lines.some((l) => l.startsWith('Starting')), log.lines.join('\n'));
  });

  it('lets the service read only the allowed paths, more of them when asked, and still after a restart', async () => {
    const elsewhere = path.join(dataDir, '..', `speech-batch-elsewhere-${process.pid}`);
    await fs.mkdir(elsewhere, { recursive: true });
    try {
      const file = path.join(elsewhere, 'call.wav');
      await fs.copyFile(makeCall().wav, file);
      const refused = await transcribeOne(await service.endpoint(), file);
      assert.equal(refused.status, 'Failed');
      assert.match(refused.reasons.join(' '), /outside the folders the local service may read/);

      await service.allow([elsewhere]);
      assert.equal((await transcribeOne(await service.endpoint(), file)).status, 'Succeeded', 'allowed while running');

      const pid = Number(/pid (\d+)/.exec(log.lines.join('\n'))![1]);
      process.kill(pid, 'SIGKILL');
      await waitFor('the restart', async () => (log.lines.filter((l) => /listening on/.test(l)).length >= 2 ? true : undefined), 30_000);
      assert.equal((await transcribeOne(await service.endpoint(), file)).status, 'Succeeded', 'still allowed after a restart');
    } finally {
      await fs.rm(elsewhere, { recursive: true, force: true });
    }
  });

  it('ends with its parent, however the parent ends (SIGKILL included)', async function () {
    // A parent process of its own (the extension host or the CLI in real life) that starts the service and dies.
    const script = `
      require(${JSON.stringify(require.resolve('tsx/cjs'))});
      const { LocalService } = require(${JSON.stringify(path.join(__dirname, '..', '..', 'src', 'core', 'localService.ts'))});
      const quiet = () => {};
      const service = new LocalService({ scriptPath: ${JSON.stringify(SERVICE_SCRIPT)}, dataDir: ${JSON.stringify(dataDir)},
        key: async () => 'parent-test-key-0123456789', log: { info: (m) => { const p = /pid (\\d+)/.exec(m); if (p) console.log(p[1]); }, warn: quiet, error: quiet } });
      service.endpoint();
      setInterval(() => {}, 1000);`;
    const parent = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const servicePid = await new Promise<number>((resolve, reject) => {
      parent.stdout!.setEncoding('utf8').on('data', (line: string) => resolve(Number(line.trim())));
      parent.on('exit', () => reject(new Error('the parent exited before the service started')));
    });
    assert.ok(isAlive(servicePid), 'the service runs');
    parent.kill('SIGKILL');
    await waitFor('the service to end after its parent', async () => (isAlive(servicePid) ? undefined : true), 15_000);
  });

  it('moves to another models folder by restarting, and says whether whisper.cpp runs', async () => {
    const first = await fs.mkdtemp(path.join(os.tmpdir(), 'speech-batch-models-a-'));
    const second = await fs.mkdtemp(path.join(os.tmpdir(), 'speech-batch-models-b-'));
    try {
      await fs.copyFile(path.resolve(__dirname, '..', 'fixtures', 'models', 'for-tests-ggml-tiny.en.bin'), path.join(second, 'ggml-ci.en.bin'));
      await service.setModelsDir(first);
      const names = async (endpoint: string): Promise<string[]> =>
        (await new SpeechClient({ endpoint, key: KEY }).listBaseModels()).map((m) => String(m.description).split(':')[0]!);
      const before = await service.endpoint();
      assert.deepEqual(await names(before), ['pocketsphinx']);
      assert.deepEqual(await service.engines(), { whisper: { available: true } });
      const moving = service.setModelsDir(second);
      // A use while it restarts waits for the new service instead of failing.
      const after = await service.endpoint();
      await moving;
      assert.notEqual(after, before);
      assert.equal(service.modelsDir, second);
      assert.deepEqual((await names(after)).sort(), ['ci.en', 'pocketsphinx']);
    } finally {
      await fs.rm(first, { recursive: true, force: true });
      await fs.rm(second, { recursive: true, force: true });
    }
  });
});
