/**
 * How long a recording is, from its header alone (a few KB read, nothing decoded): WAV/RF64 (data size over the
 * byte rate, so ADPCM and GSM too), MP3 (the Xing/Info or VBRI frame count, else the constant bit rate) and FLAC
 * (STREAMINFO). Undefined for other formats or headers that do not say. The extension weighs a job's files by it
 * to estimate the time left; the service has its own, stricter probe. Plain Node.
 */
import { open } from 'node:fs/promises';

const HEAD_BYTES = 64 * 1024;

/** The length of the audio in `path` in milliseconds, or undefined when its header does not tell. Never throws. */
export async function audioDurationMs(path: string): Promise<number | undefined> {
  try {
    const file = await open(path, 'r');
    try {
      const { size } = await file.stat();
      const head = Buffer.alloc(Math.min(HEAD_BYTES, size));
      const { bytesRead } = await file.read(head, 0, head.length, 0);
      const ms = durationFromHeader(head.subarray(0, bytesRead), size);
      return ms !== undefined && Number.isFinite(ms) && ms > 0 ? Math.round(ms) : undefined;
    } finally {
      await file.close();
    }
  } catch {
    return undefined;
  }
}

/** The length in ms told by the first bytes of a file of `fileSize` bytes. */
export function durationFromHeader(head: Buffer, fileSize: number): number | undefined {
  const tag = head.toString('latin1', 0, 4);
  if ((tag === 'RIFF' || tag === 'RF64') && head.toString('latin1', 8, 12) === 'WAVE') return wavMs(head, fileSize, tag === 'RF64');
  if (tag === 'fLaC') return flacMs(head);
  return mp3Ms(head, fileSize);
}

function wavMs(head: Buffer, fileSize: number, rf64: boolean): number | undefined {
  let byteRate: number | undefined;
  let rf64DataSize: number | undefined;
  for (let at = 12; at + 8 <= head.length; ) {
    const id = head.toString('latin1', at, at + 4);
    const size = head.readUInt32LE(at + 4);
    if (id === 'ds64' && rf64 && at + 24 <= head.length) rf64DataSize = Number(head.readBigUInt64LE(at + 16));
    if (id === 'fmt ' && at + 16 <= head.length) byteRate = head.readUInt32LE(at + 16);
    if (id === 'data') {
      if (!byteRate) return undefined;
      // A streamed or truncated file: the bytes actually there.
      const declared = rf64 && size === 0xffffffff ? rf64DataSize : size;
      const present = fileSize - (at + 8);
      const bytes = declared === undefined || declared === 0 || declared > present ? present : declared;
      return (bytes / byteRate) * 1000;
    }
    at += 8 + size + (size % 2);
  }
  return undefined;
}

function flacMs(head: Buffer): number | undefined {
  // fLaC, then the STREAMINFO block: 4-byte block header, 10 bytes of sizes, then 20 bits rate, 3 channels, 5 bits
  // per sample, 36 bits total samples.
  if (head.length < 4 + 4 + 18) return undefined;
  const info = 8;
  const rate = (head[info + 10]! << 12) | (head[info + 11]! << 4) | (head[info + 12]! >> 4);
  const samples = (head[info + 13]! & 0x0f) * 2 ** 32 + head.readUInt32BE(info + 14);
  return rate > 0 && samples > 0 ? (samples / rate) * 1000 : undefined;
}

const MP3_BITRATES_V1 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const MP3_BITRATES_V2 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
const MP3_RATES = [44100, 48000, 32000];

function mp3Ms(head: Buffer, fileSize: number): number | undefined {
  let start = 0;
  if (head.toString('latin1', 0, 3) === 'ID3' && head.length >= 10) {
    start = 10 + ((head[6]! & 0x7f) << 21) + ((head[7]! & 0x7f) << 14) + ((head[8]! & 0x7f) << 7) + (head[9]! & 0x7f);
  }
  for (let at = start; at + 4 <= head.length; at++) {
    if (head[at] !== 0xff || (head[at + 1]! & 0xe0) !== 0xe0) continue;
    const version = (head[at + 1]! >> 3) & 3; // 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5
    const layer = (head[at + 1]! >> 1) & 3; // 1: Layer III
    const bitrateIndex = head[at + 2]! >> 4;
    const rateIndex = (head[at + 2]! >> 2) & 3;
    if (version === 1 || layer !== 1 || bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) continue;
    const mpeg1 = version === 3;
    const sampleRate = MP3_RATES[rateIndex]! / (mpeg1 ? 1 : version === 2 ? 2 : 4);
    const samplesPerFrame = mpeg1 ? 1152 : 576;
    const kbps = (mpeg1 ? MP3_BITRATES_V1 : MP3_BITRATES_V2)[bitrateIndex]!;
    // A real frame is followed by another: random bytes that look like a header once are not taken for MP3.
    const frameBytes = Math.floor(((mpeg1 ? 144 : 72) * kbps * 1000) / sampleRate) + ((head[at + 2]! >> 1) & 1);
    const next = at + frameBytes;
    if (next + 2 > head.length || head[next] !== 0xff || (head[next + 1]! & 0xe0) !== 0xe0) continue;
    const mono = head[at + 3]! >> 6 === 3;
    // The Xing/Info tag sits after the side information; VBRI 32 bytes after the header.
    const xing = at + 4 + (mpeg1 ? (mono ? 17 : 32) : mono ? 9 : 17);
    const tag = head.toString('latin1', xing, xing + 4);
    if ((tag === 'Xing' || tag === 'Info') && xing + 12 <= head.length && head.readUInt32BE(xing + 4) & 1) {
      return ((head.readUInt32BE(xing + 8) * samplesPerFrame) / sampleRate) * 1000;
    }
    if (head.toString('latin1', at + 36, at + 40) === 'VBRI' && at + 50 <= head.length) {
      return ((head.readUInt32BE(at + 36 + 14) * samplesPerFrame) / sampleRate) * 1000;
    }
    return (((fileSize - at) * 8) / (kbps * 1000)) * 1000;
  }
  return undefined;
}

/** The lengths of many files (0 where the header does not tell), reading a few at a time. */
export async function audioDurationsMs(paths: readonly string[], concurrency = 16): Promise<number[]> {
  const lengths = new Array<number>(paths.length).fill(0);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < paths.length; i = next++) lengths[i] = (await audioDurationMs(paths[i]!)) ?? 0;
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, paths.length) }, worker));
  return lengths;
}
