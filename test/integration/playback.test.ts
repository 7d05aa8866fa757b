/**
 * Windowed playback of recordings (src/core/playback.ts): real files made with sox, every window checked by decoding
 * the stream the page would get (init segment + the window) with ffmpeg and comparing the samples with the file's
 * (the frames are compressed losslessly: the samples must come back exactly).
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openPlayback, type PlaybackSource } from '../../src/core/playback';
import { makeLongRecording } from '../support/longCall';
import { useTempDir } from '../support/tempDir';

/** Decodes init + window with ffmpeg to interleaved 16-bit samples; a frame whose CRC or bitstream is wrong fails. */
function decode(source: PlaybackSource, window: Uint8Array, dir: string): Int16Array {
  const file = path.join(dir, 'window.mp4');
  fs.writeFileSync(file, Buffer.concat([source.init(), window]));
  const strict = ['-err_detect', 'crccheck+bitstream+buffer+explode'];
  const pcm = execFileSync('ffmpeg', ['-v', 'error', '-xerror', ...strict, '-i', file, '-f', 's16le', '-'], { maxBuffer: 1 << 28 });
  return new Int16Array(pcm.buffer, pcm.byteOffset, pcm.length / 2);
}

/** The file's own samples (interleaved 16-bit, no dither) from frame `first`, `count` frames, as sox reads them. */
function reference(file: string, first: number, count: number): Int16Array {
  const pcm = execFileSync('sox', ['-D', file, '-t', 's16', '-', 'trim', `${first}s`, `${count}s`], { maxBuffer: 1 << 28 });
  return new Int16Array(pcm.buffer, pcm.byteOffset, pcm.length / 2);
}

describe('playback windows of a recording (FLAC in fragmented MP4)', function () {
  this.timeout(60_000);
  const dir = useTempDir('playback-');

  const formats: [string, string[]][] = [
    ['44.1 kHz stereo 16-bit PCM', ['-r', '44100', '-c', '2', '-b', '16', '-e', 'signed-integer']],
    ['8 kHz mono µ-law', ['-r', '8000', '-c', '1', '-e', 'u-law']],
    ['8 kHz mono A-law', ['-r', '8000', '-c', '1', '-e', 'a-law']],
    ['16 kHz stereo 24-bit PCM', ['-r', '16000', '-c', '2', '-b', '24', '-e', 'signed-integer']],
    ['22.05 kHz mono 8-bit PCM', ['-r', '22050', '-c', '1', '-b', '8', '-e', 'unsigned-integer']],
  ];
  for (const [name, args] of formats) {
    it(`plays ${name} from anywhere, sample-exact, without reading the rest`, async () => {
      const file = path.join(dir(), `${name.replace(/\W+/g, '-')}.wav`);
      execFileSync('sox', ['-n', ...args, file, 'synth', '120', 'sine', '300-900', 'sine', '500']);
      const source = (await openPlayback(file, { ffmpeg: false }))!;
      try {
        assert.ok(source, 'a WAV is windowed without ffmpeg');
        assert.ok(Math.abs(source.durationMs - 120_000) < 1, `duration ${source.durationMs}`);
        const rate = source.sampleRate;
        const window = await source.window(95_500, 3000);
        assert.ok(window.startMs <= 95_500 && window.startMs > 95_500 - (4096 / rate) * 1000, `starts on the frame before 95.5 s: ${window.startMs}`);
        assert.ok(window.endMs - window.startMs >= 3000 && window.endMs - window.startMs < 3000 + (4096 / rate) * 1000);
        const first = Math.round((window.startMs / 1000) * rate);
        const count = Math.round(((window.endMs - window.startMs) / 1000) * rate);
        const got = decode(source, window.data, dir());
        const want = reference(file, first, count);
        assert.equal(got.length, want.length);
        // 16-bit from 24-bit: the top 16 bits (sox rounds, the stream truncates): at most one step apart.
        const tolerance = args.includes('24') ? 1 : 0;
        let worst = 0;
        for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
        assert.ok(worst <= tolerance, `samples differ by up to ${worst}`);
      } finally {
        await source.close();
      }
    });
  }

  it('ends with the recording: the last window is short and stops at the end', async () => {
    const file = path.join(dir(), 'short.wav');
    execFileSync('sox', ['-n', '-r', '8000', '-c', '1', '-b', '16', file, 'synth', '10.3', 'sine', '440']);
    const source = (await openPlayback(file, { ffmpeg: false }))!;
    const window = await source.window(9000, 20_000);
    assert.ok(Math.abs(window.endMs - 10_300) < 1, `ends at ${window.endMs}`);
    assert.equal(decode(source, window.data, dir()).length, Math.round(((window.endMs - window.startMs) / 1000) * 8000));
    await source.close();
  });

  it('windows other formats through ffmpeg, and says when a file is neither WAV nor audio', async () => {
    const mp3 = path.join(dir(), 'call.mp3');
    execFileSync('sox', ['-n', '-r', '16000', '-c', '1', mp3, 'synth', '60', 'sine', '440']);
    const source = await openPlayback(mp3);
    assert.ok(source, 'MP3 through ffmpeg');
    assert.ok(Math.abs(source.durationMs - 60_000) < 100, `duration ${source.durationMs}`);
    const window = await source.window(30_000, 2000);
    assert.ok(decode(source, window.data, dir()).length >= 2 * 16000 * 0.99);
    await source.close();

    assert.equal(await openPlayback(mp3, { ffmpeg: false }), undefined, 'without ffmpeg only WAV is windowed');
    const text = path.join(dir(), 'notes.wav');
    fs.writeFileSync(text, 'not audio at all');
    assert.equal(await openPlayback(text), undefined);
    await assert.rejects(openPlayback(path.join(dir(), 'missing.wav')), /ENOENT/);
  });
  it('sends speech losslessly in under half the bytes of its samples, and digital silence in almost none', async () => {
    // The sample call (real speech on two channels, with pauses) as 44.1 kHz stereo, then 10 s of digital silence.
    const speech = makeLongRecording(path.join(dir(), 'speech.wav'), 1, ['-r', '44100', '-c', '2', '-b', '16']);
    const file = path.join(dir(), 'speech-then-silence.wav');
    execFileSync('sox', [speech, file, 'pad', '0', '10']);
    const source = (await openPlayback(file, { ffmpeg: false }))!;
    try {
      const samplesPerSecond = 44100 * 2 * 2;
      const window = await source.window(20_000, 20_000);
      const first = Math.round((window.startMs / 1000) * 44100);
      const count = Math.round(((window.endMs - window.startMs) / 1000) * 44100);
      const got = decode(source, window.data, dir());
      const want = reference(file, first, count);
      assert.equal(got.length, want.length);
      assert.equal(got.findIndex((s, i) => s !== want[i]), -1, 'exactly the samples of the file');
      const ratio = window.data.length / (((window.endMs - window.startMs) / 1000) * samplesPerSecond);
      assert.ok(ratio < 0.5, `speech is sent in ${Math.round(ratio * 100)} % of its samples' bytes`);

      const silence = await source.window(61_000, 8000);
      assert.equal(decode(source, silence.data, dir()).every((s) => s === 0), true);
      const silent = silence.data.length / (((silence.endMs - silence.startMs) / 1000) * samplesPerSecond);
      assert.ok(silent < 0.01, `silence is sent in ${(silent * 100).toFixed(2)} % of its samples' bytes`);
    } finally {
      await source.close();
    }
  });
});
