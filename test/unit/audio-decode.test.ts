import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decodeAudioFile } from '../../src/local/audio/stream';
import { AudioFormatError } from '../../src/local/audio/types';
import { TONE, makeCorruptWav, makeFormatVariant, makeMono, type FormatVariant } from '../support/audio';

/** Root mean square of a signal. */
function rms(x: Float32Array): number {
  let sum = 0;
  for (const v of x) sum += v * v;
  return Math.sqrt(sum / x.length);
}

/** Largest difference between two signals over the length of `x`. */
function maxDifference(x: Float32Array, reference: Float32Array): number {
  let worst = 0;
  for (let n = 0; n < x.length; n++) worst = Math.max(worst, Math.abs(x[n] - reference[n]));
  return worst;
}

/** The shift of `x` against `reference` (in samples, within ±maxLag) where the two correlate best. */
function bestLag(x: Float32Array, reference: Float32Array, maxLag = 1500): number {
  let best = -Infinity;
  let bestLagSoFar = 0;
  for (let lag = -maxLag; lag <= maxLag; lag++) {
    let sum = 0;
    for (let n = Math.max(0, -lag); n < reference.length && n + lag < x.length; n += 2) sum += reference[n] * x[n + lag];
    if (sum > best) [best, bestLagSoFar] = [sum, lag];
  }
  return bestLagSoFar;
}

/** Frequency estimated from the number of sign changes. */
function zeroCrossingFrequency(x: Float32Array, rate: number): number {
  let crossings = 0;
  for (let i = 1; i < x.length; i++) if (x[i - 1] < 0 !== x[i] < 0) crossings++;
  return (crossings / 2) * (rate / x.length);
}

async function decodeError(file: string): Promise<AudioFormatError> {
  const err = await decodeAudioFile(file).then(
    () => assert.fail(`${path.basename(file)} decoded, but should not`),
    (e: unknown) => e,
  );
  assert.ok(err instanceof AudioFormatError, `expected AudioFormatError, got ${String(err)}`);
  return err;
}

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'audio-decode-'));
}

