/**
 * How the local service fetches audio over http(s): streamed downloads, redirects, HTTP errors and the size cap
 * (`--max-input-mb`), against a small static file server standing in for any web or blob host.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SpeechClient } from '../../src/core/client';
import type { TranscriptionReportFile, TranscriptionResultFile } from '../../src/core/wire';
import { makeCall, makeMono } from '../support/audio';
import { useService, waitForStatus } from '../support/service';

describe('local service (http inputs)', function () {
  const ctx = useService({ args: ['--max-input-mb', '1'] });
  let files: http.Server;
  let base: string;
  const small = () => makeMono('Hello, this is a short message.');
  const large = () => makeCall().wav; // ~2.7 MB, over the 1 MiB cap below

  before(async function () {
    files = http.createServer((req, res) => {
      const url = new URL(req.url!, 'http://x');
      if (url.pathname === '/moved.wav') return void res.writeHead(302, { location: '/small.wav?sig=SECRET' }).end();
      if (url.pathname === '/loop.wav') return void res.writeHead(302, { location: '/loop.wav' }).end();
      const file = url.pathname === '/small.wav' ? small() : url.pathname.startsWith('/large') ? large() : undefined;
      if (!file) return void res.writeHead(404).end('not here');
      // /large-chunked.wav hides its size: the cap must hold while streaming.
      const headers: http.OutgoingHttpHeaders = { 'content-type': 'audio/wav' };
      if (url.pathname !== '/large-chunked.wav') headers['content-length'] = fs.statSync(file).size;
      res.writeHead(200, headers);
      fs.createReadStream(file).pipe(res);
    });
    await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
  });

  after(async function () {
    files?.close();
  });

  it('downloads, follows redirects, and fails only the files it cannot get, with reasons and no signatures', async function () {
    const urls = ['/small.wav?sv=2024&sig=SECRET', '/moved.wav', '/missing.wav?sig=SECRET', '/large.wav', '/large-chunked.wav', '/loop.wav'].map((p) => base + p);
    const created = await ctx.client.submit({ displayName: 'http', locale: 'en-US', contentUrls: urls, properties: { timeToLiveHours: 6 } });
    const done = await waitForStatus(ctx.client, created.self!);
    assert.equal(done.status, 'Succeeded');

    const listed = await ctx.client.listFiles(created.self!);
    assert.deepEqual(listed.map((f) => f.name), ['contenturl_0.json', 'contenturl_1.json', 'report.json']);
    const report = await ctx.client.fetchContent<TranscriptionReportFile>(listed[2]!.links!.contentUrl!);
    assert.equal(report.successfulTranscriptionsCount, 2);
    const failures = report.details.filter((d) => d.status === 'Failed').map((d) => d.errorMessage);
    assert.deepEqual(failures, [
      `contenturl_2 (missing.wav): downloading ${base}/missing.wav?… failed with HTTP 404`,
      'contenturl_3 (large.wav): the file is larger than the limit of 1 MiB',
      'contenturl_4 (large-chunked.wav): the file is larger than the limit of 1 MiB',
      `contenturl_5 (loop.wav): downloading ${base}/loop.wav failed: too many redirects (more than 5)`,
    ]);
    // Results are readable through content URLs without the key: no input signature in them.
    assert.deepEqual(report.details.map((d) => d.source), [`${base}/small.wav?…`, `${base}/moved.wav`, `${base}/missing.wav?…`, `${base}/large.wav`, `${base}/large-chunked.wav`, `${base}/loop.wav`]);
    const result = await ctx.client.fetchContent<TranscriptionResultFile>(listed[0]!.links!.contentUrl!);
    assert.equal(result.source, `${base}/small.wav?…`);
    for (const name of fs.readdirSync(`${ctx.service.dataDir}/results/${SpeechClient.idOf(created.self!)}`)) {
      assert.ok(!fs.readFileSync(`${ctx.service.dataDir}/results/${SpeechClient.idOf(created.self!)}/${name}`, 'utf8').includes('SECRET'), `${name} on disk`);
    }
    assert.ok(!ctx.service.stderr().includes('SECRET'), 'the log never shows a signature');
    assert.deepEqual(fs.readdirSync(`${ctx.service.dataDir}/tmp`), [], 'downloads are removed once transcribed');
  });
});
