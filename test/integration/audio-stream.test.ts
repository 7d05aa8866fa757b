/**
 * Audio read as a stream of blocks: the built-in WAV and MP3 decoders give exactly what whole-file decoding gives,
 * and every other format call recorders write comes through ffmpeg, with the right channels at the right times.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeAudioFile } from '../../src/local/audio/stream';
import { ENGINE_SAMPLE_RATE, resample } from '../../src/local/audio/resample';
import { openAudioStream, type AudioStream } from '../../src/local/audio/stream';
import { makeCall, makeCodecVariant, makeFormatVariant, type CodecVariant } from '../support/audio';
import { useTempDir } from '../support/tempDir';

async function collect(stream: AudioStream): Promise<Float32Array[]> {
  const parts: Float32Array[][] = [];
  for await (const block of stream.blocks()) parts.push(block);
  return (parts[0] ?? []).map((_, c) => {
    const out = new Float32Array(parts.reduce((n, p) => n + p[c]!.length, 0));
    let offset = 0;
    for (const p of parts) out.set(p[c]!, (offset += p[c]!.length) - p[c]!.length);
    return out;
  });
}

/** RMS of each 100 ms of a channel at `rate`. */
function envelope(samples: Float32Array, rate: number): number[] {
  const frame = Math.round(rate / 10);
  return Array.from({ length: Math.floor(samples.length / frame) }, (_, f) => {
    let sum = 0;
    for (let i = f * frame; i < (f + 1) * frame; i++) sum += samples[i]! * samples[i]!;
    return Math.sqrt(sum / frame);
  });
}

function correlation(a: number[], b: number[]): number {
  const n = Math.min(a.length, b.length);
  const mean = (x: number[]): number => x.slice(0, n).reduce((s, v) => s + v, 0) / n;
  const [ma, mb] = [mean(a), mean(b)];
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i]! - ma) * (b[i]! - mb);
    saa += (a[i]! - ma) ** 2;
    sbb += (b[i]! - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

describe('audio streams', function () {
  this.timeout(120_000);
  const call = makeCall();
  let original: Float32Array[];
  const scratch = useTempDir('speech-batch-stream-');

  before(async function () {
    original = (await decodeAudioFile(call.wav)).channels;
  });

  it('WAV and MP3 streams equal whole-file decoding sample for sample, for all channels or one', async function () {
    for (const file of [call.wav, call.mp3, makeFormatVariant('mulaw'), makeFormatVariant('pcm24')]) {
      const whole = await decodeAudioFile(file);
      const streamed = await openAudioStream(file);
      assert.equal(streamed.info.sampleRate, whole.sampleRate, file);
      assert.deepEqual(await collect(streamed), whole.channels, file);
      const second = await collect(await openAudioStream(file, { channels: [1] }));
      assert.deepEqual(second, [whole.channels[1]], `${file}: channel 1 alone`);
    }
  });

  const variants: CodecVariant[] = ['flac', 'ogg-opus', 'ogg-vorbis', 'm4a-aac', 'wma', 'webm-opus', 'ogg-speex', 'wav-gsm', 'wav-ima-adpcm', 'wav-ms-adpcm', 'wav-mulaw-8k'];
  for (const variant of variants) {
    it(`${variant}: decoded through ffmpeg, each party in its channel at the right times`, async function () {
      const file = makeCodecVariant(call.wav, variant, scratch());
      const stream = await openAudioStream(file);
      assert.match(stream.info.format, variant === 'wav-mulaw-8k' ? /^wav\/mulaw$/ : /^ffmpeg\//, 'built-in decoders first, ffmpeg for the rest');
      const channels = await collect(stream);
      const mono = channels.length === 1;
      assert.equal(channels.length, variant === 'wav-gsm' ? 1 : 2);
      const seconds = channels[0]!.length / stream.info.sampleRate;
      assert.ok(Math.abs(seconds * 1000 - call.durationMs) < 150, `${seconds} s vs ${call.durationMs} ms`);
      for (const [c, samples] of channels.entries()) {
        const ours = envelope(resample(samples, stream.info.sampleRate, ENGINE_SAMPLE_RATE), ENGINE_SAMPLE_RATE);
        const reference = mono
          ? envelope(original[0]!.map((v, i) => (v + original[1]![i]!) / 2), 16000)
          : envelope(original[c]!, 16000);
        const r = correlation(ours, reference);
        assert.ok(r > 0.9, `channel ${c}: envelope correlation ${r.toFixed(3)}`);
        if (!mono) assert.ok(correlation(ours, envelope(original[1 - c]!, 16000)) < 0.5, `channel ${c} is not the other party`);
      }
    });
  }

  it('names the install command when a format needs ffmpeg and ffmpeg is missing', async function () {
    const file = makeCodecVariant(call.wav, 'flac', scratch());
    await assert.rejects(openAudioStream(file, { ffmpeg: '/nonexistent/ffmpeg' }), /not a WAV or MP3 file; other formats are decoded with ffmpeg, which is not installed \(install it with: sudo apt-get install ffmpeg\)/);
  });

  it('refuses with a readable reason what ffmpeg cannot read either, without echoing its bytes', async function () {
    const file = path.join(scratch(), 'notes.txt');
    fs.writeFileSync(file, 'root:$6$secret-hash:19000:0:99999:7:::\n');
    await assert.rejects(openAudioStream(file), (err: Error) => {
      assert.match(err.message, /^not a WAV or MP3 file$/, 'the built-in reader\'s reason when ffmpeg cannot read it either');
      assert.doesNotMatch(err.message, /secret-hash|root:/);
      return true;
    });
  });
});
