/**
 * The whisper.cpp engine through the real native binding (@fugood/whisper.node's CPU build) and whisper.cpp's own CI
 * model (test/fixtures/models/for-tests-ggml-tiny.en.bin: real ggml format, no trained weights, MIT). Real inference
 * runs on real speech made with flite; the model recognises nothing, so the assertions are about the plumbing:
 * it loads, decodes within a time bound without crashing, keeps the event loop free, and yields well-formed results.
 * Broken and missing model files fail with readable reasons.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeMono } from '../support/audio';
import { parakeetLayoutFile } from '../support/modelFiles';
import { Recognizer } from '../../src/local/recognizer';
import { WhisperEngine } from '../../src/local/engine/whisper';
import { EngineNotInstalledError } from '../../src/local/engine/types';
import { loadWhisperBinding } from '../../src/local/engine/whisperBinding';
import { useTempDir } from '../support/tempDir';

export const TEST_MODEL = path.resolve(__dirname, '..', 'fixtures', 'models', 'for-tests-ggml-tiny.en.bin');
const ENGLISH = ['en-US'];

describe('whisper engine (real binding, whisper.cpp test model)', function () {
  const scratch = useTempDir('speech-batch-whisper-');

  it('loads the native binding on this machine', function () {
    const { binding, error } = loadWhisperBinding();
    assert.equal(error, undefined);
    assert.equal(typeof binding?.WhisperContext, 'function');
  });

  it('decodes real speech within a time bound, off the main thread, into well-formed results', async function () {
    const wav = makeMono('Thank you for calling. How can I help you today?');
    const engine = new WhisperEngine({ name: 'for-tests-tiny.en', kind: 'whisper', modelPath: TEST_MODEL, locales: ENGLISH });
    const recognizer = new Recognizer({ engine, concurrency: 1 });
    // The event loop keeps ticking while whisper.cpp decodes (the binding's async work runs on libuv's pool).
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 20);
    const started = Date.now();
    try {
      const result = await recognizer.recognizeFile(wav, 'call.wav', {
        locale: 'en-US',
        wordLevelTimestamps: true,
        displayFormWordLevelTimestamps: true,
      });
      const elapsed = Date.now() - started;
      assert.ok(elapsed < 150_000, `decoding took ${elapsed} ms`);
      assert.ok(ticks >= (elapsed / 20) * 0.3, `the event loop was blocked: ${ticks} ticks in ${elapsed} ms`);
      assert.equal(result.source, 'call.wav');
      assert.ok(result.durationMilliseconds! > 1000);
      assert.ok(Array.isArray(result.recognizedPhrases));
      assert.equal(result.combinedRecognizedPhrases?.length, 1);
      for (const phrase of result.recognizedPhrases ?? []) {
        const start = phrase.offsetInTicks ?? -1;
        assert.ok(start >= 0 && start + (phrase.durationInTicks ?? 0) <= result.durationMilliseconds! * 10_000 + 10_000);
        const best = phrase.nBest![0]!;
        assert.equal(best.lexical, best.lexical?.toLowerCase());
        for (const w of best.words ?? []) assert.ok((w.offsetInTicks ?? -1) >= start - 10_000);
      }
    } finally {
      clearInterval(ticker);
      await engine.close();
      await recognizer.close();
    }
  });

  it('a truncated model file fails with a readable reason', async function () {
    const truncated = path.join(scratch(), 'ggml-base.en.bin');
    fs.writeFileSync(truncated, fs.readFileSync(TEST_MODEL).subarray(0, 300_000));
    const engine = new WhisperEngine({ name: 'base.en', kind: 'whisper', modelPath: truncated, locales: ENGLISH });
    const err = await engine.recognize({ samples: new Int16Array(16000), sampleRate: 16000 }, { locale: 'en-US' }).then(() => undefined, (e: Error) => e);
    assert.ok(err instanceof EngineNotInstalledError, String(err));
    assert.match(err.message, /incomplete .*300000 bytes/);
    assert.match(err.message, /speech-batch models download base\.en/);
  });

  it('a file that is no model fails with a readable reason', async function () {
    const text = path.join(scratch(), 'notes.bin');
    fs.writeFileSync(text, 'these are not the weights you are looking for\n'.repeat(100));
    const engine = new WhisperEngine({ name: 'notes', kind: 'whisper', modelPath: text, locales: ENGLISH });
    await assert.rejects(engine.check(), (e: Error) => e instanceof EngineNotInstalledError && /not a whisper\.cpp or Parakeet model file \(ggml\)/.test(e.message));
  });

  it('Parakeet: the real binding loads through ParakeetContext; a file that is no loadable model fails readably, the process lives', async function () {
    // Parakeet TDT 0.6B's header and tensor count, made-up tensors: it passes the file check and reaches the binding,
    // whose loader refuses it. No real Parakeet model can be downloaded here, so recognition itself is not exercised.
    const standard = path.join(scratch(), 'ggml-parakeet-tdt-0.6b-v3-q4_0.bin');
    fs.writeFileSync(standard, parakeetLayoutFile({ standard: true }));
    const engine = new WhisperEngine({ name: 'parakeet-tdt-0.6b-v3', kind: 'parakeet', modelPath: standard, locales: ['en-US', 'de-DE'] });
    const err = await engine.recognize({ samples: new Int16Array(16000), sampleRate: 16000 }, { locale: 'de-DE' }).then(() => undefined, (e: Error) => e);
    assert.ok(err instanceof EngineNotInstalledError, String(err));
    assert.match(err.message, /could not load the model "parakeet-tdt-0\.6b-v3" .*Failed to initialize parakeet context.*speech-batch models download parakeet-tdt-0\.6b-v3/);
    // Another Parakeet size would abort the process inside whisper.cpp: it is refused before the binding sees it.
    const other = path.join(scratch(), 'ggml-parakeet-small.bin');
    fs.writeFileSync(other, parakeetLayoutFile());
    const small = new WhisperEngine({ name: 'parakeet-small', kind: 'parakeet', modelPath: other, locales: ['en-US'] });
    await assert.rejects(small.check(), (e: Error) => e instanceof EngineNotInstalledError && /not a Parakeet TDT 0\.6B model \(n_vocab 4, expected 8192\)/.test(e.message));
    // A whisper.cpp file given as Parakeet is refused too.
    const wrongKind = new WhisperEngine({ name: 'tiny-as-parakeet', kind: 'parakeet', modelPath: TEST_MODEL, locales: ['en-US'] });
    await assert.rejects(wrongKind.check(), (e: Error) => e instanceof EngineNotInstalledError && /not a usable Parakeet model/.test(e.message));
    await Promise.all([engine.close(), small.close(), wrongKind.close()]);
  });

  it('a missing model names the download command', async function () {
    const engine = new WhisperEngine({ name: 'small.en', kind: 'whisper', modelPath: path.join(scratch(), 'ggml-small.en.bin'), locales: ENGLISH });
    await assert.rejects(engine.check(), (e: Error) => e instanceof EngineNotInstalledError && /not installed .*speech-batch models download small\.en/.test(e.message));
  });
});
