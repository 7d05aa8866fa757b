import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { multipartBody } from '../../src/core/client';
import { multipartBoundary, MultipartError, readMultipart, type MultipartLimits } from '../../src/local/multipart';
import { useTempDir } from '../support/tempDir';

const LIMITS: MultipartLimits = { maxFileBytes: 1024 * 1024, maxFieldBytes: 4096, maxParts: 8 };

async function* chunks(body: Buffer, size: number): AsyncIterable<Buffer> {
  for (let at = 0; at < body.length; at += size) yield body.subarray(at, at + size);
}

async function collect(iterable: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of iterable) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts);
}

describe('multipart/form-data', () => {
  const dir = useTempDir('multipart-test-');
  let audio: string;
  // Bytes that look like the framing: CRLF, dashes, a boundary-like prefix.
  const audioBytes = Buffer.concat([Buffer.from('RIFF\r\n--\r\n------SpeechBatch\r\n'), Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 31) % 256))]);

  before(() => {
    audio = path.join(dir(), 'call "1".wav');
    fs.writeFileSync(audio, audioBytes);
  });

  it('reads what the client sends, whatever the chunking: the definition as text, the audio byte for byte', async () => {
    const progress: number[] = [];
    const body = multipartBody(audio, audioBytes.length, '{"locales":["en-US"]}', (sent, total) => progress.push(sent / total));
    const bytes = await collect(body.body());
    assert.equal(bytes.length, body.length, 'Content-Length is the length sent');
    assert.equal(progress.at(-1), 1);
    const boundary = multipartBoundary(body.contentType)!;
    assert.match(bytes.toString('latin1'), /Content-Disposition: form-data; name="audio"; filename="call _1_.wav"\r\nContent-Type: audio\/wav\r\n/);
    for (const size of [1, 2, 3, 7, 41, 64, 1000, bytes.length]) {
      const form = await readMultipart(chunks(bytes, size), boundary, { tempDir: dir(), fileFields: ['audio'], limits: LIMITS });
      try {
        assert.equal(form.fields.get('definition'), '{"locales":["en-US"]}', `chunks of ${size}`);
        const file = form.files.get('audio')!;
        assert.equal(file.fileName, 'call _1_.wav');
        assert.equal(file.contentType, 'audio/wav');
        assert.ok(fs.readFileSync(file.path).equals(audioBytes), `audio intact with chunks of ${size}`);
      } finally {
        await form.dispose();
      }
    }
    assert.deepEqual(fs.readdirSync(dir()).filter((n) => n.startsWith('upload-')), [], 'temp files removed');
  });

  it('refuses bodies that are cut short, repeat a part, or pass a cap, and leaves no temp file behind', async () => {
    const boundary = 'b0undary';
    const part = (name: string, content: string, fileName?: string) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="${name}"${fileName ? `; filename="${fileName}"` : ''}\r\n\r\n${content}\r\n`;
    const read = (text: string, limits = LIMITS) => readMultipart(chunks(Buffer.from(text), 5), boundary, { tempDir: dir(), fileFields: ['audio'], limits });
    await assert.rejects(read(part('audio', 'abc', 'a.wav')), (e: MultipartError) => e.kind === 'format' && /closing boundary/.test(e.message));
    await assert.rejects(read(part('definition', '{}') + part('definition', '{}') + `--${boundary}--\r\n`), /given twice/);
    await assert.rejects(read(part('audio', 'x'.repeat(100), 'a.wav') + `--${boundary}--`, { ...LIMITS, maxFileBytes: 50 }), (e: MultipartError) => e.kind === 'tooLarge' && e.field === 'audio');
    await assert.rejects(read(part('definition', 'x'.repeat(100)) + `--${boundary}--`, { ...LIMITS, maxFieldBytes: 50 }), (e: MultipartError) => e.kind === 'tooLarge');
    await assert.rejects(read('no boundary here'), /closing boundary|no boundary/);
    assert.deepEqual(fs.readdirSync(dir()).filter((n) => n.startsWith('upload-')), []);
    // An unknown part is kept as a field; parts need no Content-Type.
    const form = await read(part('definition', '{}') + part('other', 'x') + `--${boundary}--\r\n`);
    assert.deepEqual([...form.fields.keys()], ['definition', 'other']);
    await form.dispose();
  });

  it('finds the boundary of a multipart/form-data content type only', () => {
    assert.equal(multipartBoundary('multipart/form-data; boundary=abc'), 'abc');
    assert.equal(multipartBoundary('Multipart/Form-Data; charset=utf-8; boundary="a b"'), 'a b');
    assert.equal(multipartBoundary('application/json'), undefined);
    assert.equal(multipartBoundary('multipart/form-data'), undefined);
  });
});
