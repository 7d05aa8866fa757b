import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ENGINE_NOT_INSTALLED } from '../../src/core/localService';
import type { TranscriptionReportFile } from '../../src/core/wire';
import { AllowedPaths } from '../../src/local/allowedPaths';
import { PocketsphinxEngine } from '../../src/local/engine/pocketsphinx';
import { JobRunner } from '../../src/local/jobRunner';
import { Recognizer } from '../../src/local/recognizer';
import { ServiceJobStore } from '../../src/local/serviceJobStore';
import { makeFormatVariant } from '../support/audio';
import { useTempDir } from '../support/tempDir';

describe('a missing recogniser is reported by its code, not by its wording', function () {
  const dir = useTempDir('speech-batch-engine-', { eachTest: true });

  it('check() names the install command and carries the code, for a missing binary and a missing model', async function () {
    for (const engine of [new PocketsphinxEngine({ binary: '/nonexistent/pocketsphinx_continuous' }), new PocketsphinxEngine({ modelDir: '/nonexistent/model' })]) {
      await assert.rejects(engine.check(), (err: Error & { code?: string }) => {
        assert.equal(err.code, ENGINE_NOT_INSTALLED);
        assert.match(err.message, /apt-get install pocketsphinx/);
        return true;
      });
    }
  });

  it('a job whose every file hit the missing recogniser fails with that code, per file and for the job', async function () {
    this.timeout(20_000);
    const audio = makeFormatVariant('pcm16', dir());
    const store = await ServiceJobStore.open(path.join(dir(), 'data'));
    const job = await store.create({ displayName: 'job', locale: 'en-US', contentUrls: [pathToFileURL(audio).href], properties: { timeToLiveHours: 6 } });
    const recognizer = new Recognizer({ engine: new PocketsphinxEngine({ binary: '/nonexistent/pocketsphinx_continuous' }) });
    const runner = new JobRunner({ store, recognizer, allowedPaths: new AllowedPaths([dir()]) });
    await runner.resume();
    for (let i = 0; i < 500 && !['Succeeded', 'Failed'].includes(store.get(job.id)!.status); i++) await new Promise((r) => setTimeout(r, 20));
    const done = store.get(job.id)!;
    assert.equal(done.status, 'Failed');
    assert.equal(done.error?.code, ENGINE_NOT_INSTALLED);
    const report = JSON.parse((await store.readResult(job.id, 'report.json')).toString()) as TranscriptionReportFile;
    assert.equal(report.details[0]?.errorKind, ENGINE_NOT_INSTALLED);
    await runner.close();
  });
});
