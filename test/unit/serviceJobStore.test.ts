import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { AllowedPaths } from '../../src/local/allowedPaths';
import { JobRunner } from '../../src/local/jobRunner';
import { Recognizer } from '../../src/local/recognizer';
import { ServiceJobStore } from '../../src/local/serviceJobStore';
import type { TranscriptionCreate } from '../../src/core/wire';
import { delay } from '../support/timeouts';
import { useTempDir } from '../support/tempDir';

const request = (timeToLiveHours: number): TranscriptionCreate => ({
  displayName: 'job',
  locale: 'en-US',
  contentUrls: ['file:///calls/a.wav'],
  properties: { timeToLiveHours },
});

describe('local job store', function () {
  const dir = useTempDir('speech-batch-store-', { eachTest: true });

  it('persists every change so a reopened store sees the last state, newest job first', async function () {
    const store = await ServiceJobStore.open(dir());
    const older = await store.create(request(6), new Date('2026-01-01T10:00:00Z'));
    const newer = await store.create(request(6), new Date('2026-01-01T11:00:00Z'));
    // Many overlapping writes of one record: the file must end with the last state, not an earlier snapshot.
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.update(older.id, (r) => (r.request.displayName = `name ${i}`))));
    await store.writeResult(newer.id, 'report.json', '{"ok":true}');

    const reopened = await ServiceJobStore.open(dir());
    assert.deepEqual(reopened.list().map((j) => j.id), [newer.id, older.id]);
    assert.equal(reopened.get(older.id)!.request.displayName, 'name 19');
    assert.equal((await reopened.readResult(newer.id, 'report.json')).toString(), '{"ok":true}');
    assert.ok(await reopened.delete(newer.id));
    assert.equal(await reopened.delete(newer.id), false);
    assert.ok(!fs.existsSync(path.join(dir(), 'results', newer.id)));
    assert.deepEqual((await ServiceJobStore.open(dir())).list().map((j) => j.id), [older.id]);
  });

  it('orders jobs by submission, not by creation second and random id, across reopenings', async function () {
    const sameSecond = new Date('2026-01-01T10:00:00Z');
    const store = await ServiceJobStore.open(dir());
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) ids.push((await store.create(request(6), sameSecond)).id);
    assert.deepEqual(store.list().map((j) => j.id), [...ids].reverse());
    const reopened = await ServiceJobStore.open(dir());
    ids.push((await reopened.create(request(6), sameSecond)).id);
    assert.deepEqual(reopened.list().map((j) => j.id), [...ids].reverse(), 'the sequence goes on after a reopen');
    assert.deepEqual(reopened.list().map((j) => j.sequence), [9, 8, 7, 6, 5, 4, 3, 2, 1]);
  });

  it('shows a forced change at once and writes it once the disk takes it', async function () {
    const logged: string[] = [];
    const store = await ServiceJobStore.open(dir(), (m) => logged.push(m));
    const job = await store.create(request(6));
    // A folder in the record's place: every write of the record fails, as on a full disk.
    const record = path.join(dir(), 'jobs', `${job.id}.json`);
    fs.rmSync(record);
    fs.mkdirSync(path.join(record, 'blocker'), { recursive: true });

    const shown = store.forceUpdate(job.id, (r) => (r.status = 'Failed'));
    assert.equal(shown?.status, 'Failed');
    assert.equal(store.get(job.id)!.status, 'Failed', 'visible before it is on disk');
    await delay(100);
    assert.ok(fs.statSync(record).isDirectory(), 'not written yet');
    assert.match(logged.join('\n'), new RegExp(`job ${job.id}: cannot write its record .*; trying again in 0.5 s`));

    fs.rmSync(record, { recursive: true });
    for (let i = 0; i < 100 && !fs.existsSync(record); i++) await delay(50);
    assert.equal(JSON.parse(fs.readFileSync(record, 'utf8')).status, 'Failed', 'written on a retry');
    assert.equal((await ServiceJobStore.open(dir())).get(job.id)!.status, 'Failed');
  });

  it('skips unreadable records and removes half-written temp files, keeping the rest', async function () {
    const store = await ServiceJobStore.open(dir());
    const job = await store.create(request(6));
    fs.writeFileSync(path.join(dir(), 'jobs', 'broken.json'), '{"id": ');
    fs.writeFileSync(path.join(dir(), 'jobs', `${job.id}.json.123.abcd.tmp`), '{');
    const logged: string[] = [];
    const reopened = await ServiceJobStore.open(dir(), (m) => logged.push(m));
    assert.deepEqual(reopened.list().map((j) => j.id), [job.id]);
    assert.match(logged.join('\n'), /skipping unreadable job record broken\.json/);
    assert.deepEqual(fs.readdirSync(path.join(dir(), 'jobs')).sort(), [`${job.id}.json`, 'broken.json'].sort());
  });

  it('deletes finished jobs once their time to live has passed since they finished', async function () {
    let now = new Date('2026-03-01T12:00:00Z');
    const store = await ServiceJobStore.open(dir());
    const runner = new JobRunner({ store, recognizer: new Recognizer(), now: () => now });
    const finish = (id: string, status: 'Succeeded' | 'Failed' | 'Running', at: string) =>
      store.update(id, (r) => {
        r.status = status;
        r.lastActionDateTime = at;
      });
    const sixHours = await store.create(request(6));
    const week = await store.create(request(168));
    const running = await store.create(request(6));
    await finish(sixHours.id, 'Failed', '2026-03-01T12:00:00Z');
    await finish(week.id, 'Succeeded', '2026-03-01T12:00:00Z');
    await finish(running.id, 'Running', '2026-03-01T00:00:00Z');

    now = new Date('2026-03-01T17:59:59Z');
    assert.deepEqual(await runner.sweepExpired(), []);
    now = new Date('2026-03-01T18:00:00Z');
    assert.deepEqual(await runner.sweepExpired(), [sixHours.id]);
    now = new Date('2026-03-08T12:00:00Z');
    assert.deepEqual(await runner.sweepExpired(), [week.id]);
    assert.deepEqual(store.list().map((j) => j.id), [running.id], 'a running job never expires');
  });

  it('fails a job the service stopped during twice instead of resuming it again', async function () {
    const store = await ServiceJobStore.open(dir());
    const once = await store.create(request(6));
    const twice = await store.create(request(6));
    await store.update(once.id, (r) => Object.assign(r, { status: 'Running', attempts: 1 }));
    // It had listed a result and a partial report while it ran (as running jobs do).
    const partial = { id: '00000000-0000-0000-0000-000000000001', name: 'report.json', kind: 'TranscriptionReport' as const, size: 2, createdDateTime: '2026-01-01T10:00:00Z' };
    await store.writeResult(twice.id, 'report.json', '{}');
    await store.update(twice.id, (r) => Object.assign(r, { status: 'Running', attempts: 2, files: [partial] }));
    // The inputs do not exist: the resumed job fails at its download, before the recogniser.
    const recognizer = { recognizeFile: () => Promise.reject(new Error('not reached')) };
    const runner = new JobRunner({ store, recognizer });
    await runner.resume();

    const gaveUp = store.get(twice.id)!;
    assert.equal(gaveUp.status, 'Failed');
    assert.match(gaveUp.error?.message ?? '', /^the local service stopped twice while transcribing this job; /);
    assert.deepEqual(gaveUp.files, [], 'no partial results on a job that gave up');
    assert.ok(!fs.existsSync(path.join(dir(), 'results', twice.id)));
    // Resumed: NotStarted until it runs again, then it fails at its input.
    for (let i = 0; i < 100 && store.get(once.id)!.status !== 'Failed'; i++) await new Promise((r) => setTimeout(r, 20));
    const rerun = store.get(once.id)!;
    assert.equal(rerun.attempts, 2, 'resumed once more');
    assert.doesNotMatch(rerun.error?.message ?? '', /stopped twice/);
    await runner.close();
  });

  it('does not count a run stopped by a clean shutdown as an attempt', async function () {
    const store = await ServiceJobStore.open(dir());
    const audio = path.join(dir(), 'a.wav');
    fs.writeFileSync(audio, 'RIFF');
    const job = await store.create({ ...request(6), contentUrls: [pathToFileURL(audio).href] });
    let started!: () => void;
    const recognizing = new Promise<void>((resolve) => (started = resolve));
    const recognizer = {
      recognizeFile: (_: string, __: string, options: { signal?: AbortSignal }) =>
        new Promise<never>((_resolve, reject) => {
          started();
          options.signal!.addEventListener('abort', () => reject(options.signal!.reason));
        }),
    };
    const runner = new JobRunner({ store, recognizer, allowedPaths: new AllowedPaths([dir()]) });
    await runner.resume();
    await recognizing;
    assert.equal(store.get(job.id)!.attempts, 1);
    await runner.close();
    assert.equal(store.get(job.id)!.status, 'Running', 'resumes at the next start');
    assert.equal(store.get(job.id)!.attempts, 0);
  });
});
