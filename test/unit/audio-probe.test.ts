import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { probeAudioFile } from '../../src/local/audio/decode';
import { decodeAudioFile } from '../../src/local/audio/stream';
import { AudioFormatError } from '../../src/local/audio/types';
import { WorkPool } from '../../src/local/engine/pool';
import { formatDuration } from '../../src/local/recognizer';
import { makeCall, makeCorruptWav, makeFormatVariant, makeMono } from '../support/audio';
import { useTempDir } from '../support/tempDir';

/** A copy of `source` whose fmt chunk says `sampleRate`. */
function withRate(source: string, sampleRate: number, out: string): string {
  const wav = fs.readFileSync(source);
  const fmt = wav.indexOf('fmt ', 12, 'latin1');
  wav.writeUInt32LE(sampleRate, fmt + 12);
  fs.writeFileSync(out, wav);
  return out;
}

async function probeError(file: string): Promise<AudioFormatError> {
  const err = await probeAudioFile(file).then(() => assert.fail('probed, but should not'), (e: unknown) => e);
  assert.ok(err instanceof AudioFormatError, `expected AudioFormatError, got ${String(err)}`);
  return err;
}

describe('probeAudioFile (the header only)', function () {
  this.timeout(60_000);
  const dir = useTempDir('audio-probe-');

  it('gives format, rate, channels and the exact length of a WAV', async () => {
    const info = await probeAudioFile(makeFormatVariant('rate44k'));
    assert.deepEqual(info, { format: 'wav/pcm16', sampleRate: 44100, channels: 2, durationMs: 500, minDurationMs: 500 });
  });

  it('gives the length of an MP3 within 150 ms of its decoded length (the frames hold encoder delay and padding), from a Xing/Info header or the bit rate', async () => {
    const call = makeCall();
    for (const mp3 of [call.mp3, makeCall(undefined, undefined, { mp3Kbps: 128 }).mp3]) {
      const info = await probeAudioFile(mp3);
      const decoded = await decodeAudioFile(mp3);
      assert.equal(info.format, 'mp3');
      assert.equal(info.channels, 2);
      assert.equal(info.sampleRate, decoded.sampleRate);
      assert.ok(Math.abs(info.durationMs - decoded.durationMs) < 150, `${info.durationMs} vs ${decoded.durationMs} ms`);
    }
    // Without its first frame's Info header, the bit rate and the size give the length.
    const bytes = fs.readFileSync(call.mp3);
    const infoAt = bytes.indexOf('Info', 0, 'latin1');
    assert.ok(infoAt > 0, 'lame writes an Info header');
    const plain = Buffer.from(bytes);
    plain.write('XXXX', infoAt, 'latin1');
    fs.writeFileSync(path.join(dir(), 'no-info.mp3'), plain);
    const estimated = await probeAudioFile(path.join(dir(), 'no-info.mp3'));
    assert.ok(Math.abs(estimated.durationMs - call.durationMs) < 200, `${estimated.durationMs} vs ${call.durationMs} ms`);
    // Only a guess without a frame count: the bound limits are checked against is what the highest bit rate
    // (160 kbit/s for MPEG-2 layer III) would fit in the file.
    assert.ok(Math.abs(estimated.minDurationMs - (estimated.durationMs * 48) / 160) < 1, `${estimated.minDurationMs} ms`);
  });

  it('refuses sample rates recordings do not use (below 4 kHz, above 384 kHz), and decoding does too', async () => {
    for (const rate of [1, 3999, 384_001, 100_000_001]) {
      const file = withRate(makeMono('Hello.'), rate, path.join(dir(), `rate-${rate}.wav`));
      const err = await probeError(file);
      assert.equal(err.code, 'InvalidAudioFormat');
      assert.equal(err.message, `the sample rate is ${rate} Hz; recordings use 4000 to 384000 Hz (damaged header?)`);
      await assert.rejects(decodeAudioFile(file), /the sample rate is/);
    }
    for (const rate of [4000, 384_000]) {
      const info = await probeAudioFile(withRate(makeMono('Hello.'), rate, path.join(dir(), `ok-${rate}.wav`)));
      assert.equal(info.sampleRate, rate);
    }
  });

  it('refuses empty and non-audio files', async () => {
    assert.equal((await probeError(makeCorruptWav(dir(), 'empty'))).code, 'EmptyAudioFile');
    assert.match((await probeError(makeCorruptWav(dir(), 'text'))).message, /not a WAV or MP3 file/);
    assert.match((await probeError(makeCorruptWav(dir(), 'headerOnly'))).message, /no audio samples/);
  });

  it('gives up on a WAV with thousands of chunks before its audio instead of walking them all', async () => {
    const wav = fs.readFileSync(makeMono('Hello.'));
    const junk = Buffer.alloc(8 * 5000);
    for (let i = 0; i < 5000; i++) junk.write('junk', i * 8, 'latin1'); // empty chunks
    const file = path.join(dir(), 'many-chunks.wav');
    fs.writeFileSync(file, Buffer.concat([wav.subarray(0, 12), junk, wav.subarray(12)]));
    assert.match((await probeError(file)).message, /more than 1000 chunks before its audio/);
  });

  it('decodes a single channel on request', async () => {
    const both = await decodeAudioFile(makeCall().wav);
    const right = await decodeAudioFile(makeCall().wav, { channel: 1 });
    assert.equal(right.channels.length, 1);
    assert.deepEqual(right.channels[0], both.channels[1]);
    const rightMp3 = await decodeAudioFile(makeCall().mp3, { channel: 1 });
    assert.equal(rightMp3.channels.length, 1);
    assert.deepEqual(rightMp3.channels[0], (await decodeAudioFile(makeCall().mp3)).channels[1]);
  });
});

