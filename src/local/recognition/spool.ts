/**
 * A channel's utterances on disk while its file is recognised: one JSON line per utterance, in time order, written
 * as segments are assembled (main thread) and read back a line at a time when the result file is written (worker
 * thread). A long call's words then never need to be in memory at once — a 3-hour call holds tens of thousands.
 */
import * as fs from 'node:fs';
import { finished } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';
import type { Utterance } from '../engine/types';

/** Appends utterances to a spool file (created, owner-only); write errors (a full disk) surface from {@link close}. */
export class SpoolWriter {
  private readonly out: fs.WriteStream;
  private failure: Error | undefined;

  constructor(readonly path: string) {
    this.out = fs.createWriteStream(path, { flags: 'w', mode: 0o600 });
    this.out.on('error', (err) => (this.failure ??= err));
  }

  write(utterances: readonly Utterance[]): void {
    if (utterances.length === 0 || this.failure) return;
    this.out.write(utterances.map((u) => `${JSON.stringify(u)}\n`).join(''));
  }

  /** Waits for every line to be on disk; rejects with the first write error. */
  async close(): Promise<void> {
    this.out.end();
    await finished(this.out).catch((err: Error) => (this.failure ??= err));
    if (this.failure) throw this.failure;
  }
}

/** Reads the bytes of a file in pieces of this size. */
const READ_BYTES = 64 * 1024;

/** The utterances of a spool file, in the order written, read a piece at a time. */
export function* readSpool(path: string): Generator<Utterance> {
  const fd = fs.openSync(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(READ_BYTES);
    const decoder = new StringDecoder('utf8');
    let rest = '';
    for (let read = fs.readSync(fd, buffer); read > 0; read = fs.readSync(fd, buffer)) {
      const lines = (rest + decoder.write(buffer.subarray(0, read))).split('\n');
      rest = lines.pop()!;
      for (const line of lines) if (line) yield JSON.parse(line) as Utterance;
    }
    rest += decoder.end();
    if (rest) yield JSON.parse(rest) as Utterance;
  } finally {
    fs.closeSync(fd);
  }
}
