import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TranscriptionResultFile } from '../../src/core/wire';
import { AllowedPaths } from '../../src/local/allowedPaths';
import { JobRunner } from '../../src/local/jobRunner';
import { ServiceJobStore } from '../../src/local/serviceJobStore';
import { useTempDir } from '../support/tempDir';

describe('JobRunner scheduling', function () {
  const dir = useTempDir('speech-batch-runner-', { eachTest: true });

  /** A recogniser that records which files run at the same time and finishes each when told to. */
  function recorder() {
    const running = new Set<string>();
    const overlaps: string[][] = [];
    const pending = new Map<string, () => void>();
    const recognizer = {
      recognizeFile: (file: string) =>
        new Promise<TranscriptionResultFile>((resolve) => {
          const name = path.basename(file, '.wav');
          running.add(name);
          overlaps.push([...running].sort());
          pending.set(name, () => {
            running.delete(name);
            resolve({ source: name, durationMilliseconds: 1000 } as TranscriptionResultFile);
          });
        }),
    };
    return { recognizer, overlaps, pending, running };
  }

  const until = async (what: () => boolean): Promise<void> => {
    for (let i = 0; i < 200 && !what(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.ok(what());
  };

  it('runs jobs at once, but a job that was running when the service died runs alone', async function () {
    const store = await ServiceJobStore.open(dir());
    const job = async (name: string) => {
      const file = path.join(dir(), `${name}.wav`);
      fs.writeFileSync(file, 'RIFF');
      return store.create({ displayName: name, locale: 'en-US', contentUrls: [pathToFileURL(file).href], properties: { timeToLiveHours: 6 } });
    };
    const a = await job('a');
    const crashed = await job('crashed');
    const b = await job('b');
    const c = await job('c');
    // `crashed` was running when the service died.
    await store.update(crashed.id, (r) => Object.assign(r, { status: 'Running', attempts: 1 }));
    const { recognizer, overlaps, pending, running } = recorder();
    const runner = new JobRunner({ store, recognizer, allowedPaths: new AllowedPaths([dir()]) });
    await runner.resume();

    await until(() => running.has('a'));
    assert.deepEqual([...running], ['a'], 'the suspect waits for the job before it, the jobs after it wait for the suspect');
    pending.get('a')!();
    await until(() => running.has('crashed'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual([...running], ['crashed'], 'alone');
    pending.get('crashed')!();
    await until(() => running.has('b') && running.has('c'));
    pending.get('b')!();
    pending.get('c')!();
    await until(() => [a, crashed, b, c].every((j) => store.get(j.id)!.status === 'Succeeded'));
    assert.deepEqual(overlaps, [['a'], ['crashed'], ['b'], ['b', 'c']]);
    await runner.close();
  });
});
