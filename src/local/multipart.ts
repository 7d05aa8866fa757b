/**
 * A streaming multipart/form-data reader (RFC 7578) for `transcriptions:transcribe`: text fields are kept in memory
 * (small, capped), file parts are written to a temp file as they arrive — a 200 MB recording never sits in memory —
 * and both are capped so that an oversized request fails as soon as it passes the cap.
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import * as path from 'node:path';

export interface MultipartLimits {
  /** Largest file part, in bytes. */
  maxFileBytes: number;
  /** Largest text field, in bytes. */
  maxFieldBytes: number;
  /** Most parts in one request. */
  maxParts: number;
}

export interface MultipartFile {
  /** Where the part's bytes were written. */
  path: string;
  size: number;
  /** `filename` of its Content-Disposition, where given. */
  fileName?: string;
  contentType?: string;
}

export interface MultipartForm {
  fields: Map<string, string>;
  files: Map<string, MultipartFile>;
  /** Removes the temp files. */
  dispose(): Promise<void>;
}

/** Why a body could not be read: `format` (not multipart as declared), `tooLarge` (past a cap; `field` names it). */
export class MultipartError extends Error {
  constructor(
    message: string,
    readonly kind: 'format' | 'tooLarge',
    readonly field?: string,
  ) {
    super(message);
    this.name = 'MultipartError';
  }
}

/** The boundary of a `multipart/form-data; boundary=…` content type, or undefined for any other type. */
export function multipartBoundary(contentType: string | undefined): string | undefined {
  if (!contentType || !/^multipart\/form-data\s*(;|$)/i.test(contentType.trim())) return undefined;
  const match = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(contentType);
  return match?.[1] ?? match?.[2];
}

const HEADER_END = Buffer.from('\r\n\r\n');
const MAX_HEADER_BYTES = 16 * 1024;
/** Bytes tolerated before the first boundary (a preamble) and after the last (an epilogue). */
const MAX_PREAMBLE_BYTES = 64 * 1024;

type State = 'preamble' | 'delimiter' | 'headers' | 'body' | 'end';

interface Part {
  name: string;
  fileName?: string;
  contentType?: string;
  /** File parts (`fileFields`): the file being written. */
  file?: { path: string; out: WriteStream; size: number };
  /** Text parts: the bytes so far. */
  chunks?: Buffer[];
  size: number;
  /** A part this reader does not keep (an unknown name): its bytes are dropped. */
  skip?: boolean;
}

/**
 * Reads a multipart body. Parts named in `fileFields` are written to files in `tempDir`; other named parts are text
 * fields. A second part of the same name, a part without a name, or a body cut short throws {@link MultipartError}
 * (files written so far are removed). The caller disposes of the form.
 */
