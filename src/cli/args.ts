/** Command-line parsing shared by the `speech-batch` commands: usage errors, --format, --names. */

import { parseArgs, type ParseArgsConfig } from 'node:util';
import { TRANSCRIPT_FORMATS, type TranscriptFormat } from '../core/model';

/** A mistake in the command line: exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** `parseArgs` with positionals allowed; its errors become a {@link UsageError}. */
export function parseCommandArgs<O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O) {
  try {
    return parseArgs({ args, allowPositionals: true, options, strict: true });
  } catch (err) {
    // Node's messages carry a long hint after the first sentence.
    throw new UsageError((err as Error).message.split('. ')[0]!);
  }
}

/** The value of --format (default txt). */
export function parseFormat(value: string | undefined): TranscriptFormat {
  const format = value ?? 'txt';
  if (!(TRANSCRIPT_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`unknown format "${format}" (use ${TRANSCRIPT_FORMATS.join(', ')})`);
  }
  return format as TranscriptFormat;
}

/** The value of --names: party names by channel (or speaker), comma-separated. */
export function parseNames(value: string | undefined): string[] | undefined {
  return value?.split(',').map((name) => name.trim());
}
