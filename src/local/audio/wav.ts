/**
 * WAV layout: RIFF and RF64 containers, PCM 8/16/24/32-bit, IEEE float 32/64-bit, A-law, µ-law, each plain or as
 * WAVE_FORMAT_EXTENSIBLE — where the samples are and how to read them. ./stream.ts reads the data chunk block by block.
 */
import type { FileHandle } from 'node:fs/promises';
import { AudioFormatError, checkSampleRate, type AudioInfo } from './types';
import * as samples from './samples';

const MAX_CHANNELS = 2;
/**
 * Data sizes from here up are placeholders, not lengths: 0xFFFFFFFF (ffmpeg and most recorders writing to a pipe),
 * 0x7FFFFFFF, sox's 0x7FFFF000. A RIFF file holds at most 4 GiB, so a real data chunk this large cannot be either.
 */
const STREAMING_DATA_SIZE = 0x7ffff000;
/** Chunks read before both `fmt ` and `data` must have been found. */
const MAX_CHUNKS = 1000;

const WAVE_FORMAT_PCM = 0x0001;
const WAVE_FORMAT_IEEE_FLOAT = 0x0003;
const WAVE_FORMAT_ALAW = 0x0006;
const WAVE_FORMAT_MULAW = 0x0007;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

/** Names of common WAV encodings this decoder does not handle, for readable errors. */
const UNSUPPORTED_ENCODINGS: Record<number, string> = {
  0x0002: 'Microsoft ADPCM',
  0x0010: 'OKI ADPCM',
  0x0011: 'IMA ADPCM',
  0x0014: 'G.723 ADPCM',
  0x0022: 'TrueSpeech',
  0x0031: 'GSM 6.10',
  0x0040: 'G.721 ADPCM',
  0x0050: 'MPEG',
  0x0055: 'MPEG Layer 3',
  0x0064: 'G.726 ADPCM',
  0x0065: 'G.722 ADPCM',
  0x0161: 'Windows Media Audio',
  0xf1ac: 'FLAC',
};

/** Where the samples of a WAV file are and how to read them. */
export interface WavLayout {
  /** e.g. "wav/pcm16". */
  format: string;
  channels: number;
  sampleRate: number;
  /** Bytes of one frame (one sample of every channel). */
  blockAlign: number;
  bytesPerSample: number;
  /** File offset of the first sample. */
  dataOffset: number;
  /** Whole frames actually present in the file (a truncated data chunk counts what is there). */
  frames: number;
  /** Whole frames the header's data size declares; undefined when it gives none (see `lengthUnknown`). */
  declaredFrames?: number;
  /**
   * The data size is a placeholder (0xFFFFFFFF, 0x7FFFF000… as recorders write while streaming, or 0 with samples
   * after it: never finished) or absurd (beyond the RIFF size of the file it is in): the samples run to the end of
   * the file, and nobody can tell whether that is all.
   */
  lengthUnknown: boolean;
  read: samples.SampleReader;
}

interface FmtChunk {
  formatTag: number;
  channels: number;
  sampleRate: number;
  blockAlign: number;
  bitsPerSample: number;
}

/** True when the first bytes of a file are a RIFF/RF64 WAVE header. */
export function isWav(head: Buffer): boolean {
  const riff = head.toString('latin1', 0, 4);
  return (riff === 'RIFF' || riff === 'RF64' || riff === 'BW64') && head.toString('latin1', 8, 12) === 'WAVE';
}

async function readAt(file: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await file.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}

function parseFmt(chunk: Buffer): FmtChunk {
  if (chunk.length < 16) throw new AudioFormatError('WAV fmt chunk is too short (damaged header)');
  let formatTag = chunk.readUInt16LE(0);
  if (formatTag === WAVE_FORMAT_EXTENSIBLE) {
    if (chunk.length < 26) throw new AudioFormatError('WAV extensible fmt chunk is too short (damaged header)');
    // The first two bytes of the SubFormat GUID are the actual format tag.
    formatTag = chunk.readUInt16LE(24);
  }
  return {
    formatTag,
    channels: chunk.readUInt16LE(2),
    sampleRate: chunk.readUInt32LE(4),
    blockAlign: chunk.readUInt16LE(12),
    bitsPerSample: chunk.readUInt16LE(14),
  };
}

function hex4(n: number): string {
  return '0x' + n.toString(16).padStart(4, '0');
}

function sampleReader(fmt: FmtChunk, bytesPerSample: number): { format: string; read: samples.SampleReader } {
  const unsupportedDepth = (): never => {
    throw new AudioFormatError(`WAV ${fmt.bitsPerSample}-bit encoding ${hex4(fmt.formatTag)} is not supported; convert to 16-bit PCM`);
  };
  switch (fmt.formatTag) {
    case WAVE_FORMAT_PCM: {
      const readers = [samples.readUnsigned8, samples.readSigned16, samples.readSigned24, samples.readSigned32];
      const read = readers[bytesPerSample - 1] ?? unsupportedDepth();
      return { format: `wav/pcm${bytesPerSample * 8}`, read };
    }
    case WAVE_FORMAT_IEEE_FLOAT:
      if (bytesPerSample === 4) return { format: 'wav/float32', read: samples.readFloat32 };
      if (bytesPerSample === 8) return { format: 'wav/float64', read: samples.readFloat64 };
      return unsupportedDepth();
    case WAVE_FORMAT_ALAW:
      return bytesPerSample === 1 ? { format: 'wav/alaw', read: samples.readAlaw } : unsupportedDepth();
    case WAVE_FORMAT_MULAW:
      return bytesPerSample === 1 ? { format: 'wav/mulaw', read: samples.readUlaw } : unsupportedDepth();
    default: {
      const name = UNSUPPORTED_ENCODINGS[fmt.formatTag];
      throw new AudioFormatError(
        `WAV encoding ${hex4(fmt.formatTag)}${name ? ` (${name})` : ''} is not supported; convert to PCM`,
      );
    }
  }
}

