/**
 * Audio files read as a stream of blocks, never whole: WAV and MP3 with the built-in decoders (no dependency), any
 * other container or codec (FLAC, OGG/Opus, M4A/AAC, WMA, AMR, WebM, GSM or ADPCM inside WAV, …) through ffmpeg's
 * stdout when ffmpeg is installed. Memory is one block per channel whatever the length of the recording.
 */
import { spawn } from 'node:child_process';
import type { FileHandle } from 'node:fs/promises';
import { MPEGDecoder } from 'mpg123-decoder';
import type { DecodeIssues } from './damage';
import { endsInsideFrame, id3v2Length, MPG123_DECODER_DELAY, LAME_ENCODER_DELAY, probeMp3, type Mp3Probe } from './mp3';
import { openAudioFile, probeAudioFile } from './decode';
import { AudioFormatError, checkSampleRate, type AudioInfo, type DecodedAudio } from './types';
import { isWav, readWavLayout } from './wav';

/** What a stream carries. */
export interface StreamInfo {
  /** e.g. "wav/pcm16", "mp3", "ffmpeg/flac". */
  format: string;
  sampleRate: number;
  /** Channels in the file (blocks carry only the selected ones). */
  channels: number;
  /** Length the header declares or the size implies; undefined when the format does not say. */
  durationMs?: number;
}

export interface AudioStream {
  readonly info: StreamInfo;
  /** Blocks of samples (-1..1), one array per selected channel, all of equal length. Ends at the end of the audio. */
  blocks(signal?: AbortSignal): AsyncGenerator<Float32Array[]>;
  /** Releases the file (and ends ffmpeg); safe to call twice. */
  close(): Promise<void>;
  /** What the decoder noticed about the file (./damage.ts): complete once `blocks()` has ended. */
  issues(): DecodeIssues;
}

export interface OpenStreamOptions {
  /** Channels to deliver (default all), by index. */
  channels?: readonly number[];
  /** ffmpeg binary (default `ffmpeg` on the PATH), for content the built-in decoders do not read. */
  ffmpeg?: string;
  /** Only the built-in WAV and MP3 decoders: content they do not read fails with their reason. */
  builtInOnly?: boolean;
}

/** The Debian/Ubuntu command that installs ffmpeg, named in errors about formats only ffmpeg decodes. */
export const FFMPEG_INSTALL = 'sudo apt-get install ffmpeg';

/** Frames per block of the built-in decoders (about a second at 44.1/48 kHz). */
const BLOCK_FRAMES = 48_000;
const MP3_READ_BYTES = 64 * 1024;

/**
 * What a file holds, from its header alone (cheap: files that cannot be audio fail before they queue): the built-in
 * WAV/MP3 probe, else ffprobe. The length is undefined where the format does not tell it.
 */
export async function probeAudio(path: string, options: Pick<OpenStreamOptions, 'ffmpeg'> = {}): Promise<AudioInfo> {
  try {
    return await probeAudioFile(path);
  } catch (err) {
    if (!(err instanceof AudioFormatError && err.code === 'InvalidAudioFormat')) throw err;
    return probeWithFfmpeg(path, options.ffmpeg ?? 'ffmpeg', err.message).then(
      // ffprobe's length is an estimate for some containers: nothing is refused for it (minDurationMs 0); the
      // decoded length is checked against the cap as the audio streams.
      ({ codec, sampleRate, channels, durationMs }) => ({ format: `ffmpeg/${codec}`, sampleRate, channels, durationMs: durationMs ?? 0, minDurationMs: 0 }),
      (ffmpegError: AudioFormatError) => {
        throw /not installed/.test(ffmpegError.message) ? ffmpegError : err;
      },
    );
  }
}

/** Opens the audio file at `path` for streaming; throws {@link AudioFormatError} for content nothing can decode. */
export async function openAudioStream(path: string, options: OpenStreamOptions = {}): Promise<AudioStream> {
  const { file, size, head } = await openAudioFile(path);
  const viaFfmpeg = async (notBuiltIn: AudioFormatError): Promise<AudioStream> => {
    await file.close();
    if (options.builtInOnly) throw notBuiltIn;
    return ffmpegStream(path, options, notBuiltIn.message).catch((ffmpegError: AudioFormatError) => {
      // If ffmpeg cannot read it either, the built-in reader's reason is the one users see (unless ffmpeg is missing).
      throw /not installed/.test(ffmpegError.message) ? ffmpegError : notBuiltIn;
    });
  };
  try {
    if (isWav(head)) {
      try {
        return await wavStream(file, size, options);
      } catch (err) {
        // A codec the built-in reader does not decode (GSM 6.10, IMA/MS ADPCM, …) or a header it cannot make sense of.
        if (!(err instanceof AudioFormatError && err.code === 'InvalidAudioFormat')) throw err;
        return await viaFfmpeg(err);
      }
    }
    const mp3 = await probeMp3(file, size, id3v2Length(head));
    if (mp3) return await mp3Stream(file, size, id3v2Length(head), mp3, options);
    return await viaFfmpeg(new AudioFormatError('not a WAV or MP3 file'));
  } catch (err) {
    await file.close().catch(() => {});
    throw err;
  }
}

