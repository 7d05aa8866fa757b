/**
 * The audio files Speech Batch accepts, and what the user selected (files and folders) as the audio files of one
 * job. Shared by the extension and the CLI.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/**
 * The accepted audio formats: extension → MIME type (uploads to Blob Storage set it as the blob's Content-Type). The
 * ones call recorders write and Azure's batch service reads; the local service decodes WAV (PCM, A-law, µ-law) and
 * MP3 itself and the rest (and GSM/ADPCM inside WAV) with ffmpeg where it is installed.
 */
const AUDIO_TYPES: Readonly<Record<string, string>> = {
  '.wav': 'audio/wav',
  '.mp3': 'audio/mpeg',
  '.flac': 'audio/flac',
  '.ogg': 'audio/ogg',
  '.opus': 'audio/ogg',
  '.spx': 'audio/ogg',
  '.m4a': 'audio/mp4',
  '.aac': 'audio/aac',
  '.wma': 'audio/x-ms-wma',
  '.amr': 'audio/amr',
  '.webm': 'audio/webm',
  '.gsm': 'audio/x-gsm',
};

/**
 * Extensions Transcribe accepts, in the extension, the CLI and blob uploads (package.json's `when` clauses list the
 * same; a unit test keeps them equal).
 */
export const AUDIO_EXTENSIONS: readonly string[] = Object.keys(AUDIO_TYPES);

/** The MIME type of an accepted audio file, by extension; undefined for other files. */
export function audioContentType(filePath: string): string | undefined {
  return AUDIO_TYPES[path.extname(filePath).toLowerCase()];
}

/** Whether a path names a supported audio file, by extension (case-insensitive). */
export function isAudioPath(filePath: string): boolean {
  return AUDIO_EXTENSIONS.includes(path.extname(filePath).toLowerCase());
}

/**
 * Expands folders (recursively, skipping hidden folders and node_modules) into the audio files they contain,
 * keeps selected audio files, and ignores other files. The result is de-duplicated, in selection order, and each
 * folder's files sorted by path so a job's file order is predictable.
 */
export async function expandAudioPaths(selected: readonly string[]): Promise<string[]> {
  const result: string[] = [];
  const seen = new Set<string>();
  const add = (file: string) => {
    const resolved = path.resolve(file);
    if (!seen.has(resolved)) {
      seen.add(resolved);
      result.push(resolved);
    }
  };
  for (const entry of selected) {
    const stat = await fs.stat(entry);
    if (stat.isDirectory()) {
      (await audioFilesUnder(entry)).forEach(add);
    } else if (isAudioPath(entry)) {
      add(entry);
    }
  }
  return result;
}

async function audioFilesUnder(folder: string): Promise<string[]> {
  const found: string[] = [];
  const entries = await fs.readdir(folder, { withFileTypes: true });
  for (const entry of entries) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) {
      if (!entry.name.startsWith('.') && entry.name !== 'node_modules') found.push(...(await audioFilesUnder(full)));
    } else if (entry.isFile() && isAudioPath(entry.name)) {
      found.push(full);
    }
  }
  return found.sort();
}
