/**
 * `speech-batch models …` and `transcribe --model` through the built CLI (dist/cli.js): a model file is added and
 * listed, a download from a local HTTP server whose bytes do not match the published checksum fails saying so,
 * and transcribe runs its job on the model it names (whisper.cpp's weightless test model: an empty transcript) or
 * fails for a model the service does not have.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { makeMono } from '../support/audio';
import { ensureBuilt, runCli } from '../support/service';
import { useTempDir } from '../support/tempDir';

const TEST_MODEL = path.resolve(__dirname, '..', 'fixtures', 'models', 'for-tests-ggml-tiny.en.bin');

const cli = runCli;

describe('speech-batch models and transcribe --model (built CLI)', function () {
  const modelsDir = useTempDir('speech-batch-cli-models-');
  let env: NodeJS.ProcessEnv;

  before(function () {
    ensureBuilt();
    env = { SPEECH_BATCH_MODELS_DIR: modelsDir() };
  });

  it('adds a model file and lists it with the catalogue', async function () {
    const added = await cli(['models', 'add', TEST_MODEL, '--name', 'ci-tiny.en'], env);
    assert.equal(added.code, 0, added.stderr);
    assert.match(added.stdout, /ci-tiny\.en: .*for-tests-ggml-tiny\.en\.bin .*added; use it with --model ci-tiny\.en/);
    const listed = await cli(['models', 'list'], env);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /^pocketsphinx +built in/m);
    assert.match(listed.stdout, /^ci-tiny\.en +installed/m);
    assert.match(listed.stdout, /^base\.en +available .*speech-batch models download base\.en$/m);
    const notAModel = path.join(modelsDir(), 'notes.bin');
    fs.writeFileSync(notAModel, 'hello');
    const refused = await cli(['models', 'add', notAModel], env);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /not a whisper\.cpp or Parakeet model file \(ggml\)/);
    fs.rmSync(notAModel);
  });

  it('a download whose bytes do not match the published SHA-1 fails and leaves nothing behind', async function () {
    const server = http.createServer((_req, res) => res.end(Buffer.alloc(4096, 7)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const run = await cli(['models', 'download', 'tiny.en', '--base-url', `http://127.0.0.1:${port}/mirror`], env);
      assert.equal(run.code, 1);
      assert.match(run.stderr, /SHA-1 is [0-9a-f]{40}, not the published c78c86eb1a8faa21b369bcd33207cc90d64ae9df.*partial file was deleted/);
      assert.ok(!fs.readdirSync(modelsDir()).some((f) => f.startsWith('ggml-tiny.en')));
    } finally {
      server.close();
    }
  });

  it('transcribe --model runs the job on that model; an unknown model fails with the service error', async function () {
    const wav = makeMono('Please hold while I transfer your call.');
    const run = await cli(['transcribe', wav, '--model', 'ci-tiny.en', '--format', 'json'], env);
    assert.equal(run.code, 0, run.stderr);
    // The weightless test model recognises nothing: an empty conversation.
    assert.deepEqual(JSON.parse(run.stdout).turns, []);
    const unknown = await cli(['transcribe', wav, '--model', 'large-v9'], env);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /no base model with id/);
  });
});
