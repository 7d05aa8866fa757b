/**
 * The model downloader against a real HTTP server on 127.0.0.1 started here: resume with Range after the server
 * drops the connection mid-body, checksum mismatch (the partial file is deleted and the error says so), 404,
 * cancel (the partial file stays and the next run resumes), disk full (writing through a link to /dev/full), and a
 * model without a published checksum (its SHA-256 is recorded). Nothing here reaches the internet.
 */
import * as assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { downloadModel, DownloadError, installModel, type DownloadProgress } from '../../src/core/modelDownload';
import { otherWhisperModel } from '../../src/core/models';
import { useTempDir } from '../support/tempDir';

const TEST_MODEL = path.resolve(__dirname, '..', 'fixtures', 'models', 'for-tests-ggml-tiny.en.bin');

const MODEL = randomBytes(3 * 1024 * 1024 + 123);
const MODEL_SHA1 = createHash('sha1').update(MODEL).digest('hex');

interface Behaviour {
  /** Requests (1-based) after which the server destroys the socket half way through the body. */
  dropOn?: number[];
  /** Serve these bytes instead of the model. */
  bytes?: Buffer;
  /** Write the body in small chunks with pauses (for cancelling). */
  slow?: boolean;
}

describe('model downloader (real local HTTP server)', function () {
  let server: http.Server;
  let base: string;
  let behaviour: Behaviour = {};
  let requests: { range?: string }[] = [];

  before(async function () {
    server = http.createServer((req, res) => {
      requests.push({ range: req.headers.range });
      if (!req.url!.startsWith('/models/')) {
        res.writeHead(404).end('not here');
        return;
      }
      const body = behaviour.bytes ?? MODEL;
      const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
      const start = range ? Number(range[1]) : 0;
      if (start >= body.length) {
        res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
        return;
      }
      const part = body.subarray(start);
      res.writeHead(range ? 206 : 200, {
        'content-length': part.length,
        ...(range && { 'content-range': `bytes ${start}-${body.length - 1}/${body.length}` }),
        'accept-ranges': 'bytes',
      });
      if (behaviour.dropOn?.includes(requests.length)) {
        res.write(part.subarray(0, Math.floor(part.length / 2)), () => res.socket?.destroy());
        return;
      }
      if (behaviour.slow) {
        let at = 0;
        const tick = setInterval(() => {
          if (res.destroyed || at >= part.length) {
            clearInterval(tick);
            res.end();
            return;
          }
          res.write(part.subarray(at, at + 16 * 1024));
          at += 16 * 1024;
        }, 20);
        res.on('close', () => clearInterval(tick));
        return;
      }
      res.end(part);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async function () {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const dir = useTempDir('speech-batch-download-', { eachTest: true });
  beforeEach(function () {
    behaviour = {};
    requests = [];
  });

  it('downloads, verifies the published SHA-1, reports progress and renames into place', async function () {
    const destination = path.join(dir(), 'ggml-tiny.en.bin');
    const progress: DownloadProgress[] = [];
    const result = await downloadModel({ url: `${base}/models/ggml-tiny.en.bin`, destination, sha1: MODEL_SHA1, onProgress: (p) => progress.push(p) });
    assert.equal(result.verified, true);
    assert.equal(result.sha1, MODEL_SHA1);
    assert.ok(fs.readFileSync(destination).equals(MODEL));
    assert.ok(!fs.existsSync(`${destination}.part`));
    assert.ok(progress.length > 1);
    assert.equal(progress.at(-1)!.receivedBytes, MODEL.length);
    assert.equal(progress.at(-1)!.totalBytes, MODEL.length);
    assert.ok(progress.every((p, i) => i === 0 || p.receivedBytes >= progress[i - 1]!.receivedBytes));
    assert.ok(progress.at(-1)!.bytesPerSecond > 0);
  });

  it('resumes with a Range request after the connection drops mid-body', async function () {
    behaviour = { dropOn: [1, 2] };
    const destination = path.join(dir(), 'ggml-base.en.bin');
    const result = await downloadModel({ url: `${base}/models/x.bin`, destination, sha1: MODEL_SHA1, retryDelayMs: 10 });
    assert.equal(result.sha1, MODEL_SHA1);
    assert.ok(fs.readFileSync(destination).equals(MODEL));
    assert.equal(requests.length, 3);
    assert.equal(requests[0]!.range, undefined);
    assert.match(requests[1]!.range ?? '', /^bytes=[1-9]\d*-$/);
    assert.match(requests[2]!.range ?? '', /^bytes=[1-9]\d*-$/);
  });

  it('deletes the partial file on a checksum mismatch and says so', async function () {
    behaviour = { bytes: randomBytes(MODEL.length) };
    const destination = path.join(dir(), 'ggml-small.en.bin');
    const err = await downloadModel({ url: `${base}/models/x.bin`, destination, sha1: MODEL_SHA1 }).then(() => undefined, (e: Error) => e);
    assert.ok(err instanceof DownloadError);
    assert.equal(err.kind, 'checksum');
    assert.match(err.message, new RegExp(`not the published ${MODEL_SHA1}.*partial file was deleted`));
    assert.deepEqual(fs.readdirSync(dir()), []);
  });

  it('says clearly when the model is not on the server (404)', async function () {
    const err = await downloadModel({ url: `${base}/nothing/x.bin`, destination: path.join(dir(), 'm.bin') }).then(() => undefined, (e: Error) => e);
    assert.ok(err instanceof DownloadError);
    assert.equal(err.kind, 'not-found');
    assert.match(err.message, /not at .*HTTP 404.*base URL/);
    assert.deepEqual(fs.readdirSync(dir()), []);
  });

  it('cancels through an AbortSignal, keeps the partial file, and the next run resumes it', async function () {
    behaviour = { slow: true };
    const destination = path.join(dir(), 'm.bin');
    const controller = new AbortController();
    const err = await downloadModel({
      url: `${base}/models/m.bin`,
      destination,
      signal: controller.signal,
      onProgress: (p) => p.receivedBytes > 200 * 1024 && controller.abort(new Error('the user cancelled')),
    }).then(() => undefined, (e: Error) => e);
    assert.ok(err instanceof DownloadError, String(err));
    assert.equal(err.kind, 'cancelled');
    assert.match(err.message, /cancelled \(the user cancelled\); run it again to resume/);
    assert.ok(!fs.existsSync(destination));
    const kept = fs.statSync(`${destination}.part`).size;
    assert.ok(kept > 0 && kept < MODEL.length);
    behaviour = {};
    const result = await downloadModel({ url: `${base}/models/m.bin`, destination, sha1: MODEL_SHA1 });
    assert.equal(result.sha1, MODEL_SHA1);
    assert.equal(requests.at(-1)!.range, `bytes=${kept}-`);
  });

  it('reports a full disk clearly', async function () {
    if (!fs.existsSync('/dev/full')) this.skip();
    const destination = path.join(dir(), 'm.bin');
    fs.symlinkSync('/dev/full', `${destination}.part`);
    const err = await downloadModel({ url: `${base}/models/m.bin`, destination }).then(() => undefined, (e: Error) => e);
    assert.ok(err instanceof DownloadError, String(err));
    assert.equal(err.kind, 'disk-full');
    assert.match(err.message, /disk is full/);
  });

  it('records the SHA-256 of a model without a published checksum', async function () {
    const destination = path.join(dir(), 'ggml-parakeet.bin');
    const result = await downloadModel({ url: `${base}/models/p.bin`, destination });
    assert.equal(result.verified, false);
    const sha256 = createHash('sha256').update(MODEL).digest('hex');
    assert.equal(result.sha256, sha256);
    assert.equal(fs.readFileSync(result.recordedChecksumFile!, 'utf8'), `${sha256}  ggml-parakeet.bin\n`);
  });

  it('installs a model only when what arrived is one: an error page from a mirror without a checksum is deleted, saying so', async function () {
    // installModel (used by the CLI and the extension): "other" whisper.cpp files have no published checksum.
    const model = otherWhisperModel('ggml-medium.en-q5_0.bin')!;
    behaviour = { bytes: Buffer.from('<html><body>Sign in to download</body></html>') };
    const err = await installModel({ model, modelsDir: dir(), baseUrl: `${base}/models` }).then(() => undefined, (e: Error) => e);
    assert.ok(err instanceof DownloadError, String(err));
    assert.equal(err.kind, 'not-a-model');
    assert.match(err.message, /sent is not a usable model .*not a whisper\.cpp or Parakeet model file.*it was deleted\. Check the download base URL/);
    assert.deepEqual(fs.readdirSync(dir()), []);
    // The real whisper.cpp test model at the same place is installed, its SHA-256 recorded.
    behaviour = { bytes: fs.readFileSync(TEST_MODEL) };
    const done = await installModel({ model, modelsDir: dir(), baseUrl: `${base}/models` });
    assert.equal(done.path, path.join(dir(), 'ggml-medium.en-q5_0.bin'));
    assert.equal(done.url, `${base}/models/ggerganov/whisper.cpp/resolve/main/ggml-medium.en-q5_0.bin`);
    assert.equal(done.verified, false);
    assert.deepEqual(fs.readdirSync(dir()).sort(), ['ggml-medium.en-q5_0.bin', 'ggml-medium.en-q5_0.bin.sha256']);
  });
});
