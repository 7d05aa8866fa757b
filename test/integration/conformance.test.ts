/**
 * Conformance of the local service with the official OpenAPI spec (spec/speechtotext.json): every response body of
 * every transcription operation, success or error, is validated with ajv against the schema the spec declares for
 * that operation and status (or its `default` response). The spec's create examples are replayed as requests.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { makeCorruptWav, makeMono } from '../support/audio';
import { callService, useService, type RawRequestOptions, type RawResponse } from '../support/service';
import { SpeechClient } from '../../src/core/client';

const SPEC_DIR = path.resolve(__dirname, '..', '..', 'spec');
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the spec is arbitrary JSON
const spec: any = JSON.parse(fs.readFileSync(path.join(SPEC_DIR, 'speechtotext.json'), 'utf8'));

/** ajv over the spec's definitions: OpenAPI 2.0 keywords it does not know (x-ms-*, discriminator …) are ignored. */
function specValidator(): (ref: string) => ValidateFunction {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  for (const format of ['int32', 'int64', 'float', 'double', 'binary']) ajv.addFormat(format, true);
  ajv.addSchema({ $id: 'speechtotext.json', definitions: spec.definitions });
  return (ref) => ajv.getSchema(`speechtotext.json${ref}`)!;
}

const schemaOf = specValidator();