/** Walks the chunks of a WAV file (reading only headers) and describes where its samples are. */
export async function readWavLayout(file: FileHandle, fileSize: number): Promise<WavLayout> {
  const riff = await readAt(file, 0, 8);
  const isRf64 = riff.toString('latin1', 0, 4) !== 'RIFF';
  /** The RIFF chunk's size: the length of the whole file as written (a placeholder when streamed). */
  const riffSize = riff.length === 8 ? riff.readUInt32LE(4) : 0;
  let fmt: FmtChunk | undefined;
  let ds64DataSize: number | undefined;
  let data: { offset: number; size: number; unknown: boolean } | undefined;

  for (let pos = 12, chunks = 0; pos + 8 <= fileSize && !(fmt && data); chunks++) {
    // Recorders write a handful of chunks before the audio; thousands are a damaged or hostile file, not worth
    // walking with one read each.
    if (chunks >= MAX_CHUNKS) throw new AudioFormatError(`WAV file has more than ${MAX_CHUNKS} chunks before its audio (damaged header)`);
    const header = await readAt(file, pos, 8);
    const id = header.toString('latin1', 0, 4);
    let size = header.readUInt32LE(4);
    const body = pos + 8;
    if (id === 'ds64' && isRf64) {
      const ds64 = await readAt(file, body, Math.min(size, 24));
      if (ds64.length >= 16) ds64DataSize = Number(ds64.readBigUInt64LE(8));
    } else if (id === 'fmt ') {
      fmt = parseFmt(await readAt(file, body, Math.min(size, 40)));
    } else if (id === 'data') {
      const fromDs64 = size === 0xffffffff && ds64DataSize !== undefined;
      if (fromDs64) size = ds64DataSize!;
      // An absurd size too: far beyond the end of the file the RIFF chunk that holds it declares (when it declares one;
      // a writer's off-by-a-few RIFF size is not absurd).
      const absurd = !isRf64 && riffSize > 0 && riffSize < STREAMING_DATA_SIZE && body + size > 2 * (riffSize + 8) + 65_536;
      const unknown = !fromDs64 && (size >= STREAMING_DATA_SIZE || (size === 0 && fileSize > body) || absurd);
      // A placeholder size: the samples run to the end of the file.
      if (unknown) size = fileSize - body;
      data = { offset: body, size, unknown };
    }
    // Chunks are word-aligned: an odd-sized chunk is followed by one pad byte.
    pos = body + size + (size & 1);
  }

  if (!fmt) throw new AudioFormatError('WAV file has no fmt chunk (damaged or not audio)');
  if (!data) throw new AudioFormatError('WAV file has no data chunk (damaged or truncated header)');
  if (fmt.channels === 0) throw new AudioFormatError('WAV header says the file has 0 channels (damaged header)');
  if (fmt.channels > MAX_CHANNELS) {
    throw new AudioFormatError(
      `audio has ${fmt.channels} channels; only mono and stereo (2 channels) are supported`,
      'BadChannelConfiguration',
    );
  }
  checkSampleRate(fmt.sampleRate);
  const bytesPerSample = Math.ceil(fmt.bitsPerSample / 8);
  if (bytesPerSample === 0) throw new AudioFormatError('WAV header says 0 bits per sample (damaged header)');
  const { format, read } = sampleReader(fmt, bytesPerSample);
  const blockAlign = bytesPerSample * fmt.channels;
  const available = Math.max(0, Math.min(data.size, fileSize - data.offset));
  const frames = Math.floor(available / blockAlign);
  if (frames === 0) throw new AudioFormatError('the WAV file contains no audio samples', 'EmptyAudioFile');
  return {
    format,
    channels: fmt.channels,
    sampleRate: fmt.sampleRate,
    blockAlign,
    bytesPerSample,
    dataOffset: data.offset,
    frames,
    ...(data.unknown ? {} : { declaredFrames: Math.floor(data.size / blockAlign) }),
    lengthUnknown: data.unknown,
    read,
  };
}

/** What the header of an open WAV file of `fileSize` bytes says (the length counts the frames present). */
export async function probeWav(file: FileHandle, fileSize: number): Promise<AudioInfo> {
  const { format, sampleRate, channels, frames } = await readWavLayout(file, fileSize);
  const durationMs = (frames / sampleRate) * 1000;
  return { format, sampleRate, channels, durationMs, minDurationMs: durationMs };
}
