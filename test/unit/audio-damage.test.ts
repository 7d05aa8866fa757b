/**
 * Damage is reported, never hidden: the streamed decoding of real damaged recordings (made from the sample call with
 * head -c, ffmpeg, lame, sox; see makeDamaged) keeps what can be decoded and says what is wrong, in the words users
 * read; undamaged recordings of every kind the tests make get no warning.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AudioWarning } from '../../src/core/wire';
import { segmentFile } from '../../src/local/audio/segmentFile';
import { makeCall, makeCodecVariant, makeDamaged, makeFormatVariant, makeMono, makeRepeatedCall, type DamageKind } from '../support/audio';

async function decode(file: string): Promise<{ durationMs: number; warnings: AudioWarning[] }> {
  return segmentFile({ path: file, noiseFloorDbfs: null, segmenting: { targetMs: 30_000, maxMs: 60_000 } }, async () => {});
}

const hasFfmpeg = (() => {
  try {
    execFileSync('ffmpeg', ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('damaged audio is decoded as far as it goes, with a warning saying what is wrong', function () {
  this.timeout(120_000);

  const cases: { kind: DamageKind; code: string; message: RegExp; decodedMs: [number, number] }[] = [
    // head -c 1500000 of a 16 kHz stereo 16-bit WAV: 1 499 956 bytes of samples, 23.4 s.
    { kind: 'wav-truncated', code: 'AudioTruncated', message: /^Only 0:23 of 0:42 could be decoded: the file ends early$/, decodedMs: [23_430, 23_440] },
    { kind: 'wav-streamed', code: 'AudioLengthUnknown', message: /^The WAV header does not say how long the recording is .*; 0:42 was decoded up to the end of the file/, decodedMs: [42_300, 42_320] },
    { kind: 'wav-unfinished', code: 'AudioLengthUnknown', message: /does not say how long the recording is/, decodedMs: [42_300, 42_320] },
    { kind: 'wav-absurd', code: 'AudioLengthUnknown', message: /does not say how long the recording is .*impossible sizes/, decodedMs: [42_300, 42_320] },
    { kind: 'mp3-cut', code: 'AudioTruncated', message: /^Only 0:21 of 0:42 could be decoded: the file ends early$/, decodedMs: [20_500, 21_500] },
    { kind: 'mp3-cut-no-header', code: 'AudioTruncated', message: /^The file ends in the middle of an MP3 frame: it was cut off after 0:21/, decodedMs: [20_500, 21_500] },
    { kind: 'mp3-corrupt', code: 'AudioDamaged', message: /^Damaged audio from 0:16 on: 0:0[2-4] of audio could not be decoded \(corrupt or missing MP3 frames\); the transcript has a gap there$/, decodedMs: [38_000, 40_000] },
    { kind: 'silent', code: 'AudioSilent', message: /^The recording is silent: nothing in its 0:20 is louder than -60 dBFS/, decodedMs: [20_000, 20_000] },
    { kind: 'clipped', code: 'AudioClipped', message: /^The recording is clipped throughout \(recorded too loud: \d+ % of its seconds of sound hit full scale\)/, decodedMs: [42_300, 42_320] },
  ];
  if (hasFfmpeg) {
    cases.push({ kind: 'flac-truncated', code: 'AudioTruncated', message: /^Only 0:2\d of 0:42 could be decoded: the file ends early$/, decodedMs: [19_000, 22_000] });
  }

  for (const { kind, code, message, decodedMs } of cases) {
    it(`${kind}: ${code}`, async () => {
      const { durationMs, warnings } = await decode(makeDamaged(kind));
      assert.ok(durationMs >= decodedMs[0] && durationMs <= decodedMs[1], `decoded ${durationMs} ms`);
      assert.deepEqual(warnings.map((w) => w.code), [code], JSON.stringify(warnings));
      assert.match(warnings[0]!.message, message);
    });
  }

  it('one silent channel of a stereo call is named: only one side was recorded', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'damage-'));
    try {
      const file = path.join(dir, 'one-side.wav');
      execFileSync('sox', [makeCall().wav, file, 'remix', '1', '0']);
      const { warnings } = await decode(file);
      assert.deepEqual(warnings, [{ code: 'AudioSilent', message: 'Channel 2 is silent (nothing louder than -60 dBFS): only one side of the call was recorded' }]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('undamaged recordings get no warning: WAV, MP3 (with and without frame count), mono speech, tones, every encoding', async () => {
    const call = makeCall();
    const files = [call.wav, call.mp3, makeRepeatedCall(2).mp3, makeMono('Thank you for calling. How can I help you today?')];
    for (const variant of ['pcm8', 'pcm24', 'float32', 'alaw', 'mulaw', 'rate8k', 'rate44k'] as const) files.push(makeFormatVariant(variant));
    if (hasFfmpeg) files.push(makeCodecVariant(call.wav, 'flac'), makeCodecVariant(call.wav, 'ogg-opus'));
    for (const file of files) {
      const { warnings } = await decode(file);
      // The test tone's right channel is digital silence by design (8-bit: sox's dither, about -48 dBFS, is not).
      const expected = /variant-/.test(file) && !file.endsWith('pcm8.wav') ? [/^Channel 2 is silent/] : [];
      assert.equal(warnings.length, expected.length, `${path.basename(file)}: ${JSON.stringify(warnings)}`);
      warnings.forEach((w, i) => assert.match(w.message, expected[i]!));
    }
  });
});
