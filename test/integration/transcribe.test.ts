/**
 * Fast transcription (`POST /speechtotext/transcriptions:transcribe`), end to end with real parts: the local
 * service's answers — success and every refusal — validated against the spec's schemas (spec/speechtotext.json,
 * 2024-11-15, and spec/transcribe-2025-10-15.json) and its examples replayed; the client's multipart request checked
 * against the operation's form parameters on a plain HTTP server; the client against the real service (channels,
 * words, cancel, the phrase list reaching the engine); the CLI's --fast.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { SpeechApiError, SpeechClient } from '../../src/core/client';
import { fastDefinition, transcribeFile } from '../../src/core/fastFlow';
import { mergeFile } from '../../src/core/merge';
import { baseModelSelf } from '../../src/core/models';
import { parseResult } from '../../src/core/result';
import type { TranscribeResult } from '../../src/core/wire';
import { makeCall, makeCorruptWav, makeDamaged, makeMono } from '../support/audio';
import { callService, startService, useService, type RunningService } from '../support/service';

const ROOT = path.resolve(__dirname, '..', '..');
const SPEC_DIR = path.join(ROOT, 'spec');
const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8'));
const spec2024 = readJson(path.join(SPEC_DIR, 'speechtotext.json'));
const spec2025 = readJson(path.join(SPEC_DIR, 'transcribe-2025-10-15.json'));
const TEST_MODEL = path.join(ROOT, 'test', 'fixtures', 'models', 'for-tests-ggml-tiny.en.bin');

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
for (const format of ['int32', 'int64', 'float', 'double', 'binary']) ajv.addFormat(format, true);
ajv.addSchema({ $id: 'speechtotext.json', definitions: spec2024.definitions });
ajv.addSchema({ $id: 'transcribe-2025-10-15.json', definitions: spec2025.definitions });
const schema = (ref: string): ValidateFunction => ajv.getSchema(ref)!;

function assertMatches(ref: string, value: unknown, context = ''): void {
  const validate = schema(ref);
  assert.ok(validate(value), `${context} does not match ${ref}: ${JSON.stringify(validate.errors)}\n${JSON.stringify(value).slice(0, 800)}`);
}

/** A multipart/form-data body of these parts (what any HTTP client would send). */
function form(parts: { name: string; content: string | Buffer; fileName?: string; type?: string }[]): { body: Buffer; type: string } {
  const boundary = 'test-boundary-7d3f';
  const chunks = parts.flatMap((p) => [
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"${p.fileName ? `; filename="${p.fileName}"` : ''}\r\n${p.type ? `Content-Type: ${p.type}\r\n` : ''}\r\n`),
    Buffer.isBuffer(p.content) ? p.content : Buffer.from(p.content),
    Buffer.from('\r\n'),
  ]);
  return { body: Buffer.concat([...chunks, Buffer.from(`--${boundary}--\r\n`)]), type: `multipart/form-data; boundary=${boundary}` };
}

/** The parts of a multipart body, split by its boundary (independent of the service's reader). */
function splitParts(body: Buffer, boundary: string): { headers: string; content: Buffer }[] {
  const text = body.toString('latin1');
  const pieces = text.split(`--${boundary}`);
  assert.equal(pieces[0], '', 'nothing before the first boundary');
  assert.equal(pieces.at(-1), '--\r\n', 'the body ends with the closing boundary');
  return pieces.slice(1, -1).map((piece) => {
    assert.ok(piece.startsWith('\r\n') && piece.endsWith('\r\n'), 'each part sits between CRLFs');
    const inner = piece.slice(2, -2);
    const split = inner.indexOf('\r\n\r\n');
    return { headers: inner.slice(0, split), content: Buffer.from(inner.slice(split + 4), 'latin1') };
  });
}

