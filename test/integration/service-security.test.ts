/**
 * What the local service refuses to do for others: answer requests addressed to another host (DNS rebinding), read
 * files outside the paths it was given, echo what a non-audio file holds, hand out unbounded content URLs, or leave
 * its data readable by other users.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { SpeechClient } from '../../src/core/client';
import type { TranscriptionReportFile } from '../../src/core/wire';
import { makeMono } from '../support/audio';
import { eventually } from '../support/timeouts';
import { callService, requestWithHost, startService, useService, waitForStatus, type RunningService } from '../support/service';

const API = '/speechtotext/transcriptions?api-version=2024-11-15';

function createBody(urls: string[]) {
  return { displayName: 'security', locale: 'en-US', contentUrls: urls, properties: { timeToLiveHours: 6 } };
}

/** The report of a finished job, by input order. */
async function reportOf(client: SpeechClient, id: string): Promise<TranscriptionReportFile> {
  const files = await client.listFiles(id);
  const report = files.find((f) => f.kind === 'TranscriptionReport')!;
  return client.fetchContent<TranscriptionReportFile>(report.links!.contentUrl!);
}

describe('local service (security)', function () {
  describe('Host header (DNS rebinding)', function () {
    const ctx = useService();

    it('answers only Hosts naming its own loopback address and port, and builds links from that address', async function () {
      const { service, client } = ctx;
      const created = await client.submit(createBody([pathToFileURL(makeMono('Hello there.')).href]));
      await waitForStatus(client, created.self!);
      const [file] = await client.listFiles(created.self!);
      const contentPath = new URL(file!.links!.contentUrl!).pathname + new URL(file!.links!.contentUrl!).search;

      for (const host of ['evil.example', `evil.example:${service.port}`, '127.0.0.1', `127.0.0.1:${service.port + 1}`, `localhost.evil.example:${service.port}`]) {
        for (const [route, key] of [[API, service.key], [contentPath, null], ['/speechbatch/allowed-paths', service.key]] as const) {
          const method = route.startsWith('/speechbatch') ? 'POST' : 'GET';
          const response = await requestWithHost(service, method, route, host, { key, body: method === 'POST' ? { paths: ['/'] } : undefined });
          assert.equal(response.status, 421, `${method} ${route} with Host ${host}`);
          assert.match(JSON.parse(response.text).message, /answers only requests addressed to http:\/\/127\.0\.0\.1:\d+/);
          assert.ok(!response.text.includes('evil.example/'), 'no link to the foreign host');
        }
      }
      for (const host of [`127.0.0.1:${service.port}`, `localhost:${service.port}`, `LOCALHOST:${service.port}`, `[::1]:${service.port}`]) {
        const response = await requestWithHost(service, 'GET', API, host);
        assert.equal(response.status, 200, host);
        const self: string = JSON.parse(response.text).values[0].self;
        assert.ok(self.startsWith(`http://127.0.0.1:${service.port}/speechtotext/`), `links from the listening address: ${self}`);
        assert.equal((await requestWithHost(service, 'GET', contentPath, host, { key: null })).status, 200, `content with ${host}`);
      }
    });

    it('bounds sasLifetimeMinutes instead of signing links that expire at NaN', async function () {
      const { service, client } = ctx;
      const created = await client.submit(createBody([pathToFileURL(makeMono('Hello there.')).href]));
      await waitForStatus(client, created.self!);
      const id = SpeechClient.idOf(created.self!);
      for (const minutes of ['999999999999999', '44641', '0']) {
        const response = await callService(service, 'GET', `/transcriptions/${id}/files?sasLifetimeMinutes=${minutes}`);
        assert.equal(response.status, 400, minutes);
        assert.equal(response.body.innerError.code, 'InvalidSasValidityDuration');
        assert.match(response.body.message, /'sasLifetimeMinutes' must be from 1 to 44640 \(31 days\)/);
        assert.ok(!response.text.includes('NaN'));
      }
      const longest = await callService(service, 'GET', `/transcriptions/${id}/files?sasLifetimeMinutes=44640`);
      assert.equal(longest.status, 200);
      const se = Number(new URL(longest.body.values[0].links.contentUrl).searchParams.get('se'));
      assert.ok(Math.abs(se * 1000 - (Date.now() + 44640 * 60_000)) < 60_000, `se=${se}`);
    });
  });

  describe('file:// inputs', function () {
    let allowed: string;
    let outside: string;
    const ctx = useService(() => {
      allowed = fs.mkdtempSync(path.join(os.tmpdir(), 'speech-batch-allowed-'));
      outside = fs.mkdtempSync(path.join(os.tmpdir(), 'speech-batch-outside-'));
      return { allowPaths: [allowed] };
    });

    after(function () {
      fs.rmSync(allowed, { recursive: true, force: true });
      fs.rmSync(outside, { recursive: true, force: true });
    });

    it('reads only the allowed paths (after resolving symlinks), and never echoes what a file holds', async function () {
      const { client } = ctx;
      const speech = path.join(allowed, 'call.wav');
      fs.copyFileSync(makeMono('Good afternoon.'), speech);
      const secret = path.join(outside, 'secret.wav');
      fs.copyFileSync(makeMono('Good afternoon.'), secret);
      fs.symlinkSync(secret, path.join(allowed, 'link.wav'));
      fs.symlinkSync(outside, path.join(allowed, 'linked-folder'));
      const shadow = path.join(allowed, 'shadow.wav');
      fs.writeFileSync(shadow, 'root:$6$s3cr3tHash:19000:0:99999:7:::\n');
      const inputs = [
        speech,
        secret,
        path.join(allowed, 'link.wav'),
        path.join(allowed, 'linked-folder', 'secret.wav'),
        path.join(outside, 'missing.wav'),
        path.join(allowed, 'linked-folder', 'missing.wav'),
        '/etc/passwd',
        shadow,
      ];
      const created = await client.submit(createBody(inputs.map((p) => pathToFileURL(p).href)));
      const done = await waitForStatus(client, created.self!);
      assert.equal(done.status, 'Succeeded', JSON.stringify(done.properties.error));
      const report = await reportOf(client, created.self!);
      assert.deepEqual(report.details.map((d) => d.status), ['Succeeded', 'Failed', 'Failed', 'Failed', 'Failed', 'Failed', 'Failed', 'Failed']);
      for (const [i, input] of inputs.entries()) {
        if (i === 0 || i === inputs.length - 1) continue;
        assert.match(
          report.details[i]!.errorMessage!,
          new RegExp(`: ${input.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is outside the folders the local service may read$`),
          `input ${i}: a missing file outside says no more than an existing one`,
        );
      }
      assert.equal(report.details[7]!.errorMessage, 'contenturl_7 (shadow.wav): not a WAV or MP3 file');
      assert.ok(!JSON.stringify(report).includes('root:'), 'the content of a non-audio file is never echoed');
    });

    it('adds allowed paths at runtime through the authenticated endpoint', async function () {
      const { service, client } = ctx;
      const later = path.join(outside, 'later.wav');
      fs.copyFileSync(makeMono('See you later.'), later);
      const route = `${service.endpoint}/speechbatch/allowed-paths`;
      assert.equal((await callService(service, 'POST', route, { key: null, body: { paths: [outside] } })).status, 401);
      assert.equal((await callService(service, 'POST', route, { key: 'wrong', body: { paths: [outside] } })).status, 401);
      for (const body of [{ paths: ['relative/dir'] }, { paths: [outside, 'x'] }, { paths: [] }, { paths: '/tmp' }, {}]) {
        const refused = await callService(service, 'POST', route, { body });
        assert.equal(refused.status, 400, JSON.stringify(body));
        assert.equal(refused.body.code, 'InvalidArgument');
      }
      assert.equal((await callService(service, 'GET', route)).status, 405);

      const before = await client.submit(createBody([pathToFileURL(later).href]));
      assert.equal((await waitForStatus(client, before.self!)).status, 'Failed', 'not allowed yet (and no refused body added it)');

      const added = await callService(service, 'POST', route, { body: { paths: [later] } });
      assert.equal(added.status, 204);
      assert.equal(added.text, '');
      const after = await client.submit(createBody([pathToFileURL(later).href]));
      const done = await waitForStatus(client, after.self!);
      assert.equal(done.status, 'Succeeded', JSON.stringify(done.properties.error));
      assert.match(service.stderr(), /allowed 1 more path\(s\) for file:\/\/ inputs/);
    });
  });

  describe('file:// inputs, with no allowed path', function () {
    const ctx = useService({ allowPaths: [] });

    it('reads no file at all', async function () {
      const speech = makeMono('Good afternoon.');
      const created = await ctx.client.submit(createBody([pathToFileURL(speech).href]));
      const done = await waitForStatus(ctx.client, created.self!);
      assert.equal(done.status, 'Failed');
      assert.equal(done.properties.error?.message, `contenturl_0 (${path.basename(speech)}): ${speech} is outside the folders the local service may read`);
    });
  });

  describe('data folder', function () {
    let dataDir: string;
    let service: RunningService | undefined;

    beforeEach(function () {
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'speech-batch-perms-'));
    });

    afterEach(async function () {
      await service?.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    });

    it('removes the SAS signatures an older version stored in results, once', async function () {
      service = await startService({ dataDir });
      let client = new SpeechClient({ endpoint: service.endpoint, key: service.key });
      const input = `${pathToFileURL(makeMono('Signed input.')).href}?sv=2024&sig=SECRET`;
      const created = await client.submit(createBody([input]));
      assert.equal((await waitForStatus(client, created.self!)).status, 'Succeeded');
      const id = SpeechClient.idOf(created.self!);
      await service.stop();
      // What an older version wrote: the full URL as the source, and no marker.
      const results = path.join(dataDir, 'results', id);
      for (const name of fs.readdirSync(results)) {
        const file = path.join(results, name);
        fs.writeFileSync(file, fs.readFileSync(file, 'utf8').split(input.replace(/\?.*$/, '?…')).join(input));
        assert.match(fs.readFileSync(file, 'utf8'), /sig=SECRET/, name);
      }
      fs.rmSync(path.join(dataDir, 'sources-redacted'));

      service = await startService({ dataDir });
      client = new SpeechClient({ endpoint: service.endpoint, key: service.key });
      await eventually(
        async () => (/removed SAS signatures from the sources named in 2 stored result file/.test(service!.stderr()) ? { value: true } : { last: service!.stderr() }),
        10_000,
        (log) => `no rewrite logged:\n${String(log)}`,
      );
      for (const file of await client.listFiles(id)) {
        const text = JSON.stringify(await client.fetchContent(file.links!.contentUrl!), null, 2);
        assert.ok(!text.includes('SECRET'), file.name);
        assert.equal(file.properties!.size, Buffer.byteLength(text), `${file.name}: size of what is served`);
      }
      const report = await reportOf(client, id);
      assert.deepEqual(report.details.map((d) => d.source), [input.replace(/\?.*$/, '?…')]);
      assert.ok(fs.existsSync(path.join(dataDir, 'sources-redacted')), 'done once: the next start does not look again');
    });

    const mode = (file: string) => (fs.statSync(file).mode & 0o777).toString(8);

    it('keeps jobs and transcripts readable by its user only, fixing folders an older version left open', async function () {
      // What an older version left behind under umask 022.
      fs.chmodSync(dataDir, 0o755);
      fs.mkdirSync(path.join(dataDir, 'results', 'old'), { recursive: true, mode: 0o755 });
      fs.writeFileSync(path.join(dataDir, 'results', 'old', 'report.json'), '{}', { mode: 0o644 });
      fs.chmodSync(path.join(dataDir, 'results'), 0o755);

      service = await startService({ dataDir });
      const client = new SpeechClient({ endpoint: service.endpoint, key: service.key });
      const created = await client.submit(createBody([pathToFileURL(makeMono('Private matters.')).href]));
      await waitForStatus(client, created.self!);
      const id = SpeechClient.idOf(created.self!);

      for (const dir of [dataDir, 'jobs', 'results', 'tmp', path.join('results', id), path.join('results', 'old')]) {
        assert.equal(mode(path.resolve(dataDir, dir)), '700', dir);
      }
      for (const file of [path.join('jobs', `${id}.json`), path.join('results', id, 'report.json'), path.join('results', id, 'contenturl_0.json'), path.join('results', 'old', 'report.json')]) {
        assert.equal(mode(path.join(dataDir, file)), '600', file);
      }
    });
  });
});
