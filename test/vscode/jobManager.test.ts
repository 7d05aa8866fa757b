/**
 * The job store and manager against fakes (no service): windows sharing globalState, concurrent refreshes of one
 * job, deleting a job whose service cannot be reached, and failed inputs with the same file name in the tree.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { SpeechClient } from '../../src/core/client';
import type { Backends } from '../../src/vscode/backends';
import { deleteJob } from '../../src/vscode/commands/deleteJob';
import type { CommandContext } from '../../src/vscode/commands/context';
import { UserFacingError } from '../../src/vscode/errors';
import { jobKey, type JobRecord } from '../../src/vscode/jobRecord';
import { JobManager } from '../../src/vscode/jobManager';
import { JobStore } from '../../src/vscode/jobStore';
import { fileItem } from '../../src/vscode/jobsTree';
import type { TranscriptService } from '../../src/vscode/transcriptService';
import { fakeJob, recordMessages } from './extensionHelpers';

/** A globalState stand-in that several stores (windows) share. */
function sharedMemento(): vscode.Memento {
  const data = new Map<string, unknown>();
  return {
    keys: () => [...data.keys()],
    get: <T>(key: string, fallback?: T) => (data.has(key) ? (JSON.parse(JSON.stringify(data.get(key))) as T) : fallback),
    update: async (key: string, value: unknown) => {
      data.set(key, value);
    },
  } as vscode.Memento;
}

describe('job store and manager (fakes)', () => {
  const log = vscode.window.createOutputChannel('Speech Batch job manager tests', { log: true });
  const disposables: vscode.Disposable[] = [];

  after(() => log.dispose());
  afterEach(() => vscode.Disposable.from(...disposables.splice(0)).dispose());

  function store(memento: vscode.Memento): JobStore {
    const s = new JobStore(memento, log);
    disposables.push(s);
    return s;
  }

  function manager(jobs: JobStore, clientFor: () => Promise<SpeechClient>): JobManager {
    const backends = { clientFor, of: () => ({ deleteUploads: async () => undefined }) } as unknown as Backends;
    const m = new JobManager(jobs, backends, log);
    disposables.push(m);
    return m;
  }

  it('keeps the jobs another window added or removed (globalState is shared)', async () => {
    const memento = sharedMemento();
    const [a, b, c] = ['a', 'b', 'c'].map((n) => fakeJob({ id: `00000000-0000-4000-8000-00000000000${n}` }));
    const first = store(memento);
    const second = store(memento);
    await first.put(a);
    await second.put(b);
    await first.put(c);
    assert.deepEqual(store(memento).all().map((j) => j.id).sort(), [a.id, b.id, c.id].sort());
    await second.remove(a);
    await first.remove(c);
    assert.deepEqual(store(memento).all().map((j) => j.id), [b.id]);
  });

  it('finishes a job once when two refreshes run at the same time', async () => {
    const jobs = store(sharedMemento());
    const job = fakeJob({ id: '00000000-0000-4000-8000-0000000000d1', status: 'Running' });
    await jobs.put(job);
    let gets = 0;
    const client = {
      get: async () => {
        gets++;
        await new Promise((resolve) => setTimeout(resolve, 50));
        return { transcription: { displayName: 'x', locale: 'en-US', status: 'Succeeded' } };
      },
      listFiles: async () => [{ name: 'contenturl_0.json', kind: 'Transcription' }],
    } as unknown as SpeechClient;
    const m = manager(jobs, async () => client);
    const finished: JobRecord[] = [];
    disposables.push(m.onDidFinish((j) => finished.push(j)));
    await Promise.all([m.refresh(job), m.refresh(job)]);
    // A later check with the stale record must not finish it again, nor drop the listed files.
    await m.refresh(job);
    assert.equal(finished.length, 1);
    assert.equal(gets, 2);
    assert.equal(jobs.get(jobKey(job))?.status, 'Succeeded');
    assert.equal(jobs.get(jobKey(job))?.files.length, 1);
  });

  it('offers to remove a job from the list when its service cannot be reached', async () => {
    const jobs = store(sharedMemento());
    const job = fakeJob({ id: '00000000-0000-4000-8000-0000000000e1', status: 'Succeeded' });
    await jobs.put(job);
    const m = manager(jobs, async () => {
      throw new UserFacingError('No Azure Speech key is set.');
    });
    const forgotten: string[] = [];
    const ctx = {
      jobs: m,
      transcripts: { forget: async (j: JobRecord) => void forgotten.push(j.id) } as unknown as TranscriptService,
      log,
    } as Partial<CommandContext> as CommandContext;
    const ui = recordMessages((message) => (message.startsWith('Delete the transcription job') ? 'Delete' : 'Remove from List'));
    try {
      await deleteJob(ctx, { node: { kind: 'job', job }, files: [] });
    } finally {
      ui.restore();
    }
    assert.match(ui.messages[1], /Could not delete the job "call\.wav" on its service: No Azure Speech key is set\./);
    assert.equal(jobs.get(jobKey(job)), undefined);
    assert.deepEqual(forgotten, [job.id]);
  });

  it('gives failed inputs with the same file name distinct tree ids', () => {
    const job = fakeJob({ status: 'Succeeded', audioPaths: ['/calls/day1/call.wav', '/calls/day2/call.wav'] });
    const ids = [0, 1].map((index) => fileItem(job, { name: 'call.wav', state: 'failed', audioName: 'call.wav', index }).id);
    assert.notEqual(ids[0], ids[1]);
  });
});