describe('fast transcription (transcriptions:transcribe)', function () {
  const ctx = useService();
  let mono: string;

  before(() => {
    mono = makeMono('Thank you for calling. Your order has shipped.');
  });

  async function post(parts: Parameters<typeof form>[0], options: { apiVersion?: string | null; key?: string } = {}) {
    const { body, type } = form(parts);
    const response = await callService(ctx.service, 'POST', '/transcriptions:transcribe', { body, headers: { 'content-type': type }, apiVersion: options.apiVersion === undefined ? '2025-10-15' : options.apiVersion, key: options.key });
    if (response.status !== 401) assertMatches(`speechtotext.json#/definitions/${response.status === 200 ? 'TranscribeResult' : 'Error'}`, response.body, `HTTP ${response.status}`);
    return response;
  }

  const audioPart = (file = mono) => ({ name: 'audio', content: fs.readFileSync(file), fileName: path.basename(file), type: 'audio/wav' });

  it("replays the spec's examples: a file with its locale is transcribed; enhanced mode and audioUrl are refused here", async function () {
    const examples = fs.readdirSync(path.join(SPEC_DIR, 'examples-2025-10-15'));
    assert.deepEqual(examples.sort(), ['transcribe_audio_url.json', 'transcribe_enhanced_mode.json', 'transcribe_file.json']);
    for (const name of examples) {
      const example = readJson(path.join(SPEC_DIR, 'examples-2025-10-15', name));
      assertMatches('speechtotext.json#/definitions/TranscribeResult', example.responses['200'].body, `${name}'s answer`);
      const definition = JSON.parse(example.parameters.definition.replace('{audioUrl}', 'https://example.com/a.wav'));
      assertMatches('transcribe-2025-10-15.json#/definitions/TranscribeDefinition', definition, `${name}'s definition`);
      const parts = [{ name: 'definition', content: JSON.stringify(definition) }, ...(example.parameters.audio ? [audioPart()] : [])];
      const response = await post(parts);
      if (name === 'transcribe_file.json') {
        assert.equal(response.status, 200, response.text);
        const answer = response.body as TranscribeResult;
        assert.ok(answer.durationMilliseconds > 2000 && answer.durationMilliseconds < 6000, `duration ${answer.durationMilliseconds}`);
        assert.match(answer.combinedPhrases.map((c) => c.text).join(' '), /calling/i);
        assert.ok(answer.phrases.every((p) => p.locale === 'en-US' && p.channel === undefined && p.words!.length > 0));
      } else {
        assert.equal(response.status, 400, response.text);
        assert.match(response.body.message, name.includes('enhanced') ? /enhancedMode.*not supported by the local service/ : /audioUrl.*not supported by the local service/);
      }
    }
  });

  it('refuses what Azure refuses, in the spec’s error shape, and keeps answering', async function () {
    const empty = path.join(ctx.service.dataDir, 'empty.wav');
    fs.writeFileSync(empty, '');
    const corrupt = makeCorruptWav(path.join(ctx.service.dataDir, 'inputs'), 'random');
    const cases: [string, Parameters<typeof form>[0], number, string][] = [
      ['definition not JSON', [{ name: 'definition', content: '{' }, audioPart()], 400, 'InvalidRequestBodyFormat'],
      ['unknown locale', [{ name: 'definition', content: '{"locales":["xx-XX"]}' }, audioPart()], 400, 'InvalidLocale'],
      ['channel 2', [{ name: 'definition', content: '{"channels":[2]}' }, audioPart()], 400, 'InvalidChannels'],
      ['maxSpeakers 1', [{ name: 'definition', content: '{"diarization":{"enabled":true,"maxSpeakers":1}}' }, audioPart()], 400, 'InvalidParameterValue'],
      ['profanity mode', [{ name: 'definition', content: '{"profanityFilterMode":"Loud"}' }, audioPart()], 400, 'InvalidParameterValue'],
      ['phrases not a list', [{ name: 'definition', content: '{"phraseList":{"phrases":"Contoso"}}' }, audioPart()], 400, 'InvalidParameterValue'],
      ['negative weight', [{ name: 'definition', content: '{"phraseList":{"phrases":["a"],"biasingWeight":-1}}' }, audioPart()], 400, 'InvalidParameterValue'],
      ['no audio part', [{ name: 'definition', content: '{}' }], 400, 'InvalidParameterValue'],
      ['empty audio', [audioPart(empty)], 400, 'EmptyAudioFile'],
      ['not audio', [audioPart(corrupt)], 400, 'InvalidAudioFormat'],
      ['stereo channel of mono audio', [{ name: 'definition', content: '{"channels":[1]}' }, audioPart()], 400, 'BadChannelConfiguration'],
    ];
    for (const [what, parts, status, inner] of cases) {
      const response = await post(parts);
      assert.equal(response.status, status, `${what}: ${response.text}`);
      assert.equal(response.body.innerError?.code, inner, `${what}: ${response.text}`);
    }
    const json = await callService(ctx.service, 'POST', '/transcriptions:transcribe', { body: { locales: ['en-US'] }, apiVersion: '2025-10-15' });
    assert.equal(json.status, 415);
    assertMatches('speechtotext.json#/definitions/Error', json.body);
    const cut = await callService(ctx.service, 'POST', '/transcriptions:transcribe', { body: form([audioPart()]).body.subarray(0, 500), headers: { 'content-type': form([]).type }, apiVersion: '2025-10-15' });
    assert.equal(cut.status, 400);
    assert.equal(cut.body.innerError.code, 'InvalidRequestBodyFormat');
    assert.equal((await post([audioPart()], { apiVersion: null })).status, 400);
    assert.equal((await post([audioPart()], { key: 'wrong' })).status, 401);
    // 2024-11-15 has no enhancedMode: it is an unknown field there, ignored like Azure ignores unknown fields.
    assert.equal((await post([{ name: 'definition', content: '{"enhancedMode":{"enabled":true}}' }, audioPart()], { apiVersion: '2024-11-15' })).status, 200);
    assert.deepEqual(fs.readdirSync(ctx.service.dataDir).flatMap((d) => (d === 'tmp' ? fs.readdirSync(path.join(ctx.service.dataDir, d)) : [])).filter((n) => n.startsWith('upload-')), [], 'no upload left behind');
  });

  it('the client transcribes a stereo call with both parties apart, words and times, as a batch result would read', async function () {
    const call = makeCall();
    const progress: number[] = [];
    const notes: string[] = [];
    const definition = await fastDefinition(call.wav, { locale: 'en-US' });
    assert.deepEqual(definition.channels, [0, 1]);
    const answer = await ctx.client.transcribe(call.wav, definition, { onProgress: (sent, total) => progress.push(sent / total), log: (m) => notes.push(m) });
    assertMatches('speechtotext.json#/definitions/TranscribeResult', answer);
    assert.equal(progress.at(-1), 1);
    assert.match(notes.join('\n'), /api-version 2025-10-15/);
    assert.deepEqual([...new Set(answer.phrases.map((p) => p.channel))].sort(), [0, 1]);
    assert.deepEqual(answer.combinedPhrases.map((c) => c.channel).sort(), [0, 1]);
    assert.ok(Math.abs(answer.durationMilliseconds - call.durationMs) < 50);
    // The same transcript as a batch job's result file: the customer's first turn is on channel 1, after the agent's.
    const conversation = mergeFile(parseResult((await transcribeFile(ctx.client, call.wav, { locale: 'en-US' })).valueOf()), {});
    const firstCustomer = conversation.turns.find((t) => t.partyId === 'ch1');
    assert.ok(firstCustomer && firstCustomer.startMs >= call.reference[1]!.startMs - 1000, JSON.stringify(firstCustomer));
    assert.match(conversation.turns.filter((t) => t.partyId === 'ch0').map((t) => t.text).join(' '), /thank|calling|service|help/i);
  });

  it('Cancel aborts the request: the service stops that recognition and goes on answering', async function () {
    const call = makeCall();
    const abort = new AbortController();
    const running = ctx.client.transcribe(call.wav, { locales: ['en-US'], channels: [0, 1] }, { signal: abort.signal });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    abort.abort(new Error('cancelled by the test'));
    await assert.rejects(running, /cancelled by the test/);
    await waitUntil(() => /transcribe [0-9a-f-]+: stopped \(the client closed the connection\)/.test(ctx.service.stderr()), 'the service to stop the recognition');
    assert.equal((await callService(ctx.service, 'GET', '/transcriptions')).status, 200);
  });

  it("sends the operation's form fields as the spec declares them, and falls back to 2024-11-15 where 2025-10-15 is unknown", async function () {
    const formParams = spec2024.paths['/transcriptions:transcribe'].post.parameters.filter((p: { in: string }) => p.in === 'formData').map((p: { name: string }) => p.name);
    for (const supports2025 of [true, false]) {
      const requests: { url: string; headers: http.IncomingHttpHeaders; body: Buffer }[] = [];
      const server = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          requests.push({ url: req.url!, headers: req.headers, body: Buffer.concat(chunks) });
          const version = new URL(req.url!, 'http://x').searchParams.get('api-version');
          res.setHeader('content-type', 'application/json');
          if (version === '2025-10-15' && !supports2025) {
            res.writeHead(400).end(JSON.stringify({ code: 'InvalidRequest', message: "The api-version '2025-10-15' is not supported." }));
          } else if (req.url!.includes('/locales')) {
            res.end('{"Transcribe":["en-US"]}');
          } else {
            res.end(JSON.stringify(readJson(path.join(SPEC_DIR, 'examples-2025-10-15', 'transcribe_file.json')).responses['200'].body));
          }
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const notes: string[] = [];
        const client = new SpeechClient({ endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, key: 'k'.repeat(32) });
        const definition = { locales: ['en-US'], phraseList: { phrases: ['Contoso'], biasingWeight: 1.2 } };
        const answer = await client.transcribe(mono, definition, { log: (m) => notes.push(m) });
        assert.equal(answer.phrases[0]!.text, 'Weather');
        const sent = requests.at(-1)!;
        const url = new URL(sent.url, 'http://x');
        assert.equal(url.pathname, '/speechtotext/transcriptions:transcribe');
        assert.equal(url.searchParams.get('api-version'), supports2025 ? '2025-10-15' : '2024-11-15');
        assert.equal(sent.headers['ocp-apim-subscription-key'], 'k'.repeat(32));
        assert.equal(Number(sent.headers['content-length']), sent.body.length);
        const boundary = /^multipart\/form-data; boundary=(\S+)$/.exec(String(sent.headers['content-type']))![1]!;
        const parts = splitParts(sent.body, boundary);
        const names = parts.map((p) => /name="([^"]+)"/.exec(p.headers)![1]);
        assert.deepEqual([...names].sort(), [...formParams].sort());
        const definitionPart = parts[names.indexOf('definition')]!;
        assert.match(definitionPart.headers, /Content-Type: application\/json/);
        const sentDefinition = JSON.parse(definitionPart.content.toString('utf8'));
        assertMatches(`${supports2025 ? 'transcribe-2025-10-15.json' : 'speechtotext.json'}#/definitions/TranscribeDefinition`, sentDefinition, 'the definition sent');
        assert.deepEqual(sentDefinition.phraseList, supports2025 ? { phrases: ['Contoso'], biasingWeight: 1.2 } : { phrases: ['Contoso'] });
        const audio = parts[names.indexOf('audio')]!;
        assert.match(audio.headers, /filename="mono\.wav"\r\nContent-Type: audio\/wav/);
        assert.ok(audio.content.equals(fs.readFileSync(mono)), 'the audio bytes as they are on disk');
        if (!supports2025) assert.match(notes.join('\n'), /does not support api-version 2025-10-15.*falls back to 2024-11-15/);
        // The version is found out once per client.
        await client.transcribe(mono, definition);
        assert.equal(requests.filter((r) => r.url.includes('/locales')).length, 1);
      } finally {
        server.close();
      }
    }
  });

  it('refuses a file of 250 MB or more before sending anything', async function () {
    const big = path.join(os.tmpdir(), `speech-batch-big-${process.pid}.wav`);
    fs.writeFileSync(big, '');
    fs.truncateSync(big, 250 * 1024 * 1024);
    try {
      await assert.rejects(ctx.client.transcribe(big, {}), (err: SpeechApiError) => err.innerCode === 'AudioSizeLimitExceeded' && /smaller than 250 MB/.test(err.message));
    } finally {
      fs.rmSync(big);
    }
  });

  it('says what batch results say of damaged audio: the answer, the kept result file and the CLI --fast name it', async function () {
    const cut = makeDamaged('wav-truncated'); // the sample call cut off at 23 s of its 42 s
    const answer = await ctx.client.transcribe(cut, await fastDefinition(cut, { locale: 'en-US' }));
    assertMatches('speechtotext.json#/definitions/TranscribeResult', answer, 'a damaged file’s answer');
    assert.deepEqual(answer.warnings, [{ code: 'AudioTruncated', message: 'Only 0:23 of 0:42 could be decoded: the file ends early' }]);
    assert.ok(answer.phrases.length > 0, 'what decoded is transcribed');
    const transcript = parseResult(await transcribeFile(ctx.client, cut, { locale: 'en-US' }));
    assert.deepEqual(transcript.warnings, ['Only 0:23 of 0:42 could be decoded: the file ends early']);
    const sound = await ctx.client.transcribe(mono, { locales: ['en-US'] });
    assert.ok(!('warnings' in sound), `a sound file's answer has no warnings: ${JSON.stringify(sound).slice(0, 300)}`);

    const run = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), 'transcribe', '--fast', '--strict', cut], { encoding: 'utf8', timeout: 240_000 });
    assert.equal(run.status, 1, `--strict fails on damaged audio: ${run.stderr}`);
    assert.match(run.stderr, /warning: Only 0:23 of 0:42 could be decoded: the file ends early/);
    assert.match(run.stderr, /1 of 1 file\(s\) with damaged audio/);
    assert.match(run.stdout, /^Warning: Only 0:23 of 0:42 could be decoded/m, 'the printed transcript says it too');
  });

  it('the CLI transcribes with --fast on its own local service, and says what the engine did with the phrase list', function () {
    const run = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), 'transcribe', '--fast', '--phrase', 'Contoso', mono], { encoding: 'utf8', timeout: 240_000 });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /calling/i);
    assert.match(run.stderr, /Phrase list: not used: pocketsphinx cannot weight words at run time; not in its dictionary, so never recognised: contoso/);
    const usage = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), 'transcribe', '--phrase', 'Contoso', mono], { encoding: 'utf8' });
    assert.equal(usage.status, 2);
    assert.match(usage.stderr, /--phrase and --phrase-list need --fast/);
  });
});