/**
 * Reads and decodes the whole audio file at `path` with the built-in WAV and MP3 decoders: every channel, or with
 * `channel` only that one (then `channels` holds it alone). For tests and tools; the service streams.
 */
export async function decodeAudioFile(path: string, options: { channel?: number } = {}): Promise<DecodedAudio> {
  const stream = await openAudioStream(path, { builtInOnly: true, ...(options.channel === undefined ? {} : { channels: [options.channel] }) });
  const parts: Float32Array[][] = [];
  for await (const block of stream.blocks()) parts.push(block);
  const total = parts.reduce((n, block) => n + block[0]!.length, 0);
  const channels = (parts[0] ?? []).map((_, c) => {
    const out = new Float32Array(total);
    let offset = 0;
    for (const block of parts) {
      out.set(block[c]!, offset);
      offset += block[c]!.length;
    }
    return out;
  });
  const { sampleRate, format } = stream.info;
  return { sampleRate, channels, durationMs: (total / sampleRate) * 1000, format };
}

function selected(options: OpenStreamOptions, channelCount: number): number[] {
  const wanted = options.channels ?? Array.from({ length: channelCount }, (_, c) => c);
  const missing = wanted.filter((c) => c >= channelCount);
  if (missing.length > 0) {
    throw new AudioFormatError(`the audio has ${channelCount} channel(s); channel(s) ${missing.join(', ')} do not exist`, 'BadChannelConfiguration');
  }
  return [...wanted];
}

async function wavStream(file: FileHandle, size: number, options: OpenStreamOptions): Promise<AudioStream> {
  const layout = await readWavLayout(file, size);
  const wanted = selected(options, layout.channels);
  const { blockAlign, bytesPerSample, frames, read } = layout;
  const toMs = (n: number) => (n / layout.sampleRate) * 1000;
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await file.close();
  };
  return {
    info: { format: layout.format, sampleRate: layout.sampleRate, channels: layout.channels, durationMs: toMs(frames) },
    close,
    // A data chunk longer than the file (cut off), or a size that is a placeholder.
    issues: () => ({ ...(layout.declaredFrames === undefined ? {} : { declaredMs: toMs(layout.declaredFrames) }), lengthUnknown: layout.lengthUnknown }),
    async *blocks(signal) {
      const buffer = Buffer.alloc(BLOCK_FRAMES * blockAlign);
      const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
      try {
        for (let frame = 0; frame < frames; ) {
          signal?.throwIfAborted();
          const want = Math.min(BLOCK_FRAMES, frames - frame) * blockAlign;
          const { bytesRead } = await file.read(buffer, 0, want, layout.dataOffset + frame * blockAlign);
          const got = Math.floor(bytesRead / blockAlign);
          if (got === 0) break; // the file shrank while being read: keep what was decoded
          yield wanted.map((c) => {
            const out = new Float32Array(got);
            for (let i = 0, pos = c * bytesPerSample; i < got; i++, pos += blockAlign) out[i] = read(view, pos);
            return out;
          });
          frame += got;
        }
      } finally {
        await close();
      }
    },
  };
}

/**
 * MP3 through mpg123 (WebAssembly), fed 64 KiB at a time. The first block is decoded when the stream opens, as only
 * the decoder knows the sample rate for sure.
 */
