/** The local service lists each file's result (and its report line) as soon as that file is done, not only at the end. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TranscriptionReportFile, TranscriptionResultFile } from '../../src/core/wire';
import { AllowedPaths } from '../../src/local/allowedPaths';
import { JobRunner, type FileRecognizer } from '../../src/local/jobRunner';
import { ServiceJobStore } from '../../src/local/serviceJobStore';
import { useTempDir } from '../support/tempDir';

describe('local job runner: per-file progress', () => {
  const dir = useTempDir('speech-batch-progress-', { eachTest: true });

  async function until(what: string, condition: () => boolean | Promise<boolean>): Promise<void> {
    for (let i = 0; i < 500; i++) {
      if (await condition()) return;
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.fail(`timed out waiting for ${what}`);
  }

  it('lists finished files and a partial report.json while the job still runs', async () => {
    const names = ['a.wav', 'b.wav', 'c.wav'];
    const inputs = names.map((name) => {
      const file = path.join(dir(), name);
      fs.writeFileSync(file, 'RIFF');
      return file;
    });
    // Each file waits until the test releases it; b.wav fails.
    const release = new Map<string, () => void>();
    const recognizer: FileRecognizer = {
      recognizeFile: (_p: string, source: string) =>
        new Promise<TranscriptionResultFile>((resolve, reject) => {
          const name = path.basename(new URL(source).pathname);
          release.set(name, () => (name === 'b.wav' ? reject(new Error('no speech')) : resolve({ source, durationMilliseconds: 1000, recognizedPhrases: [] })));
        }),
    };
    const store = await ServiceJobStore.open(path.join(dir(), 'data'));
    const job = await store.create({
      displayName: 'job',
      locale: 'en-US',
      contentUrls: inputs.map((p) => pathToFileURL(p).href),
      properties: { timeToLiveHours: 6 },
    });
    const runner = new JobRunner({ store, recognizer, fileConcurrency: 3, allowedPaths: new AllowedPaths([dir()]) });
    await runner.resume();
    await until('all three files to be with the recogniser', () => release.size === 3);
    assert.equal(store.get(job.id)!.status, 'Running');

    release.get('c.wav')!();
    await until('c.wav to be listed', () => store.get(job.id)!.files.some((f) => f.name === 'contenturl_2.json'));
    assert.equal(store.get(job.id)!.status, 'Running', 'the job still runs');
    assert.deepEqual(store.get(job.id)!.files.map((f) => f.name), ['contenturl_2.json', 'report.json']);

    release.get('b.wav')!();
    await until('the report to list b.wav', async () => {
      const listed = store.get(job.id)!.files.find((f) => f.name === 'report.json');
      if (!listed) return false;
      const report = JSON.parse((await store.readResult(job.id, 'report.json')).toString()) as TranscriptionReportFile;
      return report.details.length === 2;
    });
    const partial = JSON.parse((await store.readResult(job.id, 'report.json')).toString()) as TranscriptionReportFile;
    assert.equal(partial.failedTranscriptionsCount, 1);
    assert.match(partial.details.find((d) => d.status === 'Failed')!.errorMessage!, /b\.wav.*no speech/);
    assert.equal(store.get(job.id)!.status, 'Running');

    release.get('a.wav')!();
    await until('the job to finish', () => store.get(job.id)!.status === 'Succeeded');
    const done = store.get(job.id)!;
    assert.deepEqual(done.files.map((f) => f.name).sort(), ['contenturl_0.json', 'contenturl_2.json', 'report.json']);
    const report = JSON.parse((await store.readResult(job.id, 'report.json')).toString()) as TranscriptionReportFile;
    assert.deepEqual(report.details.map((d) => d.status), ['Succeeded', 'Failed', 'Succeeded'], 'the final report keeps the input order');
    await runner.close();
  });
});