export async function readMultipart(
  body: AsyncIterable<Buffer>,
  boundary: string,
  options: { tempDir: string; fileFields: readonly string[]; limits: MultipartLimits; signal?: AbortSignal },
): Promise<MultipartForm> {
  const { limits } = options;
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  const fields = new Map<string, string>();
  const files = new Map<string, MultipartFile>();
  const written: string[] = [];
  const dispose = async (): Promise<void> => {
    await Promise.all(written.map((p) => rm(p, { force: true })));
  };
  // The first boundary has no CRLF before it: with one prepended, every boundary is the same delimiter.
  let buffer = Buffer.from('\r\n');
  let state: State = 'preamble';
  let part: Part | undefined;
  let parts = 0;
  let discarded = 0;

  const finishPart = async (): Promise<void> => {
    const current = part!;
    part = undefined;
    if (current.file) {
      await closeStream(current.file.out);
      files.set(current.name, { path: current.file.path, size: current.file.size, fileName: current.fileName, contentType: current.contentType });
    } else if (current.chunks) {
      fields.set(current.name, Buffer.concat(current.chunks).toString('utf8'));
    }
  };

  const append = async (bytes: Buffer): Promise<void> => {
    if (bytes.length === 0 || !part || part.skip) return;
    part.size += bytes.length;
    if (part.file) {
      if (part.size > limits.maxFileBytes) throw new MultipartError(`"${part.name}" is larger than ${limits.maxFileBytes} bytes`, 'tooLarge', part.name);
      part.file.size = part.size;
      if (!part.file.out.write(bytes)) await drained(part.file.out);
    } else {
      if (part.size > limits.maxFieldBytes) throw new MultipartError(`"${part.name}" is larger than ${limits.maxFieldBytes} bytes`, 'tooLarge', part.name);
      part.chunks!.push(bytes);
    }
  };

  const startPart = (headerText: string): void => {
    if (++parts > limits.maxParts) throw new MultipartError(`more than ${limits.maxParts} parts`, 'format');
    const headers = parseHeaders(headerText);
    const disposition = headers.get('content-disposition') ?? '';
    if (!/^form-data\b/i.test(disposition)) throw new MultipartError('a part has no "Content-Disposition: form-data" header', 'format');
    const name = param(disposition, 'name');
    if (name === undefined) throw new MultipartError('a part has no name', 'format');
    if (fields.has(name) || files.has(name)) throw new MultipartError(`the part "${name}" is given twice`, 'format', name);
    const fileName = param(disposition, 'filename');
    const contentType = headers.get('content-type');
    if (options.fileFields.includes(name)) {
      const filePath = path.join(options.tempDir, `upload-${randomUUID()}`);
      written.push(filePath);
      part = { name, fileName, contentType, size: 0, file: { path: filePath, out: createWriteStream(filePath, { mode: 0o600 }), size: 0 } };
    } else {
      part = { name, fileName, contentType, size: 0, chunks: [] };
    }
  };

  try {
    for await (const chunk of body) {
      options.signal?.throwIfAborted();
      buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
      for (;;) {
        if (state === 'preamble') {
          const at = buffer.indexOf(delimiter);
          if (at < 0) {
            const keep = Math.min(buffer.length, delimiter.length - 1);
            discarded += buffer.length - keep;
            if (discarded > MAX_PREAMBLE_BYTES) throw new MultipartError(`no boundary "${boundary}" in the body`, 'format');
            buffer = buffer.subarray(buffer.length - keep);
            break;
          }
          buffer = buffer.subarray(at + delimiter.length);
          state = 'delimiter';
        } else if (state === 'delimiter') {
          // After a boundary: "--" ends the body, CRLF starts a part (transport padding, spaces and tabs, is allowed).
          const text = buffer.toString('latin1', 0, Math.min(buffer.length, 80));
          const end = /^[ \t]*(--|\r\n)/.exec(text);
          if (!end) {
            if (buffer.length >= 80 || /[^ \t\r-]/.test(text)) throw new MultipartError('a boundary is not followed by a line break', 'format');
            break;
          }
          buffer = buffer.subarray(end[0].length);
          state = end[1] === '--' ? 'end' : 'headers';
        } else if (state === 'headers') {
          const at = buffer.indexOf(HEADER_END);
          if (at < 0) {
            if (buffer.length > MAX_HEADER_BYTES) throw new MultipartError('the headers of a part are too long', 'format');
            break;
          }
          startPart(buffer.toString('utf8', 0, at));
          buffer = buffer.subarray(at + HEADER_END.length);
          state = 'body';
        } else if (state === 'body') {
          const at = buffer.indexOf(delimiter);
          if (at < 0) {
            // All but the last bytes, which may be the start of a delimiter split across chunks.
            const safe = Math.max(0, buffer.length - (delimiter.length - 1));
            await append(buffer.subarray(0, safe));
            buffer = buffer.subarray(safe);
            break;
          }
          await append(buffer.subarray(0, at));
          await finishPart();
          buffer = buffer.subarray(at + delimiter.length);
          state = 'delimiter';
        } else {
          // An epilogue after the closing boundary is ignored (within bounds).
          discarded += buffer.length;
          if (discarded > MAX_PREAMBLE_BYTES * 2) throw new MultipartError('too much data after the closing boundary', 'format');
          buffer = Buffer.alloc(0);
          break;
        }
      }
      // Copy what is kept, so the chunk it came from can be collected.
      if (buffer.length > 0 && buffer.length < chunk.length) buffer = Buffer.from(buffer);
    }
    if (state !== 'end') throw new MultipartError('the body ended before its closing boundary', 'format');
    return { fields, files, dispose };
  } catch (err) {
    if (part?.file) await closeStream(part.file.out).catch(() => {});
    await dispose();
    throw err;
  }
}

function parseHeaders(text: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

/** A parameter of a header value: `name="audio"` or `name=audio`. */
function param(value: string, name: string): string | undefined {
  const match = new RegExp(`;\\s*${name}=(?:"((?:[^"\\\\]|\\\\.)*)"|([^;\\s]+))`, 'i').exec(value);
  if (!match) return undefined;
  return match[1] !== undefined ? match[1].replace(/\\(.)/g, '$1') : match[2];
}

function drained(out: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => {
      out.off('drain', onDrain);
      reject(err);
    };
    const onDrain = (): void => {
      out.off('error', onError);
      resolve();
    };
    out.once('drain', onDrain);
    out.once('error', onError);
  });
}

function closeStream(out: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => {
    if (out.closed) return resolve();
    out.once('error', reject);
    out.end(() => resolve());
  });
}