async function mp3Stream(file: FileHandle, size: number, start: number, probe: Mp3Probe, options: OpenStreamOptions): Promise<AudioStream> {
  const wanted = selected(options, probe.channels);
  let closed = false;
  const decoder = new MPEGDecoder();
  await decoder.ready;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    decoder.free();
    await file.close();
  };
  // Without a gapless header mpg123 trims nothing: drop the decoder delay and the usual encoder delay so that times
  // line up with the original.
  let skip = probe.gapless ? 0 : MPG123_DECODER_DELAY + LAME_ENCODER_DELAY;
  let errors = 0;
  /** Samples per channel decoded before the first error, if there was one. */
  let firstErrorAt: number | undefined;
  let output = 0;
  let pos = start;
  const buffer = Buffer.alloc(MP3_READ_BYTES);
  /** The next decoded block, or undefined at the end of the file. */
  const next = async (): Promise<{ sampleRate: number; channels: Float32Array[] } | undefined> => {
    while (pos < size) {
      const { bytesRead } = await file.read(buffer, 0, buffer.length, pos);
      if (bytesRead === 0) break;
      pos += bytesRead;
      const decoded = decoder.decode(buffer.subarray(0, bytesRead));
      errors += decoded.errors.length;
      if (decoded.errors.length > 0 && firstErrorAt === undefined) {
        const at = decoded.errors[0]!.outputSamples;
        firstErrorAt = typeof at === 'number' && at >= 0 ? at : output;
      }
      output += decoded.samplesDecoded;
      const dropped = Math.min(skip, decoded.samplesDecoded);
      skip -= dropped;
      if (decoded.samplesDecoded === dropped) continue;
      // Copies: the decoder reuses its output memory at the next call.
      return { sampleRate: decoded.sampleRate, channels: wanted.map((c) => decoded.channelData[c]!.slice(dropped)) };
    }
    return undefined;
  };
  let first: Awaited<ReturnType<typeof next>>;
  try {
    first = await next();
  } catch (err) {
    await close();
    throw err;
  }
  if (!first) {
    await close();
    throw new AudioFormatError(
      errors > 0 ? 'the MP3 file could not be decoded (damaged MPEG frames)' : 'the MP3 file contains no audio samples',
      errors > 0 ? 'InvalidAudioFormat' : 'EmptyAudioFile',
    );
  }
  const cutMidFrame = probe.frames === undefined && (await endsInsideFrame(file, size, start).catch(() => false));
  const { samples, sampleRate } = probe.first;
  return {
    info: { format: 'mp3', sampleRate: first.sampleRate, channels: probe.channels },
    close,
    issues: () => ({
      // The frame count of a Xing/Info/VBRI header; the decoded audio is shorter by the delays trimmed (and a frame).
      ...(probe.frames === undefined
        ? {}
        : { declaredMs: ((probe.frames * samples) / sampleRate) * 1000, slackMs: ((3 * samples + MPG123_DECODER_DELAY + LAME_ENCODER_DELAY) / sampleRate) * 1000 }),
      ...(cutMidFrame ? { cutMidFrame } : {}),
      ...(errors > 0 ? { errors: { count: errors, firstAtMs: ((firstErrorAt ?? 0) / sampleRate) * 1000, detail: 'corrupt or missing MP3 frames' } } : {}),
    }),
    async *blocks(signal) {
      try {
        for (let block = first; block; block = await next()) {
          signal?.throwIfAborted();
          yield block.channels;
          first = undefined;
        }
      } finally {
        await close();
      }
    },
  };
}

interface ProbeResult {
  codec: string;
  sampleRate: number;
  channels: number;
  durationMs?: number;
}

/** Runs a command and resolves with its stdout; rejects with ENOENT intact, or with its stderr's last line. */
function run(binary: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr = (stderr + c).slice(-4000)));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(stderr.trim().split('\n').pop() || `exit code ${code}`))));
  });
}

/** ffprobe next to the ffmpeg binary. */
function ffprobeFor(ffmpeg: string): string {
  return ffmpeg.replace(/ffmpeg(\.exe)?$/, (_m, exe: string | undefined) => `ffprobe${exe ?? ''}`);
}

