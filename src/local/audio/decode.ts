/**
 * Decodes an audio file by its content (never its extension): WAV (RIFF/RF64) or MP3. Other content is rejected with
 * an `AudioFormatError` that says what the file is not, never what it holds: its bytes could be anyone's secret.
 */
import { open } from 'node:fs/promises';
import { AudioFormatError, type DecodedAudio } from './types';
import { decodeWav, isWav } from './wav';
import { decodeMp3, isMp3 } from './mp3';

const HEAD_BYTES = 16;

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
    throw new AudioFormatError('not a WAV or MP3 file');
  } finally {
    await file.close();
  }
}