describe('decodeAudioFile', function () {
  this.timeout(30_000);

  /** The tone as sox synthesised it: every variant is converted from these 32-bit float samples. */
  let tone: Float32Array;
  before(async () => {
    const reference = await decodeAudioFile(makeFormatVariant('float32'));
    tone = reference.channels[0];
    // The reference itself: a 440 Hz sine at half scale (sox starts it a hair off phase 0).
    for (let n = 0; n < tone.length; n++) {
      assert.ok(Math.abs(tone[n] - TONE.amplitude * Math.sin((2 * Math.PI * TONE.frequency * n) / 16000)) < 0.01);
    }
  });

  /** Encodings of the stereo tone file, with the decoder's format name and the sample error each allows. */
  const encodings: { variant: FormatVariant; format: string; tolerance: number }[] = [
    { variant: 'pcm8', format: 'wav/pcm8', tolerance: 4 / 128 },
    { variant: 'pcm16', format: 'wav/pcm16', tolerance: 4 / 32768 },
    { variant: 'pcm24', format: 'wav/pcm24', tolerance: 1e-5 },
    { variant: 'pcm32', format: 'wav/pcm32', tolerance: 1e-5 },
    { variant: 'float32', format: 'wav/float32', tolerance: 1e-6 },
    { variant: 'float64', format: 'wav/float64', tolerance: 1e-6 },
    // G.711 keeps about 12 bits near full scale: the step at 0.5 is 1/64.
    { variant: 'alaw', format: 'wav/alaw', tolerance: 1 / 60 },
    { variant: 'mulaw', format: 'wav/mulaw', tolerance: 1 / 60 },
  ];

  for (const { variant, format, tolerance } of encodings) {
    it(`decodes ${format}: the left tone and the silent right channel stay apart`, async () => {
      const audio = await decodeAudioFile(makeFormatVariant(variant));
      assert.equal(audio.format, format);
      assert.equal(audio.sampleRate, 16000);
      assert.equal(audio.channels.length, 2);
      assert.equal(audio.channels[0].length, 8000);
      assert.equal(audio.channels[1].length, 8000);
      assert.equal(audio.durationMs, 500);
      const [left, right] = audio.channels;
      assert.ok(maxDifference(left, tone) <= tolerance, `left deviates ${maxDifference(left, tone)} from the tone`);
      assert.ok(Math.max(...right.map(Math.abs)) <= tolerance, 'right channel is not silent');
    });
  }

  it('reads WAVE_FORMAT_EXTENSIBLE headers (sox writes 24-bit that way)', async () => {
    const file = makeFormatVariant('pcm24');
    assert.equal(fs.readFileSync(file).readUInt16LE(20), 0xfffe, 'the fixture should be extensible');
    const audio = await decodeAudioFile(file);
    assert.equal(audio.format, 'wav/pcm24');
  });

  for (const [variant, rate] of [['rate8k', 8000], ['rate44k', 44100]] as const) {
    it(`keeps the sample rate of a ${rate} Hz file and the tone's frequency`, async () => {
      const audio = await decodeAudioFile(makeFormatVariant(variant));
      assert.equal(audio.sampleRate, rate);
      assert.equal(audio.channels[0].length, rate / 2);
      assert.equal(audio.durationMs, 500);
      const frequency = zeroCrossingFrequency(audio.channels[0], rate);
      assert.ok(Math.abs(frequency - TONE.frequency) < 5, `tone at ${frequency} Hz`);
      assert.ok(Math.abs(rms(audio.channels[0]) - TONE.amplitude / Math.SQRT2) < 0.01);
      assert.ok(rms(audio.channels[1]) < 1e-3);
    });
  }

  it('decodes mono speech made with flite', async () => {
    const audio = await decodeAudioFile(makeMono('Thank you for calling.'));
    assert.equal(audio.channels.length, 1);
    assert.ok(audio.durationMs > 500 && audio.durationMs < 3000, `${audio.durationMs} ms`);
    assert.ok(rms(audio.channels[0]) > 0.01, 'speech should not be silent');
  });

  it('rejects 3 channels with BadChannelConfiguration naming the count', async () => {
    const err = await decodeError(makeFormatVariant('threeChannels'));
    assert.equal(err.code, 'BadChannelConfiguration');
    assert.match(err.message, /3 channels/);
  });

  describe('damaged and non-audio files', () => {
    let dir: string;
    before(() => (dir = tmpDir()));
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('an empty file is EmptyAudioFile', async () => {
      const err = await decodeError(makeCorruptWav(dir, 'empty'));
      assert.equal(err.code, 'EmptyAudioFile');
    });

    it('a WAV header without samples is EmptyAudioFile', async () => {
      const err = await decodeError(makeCorruptWav(dir, 'headerOnly'));
      assert.equal(err.code, 'EmptyAudioFile');
    });

    // What a file holds may be secret (a probe once read the start of /etc/shadow this way): never echo its bytes.
    it('text is described by what it is not, without its content', async () => {
      const err = await decodeError(makeCorruptWav(dir, 'text'));
      assert.equal(err.code, 'InvalidAudioFormat');
      assert.equal(err.message, 'not a WAV or MP3 file');
    });

    it('random bytes are described by what they are not, without their values', async () => {
      const err = await decodeError(makeCorruptWav(dir, 'random'));
      assert.equal(err.code, 'InvalidAudioFormat');
      assert.equal(err.message, 'not a WAV or MP3 file');
    });

    it('IMA ADPCM is named and the fix suggested', async () => {
      const err = await decodeError(makeCorruptWav(dir, 'adpcm'));
      assert.equal(err.code, 'InvalidAudioFormat');
      assert.equal(err.message, 'WAV encoding 0x0011 (IMA ADPCM) is not supported; convert to PCM');
    });

    it('a truncated data chunk decodes the whole frames that are there', async () => {
      const audio = await decodeAudioFile(makeCorruptWav(dir, 'truncated'));
      // 1002 bytes (250.5 stereo 16-bit frames) are missing.
      assert.equal(audio.channels[0].length, 8000 - 251);
      assert.ok(maxDifference(audio.channels[0], tone) <= 4 / 32768);
    });
  });

  describe('hand-built containers around real samples', () => {
    let dir: string;
    let pcm: Buffer;
    before(() => {
      dir = tmpDir();
      const wav = fs.readFileSync(makeFormatVariant('pcm16'));
      assert.equal(wav.toString('latin1', 36, 40), 'data');
      pcm = wav.subarray(44);
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    function chunk(id: string, body: Buffer, sizeField = body.length): Buffer {
      const header = Buffer.alloc(8);
      header.write(id, 0, 'latin1');
      header.writeUInt32LE(sizeField, 4);
      return Buffer.concat([header, body, Buffer.alloc(body.length & 1)]);
    }
    function fmtPcm16Stereo(): Buffer {
      const fmt = Buffer.alloc(16);
      fmt.writeUInt16LE(1, 0);
      fmt.writeUInt16LE(2, 2);
      fmt.writeUInt32LE(16000, 4);
      fmt.writeUInt32LE(64000, 8);
      fmt.writeUInt16LE(4, 12);
      fmt.writeUInt16LE(16, 14);
      return fmt;
    }
    function write(name: string, magic: string, chunks: Buffer[]): string {
      const body = Buffer.concat([Buffer.from('WAVE', 'latin1'), ...chunks]);
      const header = Buffer.alloc(8);
      header.write(magic, 0, 'latin1');
      header.writeUInt32LE(magic === 'RIFF' ? body.length : 0xffffffff, 4);
      const file = path.join(dir, name);
      fs.writeFileSync(file, Buffer.concat([header, body]));
      return file;
    }

    it('skips an odd-sized chunk and its pad byte before fmt and data', async () => {
      const file = write('odd.wav', 'RIFF', [chunk('LIST', Buffer.from('abc')), chunk('fmt ', fmtPcm16Stereo()), chunk('data', pcm)]);
      const audio = await decodeAudioFile(file);
      assert.equal(audio.channels[0].length, 8000);
      assert.ok(maxDifference(audio.channels[0], tone) <= 4 / 32768);
    });

    it('reads RF64 with the data size in ds64', async () => {
      const ds64 = Buffer.alloc(28);
      ds64.writeBigUInt64LE(BigInt(pcm.length + 100), 0);
      ds64.writeBigUInt64LE(BigInt(pcm.length), 8);
      ds64.writeBigUInt64LE(8000n, 16);
      const file = write('rf64.wav', 'RF64', [chunk('ds64', ds64), chunk('fmt ', fmtPcm16Stereo()), chunk('data', pcm, 0xffffffff)]);
      const audio = await decodeAudioFile(file);
      assert.equal(audio.channels.length, 2);
      assert.equal(audio.channels[0].length, 8000);
      assert.ok(Math.max(...audio.channels[1].map(Math.abs)) <= 4 / 32768);
    });

    it('sniffs the content, not the extension', async () => {
      const file = path.join(dir, 'really-a-wav.mp3');
      fs.copyFileSync(makeFormatVariant('pcm16'), file);
      assert.equal((await decodeAudioFile(file)).format, 'wav/pcm16');
    });
  });

  describe('MP3 (mpg123 WebAssembly)', () => {
    let dir: string;
    before(() => (dir = tmpDir()));
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    function lame(input: string, name: string, ...args: string[]): string {
      const out = path.join(dir, name);
      execFileSync('lame', ['--quiet', ...args, input, out]);
      return out;
    }

    it('keeps both channels apart and the exact length', async () => {
      const audio = await decodeAudioFile(lame(makeFormatVariant('pcm16'), 'tone.wav', '-m', 's', '-b', '128'));
      assert.equal(audio.format, 'mp3');
      assert.equal(audio.sampleRate, 16000);
      assert.equal(audio.channels.length, 2);
      assert.equal(audio.channels[0].length, 8000);
      assert.equal(audio.durationMs, 500);
      assert.ok(Math.abs(zeroCrossingFrequency(audio.channels[0], 16000) - TONE.frequency) < 5);
      assert.ok(Math.abs(rms(audio.channels[0]) - TONE.amplitude / Math.SQRT2) < 0.02);
      assert.ok(rms(audio.channels[1]) < 1e-3, `right channel rms ${rms(audio.channels[1])}`);
    });

    it('decodes mono MP3 as one channel, after an ID3v2 tag, with the exact length', async () => {
      const mono = makeMono('Thank you for calling.', { sampleRate: 22050 });
      const file = lame(mono, 'tagged.mp3', '-b', '64', '--add-id3v2', '--tt', 'A call', '--ta', 'Speech Batch');
      assert.equal(fs.readFileSync(file).toString('latin1', 0, 3), 'ID3');
      const audio = await decodeAudioFile(file);
      const original = (await decodeAudioFile(mono)).channels[0];
      assert.equal(audio.channels.length, 1);
      assert.equal(audio.sampleRate, 22050);
      assert.equal(audio.channels[0].length, original.length);
      assert.equal(bestLag(audio.channels[0], original), 0);
    });

    it('lines up an MP3 without a gapless header (too small a first frame) with the original', async () => {
      const mono = makeMono('Thank you for calling.', { sampleRate: 22050 });
      const file = lame(mono, 'low.mp3', '-b', '32');
      assert.ok(!/Xing|Info/.test(fs.readFileSync(file).toString('latin1', 0, 200)), 'the fixture should have no gapless header');
      const audio = (await decodeAudioFile(file)).channels[0];
      const original = (await decodeAudioFile(mono)).channels[0];
      // The encoder's padding at the end is unknown without the header: at most two 576-sample frames too long.
      assert.ok(audio.length >= original.length && audio.length <= original.length + 1152, `${audio.length} vs ${original.length}`);
      assert.ok(Math.abs(bestLag(audio, original)) <= 2, `shifted by ${bestLag(audio, original)} samples`);
    });
  });
});