async function probeWithFfmpeg(path: string, ffmpeg: string, notBuiltIn: string): Promise<ProbeResult> {
  let json: string;
  try {
    json = await run(ffprobeFor(ffmpeg), ['-v', 'error', '-select_streams', 'a:0', '-show_entries', 'stream=codec_name,sample_rate,channels:format=duration', '-of', 'json', path]);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new AudioFormatError(`${notBuiltIn}; other formats are decoded with ffmpeg, which is not installed (install it with: ${FFMPEG_INSTALL})`);
    }
    throw new AudioFormatError(`${notBuiltIn}, and ffmpeg cannot read it either (${(err as Error).message})`);
  }
  const parsed = JSON.parse(json) as { streams?: { codec_name?: string; sample_rate?: string; channels?: number }[]; format?: { duration?: string } };
  const stream = parsed.streams?.[0];
  if (!stream) throw new AudioFormatError(`${notBuiltIn}, and ffmpeg finds no audio stream in it`);
  const sampleRate = Number(stream.sample_rate);
  const channels = stream.channels ?? 0;
  if (!(sampleRate > 0) || channels <= 0) throw new AudioFormatError(`${notBuiltIn}, and ffmpeg reports no usable audio in it (damaged header)`);
  if (channels > 2) throw new AudioFormatError(`audio has ${channels} channels; only mono and stereo (2 channels) are supported`, 'BadChannelConfiguration');
  checkSampleRate(sampleRate);
  const seconds = Number(parsed.format?.duration);
  return { codec: stream.codec_name ?? 'audio', sampleRate, channels, ...(seconds > 0 ? { durationMs: seconds * 1000 } : {}) };
}

/**
 * ffmpeg's error lines in a piece of its stderr (`-v error`), for users: without the `[decoder @ 0x…]` prefix and
 * the file's path (a temp file's, or a local path users need not see twice), e.g. "invalid residual".
 */
export function ffmpegErrors(text: string, path: string): string[] {
  return text
    .split('\n')
    .map((line) => line.split(path).join('the file').replace(/^\[[^\]]*@ 0x[0-9a-f]+\]\s*/i, '').trim())
    .filter((line) => line.length > 0);
}

async function ffmpegStream(path: string, options: OpenStreamOptions, notBuiltIn: string): Promise<AudioStream> {
  const ffmpeg = options.ffmpeg ?? 'ffmpeg';
  const probe = await probeWithFfmpeg(path, ffmpeg, notBuiltIn);
  const wanted = selected(options, probe.channels);
  let child: ReturnType<typeof spawn> | undefined;
  /** What ffmpeg reported while decoding, and how much it had decoded by its first report. */
  let errors: { count: number; firstAtMs: number; detail: string } | undefined;
  let decodedMs = 0;
  const close = async (): Promise<void> => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  return {
    info: { format: `ffmpeg/${probe.codec}`, sampleRate: probe.sampleRate, channels: probe.channels, ...(probe.durationMs ? { durationMs: probe.durationMs } : {}) },
    close,
    issues: () => ({
      // The container's length is exact for some formats (FLAC), an estimate for others: only a clear shortfall counts.
      ...(probe.durationMs ? { declaredMs: probe.durationMs, slackMs: Math.max(1000, probe.durationMs / 10) } : {}),
      ...(errors ? { errors } : {}),
    }),
    async *blocks(signal) {
      // 32-bit float, native rate and channels, interleaved; resampling stays ours (the same filter for every format).
      const proc = spawn(ffmpeg, ['-nostdin', '-v', 'error', '-i', path, '-map', '0:a:0', '-f', 'f32le', '-acodec', 'pcm_f32le', '-'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = proc;
      let stderr = '';
      proc.stderr!.setEncoding('utf8').on('data', (c: string) => {
        stderr = (stderr + c).slice(-4000);
        const reports = ffmpegErrors(c, path);
        if (reports.length === 0) return;
        errors ??= { count: 0, firstAtMs: decodedMs, detail: reports[0]! };
        errors.count += reports.length;
      });
      const exited = new Promise<number | null>((resolve) => proc.on('close', (code) => resolve(code)));
      const frameBytes = 4 * probe.channels;
      let pending = Buffer.alloc(0);
      let frames = 0;
      try {
        for await (const chunk of proc.stdout! as AsyncIterable<Buffer>) {
          signal?.throwIfAborted();
          pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
          const count = Math.floor(pending.length / frameBytes);
          if (count === 0) continue;
          const view = new DataView(pending.buffer, pending.byteOffset, count * frameBytes);
          yield wanted.map((c) => {
            const out = new Float32Array(count);
            for (let i = 0, pos = c * 4; i < count; i++, pos += frameBytes) out[i] = view.getFloat32(pos, true);
            return out;
          });
          frames += count;
          decodedMs = (frames / probe.sampleRate) * 1000;
          pending = pending.subarray(count * frameBytes);
        }
        const code = await exited;
        if (code !== 0 && frames === 0) throw new AudioFormatError(`ffmpeg could not decode the file: ${stderr.trim().split('\n').pop() ?? `exit code ${code}`}`);
        if (frames === 0) throw new AudioFormatError('the file contains no audio samples', 'EmptyAudioFile');
      } finally {
        await close();
      }
    },
  };
}
