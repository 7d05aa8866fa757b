import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  baseModelSelf,
  catalogModel,
  checkModelFile,
  describeModelFile,
  languagesLabel,
  listInstalledModels,
  MODEL_CATALOG,
  modelId,
  modelSizeLabel,
  modelUrl,
  otherWhisperModel,
  registerModelFile,
  removeModel,
} from '../../src/core/models';
import { ggmlTensor, parakeetLayoutFile } from '../support/modelFiles';
import { useTempDir } from '../support/tempDir';

const TEST_MODEL = path.resolve(__dirname, '..', 'fixtures', 'models', 'for-tests-ggml-tiny.en.bin');

describe('models catalogue and folder (src/core/models)', function () {
  const dir = useTempDir('speech-batch-models-unit-', { eachTest: true });

  it('has the published SHA-1 of every whisper model and URLs under a configurable base', function () {
    assert.equal(catalogModel('base.en')?.sha1, '137c40403d78fd54d454da0f9bd998f78703390c');
    assert.equal(catalogModel('ggml-tiny.en.bin')?.sha1, 'c78c86eb1a8faa21b369bcd33207cc90d64ae9df');
    assert.equal(catalogModel('whisper-small.en')?.sha1, 'db8a495a91d927739e50b3fc1cc4c6b8f6c2d022');
    assert.equal(catalogModel('large-v3-turbo-q5_0')?.sha1, 'e050f7970618a659205450ad97eb95a18d69c9ee');
    assert.ok(MODEL_CATALOG.every((m) => m.kind === 'parakeet' || /^[0-9a-f]{40}$/.test(m.sha1 ?? '')));
    assert.equal(modelUrl(catalogModel('base.en')!), 'https://huggingface.co/ggerganov/whisper.cpp/resolve/main/ggml-base.en.bin');
    assert.equal(modelUrl(catalogModel('base.en')!, 'https://mirror.example/models/'), 'https://mirror.example/models/ggerganov/whisper.cpp/resolve/main/ggml-base.en.bin');
    assert.ok(catalogModel('large-v3-turbo-q5_0')!.locales.includes('de-DE'));
    assert.ok(!catalogModel('base.en')!.locales.includes('de-DE'));
  });

  it('gives models stable UUIDs and builds model.self from a name, an id or a URL', function () {
    assert.match(modelId('base.en'), /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(modelId('Base.EN'), modelId('base.en'));
    assert.notEqual(modelId('base.en'), modelId('tiny.en'));
    const id = modelId('base.en');
    assert.equal(baseModelSelf('http://127.0.0.1:5000', 'base.en'), `http://127.0.0.1:5000/speechtotext/models/base/${id}`);
    assert.equal(baseModelSelf('http://127.0.0.1:5000/speechtotext/', 'ggml-base.en.bin'), `http://127.0.0.1:5000/speechtotext/models/base/${id}`);
    assert.equal(baseModelSelf('https://x', id.toUpperCase()), `https://x/speechtotext/models/base/${id}`);
    assert.equal(baseModelSelf('https://x', 'https://y/speechtotext/models/base/1'), 'https://y/speechtotext/models/base/1');
  });

  it('describes files by name: engine and languages', function () {
    assert.deepEqual(
      [describeModelFile('/m/ggml-medium.en.bin'), describeModelFile('/m/ggml-medium.bin'), describeModelFile('/m/parakeet-tdt-0.6b-v3-q8_0.gguf')].map((m) => [m.name, m.kind, m.locales.includes('de-DE')]),
      [['medium.en', 'whisper', false], ['medium', 'whisper', true], ['parakeet-tdt-0.6b-v3-q8_0', 'parakeet', true]],
    );
  });

  it('checks model files whole: the weightless test model passes, truncated and foreign files do not', async function () {
    assert.deepEqual(await checkModelFile(TEST_MODEL), { format: 'ggml', kind: 'whisper', tensors: 0 });
    const truncated = path.join(dir(), 'cut.bin');
    fs.writeFileSync(truncated, fs.readFileSync(TEST_MODEL).subarray(0, 586_000));
    await assert.rejects(checkModelFile(truncated), /incomplete \(586000 bytes\)/);
    // Tensors after the vocabulary: an f16 4×8 and a q4_0 64-element one; cut inside the last one's data.
    const withTensors = Buffer.concat([fs.readFileSync(TEST_MODEL), ggmlTensor(1, [4, 8], 'a.weight', 64), ggmlTensor(2, [64], 'b.weight', 36)]);
    const whole = path.join(dir(), 'whole.bin');
    fs.writeFileSync(whole, withTensors);
    assert.deepEqual(await checkModelFile(whole), { format: 'ggml', kind: 'whisper', tensors: 2 });
    fs.writeFileSync(whole, withTensors.subarray(0, withTensors.length - 1));
    await assert.rejects(checkModelFile(whole), /incomplete/);
    // GGUF is refused with the reason: neither loader of this whisper.cpp build reads it.
    const gguf = path.join(dir(), 'p.gguf');
    const header = Buffer.alloc(24);
    header.write('GGUF', 0, 'latin1');
    header.writeInt32LE(3, 4);
    header.writeBigUInt64LE(10n, 8);
    fs.writeFileSync(gguf, header);
    await assert.rejects(checkModelFile(gguf), /is a GGUF file: whisper\.cpp and Parakeet here load ggml model files/);
    fs.writeFileSync(path.join(dir(), 'x.bin'), 'RIFF....WAVE');
    await assert.rejects(checkModelFile(path.join(dir(), 'x.bin')), /not a whisper\.cpp or Parakeet model file \(ggml\): it starts with 0x46464952/);
  });

  it('tells Parakeet files from whisper.cpp ones by their header, walks them to the end, and refuses other sizes', async function () {
    const file = path.join(dir(), 'my-asr.bin'); // a name that says nothing
    const bytes = parakeetLayoutFile({ standard: true });
    fs.writeFileSync(file, bytes);
    assert.deepEqual(await checkModelFile(file), { format: 'ggml', kind: 'parakeet', tensors: 723 });
    assert.deepEqual(await checkModelFile(file, 'parakeet'), { format: 'ggml', kind: 'parakeet', tensors: 723 });
    // Asked for as a whisper.cpp model it is not one; the whisper.cpp test model is no Parakeet one.
    await assert.rejects(checkModelFile(file, 'whisper'), /not a usable whisper\.cpp model|incomplete|damaged/);
    await assert.rejects(checkModelFile(TEST_MODEL, 'parakeet'), /not a usable Parakeet model/);
    fs.writeFileSync(file, bytes.subarray(0, bytes.length - 10));
    await assert.rejects(checkModelFile(file, 'parakeet'), /incomplete/);
    // Another Parakeet size (whisper.cpp's loader would only warn, then abort the process): refused, saying why.
    fs.writeFileSync(file, parakeetLayoutFile());
    await assert.rejects(checkModelFile(file), /not a Parakeet TDT 0\.6B model \(n_vocab 4, expected 8192\): this whisper\.cpp build runs that model only/);
    // Registered, it is a Parakeet model whatever its name.
    fs.writeFileSync(file, bytes);
    const added = await registerModelFile(dir(), file);
    assert.equal(added.kind, 'parakeet');
    assert.deepEqual((await listInstalledModels(dir())).map((m) => [m.name, m.kind, m.locales.includes('de-DE')]), [['my-asr', 'parakeet', true]]);
  });

  it('names other whisper.cpp files for download, and sizes and languages for people', function () {
    const medium = otherWhisperModel('ggml-medium.en-q5_0.bin')!;
    assert.deepEqual([medium.name, medium.kind, medium.sha1, medium.locales.includes('de-DE')], ['medium.en-q5_0', 'whisper', undefined, false]);
    assert.equal(modelUrl(medium, 'https://mirror.example/hf'), 'https://mirror.example/hf/ggerganov/whisper.cpp/resolve/main/ggml-medium.en-q5_0.bin');
    assert.equal(otherWhisperModel('ggml-tiny.en.bin'), catalogModel('tiny.en'));
    assert.equal(otherWhisperModel('../etc/passwd.bin'), undefined);
    assert.equal(otherWhisperModel('medium'), undefined);
    assert.equal(modelSizeLabel(77_691_713), '78 MB');
    assert.equal(modelSizeLabel(1_624_555_275), '1.62 GB');
    assert.equal(languagesLabel(['en-US', 'en-GB']), 'en-US, en-GB');
    assert.match(languagesLabel(catalogModel('large-v3-turbo-q5_0')!.locales), /^\d+ languages \(en, de, fr, es, it, …\)$/);
  });

  it('registers a file by path, lists it, and forgets it without deleting it', async function () {
    const added = await registerModelFile(dir(), TEST_MODEL, 'ci.en');
    assert.equal(added.source, 'registered');
    assert.deepEqual((await listInstalledModels(dir())).map((m) => [m.name, m.path]), [['ci.en', TEST_MODEL]]);
    await assert.rejects(registerModelFile(dir(), TEST_MODEL, 'pocketsphinx'), /built-in model's name/);
    assert.equal(await removeModel(dir(), 'ci.en'), true);
    assert.deepEqual(await listInstalledModels(dir()), []);
    assert.ok(fs.existsSync(TEST_MODEL));
  });
});
