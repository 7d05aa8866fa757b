import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { audioDurationMs } from '../../src/core/audioLength';
import { probeAudio } from '../../src/local/audio/stream';
import { durationMs, makeCall, makeCodecVariant, makeCorruptWav, makeFormatVariant, makeMono } from '../support/audio';
import { useTempDir } from '../support/tempDir';

/** Within 1 % (MP3 encoder padding, ADPCM blocks). */
function near(actual: number | undefined, expected: number, what: string): void {
  assert.ok(actual !== undefined && Math.abs(actual - expected) <= expected * 0.01 + 30, `${what}: ${actual} ms, expected about ${expected} ms`);
}

describe('audioDurationMs (the header only, for time-left estimates)', function () {
  this.timeout(120_000);
  const dir = useTempDir('audio-length-');

  it("tells the length of WAV (PCM, A-law, ADPCM), MP3 (with and without a frame count) and FLAC as sox and the service's probe do", async function () {
    const call = makeCall();
    const noTag = path.join(dir(), 'no-xing.mp3');
    execFileSync('lame', ['--quiet', '-t', '-b', '32', call.wav, noTag]);
    const files: [string, string][] = [
      ['call.wav', call.wav],
      ['call.mp3 (Info frame count)', call.mp3],
      ['MP3 without a Xing/Info tag (constant bit rate)', noTag],
      ['mono 8 kHz', makeMono('thank you for calling', { sampleRate: 8000, dir: dir() })],
      ['A-law', makeFormatVariant('alaw')],
      ['44.1 kHz', makeFormatVariant('rate44k')],
      ['IMA ADPCM', makeCorruptWav(dir(), 'adpcm')],
      ['FLAC', makeCodecVariant(call.wav, 'flac', dir())],
    ];
    for (const [what, file] of files) {
      const sox = durationMs(file);
      near(await audioDurationMs(file), sox, what);
      const service = await probeAudio(file).catch(() => undefined);
      if (service?.durationMs) near(await audioDurationMs(file), service.durationMs, `${what} (service)`);
    }
  });

  it('says nothing (rather than a wrong length) for files that are not audio or whose format it does not read', async function () {
    for (const kind of ['empty', 'text', 'random', 'headerOnly'] as const) {
      const file = makeCorruptWav(path.join(dir(), kind), kind);
      assert.equal(await audioDurationMs(file), undefined, kind);
    }
    assert.equal(await audioDurationMs(makeCodecVariant(makeCall().wav, 'm4a-aac', dir())), undefined, 'M4A');
    assert.equal(await audioDurationMs(path.join(dir(), 'missing.wav')), undefined, 'missing');
  });
});
