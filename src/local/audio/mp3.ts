/**
 * MP3 (MPEG-1/2/2.5 Layer I/II/III) headers: recognising MPEG audio, its channels, rate and length without decoding.
 * Decoding is mpg123 compiled to WebAssembly (`mpg123-decoder`), streamed in ./stream.ts: gapless decoding trims
 * the encoder delay and padding recorded in a LAME/Xing header, so the output has the exact length of the encoded
 * audio (LAME writes that header whenever it fits in the first frame, i.e. from about 40 kbit/s at 16–24 kHz).
 */
import type { FileHandle } from 'node:fs/promises';
import type { AudioInfo } from './types';

/** Samples of delay mpg123's layer III synthesis adds (its GAPLESS_DELAY). */
export const MPG123_DECODER_DELAY = 529;
/** Samples LAME (the encoder of most MP3s) puts before the audio (its ENCDELAY). */
export const LAME_ENCODER_DELAY = 576;

/** Bit rates in kbit/s by [MPEG-1 ? 0 : 1][layer - 1][index]. */
const BITRATES = [
  [
    [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
    [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
    [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  ],
  [
    [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
    [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
    [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  ],
];
const SAMPLE_RATES = [44100, 48000, 32000];

/** An MPEG audio frame header. */
interface FrameHeader {
  /** Bytes of the whole frame, header included. */
  length: number;
  channels: 1 | 2;
  sampleRate: number;
  /** bit/s */
  bitrate: number;
  /** Samples per channel in one frame. */
  samples: number;
  /** The highest bit rate a stream of this MPEG version and layer can have (bit/s). */
  maxBitrate: number;
}

/** Parses the 4-byte MPEG audio frame header at `pos`, or returns undefined if there is none. */
function parseFrameHeader(buf: Buffer, pos: number): FrameHeader | undefined {
  if (pos + 4 > buf.length || buf[pos] !== 0xff || (buf[pos + 1] & 0xe0) !== 0xe0) return undefined;
  const version = (buf[pos + 1] >> 3) & 3; // 0: MPEG-2.5, 2: MPEG-2, 3: MPEG-1
  const layer = 4 - ((buf[pos + 1] >> 1) & 3); // 1..3 (4 = reserved)
  const bitrateIndex = buf[pos + 2] >> 4;
  const rateIndex = (buf[pos + 2] >> 2) & 3;
  if (version === 1 || layer === 4 || bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) return undefined;
  const mpeg1 = version === 3;
  const sampleRate = SAMPLE_RATES[rateIndex] / (mpeg1 ? 1 : version === 2 ? 2 : 4);
  const bitrate = BITRATES[mpeg1 ? 0 : 1][layer - 1][bitrateIndex] * 1000;
  const padding = (buf[pos + 2] >> 1) & 1;
  const length =
    layer === 1
      ? (Math.floor((12 * bitrate) / sampleRate) + padding) * 4
      : Math.floor(((layer === 3 && !mpeg1 ? 72 : 144) * bitrate) / sampleRate) + padding;
  const samples = layer === 1 ? 384 : layer === 3 && !mpeg1 ? 576 : 1152;
  const maxBitrate = BITRATES[mpeg1 ? 0 : 1][layer - 1][14] * 1000;
  return { length, channels: buf[pos + 3] >> 6 === 3 ? 1 : 2, sampleRate, bitrate, samples, maxBitrate };
}

/** Length of the ID3v2 tag at the start of `head` (0 if there is none). */
export function id3v2Length(head: Buffer): number {
  if (head.length < 10 || head.toString('latin1', 0, 3) !== 'ID3') return 0;
  const size = ((head[6] & 0x7f) << 21) | ((head[7] & 0x7f) << 14) | ((head[8] & 0x7f) << 7) | (head[9] & 0x7f);
  const footer = head[5] & 0x10 ? 10 : 0;
  return 10 + size + footer;
}

/** What the first frame of an MP3 file tells. */
export interface Mp3Probe {
  channels: 1 | 2;
  /** The first frame carries a Xing/Info header: mpg123 then trims encoder delay and padding itself. */
  gapless: boolean;
  first: FrameHeader;
  /** Frames of the stream per its Xing/Info or VBRI header, if it has one that says. */
  frames?: number;
}

/** The frame count of a Xing/Info (LAME) or VBRI (Fraunhofer) header in the first frame, if there is one. */
function headerFrameCount(frame: Buffer): number | undefined {
  const xing = Math.max(frame.indexOf('Xing', 4, 'latin1'), frame.indexOf('Info', 4, 'latin1'));
  if (xing > 0 && xing + 12 <= frame.length && frame.readUInt32BE(xing + 4) & 1) return frame.readUInt32BE(xing + 8);
  if (frame.length >= 50 && frame.toString('latin1', 36, 40) === 'VBRI') return frame.readUInt32BE(36 + 14);
  return undefined;
}

/**
 * Probes the MPEG audio at `start` (after the ID3v2 tag): a valid frame header right there (after any zero padding),
 * followed by a second valid header or the end of the file. Undefined when the bytes are not MPEG audio.
 */
export async function probeMp3(file: FileHandle, fileSize: number, start: number): Promise<Mp3Probe | undefined> {
  const probe = Buffer.alloc(Math.min(16384, Math.max(0, fileSize - start)));
  const { bytesRead } = await file.read(probe, 0, probe.length, start);
  const buf = probe.subarray(0, bytesRead);
  let pos = 0;
  while (pos < buf.length && buf[pos] === 0) pos++;
  const first = parseFrameHeader(buf, pos);
  if (!first) return undefined;
  const next = pos + first.length;
  const followed = start + next >= fileSize || next + 4 > buf.length || parseFrameHeader(buf, next) !== undefined;
  if (!followed) return undefined;
  const frame = buf.subarray(pos, Math.min(buf.length, next));
  const frames = headerFrameCount(frame);
  return { channels: first.channels, gapless: /Xing|Info/.test(frame.toString('latin1')), first, ...(frames ? { frames } : {}) };
}

/**
 * What the first frame of an MP3 file says, or undefined if it is not MPEG audio. The length comes from the frame
 * count of a Xing/Info/VBRI header, else from the first frame's bit rate and the size of the file (exact for
 * constant bit rate).
 */
export async function probeMp3Info(file: FileHandle, fileSize: number, head: Buffer): Promise<AudioInfo | undefined> {
  const start = id3v2Length(head);
  const probe = await probeMp3(file, fileSize, start);
  if (!probe) return undefined;
  const { first, frames } = probe;
  if (frames !== undefined) {
    const durationMs = ((frames * first.samples) / first.sampleRate) * 1000;
    return { format: 'mp3', sampleRate: first.sampleRate, channels: first.channels, durationMs, minDurationMs: durationMs };
  }
  // Without a frame count the first frame's bit rate is only a guess (a variable bit rate stream often starts with
  // cheap silence): the length is at least what the highest bit rate would fit in the file.
  const bits = (fileSize - start) * 8 * 1000;
  return {
    format: 'mp3',
    sampleRate: first.sampleRate,
    channels: first.channels,
    durationMs: bits / first.bitrate,
    minDurationMs: bits / first.maxBitrate,
  };
}


/** Bytes at the end of a file searched for the last frames ({@link endsInsideFrame}). */
const TAIL_BYTES = 16384;
/** Consecutive frame headers that establish sync in the tail (one could be a chance 0xFFE in the audio data). */
const SYNC_FRAMES = 3;

/**
 * Whether the MPEG audio of the file (after `start`) ends inside a frame, i.e. the file was cut off: in its last
 * bytes, the chain of frame headers (found where {@link SYNC_FRAMES} follow each other) runs to a frame that ends
 * past the end of the file. A chain that ends exactly at the end, or at an ID3v1/APE/Lyrics tag, is whole; one that
 * cannot be followed (damaged data) says nothing here.
 */
export async function endsInsideFrame(file: FileHandle, fileSize: number, start: number): Promise<boolean> {
  const from = Math.max(start, fileSize - TAIL_BYTES);
  const tail = Buffer.alloc(fileSize - from);
  const { bytesRead } = await file.read(tail, 0, tail.length, from);
  const buf = tail.subarray(0, bytesRead);
  for (let i = 0; i + 4 <= buf.length; i++) {
    if (buf[i] !== 0xff) continue;
    let pos = i;
    let chained = 0;
    for (let header = parseFrameHeader(buf, pos); header; header = parseFrameHeader(buf, pos)) {
      chained++;
      if (pos + header.length > buf.length) {
        if (chained >= SYNC_FRAMES) return true;
        break; // too short a chain to trust: a chance 0xFFE in the data
      }
      pos += header.length;
    }
    if (chained >= SYNC_FRAMES) return false; // ends exactly at the end, at a tag, or in damaged data
  }
  return false;
}
