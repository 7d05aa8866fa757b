/**
 * The local service ends with whoever started it, and its pocketsphinx processes end with it: `--exit-with-parent`
 * (stdin closing, however the parent went away) shuts it down as SIGTERM does, and engines die with the service even
 * when it is SIGKILLed.
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { SpeechClient } from '../../src/core/client';
import { makeCall } from '../support/audio';
import { eventually } from '../support/timeouts';
import { DEFAULT_ALLOW_PATHS, ensureBuilt, SERVICE_SCRIPT, startService, waitForStatus, type RunningService } from '../support/service';

/** Whether a process exists and is not a zombie (orphans in containers may wait unreaped for a while). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** pids of the pocketsphinx processes below `pid` (children and their children). */
function pocketsphinxBelow(pid: number): number[] {
  const rows = execFileSync('ps', ['-e', '-o', 'pid=,ppid=,comm='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .map(([p, pp, comm]) => ({ pid: Number(p), ppid: Number(pp), comm: comm ?? '' }));
  const below = new Set([pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const row of rows) if (below.has(row.ppid) && !below.has(row.pid)) grew = Boolean(below.add(row.pid));
  }
  return rows.filter((r) => below.has(r.pid) && r.pid !== pid && r.comm.startsWith('pocketsphinx')).map((r) => r.pid);
}

/** Polls a synchronous `probe` every 50 ms until it returns something truthy. */
function until<T>(what: string, probe: () => T | undefined | null | false, timeoutMs = 30_000): Promise<T> {
  return eventually<T>(
    async () => {
      const value = probe();
      return value ? { value: value as T } : { last: value };
    },
    timeoutMs,
    () => `timed out waiting for ${what}`,
    50,
  );
}

function job(file: string) {
  return { displayName: 'lifecycle', locale: 'en-US', contentUrls: [pathToFileURL(file).href], properties: { timeToLiveHours: 6 } };
}

describe('local service (lifecycle)', function () {
  let service: RunningService | undefined;

  afterEach(async function () {
    await service?.stop();
    service = undefined;
  });

  /** Starts a long job and resolves with the pids of its pocketsphinx processes once they run. */
  async function busyEngines(running: RunningService): Promise<number[]> {
    const client = new SpeechClient({ endpoint: running.endpoint, key: running.key });
    const created = await client.submit(job(makeCall().wav));
    await waitForStatus(client, created.self!, ['Running'], 30_000);
    return until('pocketsphinx to run', () => {
      const pids = pocketsphinxBelow(running.pid);
      return pids.length > 0 && pids;
    });
  }

  it('with --exit-with-parent, shuts down cleanly when its stdin closes, ending its engines', async function () {
    service = await startService({ exitWithParent: true });
    const engines = await busyEngines(service);
    service.closeStdin();
    assert.equal(await service.exited, 0);
    assert.match(service.stderr(), /stdin closed \(parent gone\): shutting down/);
    await until('the engines to end', () => engines.every((pid) => !alive(pid)), 5000);
  });

  it('with --exit-with-parent, ends with its engines when its parent is SIGKILLed', async function () {
    ensureBuilt();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'speech-batch-orphan-'));
    let orphanPid = 0;
    try {
      // A parent that holds the service's stdin and is then killed without a chance to clean up.
      const parentScript = `
        const { spawn } = require('node:child_process');
        const child = spawn(process.execPath, ${JSON.stringify([SERVICE_SCRIPT, '--port', '0', '--data', dataDir, '--key', 'orphan-key', '--exit-with-parent', ...DEFAULT_ALLOW_PATHS.flatMap((p) => ['--allow-path', p])])}, { stdio: ['pipe', 'pipe', 'inherit'] });
        child.stdout.on('data', (chunk) => process.stdout.write(String(chunk).replace('listening on', 'pid ' + child.pid + ' listening on')));
        setInterval(() => {}, 1000);`;
      const parent = spawn(process.execPath, ['-e', parentScript], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      parent.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      const [, pid, port] = await until('the service to listen', () => /pid (\d+) listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(stdout));
      orphanPid = Number(pid);
      const orphan = { endpoint: `http://127.0.0.1:${port}`, key: 'orphan-key', pid: orphanPid } as RunningService;
      const engines = await busyEngines(orphan);

      parent.kill('SIGKILL');
      await until('the service to end', () => !alive(orphan.pid), 10_000);
      await until('the engines to end', () => engines.every((p) => !alive(p)), 5000);
    } finally {
      if (orphanPid && alive(orphanPid)) process.kill(orphanPid, 'SIGKILL');
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('takes its engines with it when it is SIGKILLed itself', async function () {
    service = await startService();
    const engines = await busyEngines(service);
    await service.kill();
    await until('the engines to end', () => engines.every((pid) => !alive(pid)), 5000);
  });
});
