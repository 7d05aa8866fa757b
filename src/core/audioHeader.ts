/**
 * What a client can tell about an audio file from its first bytes, without decoding it: its channel count and
 * length, for choosing between fast and batch transcription (fast takes less than 2 hours) and for asking for
 * channels separately only where there are two. WAV is read exactly; MP3's length is estimated from its first
 * frame's bit rate (exact where a Xing/Info header counts the frames). Other formats: unknown.
 */
import { promises as fs } from 'node:fs';

export interface AudioHeaderInfo {
  channels?: number;
  durationMs?: number;
}

const HEAD_BYTES = 64 * 1024;
const MP3_BITRATES_V1_L3 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const MP3_BITRATES_V2_L3 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
const MP3_RATES: Record<number, number[]> = { 3: [44100, 48000, 32000], 2: [22050, 24000, 16000], 0: [11025, 12000, 8000] };

/** Channels and length from the header of the file at `path`; fields it cannot tell are left out. */
export async function probeAudioHeader(path: string): Promise<AudioHeaderInfo> {
  const handle = await fs.open(path, 'r');
  try {
    const size = (await handle.stat()).size;
    const head = Buffer.alloc(Math.min(HEAD_BYTES, size));
    await handle.read(head, 0, head.length, 0);
    return wavHeader(head, size) ?? mp3Header(head, size) ?? {};
  } finally {
    await handle.close();
  }
}

function wavHeader(head: Buffer, size: number): AudioHeaderInfo | undefined {
  if (head.length < 12 || head.toString('latin1', 0, 4) !== 'RIFF' || head.toString('latin1', 8, 12) !== 'WAVE') return undefined;
  let channels: number | undefined;
  let byteRate: number | undefined;
  for (let at = 12; at + 8 <= head.length; ) {
    const id = head.toString('latin1', at, at + 4);
    const length = head.readUInt32LE(at + 4);
    if (id === 'fmt ' && at + 24 <= head.length) {
      channels = head.readUInt16LE(at + 10);
      byteRate = head.readUInt32LE(at + 16);
    } else if (id === 'data') {
      // A recorder that never finished the header writes 0 or 0xFFFFFFFF: the data runs to the end of the file.
      const bytes = length === 0 || length === 0xffffffff || at + 8 + length > size ? size - at - 8 : length;
      return { ...(channels ? { channels } : {}), ...(byteRate ? { durationMs: Math.round((bytes / byteRate) * 1000) } : {}) };
    }
    at += 8 + length + (length % 2);
  }
  return channels ? { channels } : {};
}

function mp3Header(head: Buffer, size: number): AudioHeaderInfo | undefined {
  let at = 0;
  if (head.toString('latin1', 0, 3) === 'ID3' && head.length >= 10) {
    at = 10 + ((head[6]! & 0x7f) << 21) + ((head[7]! & 0x7f) << 14) + ((head[8]! & 0x7f) << 7) + (head[9]! & 0x7f);
  }
  for (; at + 4 <= head.length; at++) {
    if (head[at] !== 0xff || (head[at + 1]! & 0xe0) !== 0xe0) continue;
    const version = (head[at + 1]! >> 3) & 3; // 3: MPEG 1, 2: MPEG 2, 0: MPEG 2.5
    const layer = (head[at + 1]! >> 1) & 3; // 1: layer III
    const bitrateIndex = head[at + 2]! >> 4;
    const rateIndex = (head[at + 2]! >> 2) & 3;
    if (version === 1 || layer !== 1 || bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) continue;
    const kbps = (version === 3 ? MP3_BITRATES_V1_L3 : MP3_BITRATES_V2_L3)[bitrateIndex]!;
    const sampleRate = MP3_RATES[version]![rateIndex]!;
    const channels = head[at + 3]! >> 6 === 3 ? 1 : 2;
    // A Xing/Info header (VBR files) counts the frames: the length is exact.
    const sideInfo = version === 3 ? (channels === 1 ? 17 : 32) : channels === 1 ? 9 : 17;
    const xing = at + 4 + sideInfo;
    if (xing + 12 <= head.length && ['Xing', 'Info'].includes(head.toString('latin1', xing, xing + 4)) && head[xing + 7]! & 1) {
      const frames = head.readUInt32BE(xing + 8);
      const samplesPerFrame = version === 3 ? 1152 : 576;
      return { channels, durationMs: Math.round(((frames * samplesPerFrame) / sampleRate) * 1000) };
    }
    return { channels, durationMs: Math.round((((size - at) * 8) / (kbps * 1000)) * 1000) };
  }
  return undefined;
}
