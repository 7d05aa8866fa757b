/**
 * SpeechClient against the real local service (happy paths, errors, 401), and its throttling behaviour against a
 * tiny HTTP server that answers 429/503 with Retry-After the way Azure's throttling does.
 */
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { SpeechApiError, SpeechClient } from '../../src/core/client';
import type { TranscriptionCreate, TranscriptionReportFile } from '../../src/core/wire';
import { makeMono } from '../support/audio';
import { useService, waitForStatus } from '../support/service';

function body(urls: string[]): TranscriptionCreate {
  return { displayName: 'client test', locale: 'en-US', contentUrls: urls, properties: { timeToLiveHours: 6 } };
}

async function rejection(promise: Promise<unknown>): Promise<SpeechApiError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof SpeechApiError, `a SpeechApiError, not ${err}`);
    return err;
  }
  assert.fail('expected the call to fail');
}

describe('SpeechClient against the local service', function () {
  const ctx = useService();

  it('submits, polls, lists files and downloads results', async function () {
    const audio = pathToFileURL(makeMono('Please hold the line.')).href;
    const created = await ctx.client.submit(body([audio]));
    assert.equal(created.status, 'NotStarted');
    const id = SpeechClient.idOf(created.self!);
    const done = await waitForStatus(ctx.client, id);
    assert.equal(done.status, 'Succeeded');
    assert.equal((await ctx.client.get(created.self!)).transcription.self, created.self, 'get by self URL');

    const files = await ctx.client.listFiles(id, { top: 1 });
    assert.deepEqual(files.map((f) => f.name), ['contenturl_0.json', 'report.json'], 'follows the files nextLink');
    const report = await ctx.client.fetchContent<TranscriptionReportFile>(files[1]!.links!.contentUrl!);
    assert.deepEqual(report.details, [{ source: audio, status: 'Succeeded' }]);
    const fileId = files[0]!.self!.match(/files\/([^?]+)/)![1]!;
    assert.equal((await ctx.client.getFile(id, fileId)).name, 'contenturl_0.json');
    assert.deepEqual(await ctx.client.locales(), { Submit: ['en-US'], Transcribe: ['en-US'] });
    assert.ok((await ctx.client.listPage({ top: 1 })).values.length === 1);
    await ctx.client.delete(id);
    assert.equal((await rejection(ctx.client.get(id))).status, 404);
  });

  it('accepts an endpoint that already ends in /speechtotext', async function () {
    const withPath = new SpeechClient({ endpoint: `${ctx.service.endpoint}/speechtotext/`, key: ctx.service.key });
    assert.equal(withPath.baseUrl, `${ctx.service.endpoint}/speechtotext`);
    assert.deepEqual(await withPath.locales(), { Submit: ['en-US'], Transcribe: ['en-US'] });
  });

  it('turns error bodies into SpeechApiError with codes and a readable message', async function () {
    const err = await rejection(ctx.client.submit({ ...body(['file:///x.wav']), locale: 'xx-XX' }));
    assert.equal(err.status, 400);
    assert.equal(err.code, 'InvalidArgument');
    assert.equal(err.innerCode, 'InvalidLocale');
    assert.match(err.message, /^POST \/transcriptions:submit failed with HTTP 400 \(InvalidArgument\/InvalidLocale\): .*xx-XX/);
    const notFound = await rejection(ctx.client.get('00000000-0000-0000-0000-000000000000'));
    assert.equal(notFound.code, 'NotFound');
  });

  it('reports a wrong key as 401 without ever showing the key', async function () {
    const secret = 'super-secret-key-0123456789';
    const wrong = new SpeechClient({ endpoint: ctx.service.endpoint, key: secret });
    const err = await rejection(wrong.listAll());
    assert.equal(err.status, 401);
    assert.equal(err.code, '401');
    assert.match(err.message, /Access denied due to invalid subscription key/);
    assert.ok(!err.message.includes(secret) && !String(err.stack).includes(secret));
  });

  it('does not send the key to content URLs and hides their signature in errors', async function () {
    const seen: (string | undefined)[] = [];
    const server = http.createServer((req, res) => {
      seen.push(req.headers['ocp-apim-subscription-key'] as string | undefined);
      res.writeHead(403).end('AuthenticationFailed');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/c/result.json?sv=1&sig=SECRETSIG`;
      const err = await rejection(ctx.client.fetchContent(url));
      assert.equal(err.status, 403);
      assert.ok(!err.message.includes('SECRETSIG'), err.message);
      assert.match(err.message, /result\.json/);
      assert.deepEqual(seen, [undefined]);
    } finally {
      server.close();
    }
  });

  it('extracts ids from self URLs and refuses what is not one', function () {
    const id = 'ba7ea6f5-3065-40b7-b49a-a90f48584683';
    assert.equal(SpeechClient.idOf(`https://westus.api.cognitive.microsoft.com/speechtotext/transcriptions/${id}?api-version=2024-11-15`), id);
    assert.equal(SpeechClient.idOf(id), id);
    assert.throws(() => SpeechClient.idOf(`https://x/speechtotext/transcriptions/${id}/files`), /Not a transcription id/);
    assert.throws(() => SpeechClient.idOf('call.wav'), /Not a transcription id/);
    assert.throws(() => new SpeechClient({ endpoint: 'westeurope', key: 'k' }), /Not a valid Speech endpoint/);
  });
});

describe('SpeechClient throttling (Retry-After)', function () {
  /** Answers each request with the next scripted reply (the last one repeats), counting requests. */
  async function throttlingServer(replies: { status: number; retryAfter?: string; body?: unknown }[]) {
    let count = 0;
    const server = http.createServer((req, res) => {
      const reply = replies[Math.min(count++, replies.length - 1)]!;
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (reply.retryAfter !== undefined) headers['retry-after'] = reply.retryAfter;
      res.writeHead(reply.status, headers).end(JSON.stringify(reply.body ?? {}));
      req.resume();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return {
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      requests: () => count,
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  }

  const throttled = { status: 429, retryAfter: '1', body: { code: 'TooManyRequests', message: 'Too many requests.' } };
  const ok = { status: 200, body: { displayName: 'x', locale: 'en-US', properties: { timeToLiveHours: 6 }, status: 'Running' } };
  const id = 'ba7ea6f5-3065-40b7-b49a-a90f48584683';

  it('waits what Retry-After says and retries 429 and 503', async function () {
    const server = await throttlingServer([throttled, { ...throttled, status: 503 }, ok]);
    try {
      const client = new SpeechClient({ endpoint: server.endpoint, key: 'k' });
      const started = Date.now();
      const { transcription } = await client.get(id);
      const elapsed = Date.now() - started;
      assert.equal(transcription.status, 'Running');
      assert.equal(server.requests(), 3);
      assert.ok(elapsed >= 1900 && elapsed < 4000, `two waits of 1 s took ${elapsed} ms`);
    } finally {
      await server.close();
    }
  });

  it('caps the wait, gives up after maxRetries and exposes retryAfterMs', async function () {
    const server = await throttlingServer([{ ...throttled, retryAfter: '3600' }]);
    try {
      const client = new SpeechClient({ endpoint: server.endpoint, key: 'k', maxRetries: 2, maxRetryWaitMs: 20 });
      const err = await rejection(client.get(id));
      assert.equal(server.requests(), 3, 'first try and two retries');
      assert.equal(err.status, 429);
      assert.equal(err.code, 'TooManyRequests');
      assert.equal(err.retryAfterMs, 3_600_000);
    } finally {
      await server.close();
    }
  });

  it('reads Retry-After as an HTTP date', async function () {
    const when = new Date(Date.now() + 1500).toUTCString();
    const server = await throttlingServer([{ ...throttled, retryAfter: when }, ok]);
    try {
      const started = Date.now();
      await new SpeechClient({ endpoint: server.endpoint, key: 'k' }).get(id);
      assert.equal(server.requests(), 2);
      assert.ok(Date.now() - started >= 400, 'waited until the date (second resolution)');
    } finally {
      await server.close();
    }
  });

  it('does not retry other errors, nor 429 without Retry-After', async function () {
    for (const reply of [{ status: 500, retryAfter: '1', body: { code: 'InternalServerError' } }, { ...throttled, retryAfter: undefined }]) {
      const server = await throttlingServer([reply, ok]);
      try {
        const err = await rejection(new SpeechClient({ endpoint: server.endpoint, key: 'k' }).get(id));
        assert.equal(err.status, reply.status);
        assert.equal(server.requests(), 1);
      } finally {
        await server.close();
      }
    }
  });

  it('hands Retry-After of a successful poll to the caller', async function () {
    const server = await throttlingServer([{ ...ok, retryAfter: '7' }]);
    try {
      const { retryAfterMs } = await new SpeechClient({ endpoint: server.endpoint, key: 'k' }).get(id);
      assert.equal(retryAfterMs, 7000);
    } finally {
      await server.close();
    }
  });
});

