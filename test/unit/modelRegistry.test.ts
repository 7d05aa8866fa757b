import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { modelId } from '../../src/core/models';
import { ModelRegistry } from '../../src/local/modelRegistry';
import type { Engine } from '../../src/local/engine/types';
import { useTempDir } from '../support/tempDir';

const pocketsphinx: Engine = { name: 'pocketsphinx', locales: ['en-US'], check: async () => {}, recognize: async () => [] };
const GGML_HEADER = Buffer.from('lmgg', 'latin1'); // whisper.cpp's magic; the registry does not read further

describe('ModelRegistry', function () {
  const dir = useTempDir('speech-batch-registry-', { eachTest: true });
  beforeEach(function () {
    for (const name of ['ggml-base.en.bin', 'ggml-large-v3-turbo-q5_0.bin', 'ggml-small.en.bin.part']) fs.writeFileSync(path.join(dir(), name), GGML_HEADER);
  });

  it('lists pocketsphinx and the model files (not partial downloads) with stable ids', async function () {
    const registry = new ModelRegistry({ modelsDir: dir(), pocketsphinx, whisperUnavailable: () => undefined });
    const models = await registry.refresh();
    assert.deepEqual(models.map((m) => m.name), ['pocketsphinx', 'base.en', 'large-v3-turbo-q5_0']);
    assert.equal(registry.byId(modelId('base.en'))?.name, 'base.en');
    assert.ok(registry.locales().includes('de-DE'));
  });

  it('picks the default model, else the best installed model for the locale', async function () {
    const registry = new ModelRegistry({ modelsDir: dir(), pocketsphinx, whisperUnavailable: () => undefined });
    await registry.refresh();
    assert.equal(registry.choose(undefined, 'en-US').name, 'large-v3-turbo-q5_0');
    assert.equal(registry.choose(undefined, 'de-DE').name, 'large-v3-turbo-q5_0');
    const withDefault = new ModelRegistry({ modelsDir: dir(), pocketsphinx, defaultModel: 'base.en', whisperUnavailable: () => undefined });
    await withDefault.refresh();
    assert.equal(withDefault.choose(undefined, 'en-US').name, 'base.en');
    // The default does not speak German: the best model that does.
    assert.equal(withDefault.choose(undefined, 'de-DE').name, 'large-v3-turbo-q5_0');
    assert.equal(withDefault.engineFor(withDefault.choose(undefined, 'en-US')).name, 'base.en');
    assert.equal(withDefault.engineFor(withDefault.choose(`http://x/speechtotext/models/base/${modelId('pocketsphinx')}`, 'en-US')), pocketsphinx);
  });

  it('offers pocketsphinx only, and says why, where whisper.cpp cannot load', async function () {
    const logged: string[] = [];
    const registry = new ModelRegistry({ modelsDir: dir(), pocketsphinx, whisperUnavailable: () => 'no whisper.cpp build for this platform', log: (m) => logged.push(m) });
    assert.deepEqual((await registry.refresh()).map((m) => m.name), ['pocketsphinx']);
    assert.equal(registry.choose(undefined, 'en-US').name, 'pocketsphinx');
    assert.match(logged.join('\n'), /2 model file\(s\) .* are not offered: no whisper\.cpp build for this platform; pocketsphinx still works/);
  });
});
