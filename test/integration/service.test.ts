/**
 * The local service as a real process: authentication, api-version, validation, the transcription and file
 * resources, content URLs, and jobs over real audio (flite speech, damaged files).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { SpeechClient } from '../../src/core/client';
import type { TranscriptionReportFile, TranscriptionResultFile } from '../../src/core/wire';
import { makeCall, makeCorruptWav, makeMono } from '../support/audio';
import { callService, startService, useService, waitForStatus } from '../support/service';
import { useTempDir } from '../support/tempDir';

const GATEWAY_401 =
  'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.';

/** A create body for `urls` with everything else valid. */
function createBody(urls: string[], extra: Record<string, unknown> = {}) {
  return { displayName: 'test job', locale: 'en-US', contentUrls: urls, properties: { timeToLiveHours: 6 }, ...extra };
}

describe('local service (HTTP API)', function () {
  const ctx = useService();
  const scratch = useTempDir('speech-batch-service-test-');

  const missing = () => pathToFileURL(path.join(scratch(), 'does-not-exist.wav')).href;

  it('refuses a zero TTL check interval or input cap at start', async function () {
    for (const option of ['--ttl-check-seconds', '--max-input-mb']) {
      await assert.rejects(startService({ args: [option, '0'] }), new RegExp(`exited \\(2\\)[^]*${option} must be at least 1`));
    }
  });

  it('answers a missing or wrong key with the gateway 401, on every path', async function () {
    for (const [key, route] of [
      [null, '/transcriptions'],
      ['wrong', '/transcriptions'],
      [`${ctx.service.key}x`, '/transcriptions/locales'],
      ['wrong', '/no-such-route'],
    ] as const) {
      const response = await callService(ctx.service, 'GET', route, { key });
      assert.equal(response.status, 401, `${route} with key ${key}`);
      assert.deepEqual(response.body, { error: { code: '401', message: GATEWAY_401 } });
    }
    const submit = await callService(ctx.service, 'POST', '/transcriptions:submit', { key: 'wrong', body: createBody([missing()]) });
    assert.equal(submit.status, 401);
    assert.equal((await ctx.client.listAll()).length, 0, 'nothing was created without the key');
  });

  it('demands a supported api-version and uses the one asked for in links', async function () {
    const none = await callService(ctx.service, 'GET', '/transcriptions', { apiVersion: null });
    assert.equal(none.status, 400);
    assert.equal(none.body.code, 'InvalidRequest');
    assert.match(none.body.message, /api-version.*missing.*2024-11-15/);
    const old = await callService(ctx.service, 'GET', '/transcriptions', { apiVersion: 'v3.2' });
    assert.equal(old.status, 400);
    assert.match(old.body.message, /api-version 'v3\.2' is not supported/);
    const newer = await callService(ctx.service, 'POST', '/transcriptions:submit', { apiVersion: '2025-10-15', body: createBody([missing()]) });
    assert.equal(newer.status, 201);
    assert.match(newer.body.self, /\?api-version=2025-10-15$/);
    assert.match(newer.body.links.files, /\/files\?api-version=2025-10-15$/);
    await ctx.client.delete(newer.body.self);
  });

  it('rejects invalid create requests with the spec error codes and creates nothing', async function () {
    const url = missing();
    const cases: [string, unknown, string, string | undefined, RegExp][] = [
      ['malformed JSON', '{"displayName": ', 'InvalidRequest', 'InvalidRequestBodyFormat', /not valid JSON/],
      ['empty body', '', 'InvalidRequest', 'EmptyRequest', /empty/],
      ['a JSON array', '[]', 'InvalidRequest', 'InvalidRequestBodyFormat', /JSON object/],
      ['no displayName', { ...createBody([url]), displayName: undefined }, 'InvalidArgument', 'InvalidParameterValue', /displayName/],
      ['unsupported locale', createBody([url], { locale: 'de-DE' }), 'InvalidArgument', 'InvalidLocale', /de-DE.*Supported locales: en-US/],
      ['no properties', createBody([url], { properties: undefined }), 'InvalidArgument', 'InvalidParameterValue', /timeToLiveHours/],
      ['ttl 5 h', createBody([url], { properties: { timeToLiveHours: 5 } }), 'InvalidArgument', 'InvalidTimeToLive', /6 to 744.*got 5/],
      ['ttl 745 h', createBody([url], { properties: { timeToLiveHours: 745 } }), 'InvalidArgument', 'InvalidTimeToLive', /got 745/],
      ['ttl as v3 duration', createBody([url], { properties: { timeToLive: 'P2D' } }), 'InvalidArgument', 'InvalidTimeToLive', /got nothing/],
      ['urls and container', createBody([url], { contentContainerUrl: 'https://a.blob.core.windows.net/c?sig=x' }), 'InvalidArgument', 'OnlyOneOfUrlsOrContainerOrDataset', /Exactly one/],
      ['neither urls nor container', { ...createBody([url]), contentUrls: undefined }, 'InvalidArgument', 'OnlyOneOfUrlsOrContainerOrDataset', /Exactly one/],
      ['not a URL', createBody(['call.wav']), 'InvalidArgument', 'InvalidRecordingsUri', /contentUrls\[0\]/],
      ['ftp URL', createBody(['ftp://host/call.wav']), 'InvalidArgument', 'InvalidRecordingsUri', /http\/https\/file/],
      ['channel 2', createBody([url], { properties: { timeToLiveHours: 6, channels: [0, 2] } }), 'InvalidArgument', 'InvalidChannels', /channel 0, channel 1/],
      ['punctuation mode', createBody([url], { properties: { timeToLiveHours: 6, punctuationMode: 'Loud' } }), 'InvalidArgument', 'InvalidParameterValue', /punctuationMode/],
      ['custom model', createBody([url], { model: { self: 'https://x/speechtotext/models/1' } }), 'InvalidArgument', 'InvalidModel', /no custom models/],
      ['1001 URLs', createBody(Array(1001).fill(url)), 'InvalidArgument', 'ExceededNumberOfRecordingsUris', /1000/],
    ];
    for (const [name, body, code, innerCode, message] of cases) {
      const response = await callService(ctx.service, 'POST', '/transcriptions:submit', { body });
      assert.equal(response.status, 400, name);
      assert.equal(response.body.code, code, name);
      assert.equal(response.body.innerError?.code, innerCode, name);
      assert.match(response.body.message, message, name);
    }
    const wrongType = await callService(ctx.service, 'POST', '/transcriptions:submit', { body: 'x', headers: { 'content-type': 'text/plain' } });
    assert.equal(wrongType.status, 415);
    assert.equal((await ctx.client.listAll()).length, 0, 'no invalid request created a job');
  });

  it('ignores unknown fields and fills Azure defaults', async function () {
    const response = await callService(ctx.service, 'POST', '/transcriptions:submit', {
      body: createBody([missing()], { shoeSize: 44, properties: { timeToLiveHours: 12, diarizationEnabled: true } }),
    });
    assert.equal(response.status, 201);
    assert.equal(response.body.shoeSize, undefined);
    assert.equal(response.body.contentUrls, undefined, 'content URLs (SAS tokens) are never returned');
    assert.deepEqual(response.body.properties, {
      wordLevelTimestampsEnabled: false,
      displayFormWordLevelTimestampsEnabled: false,
      channels: [0, 1],
      punctuationMode: 'DictatedAndAutomatic',
      profanityFilterMode: 'Masked',
      timeToLiveHours: 12,
    });
    assert.equal(response.headers.get('location'), response.body.self);
    assert.equal(response.body.status, 'NotStarted');
    await ctx.client.delete(response.body.self);
  });

  it('creates, lists page by page, updates and deletes transcriptions', async function () {
    const created = [];
    for (let i = 0; i < 5; i++) created.push(await ctx.client.submit(createBody([missing()], { displayName: `job ${i}` })));
    const ids = created.map((t) => SpeechClient.idOf(t.self!));

    const first = await callService(ctx.service, 'GET', '/transcriptions?skip=0&top=2');
    assert.equal(first.status, 200);
    assert.equal(first.body.values.length, 2);
    assert.match(first.body['@nextLink'], /skip=2&top=2/);
    const seen: string[] = [];
    for (let page = first; ; ) {
      seen.push(...page.body.values.map((t: { self: string }) => SpeechClient.idOf(t.self)));
      if (!page.body['@nextLink']) break;
      page = await callService(ctx.service, 'GET', page.body['@nextLink']);
    }
    assert.deepEqual(new Set(seen), new Set(ids));
    assert.equal(seen.length, 5, 'no job twice');
    assert.deepEqual(
      (await ctx.client.listAll({ top: 2 })).map((t) => t.displayName),
      (await ctx.client.listAll()).map((t) => t.displayName),
      'listAll follows @nextLink',
    );
    const badPage = await callService(ctx.service, 'GET', '/transcriptions?top=0');
    assert.equal(badPage.status, 400);
    assert.equal(badPage.body.innerError.code, 'UnsupportedPagination');

    const updated = await ctx.client.update(ids[2]!, { displayName: 'renamed', description: 'about', customProperties: { team: 'blue' } });
    assert.equal(updated.displayName, 'renamed');
    const { transcription } = await ctx.client.get(ids[2]!);
    assert.equal(transcription.displayName, 'renamed');
    assert.equal(transcription.description, 'about');
    assert.deepEqual(transcription.customProperties, { team: 'blue' });
    const badPatch = await callService(ctx.service, 'PATCH', `/transcriptions/${ids[2]}`, { body: { displayName: '' } });
    assert.equal(badPatch.status, 400);
    assert.equal((await ctx.client.get(ids[2]!)).transcription.displayName, 'renamed', 'a rejected patch changes nothing');

    for (const id of ids) {
      const deleted = await callService(ctx.service, 'DELETE', `/transcriptions/${id}`);
      assert.equal(deleted.status, 204);
      assert.equal(deleted.text, '');
    }
    assert.equal((await ctx.client.listAll()).length, 0);
    const gone = await callService(ctx.service, 'GET', `/transcriptions/${ids[0]}`);
    assert.equal(gone.status, 404);
    assert.equal(gone.body.code, 'NotFound');
    assert.equal((await callService(ctx.service, 'DELETE', `/transcriptions/${ids[0]}`)).status, 404);
    assert.equal((await callService(ctx.service, 'GET', '/transcriptions/not-a-guid')).status, 404);
    const malformed = await callService(ctx.service, 'GET', '/transcriptions/%zz');
    assert.equal(malformed.status, 404, 'a malformed escape is not a server error');
    assert.equal(malformed.body.code, 'NotFound');
    assert.equal((await callService(ctx.service, 'PUT', `/transcriptions/${ids[0]}`, { body: {} })).status, 405);
  });

  it('transcribes a good file while a damaged one in the same job fails with a readable reason', async function () {
    const speech = makeMono('Thank you for calling. How can I help you today?');
    const broken = makeCorruptWav(scratch(), 'text');
    const urls = [pathToFileURL(speech).href, pathToFileURL(broken).href];
    const created = await ctx.client.submit(createBody(urls, { properties: { timeToLiveHours: 6, wordLevelTimestampsEnabled: true } }));
    const done = await waitForStatus(ctx.client, created.self!);
    assert.equal(done.status, 'Succeeded', JSON.stringify(done.properties.error));
    assert.ok(done.properties.durationMilliseconds! > 2000, `duration ${done.properties.durationMilliseconds}`);
    assert.ok(Date.parse(done.lastActionDateTime!) >= Date.parse(done.createdDateTime!));

    const files = await ctx.client.listFiles(created.self!);
    assert.deepEqual(files.map((f) => [f.name, f.kind]), [['contenturl_0.json', 'Transcription'], ['report.json', 'TranscriptionReport']]);
    const report = await ctx.client.fetchContent<TranscriptionReportFile>(files[1]!.links!.contentUrl!);
    assert.equal(report.successfulTranscriptionsCount, 1);
    assert.equal(report.failedTranscriptionsCount, 1);
    const failure = report.details.find((d) => d.status === 'Failed')!;
    assert.equal(failure.source, urls[1]);
    assert.equal(failure.errorKind, 'InvalidAudioFormat');
    assert.match(failure.errorMessage!, /^contenturl_1 \(text\.wav\): not a WAV or MP3 file/);

    const result = await ctx.client.fetchContent<TranscriptionResultFile>(files[0]!.links!.contentUrl!);
    assert.equal(result.source, urls[0]);
    const words = result.recognizedPhrases!.flatMap((p) => p.nBest![0]!.words ?? []);
    assert.ok(words.length >= 5, `word timestamps asked for: ${words.length} words`);
    assert.match(result.combinedRecognizedPhrases![0]!.lexical!, /\b(thank|calling|help|today)\b/);
    assert.equal(files[0]!.properties!.size, Buffer.byteLength(JSON.stringify(result, null, 2)));

    const one = await ctx.client.getFile(created.self!, files[0]!.self!.split('/files/')[1]!.split('?')[0]!);
    assert.equal(one.name, 'contenturl_0.json');
    // The utterances spooled while the file was recognised and the result file being written are gone.
    assert.deepEqual(fs.readdirSync(path.join(ctx.service.dataDir, 'tmp')), []);
  });

  it('tags a job\'s files listing: a poll that names the tag gets 304 Not Modified until a file is done', async function () {
    const created = await ctx.client.submit(createBody([pathToFileURL(makeMono('Good morning.')).href]));
    // Before any file is done: an empty listing, tagged.
    const before = await ctx.client.listFilesIfChanged(created.self!);
    assert.ok(!before.unchanged && before.etag, 'a tagged listing');
    await waitForStatus(ctx.client, created.self!);
    // Done: the old tag no longer matches; the new listing has the result and the report, under a new tag.
    const done = await ctx.client.listFilesIfChanged(created.self!, before.etag);
    assert.ok(!done.unchanged, 'a file was done: the listing is sent');
    assert.deepEqual(done.files.map((f) => f.name), ['contenturl_0.json', 'report.json']);
    assert.notEqual(done.etag, before.etag);
    // Polled again with its tag: nothing new, one small answer.
    assert.deepEqual(await ctx.client.listFilesIfChanged(created.self!, done.etag), { unchanged: true });
    // Tags are compared weakly (the same tag without W/ matches), and are of the page asked for.
    const files = `/transcriptions/${SpeechClient.idOf(created.self!)}/files`;
    const strong = { headers: { 'if-none-match': done.etag!.replace(/^W\//, '') } };
    assert.equal((await callService(ctx.service, 'GET', files, strong)).status, 304);
    assert.equal((await callService(ctx.service, 'GET', `${files}?top=1`, strong)).status, 200, 'another page, another tag');
    await ctx.client.delete(created.self!);
  });

  it('serves content URLs without the key, and refuses tampered or foreign ones', async function () {
    const created = await ctx.client.submit(createBody([pathToFileURL(makeMono('Goodbye.')).href]));
    await waitForStatus(ctx.client, created.self!);
    const [file] = await ctx.client.listFiles(created.self!, { sasLifetimeMinutes: 5 });
    const contentUrl = file!.links!.contentUrl!;
    const se = Number(new URL(contentUrl).searchParams.get('se'));
    assert.ok(Math.abs(se * 1000 - (Date.now() + 5 * 60_000)) < 60_000, 'expiry follows sasLifetimeMinutes');

    const plain = await callService(ctx.service, 'GET', contentUrl, { key: null });
    assert.equal(plain.status, 200);
    assert.equal(plain.body.source, new URL(pathToFileURL(makeMono('Goodbye.')).href).href);

    const tampered = new URL(contentUrl);
    tampered.searchParams.set('se', String(se + 3600));
    const forged = await callService(ctx.service, 'GET', tampered.href, { key: null });
    assert.equal(forged.status, 403);
    assert.match(forged.body.message, /not valid or has expired/);
    const other = new URL(contentUrl.replace(/\/content\/[^/]+\//, `/content/${'0'.repeat(8)}-0000-0000-0000-${'0'.repeat(12)}/`));
    assert.equal((await callService(ctx.service, 'GET', other.href, { key: null })).status, 403, 'a signature is bound to its job');
    const unsigned = new URL(contentUrl);
    unsigned.search = '';
    assert.equal((await callService(ctx.service, 'GET', unsigned.href, { key: ctx.service.key })).status, 403, 'the key is no substitute');

    await ctx.client.delete(created.self!);
    assert.equal((await callService(ctx.service, 'GET', contentUrl, { key: null })).status, 404, 'deleted with its job');
  });

  it('fails a job whose every file fails, with the reasons in properties.error', async function () {
    const broken = makeCorruptWav(scratch(), 'empty');
    const created = await ctx.client.submit(createBody([missing(), pathToFileURL(broken).href]));
    const done = await waitForStatus(ctx.client, created.self!);
    assert.equal(done.status, 'Failed');
    assert.equal(done.properties.error?.code, 'InvalidData');
    assert.match(done.properties.error!.message!, /All 2 files failed/);
    assert.match(done.properties.error!.message!, /contenturl_0 \(does-not-exist\.wav\): the file .* does not exist/);
    assert.match(done.properties.error!.message!, /contenturl_1 \(empty\.wav\): /);
    const files = await ctx.client.listFiles(created.self!);
    assert.deepEqual(files.map((f) => f.name), ['report.json']);
  });

  it('deletes a running job at once, with its results, and goes on with the next job', async function () {
    const long = pathToFileURL(makeCall().wav).href;
    const running = await ctx.client.submit(createBody([long]));
    const next = await ctx.client.submit(createBody([pathToFileURL(makeMono('Next please.')).href]));
    await waitForStatus(ctx.client, running.self!, ['Running']);
    const started = Date.now();
    await ctx.client.delete(running.self!);
    assert.ok(Date.now() - started < 3000, `deleted in ${Date.now() - started} ms`);
    assert.equal((await callService(ctx.service, 'GET', running.self!)).status, 404);
    assert.ok(!fs.existsSync(path.join(ctx.service.dataDir, 'results', SpeechClient.idOf(running.self!))));
    assert.equal((await waitForStatus(ctx.client, next.self!)).status, 'Succeeded');
    assert.deepEqual(fs.readdirSync(path.join(ctx.service.dataDir, 'tmp')), [], 'nothing of the deleted job is left behind');
  });

  it('keeps answering quickly while a job is being transcribed', async function () {
    const long = makeMono(
      'This is a longer recording so that the recogniser is busy for a while. ' +
        'It talks about accounts, balances, addresses and many other things a call centre hears every day.',
    );
    const created = await ctx.client.submit(createBody([pathToFileURL(long).href]));
    await waitForStatus(ctx.client, created.self!, ['Running']);
    let slowest = 0;
    let requests = 0;
    while ((await ctx.client.get(created.self!)).transcription.status === 'Running') {
      const started = performance.now();
      await ctx.client.listAll();
      slowest = Math.max(slowest, performance.now() - started);
      requests++;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    console.log(`      ${requests} list requests while running, slowest ${slowest.toFixed(0)} ms`);
    assert.ok(requests >= 3, `the job ran long enough to measure (${requests} requests)`);
    // Recognition takes seconds; an HTTP server blocked by it would take that long to answer.
    assert.ok(slowest < 500, `slowest answer while running: ${slowest.toFixed(0)} ms`);
  });
});
