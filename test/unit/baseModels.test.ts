import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultModelFor, describeBaseModel, writesOwnPunctuation } from '../../src/core/baseModels';
import type { BaseModel } from '../../src/core/wire';
import { ModelRegistry } from '../../src/local/modelRegistry';
import type { Engine } from '../../src/local/engine/types';
import { useTempDir } from '../support/tempDir';

const pocketsphinx: Engine = { name: 'pocketsphinx', locales: ['en-US'], check: async () => {}, recognize: async () => [] };

describe('base models as the options picker shows them', function () {
  const dir = useTempDir('speech-batch-base-models-', { eachTest: true });
  beforeEach(function () {
    fs.writeFileSync(path.join(dir(), 'ggml-base.en.bin'), Buffer.alloc(2_000_000));
    fs.writeFileSync(path.join(dir(), 'ggml-large-v3-turbo-q5_0.bin'), Buffer.alloc(3_000_000));
  });

  it("reads name, engine, size and every locale from the local service's base models, and picks its default the service's way", async function () {
    const registry = new ModelRegistry({ modelsDir: dir(), pocketsphinx, whisperUnavailable: () => undefined });
    const models = (await registry.refresh()).map((m) => describeBaseModel(registry.toBaseModel(m, { origin: 'http://127.0.0.1:1', apiVersion: '2024-11-15' })));
    assert.deepEqual(
      models.map((m) => [m.name, m.kind, m.sizeBytes]),
      [
        ['pocketsphinx', 'pocketsphinx', undefined],
        ['base.en', 'whisper', 2e6],
        ['large-v3-turbo-q5_0', 'whisper', 3e6],
      ],
    );
    assert.deepEqual(models[0]!.locales, ['en-US']);
    assert.ok(models[1]!.locales.includes('en-GB') && !models[1]!.locales.includes('de-DE'));
    assert.ok(models[2]!.locales.includes('de-DE') && models[2]!.locales.includes('ja-JP'));
    for (const locale of ['en-US', 'de-DE']) assert.equal(defaultModelFor(models, locale)?.name, registry.choose(undefined, locale).name, locale);
    assert.equal(defaultModelFor(models, 'en-US', 'base.en')?.name, 'base.en', "the service's --default-model when it speaks the locale");
    assert.equal(defaultModelFor(models, 'de-DE', 'base.en')?.name, 'large-v3-turbo-q5_0');
    assert.equal(defaultModelFor(models, 'xx-XX'), undefined);
    assert.equal(writesOwnPunctuation(models[0]), false);
    assert.equal(writesOwnPunctuation(models[2]), true);
  });

  it("takes Azure's base models as they are, the newest as the default", function () {
    const azure = (displayName: string, created: string): BaseModel => ({
      self: `https://westeurope.api.cognitive.microsoft.com/speechtotext/models/base/${displayName}`,
      displayName,
      description: 'en-US base model',
      locale: 'en-US',
      createdDateTime: created,
    });
    const models = [azure('20230111', '2023-01-11T00:00:00Z'), azure('20241218', '2024-12-18T00:00:00Z')].map(describeBaseModel);
    assert.deepEqual(models.map((m) => [m.name, m.kind, m.locales]), [['20230111', undefined, ['en-US']], ['20241218', undefined, ['en-US']]]);
    assert.equal(defaultModelFor(models, 'en-US')?.name, '20241218');
  });
});
