/**
 * Decodes an audio file by its content (never its extension): WAV (RIFF/RF64) or MP3. Other content is rejected with
 * an `AudioFormatError` that says what the file is not, never what it holds: its bytes could be anyone's secret.
 */
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { AudioFormatError, type AudioInfo, type DecodedAudio } from './types';
import { decodeWav, isWav, probeWav } from './wav';
import { decodeMp3, isMp3, probeMp3Info } from './mp3';

const HEAD_BYTES = 16;

/** Opens the file at `path`, refuses an empty one and hands its size and first bytes to `use`. */
async function withAudioFile<T>(path: string, use: (file: FileHandle, size: number, head: Buffer) => Promise<T>): Promise<T> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    if (size === 0) throw new AudioFormatError('the audio file is empty (0 bytes)', 'EmptyAudioFile');
    const head = Buffer.alloc(Math.min(HEAD_BYTES, size));
    await file.read(head, 0, head.length, 0);
    return await use(file, size, head);
  } finally {
    await file.close();
  }
}

/**
 * Reads only the header of the audio file at `path`: format, rate, channels and length. Cheap (a few reads of a few
 * KB), so files that cannot be audio fail here before they wait for an engine. Throws `AudioFormatError` for empty,
 * damaged or unsupported files and for sample rates no recording uses.
 */
export function probeAudioFile(path: string): Promise<AudioInfo> {
  return withAudioFile(path, async (file, size, head) => {
    if (isWav(head)) return probeWav(file, size);
    const mp3 = await probeMp3Info(file, size, head);
    if (mp3) return mp3;
    throw new AudioFormatError('not a WAV or MP3 file');
  });
}

/**
 * Reads and decodes the audio file at `path`: every channel, or with `channel` only that one (then `channels` holds
 * it alone). Throws `AudioFormatError` for empty, damaged or unsupported files.
 */
export function decodeAudioFile(path: string, options: { channel?: number } = {}): Promise<DecodedAudio> {
  return withAudioFile(path, async (file, size, head) => {
    if (isWav(head)) return decodeWav(file, size, options.channel);
    if (await isMp3(file, size, head)) return decodeMp3(file, size, head, options.channel);
    throw new AudioFormatError('not a WAV or MP3 file');
  });
}
