/**
 * Decodes an audio file by its content (never its extension): WAV (RIFF/RF64) or MP3. Other content is rejected with
 * an `AudioFormatError` whose message says what the file looks like instead.
 */
import { open } from 'node:fs/promises';
import { AudioFormatError, type DecodedAudio } from './types';
import { decodeWav, isWav } from './wav';
import { decodeMp3, isMp3 } from './mp3';

const HEAD_BYTES = 16;

/** Describes the first bytes of a file for an error message: quoted text if printable, hex bytes otherwise. */
export function describeStart(head: Buffer): string {
  const bytes = head.subarray(0, 8);
  const text = bytes.toString('latin1');
  if (/^[\x20-\x7e\t\r\n]+$/.test(text)) return JSON.stringify(text);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

/** Reads and decodes the audio file at `path`. Throws `AudioFormatError` for empty, damaged or unsupported files. */
export async function decodeAudioFile(path: string): Promise<DecodedAudio> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    if (size === 0) throw new AudioFormatError('the audio file is empty (0 bytes)', 'EmptyAudioFile');
    const head = Buffer.alloc(Math.min(HEAD_BYTES, size));
    await file.read(head, 0, head.length, 0);
    if (isWav(head)) return await decodeWav(file, size);
    if (await isMp3(file, size, head)) return await decodeMp3(file, size, head);
    throw new AudioFormatError(`not a WAV or MP3 file (starts with ${describeStart(head)})`);
  } finally {
    await file.close();
  }
}
