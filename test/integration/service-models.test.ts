/**
 * Models through the HTTP API of the real service process: the installed models are listed as base models
 * (pocketsphinx built in, whisper.cpp files from --models-dir), a job picks one with `model.self` and runs on it,
 * unknown or mismatched models get the spec's errors, and a default model that is not installed fails the job
 * naming the download command. whisper.cpp runs whisper.cpp's weightless CI model, so it recognises nothing.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { makeMono } from '../support/audio';
import { callService, startService, type RunningService } from '../support/service';
import { modelId } from '../../src/core/models';
import { ENGINE_NOT_INSTALLED, ENGINES_ROUTE } from '../../src/core/localService';

const TEST_MODEL = path.resolve(__dirname, '..', 'fixtures', 'models', 'for-tests-ggml-tiny.en.bin');

/** Submits a job and waits for its end; returns the job and, if it succeeded, its first result file. */
async function runJob(service: RunningService, body: Record<string, unknown>): Promise<{ job: any; result?: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const created = await callService(service, 'POST', '/transcriptions:submit', { body });
  assert.equal(created.status, 201, created.text);
  const deadline = Date.now() + 170_000;
  for (;;) {
    const job = (await callService(service, 'GET', created.body.self)).body;
    if (job.status === 'Succeeded' || job.status === 'Failed') {
      if (job.status === 'Failed') return { job };
      const files = (await callService(service, 'GET', job.links.files)).body.values;
      const file = files.find((f: { kind: string }) => f.kind === 'Transcription');
      return { job, result: JSON.parse(await (await fetch(file.links.contentUrl)).text()) };
    }
    assert.ok(Date.now() < deadline, `job still ${job.status}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('models through the API (real service, real whisper.cpp binding)', function () {
  let service: RunningService;
  let modelsDir: string;
  let audio: string;
  const job = (extra: Record<string, unknown>): Record<string, unknown> => ({
    displayName: 'models',
    locale: 'en-US',
    contentUrls: [pathToFileURL(audio).href],
    properties: { timeToLiveHours: 6, wordLevelTimestampsEnabled: true },
    ...extra,
  });

  before(async function () {
    modelsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'speech-batch-models-'));
    // An English test model, the same file as a "multilingual" one (no .en), and a broken one.
    fs.copyFileSync(TEST_MODEL, path.join(modelsDir, 'ggml-for-tests-tiny.en.bin'));
    fs.copyFileSync(TEST_MODEL, path.join(modelsDir, 'ggml-for-tests-tiny.bin'));
    fs.writeFileSync(path.join(modelsDir, 'ggml-broken.en.bin'), fs.readFileSync(TEST_MODEL).subarray(0, 200_000));
    audio = makeMono('Your order has shipped and will arrive on Monday.');
    service = await startService({ args: ['--models-dir', modelsDir] });
  });

  after(async function () {
    await service?.stop();
    fs.rmSync(modelsDir, { recursive: true, force: true });
  });

  it('lists pocketsphinx and the model files as base models, with paging', async function () {
    const list = await callService(service, 'GET', '/models/base');
    assert.equal(list.status, 200, list.text);
    const names = list.body.values.map((m: { description: string }) => m.description.split(':')[0]);
    assert.deepEqual(names.sort(), ['broken.en', 'for-tests-tiny', 'for-tests-tiny.en', 'pocketsphinx']);
    const tiny = list.body.values.find((m: { self: string }) => m.self.includes(modelId('for-tests-tiny.en')));
    assert.equal(tiny.locale, 'en-US');
    assert.equal(tiny.properties.features.supportsTranscriptionsSubmit, true);
    const one = await callService(service, 'GET', tiny.self);
    assert.equal(one.status, 200);
    assert.deepEqual(one.body, tiny);
    const page = await callService(service, 'GET', '/models/base?top=3');
    assert.equal(page.body.values.length, 3);
    const rest = await callService(service, 'GET', page.body['@nextLink']);
    assert.equal(rest.body.values.length, 1);
    assert.equal((await callService(service, 'GET', `/models/base/${'0'.repeat(8)}-0000-0000-0000-${'0'.repeat(12)}`)).status, 404);
  });

  it('lists the locales of every installed model', async function () {
    const locales = (await callService(service, 'GET', '/transcriptions/locales')).body.Submit as string[];
    for (const l of ['en-US', 'en-GB', 'de-DE', 'fr-FR']) assert.ok(locales.includes(l), `${l} missing from ${locales.join(', ')}`);
  });

  it('refuses an unknown model, a malformed model reference and a model that does not speak the locale', async function () {
    const unknown = await callService(service, 'POST', '/transcriptions:submit', {
      body: job({ model: { self: `${service.endpoint}/speechtotext/models/base/${modelId('large-v9')}` } }),
    });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.code, 'InvalidArgument');
    assert.equal(unknown.body.innerError.code, 'InvalidModel');
    const malformed = await callService(service, 'POST', '/transcriptions:submit', { body: job({ model: { self: 'https://example.invalid/other' } }) });
    assert.equal(malformed.status, 400);
    assert.equal(malformed.body.innerError.code, 'InvalidModelUri');
    const mismatch = await callService(service, 'POST', '/transcriptions:submit', {
      body: job({ locale: 'de-DE', model: { self: `${service.endpoint}/speechtotext/models/base/${modelId('pocketsphinx')}` } }),
    });
    assert.equal(mismatch.status, 400);
    assert.equal(mismatch.body.innerError.code, 'ModelMismatch');
    assert.match(mismatch.body.message, /pocketsphinx.*cannot transcribe de-DE/);
  });

  it('runs a job on the model it names: whisper.cpp (the test model recognises nothing) vs pocketsphinx', async function () {
    const self = (name: string): string => `${service.endpoint}/speechtotext/models/base/${modelId(name)}`;
    // The API keeps answering while whisper.cpp decodes (its work runs off the HTTP thread).
    const latencies: number[] = [];
    let running = true;
    const poller = (async () => {
      while (running) {
        const started = performance.now();
        await callService(service, 'GET', '/transcriptions');
        latencies.push(performance.now() - started);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    const [whisper, sphinx] = await Promise.all([
      runJob(service, job({ model: { self: self('for-tests-tiny.en') } })),
      runJob(service, job({ model: { self: self('pocketsphinx') } })),
    ]).finally(() => (running = false));
    await poller;
    const sorted = latencies.sort((a, b) => a - b);
    const p99 = sorted[Math.floor(sorted.length * 0.99)]!;
    assert.ok(sorted.length > 20 && p99 < 250, `GET /transcriptions p99 ${p99.toFixed(0)} ms over ${sorted.length} requests while whisper.cpp decoded`);
    assert.equal(whisper.job.status, 'Succeeded', JSON.stringify(whisper.job.properties.error));
    assert.equal(whisper.job.model.self, self('for-tests-tiny.en'));
    assert.deepEqual(whisper.result.recognizedPhrases, []);
    assert.ok(whisper.result.durationMilliseconds > 1000);
    assert.equal(sphinx.job.status, 'Succeeded');
    assert.ok(sphinx.result.recognizedPhrases.length > 0, 'pocketsphinx recognised nothing');
  });

  it('a job without a model gets the one it runs on, and says so in its model; a model downloaded meanwhile is seen', async function () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'speech-batch-models-'));
    const other = await startService({ args: ['--models-dir', dir] });
    try {
      const submit = async (): Promise<string> => {
        const created = await callService(other, 'POST', '/transcriptions:submit', { body: job({}) });
        assert.equal(created.status, 201, created.text);
        assert.equal((await callService(other, 'DELETE', created.body.self)).status, 204);
        return String(created.body.model.self).split('?')[0]!;
      };
      assert.equal(await submit(), `${other.endpoint}/speechtotext/models/base/${modelId('pocketsphinx')}`);
      assert.deepEqual((await callService(other, 'GET', `${other.endpoint}${ENGINES_ROUTE}`)).body, { whisper: { available: true } });
      // A model that arrives while the service runs (a download renames it into place) is used by the next job.
      fs.copyFileSync(TEST_MODEL, path.join(dir, 'ggml-for-tests-tiny.en.bin'));
      assert.equal(await submit(), `${other.endpoint}/speechtotext/models/base/${modelId('for-tests-tiny.en')}`);
    } finally {
      await other.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a broken model file fails the job with a readable reason', async function () {
    const { job: failed } = await runJob(service, job({ model: { self: `${service.endpoint}/speechtotext/models/base/${modelId('broken.en')}` } }));
    assert.equal(failed.status, 'Failed');
    assert.equal(failed.properties.error.code, ENGINE_NOT_INSTALLED);
    assert.match(failed.properties.error.message, /broken\.en.*incomplete \(200000 bytes\)/);
  });

  it('a default model that is not installed fails jobs naming the download command', async function () {
    const other = await startService({ args: ['--models-dir', modelsDir, '--default-model', 'base.en'] });
    try {
      const { job: failed } = await runJob(other, job({}));
      assert.equal(failed.status, 'Failed');
      assert.equal(failed.properties.error.code, ENGINE_NOT_INSTALLED);
      assert.match(failed.properties.error.message, /"base\.en" is not installed .*speech-batch models download base\.en/);
    } finally {
      await other.stop();
    }
  });

  it('starts with pocketsphinx only, saying why, where the whisper.cpp module cannot load', async function () {
    const bogus = path.join(modelsDir, 'not-a-native-module.node');
    fs.writeFileSync(bogus, 'not an ELF file');
    const other = await startService({ args: ['--models-dir', modelsDir], env: { SPEECH_BATCH_WHISPER_BINDING: bogus } });
    try {
      const list = await callService(other, 'GET', '/models/base');
      assert.equal(list.status, 200);
      assert.deepEqual(list.body.values.map((m: { description: string }) => m.description.split(':')[0]), ['pocketsphinx']);
      assert.deepEqual((await callService(other, 'GET', '/transcriptions/locales')).body.Submit, ['en-US']);
      // The extension asks why (Download Model… says it before downloading anything).
      const engines = (await callService(other, 'GET', `${other.endpoint}${ENGINES_ROUTE}`)).body;
      assert.equal(engines.whisper.available, false);
      assert.match(engines.whisper.reason, /whisper\.cpp native module cannot be loaded .*not-a-native-module\.node/);
      assert.match(other.stderr(), /warning: 3 model file\(s\) .* are not offered: the whisper\.cpp native module cannot be loaded .*not-a-native-module\.node.*; pocketsphinx still works/);
      const { job: done, result } = await runJob(other, job({}));
      assert.equal(done.status, 'Succeeded');
      assert.ok(result.recognizedPhrases.length > 0);
    } finally {
      await other.stop();
    }
  });
});