describe('formatDuration', () => {
  it('says hours and minutes, or minutes and seconds, rounded down', () => {
    assert.equal(formatDuration(20_160_000), '5 h 36 min');
    assert.equal(formatDuration(240 * 60_000), '4 h');
    assert.equal(formatDuration(127_900), '2 min 7 s');
    assert.equal(formatDuration(60_000), '1 min');
    assert.equal(formatDuration(45_500), '45 s');
  });
});

describe('WorkPool shares slots fairly between groups', () => {
  it('gives a freed slot to the group with the fewest running tasks, in arrival order within a group', async () => {
    const pool = new WorkPool(2);
    const started: string[] = [];
    const releases = new Map<string, () => void>();
    const task = (name: string, group: string) =>
      pool.run(() => {
        started.push(name);
        return new Promise<void>((resolve) => releases.set(name, resolve));
      }, undefined, group);
    const tick = () => new Promise((resolve) => setImmediate(resolve));
    const long = ['L1', 'L2', 'L3', 'L4', 'L5', 'L6'].map((name) => task(name, 'long'));
    await tick();
    const short = ['S1', 'S2'].map((name) => task(name, 'short'));
    await tick();
    assert.deepEqual(started, ['L1', 'L2']);
    releases.get('L1')!();
    await tick();
    assert.deepEqual(started, ['L1', 'L2', 'S1'], 'the short group gets the first free slot');
    releases.get('L2')!();
    await tick();
    assert.deepEqual(started, ['L1', 'L2', 'S1', 'L3'], 'then the long group (one running each: served longest ago)');
    releases.get('S1')!();
    await tick();
    assert.deepEqual(started, ['L1', 'L2', 'S1', 'L3', 'S2']);
    for (const name of ['L3', 'S2', 'L4', 'L5', 'L6']) {
      releases.get(name)!();
      await tick();
    }
    await Promise.all([...long, ...short]);
    assert.deepEqual(started, ['L1', 'L2', 'S1', 'L3', 'S2', 'L4', 'L5', 'L6']);
  });
});
