/**
 * Opening and probing an audio file by its content (never its extension): WAV (RIFF/RF64) or MP3, from the header
 * alone. Other content is rejected with an `AudioFormatError` that says what the file is not, never what it holds:
 * its bytes could be anyone's secret. Decoding is ./stream.ts (block by block; `decodeAudioFile` collects it).
 */
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { AudioFormatError, type AudioInfo } from './types';
import { isWav, probeWav } from './wav';
import { probeMp3Info } from './mp3';

const HEAD_BYTES = 16;

/** An open audio file, its size and its first bytes. */
export interface OpenedAudioFile {
  file: FileHandle;
  size: number;
  head: Buffer;
}

/** Opens the file at `path` and reads its first bytes; refuses an empty one (and then closes it). */
export async function openAudioFile(path: string): Promise<OpenedAudioFile> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    if (size === 0) throw new AudioFormatError('the audio file is empty (0 bytes)', 'EmptyAudioFile');
    const head = Buffer.alloc(Math.min(HEAD_BYTES, size));
    await file.read(head, 0, head.length, 0);
    return { file, size, head };
  } catch (err) {
    await file.close();
    throw err;
  }
}

/** Opens the file at `path` (see {@link openAudioFile}), hands it to `use` and closes it. */
async function withAudioFile<T>(path: string, use: (file: FileHandle, size: number, head: Buffer) => Promise<T>): Promise<T> {
  const { file, size, head } = await openAudioFile(path);
  try {
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