/** The spec's response schema for a request: its path template, method and status (else `default`). */
function responseSchema(method: string, url: URL, status: number): { operation: string; ref?: string } {
  const relative = url.pathname.replace(/^\/speechtotext/, '');
  for (const [template, operations] of Object.entries<Record<string, { operationId: string; responses: Record<string, { schema?: { $ref: string } }> }>>(spec.paths)) {
    const pattern = new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`);
    const operation = operations[method.toLowerCase()];
    if (!pattern.test(relative) || !operation) continue;
    const response = operation.responses[String(status)] ?? operation.responses.default;
    assert.ok(response, `${operation.operationId} declares no response ${status}`);
    return { operation: operation.operationId, ref: response.schema?.$ref };
  }
  // Not an operation of the spec (unknown path, method not allowed, content URLs): errors still use its Error.
  return { operation: `${method} ${relative}`, ref: status >= 400 ? '#/definitions/Error' : undefined };
}

describe('conformance with spec/speechtotext.json', function () {
  const ctx = useService();
  const checked = new Map<string, Set<number>>();

  /** Sends a request and validates the answer against the spec; returns it for further assertions. */
  async function call(method: string, route: string, options: RawRequestOptions = {}): Promise<RawResponse> {
    const response = await callService(ctx.service, method, route, options);
    if (response.status === 401) {
      assert.ok(options.key !== undefined && options.key !== ctx.service.key, `401 although the right key was sent: ${method} ${route}`);
      // Azure's API gateway, not the Speech service, answers this; its shape is not in the spec.
      assert.deepEqual(Object.keys(response.body.error), ['code', 'message']);
      return response;
    }
    const url = new URL(/^https?:/.test(route) ? route : `${ctx.service.endpoint}/speechtotext${route}`);
    const { operation, ref } = responseSchema(method, url, response.status);
    if (ref) {
      const validate = schemaOf(ref);
      assert.ok(validate(response.body), `${operation} ${response.status} does not match ${ref}: ${JSON.stringify(validate.errors)}\n${response.text}`);
    } else {
      assert.equal(response.text, '', `${operation} ${response.status} declares no body`);
    }
    checked.set(operation, (checked.get(operation) ?? new Set()).add(response.status));
    return response;
  }

  it('every operation, success and error, answers what the spec declares', async function () {
    const good = pathToFileURL(makeMono('Your order has shipped.')).href;
    const bad = pathToFileURL(makeCorruptWav(path.join(ctx.service.dataDir, 'inputs'), 'random')).href;
    const create = { displayName: 'conformance', locale: 'en-US', contentUrls: [good, bad], properties: { timeToLiveHours: 6 } };

    const created = await call('POST', '/transcriptions:submit', { body: { ...create, description: 'd', customProperties: { a: 'b' } } });
    assert.equal(created.status, 201);
    const id = SpeechClient.idOf(created.body.self);
    for (const body of ['{', '', { ...create, locale: 'fr-FR' }, { ...create, properties: { timeToLiveHours: 1 } }, { ...create, contentContainerUrl: 'https://a/b' }]) {
      assert.equal((await call('POST', '/transcriptions:submit', { body })).status, 400);
    }
    assert.equal((await call('POST', '/transcriptions:submit', { body: 'x', headers: { 'content-type': 'text/plain' } })).status, 415);

    for (;;) {
      const polled = await call('GET', `/transcriptions/${id}`);
      if (polled.body.status === 'Succeeded' || polled.body.status === 'Failed') break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const failedOnly = await call('POST', '/transcriptions:submit', { body: { ...create, contentUrls: [bad] } });
    const failedId = SpeechClient.idOf(failedOnly.body.self);
    while (!['Succeeded', 'Failed'].includes((await call('GET', `/transcriptions/${failedId}`)).body.status)) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal((await call('GET', `/transcriptions/${failedId}`)).body.properties.error.code, 'InvalidData');

    assert.ok((await call('GET', '/transcriptions')).body.values.length >= 2);
    assert.ok((await call('GET', '/transcriptions?skip=0&top=1')).body['@nextLink']);
    assert.equal((await call('GET', '/transcriptions?top=1000')).status, 400);
    assert.equal((await call('GET', '/transcriptions?skip=x')).status, 400);
    assert.equal((await call('GET', "/transcriptions?filter=status eq 'Failed'")).status, 400);
    assert.equal((await call('GET', '/transcriptions', { apiVersion: null })).status, 400);
    assert.equal((await call('GET', '/transcriptions', { apiVersion: '3.2' })).status, 400);
    assert.equal((await call('GET', '/transcriptions', { key: 'wrong' })).status, 401);
    assert.equal((await call('GET', '/transcriptions/locales')).status, 200);
    assert.equal((await call('GET', `/transcriptions/${'1'.repeat(8)}-1111-1111-1111-${'1'.repeat(12)}`)).status, 404);

    assert.equal((await call('PATCH', `/transcriptions/${id}`, { body: { displayName: 'patched' } })).status, 200);
    assert.equal((await call('PATCH', `/transcriptions/${id}`, { body: { customProperties: { a: 1 } } })).status, 400);
    assert.equal((await call('PATCH', '/transcriptions/00000000-0000-0000-0000-000000000000', { body: {} })).status, 404);

    const files = await call('GET', `/transcriptions/${id}/files?sasLifetimeMinutes=60`);
    assert.equal(files.body.values.length, 2);
    assert.ok((await call('GET', `/transcriptions/${id}/files?top=1`)).body['@nextLink']);
    assert.equal((await call('GET', `/transcriptions/${id}/files?sasLifetimeMinutes=0`)).status, 400);
    const fileId = files.body.values[0].self.match(/files\/([^?]+)/)[1];
    assert.equal((await call('GET', `/transcriptions/${id}/files/${fileId}`)).status, 200);
    assert.equal((await call('GET', `/transcriptions/${id}/files/00000000-0000-0000-0000-000000000000`)).status, 404);
    assert.equal((await call('GET', `/transcriptions/00000000-0000-0000-0000-000000000000/files`)).status, 404);
    const contentUrl: string = files.body.values[0].links.contentUrl;
    // Tamper with the signature: change its first character (to one it is not, or the URL would stay valid).
    const tampered = contentUrl.replace(/sig=(.)/, (_, first: string) => `sig=${first === 'A' ? 'B' : 'A'}`);
    assert.notEqual(tampered, contentUrl);
    assert.equal((await call('GET', tampered, { key: null })).status, 403);

    assert.equal((await call('PUT', `/transcriptions/${id}`, { body: {} })).status, 405);
    assert.equal((await call('GET', '/models')).status, 404);
    const baseModels = await call('GET', '/models/base');
    assert.equal(baseModels.status, 200);
    assert.equal((await call('GET', baseModels.body.values[0].self)).status, 200);
    assert.equal((await call('GET', '/models/base/00000000-0000-0000-0000-000000000000')).status, 404);
    assert.equal((await call('GET', '/models/base?top=0')).status, 400);
    const unknownModel = { self: `${ctx.service.endpoint}/speechtotext/models/base/00000000-0000-0000-0000-000000000000` };
    assert.equal((await call('POST', '/transcriptions:submit', { body: { ...create, model: unknownModel } })).status, 400);
    assert.equal((await call('DELETE', `/transcriptions/${id}`)).status, 204);
    assert.equal((await call('DELETE', `/transcriptions/${id}`)).status, 404);

    const covered = ['Transcriptions_Submit', 'Transcriptions_List', 'Transcriptions_ListSupportedLocales', 'Transcriptions_Get',
      'Transcriptions_Update', 'Transcriptions_Delete', 'Transcriptions_ListFiles', 'Transcriptions_GetFile', 'Models_ListBaseModels',
      'Models_GetBaseModel'];
    for (const operation of covered) {
      const statuses = [...(checked.get(operation) ?? [])];
      assert.ok(statuses.some((s) => s < 300), `${operation}: a success was validated (${statuses})`);
      if (operation !== 'Transcriptions_ListSupportedLocales') assert.ok(statuses.some((s) => s >= 400), `${operation}: an error was validated (${statuses})`);
    }
  });

  describe('replays the create examples of the spec', function () {
    /** The documented quirks: v3 `timeToLive` instead of the required `timeToLiveHours` gets the latter added. */
    const expected: Record<string, { status: number; innerCode?: string }> = {
      'create_uri_transcription.json': { status: 201 },
      'create_simple_diarization_transcription.json': { status: 201 },
      'create_container_transcription.json': { status: 201 },
      // fr-FR and a custom model: the local recogniser has en-US only.
      'create_lid_transcription.json': { status: 400, innerCode: 'InvalidLocale' },
    };
    const examples = fs.readdirSync(path.join(SPEC_DIR, 'examples')).filter((f) => f.startsWith('create_'));

    it('covers every create example', function () {
      assert.deepEqual(examples.sort(), Object.keys(expected).sort());
    });

    for (const example of Object.keys(expected)) {
      it(example, async function () {
        const { parameters } = JSON.parse(fs.readFileSync(path.join(SPEC_DIR, 'examples', example), 'utf8'));
        const body = structuredClone(parameters.transcription);
        body.properties.timeToLiveHours ??= 48;
        const response = await call('POST', '/transcriptions:submit', { body, apiVersion: parameters['api-version'] });
        assert.equal(response.status, expected[example]!.status, response.text);
        if (response.status === 201) {
          assert.equal(response.body.displayName, body.displayName);
          assert.equal(response.body.locale, body.locale);
          assert.equal(response.body.properties.punctuationMode, body.properties.punctuationMode);
          assert.equal(response.headers.get('location'), response.body.self);
          await call('DELETE', response.body.self);
        } else {
          assert.equal(response.body.innerError.code, expected[example]!.innerCode);
        }
      });
    }
  });
});
