/**
 * The local service on a full disk (a 2 MiB tmpfs as its data folder): a submit says the disk is full (507), a job
 * whose results cannot be written fails visibly instead of staying Running, and all is well once space is free.
 * Needs `mount` (root, or a container allowed to mount); skipped with the reason where it is not.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { SpeechClient } from '../../src/core/client';
import { makeMono } from '../support/audio';
import { delay } from '../support/timeouts';
import { callService, startService, waitForStatus, type RunningService } from '../support/service';

function body(file: string) {
  return { displayName: 'disk full', locale: 'en-US', contentUrls: [pathToFileURL(file).href], properties: { timeToLiveHours: 6 } };
}

/** Writes to `file` until the file system has no block left. */
function fill(file: string): void {
  const fd = fs.openSync(file, 'a');
  try {
    for (const size of [256 * 1024, 4096, 512, 1]) {
      const chunk = Buffer.alloc(size, 1);
      try {
        for (;;) fs.writeSync(fd, chunk);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
      }
    }
  } finally {
    fs.closeSync(fd);
  }
}

describe('local service (disk full)', function () {
  let mountDir: string;
  let dataDir: string;
  let service: RunningService | undefined;

  before(function () {
    mountDir = fs.mkdtempSync(path.join(os.tmpdir(), 'speech-batch-tmpfs-'));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mountDir], { stdio: 'pipe' });
    } catch (err) {
      fs.rmdirSync(mountDir);
      const reason = String((err as { stderr?: Buffer }).stderr ?? (err as Error).message).trim();
      console.log(`      skipped: cannot mount a 2 MiB tmpfs to fill (${reason})`);
      this.skip();
    }
  });

  after(function () {
    if (!mountDir || !fs.existsSync(mountDir)) return;
    execFileSync('umount', [mountDir]);
    fs.rmdirSync(mountDir);
  });

  beforeEach(function () {
    dataDir = path.join(mountDir, 'data');
  });

  afterEach(async function () {
    await service?.stop();
    service = undefined;
    for (const name of fs.readdirSync(mountDir)) fs.rmSync(path.join(mountDir, name), { recursive: true, force: true });
  });

  it('answers a submit or an update on a full disk with 507 that says so, and takes jobs again once space is free', async function () {
    service = await startService({ dataDir });
    const client = new SpeechClient({ endpoint: service.endpoint, key: service.key });
    const existing = await client.submit(body(makeMono('Room again.')));
    await waitForStatus(client, existing.self!);
    const filler = path.join(mountDir, 'filler');
    fill(filler);

    const patch = await callService(service, 'PATCH', existing.self!, { body: { displayName: 'renamed' } });
    assert.equal(patch.status, 507, patch.text);
    assert.match(patch.body.message, /the disk holding .*\/data is full/);
    assert.equal((await client.get(existing.self!)).transcription.displayName, 'disk full', 'unchanged');

    const refused = await callService(service, 'POST', '/transcriptions:submit', { body: body(makeMono('No room.')) });
    assert.equal(refused.status, 507, refused.text);
    assert.equal(refused.body.code, 'ServiceUnavailable');
    assert.match(refused.body.message, /cannot store this request: the disk holding .*\/data is full\. Free some space, then try again\./);
    assert.equal((await client.listAll()).length, 1, 'nothing half-created');

    fs.rmSync(filler);
    const created = await client.submit(body(makeMono('Room again.')));
    assert.equal((await waitForStatus(client, created.self!)).status, 'Succeeded');
  });

  it('fails a job whose results cannot be written instead of leaving it Running, and keeps the failure', async function () {
    service = await startService({ dataDir });
    const client = new SpeechClient({ endpoint: service.endpoint, key: service.key });
    const speech = makeMono(
      'This recording keeps the recogniser busy for a few seconds, long enough for the disk to fill up before its results are written.',
    );
    const created = await client.submit(body(speech));
    const id = SpeechClient.idOf(created.self!);
    await waitForStatus(client, id, ['Running'], 30_000);

    // Fill the disk while the job runs. The engine's scratch audio is hard-linked as it appears, so that removing it
    // frees nothing: the next writes of the job (its results, its record) find the disk full.
    const held = path.join(mountDir, 'held');
    fs.mkdirSync(held);
    const filler = path.join(mountDir, 'filler');
    let status = 'Running';
    const watch = (async () => {
      for (let n = 0; status === 'Running'; n++) {
        for (const dir of fs.readdirSync(path.join(dataDir, 'tmp'))) {
          try {
            fs.linkSync(path.join(dataDir, 'tmp', dir, 'channel.raw'), path.join(held, `${dir}-${n}`));
          } catch {
            // not written yet, or already gone
          }
        }
        fill(filler);
        await delay(5);
      }
    })();
    let done;
    try {
      done = await waitForStatus(client, id, ['Succeeded', 'Failed'], 60_000);
    } finally {
      status = 'done';
      await watch;
    }
    assert.equal(done.status, 'Failed');
    assert.equal(done.properties.error?.code, 'InsufficientStorage');
    assert.match(done.properties.error!.message!, /could not save this job: the disk of the local service is full/);
    assert.deepEqual(await client.listFiles(id), [], 'no partial results');

    // Space again: the failure reaches the disk (retried in the background) and survives a restart.
    fs.rmSync(filler);
    fs.rmSync(held, { recursive: true });
    const recordFile = path.join(dataDir, 'jobs', `${id}.json`);
    const deadline = Date.now() + 15_000;
    while (JSON.parse(fs.readFileSync(recordFile, 'utf8')).status !== 'Failed') {
      assert.ok(Date.now() < deadline, 'the failure was written once there was space');
      await delay(100);
    }
    await service.stop();
    service = await startService({ dataDir });
    const restarted = new SpeechClient({ endpoint: service.endpoint, key: service.key });
    assert.equal((await restarted.get(id)).transcription.properties.error?.code, 'InsufficientStorage');
    const again = await restarted.submit(body(speech));
    assert.equal((await waitForStatus(restarted, again.self!)).status, 'Succeeded', 'the service works again');
  });
});