describe('fast transcription on a whisper.cpp model', function () {
  let service: RunningService;
  let modelsDir: string;
  before(async function () {
    modelsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'speech-batch-fast-models-'));
    fs.copyFileSync(TEST_MODEL, path.join(modelsDir, 'ggml-for-tests-tiny.en.bin'));
    service = await startService({ args: ['--models-dir', modelsDir] });
  });
  after(async function () {
    await service?.stop();
    fs.rmSync(modelsDir, { recursive: true, force: true });
  });

  it('gives the phrase list to whisper as its initial prompt (2024-11-15 picks the model with "models")', async function () {
    const client = new SpeechClient({ endpoint: service.endpoint, key: service.key, transcribeApiVersion: '2024-11-15' });
    const notes: string[] = [];
    const self = baseModelSelf(service.endpoint, 'for-tests-tiny.en');
    const answer = await client.transcribe(makeMono('Your order has shipped.'), { locales: ['en-US'], models: { 'en-US': self }, phraseList: { phrases: ['Contoso', 'Northwind'] } }, { log: (m) => notes.push(m) });
    assertMatches('speechtotext.json#/definitions/TranscribeResult', answer);
    assert.match(notes.join('\n'), /Phrase list: whisper initial prompt \(2 of 2 phrases\)/);
    assert.match(service.stderr(), /phrase list of 2: whisper initial prompt/);
  });
});

async function waitUntil(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
