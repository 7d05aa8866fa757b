/**
 * The parts of the Azure upload path that need no storage: parsing what users paste, signing read URLs, and the
 * errors for bad input (none of which may contain a key or a signature).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  BlobStorageError,
  blobReadUrl,
  blobTarget,
  containerSasForListing,
  uploadForTranscription,
} from '../../src/core/blob';
import { useTempDir } from '../support/tempDir';

const KEY = Buffer.alloc(64, 42).toString('base64');
const HTTPS_CONNECTION = `DefaultEndpointsProtocol=https;AccountName=callsacct;AccountKey=${KEY};EndpointSuffix=core.windows.net`;
const SIGNATURE = 'c2VjcmV0LXNpZ25hdHVyZQ%3D%3D';

function sasUrl(params: Record<string, string>, container = 'calls'): string {
  const query = new URLSearchParams({ sv: '2024-08-04', sr: 'c', se: '2099-01-01T00:00:00Z', ...params });
  return `https://callsacct.blob.core.windows.net/${container}?${query.toString()}&sig=${SIGNATURE}`;
}

function expectStorageError(code: BlobStorageError['code'], message: RegExp) {
  return (err: unknown) => {
    assert.ok(err instanceof BlobStorageError, String(err));
    assert.equal(err.code, code);
    assert.match(err.message, message);
    assert.ok(!err.message.includes(KEY), 'message contains the account key');
    assert.ok(!err.message.includes(SIGNATURE) && !err.message.includes('sig='), 'message contains the signature');
    return true;
  };
}

describe('blob targets', function () {
  it('takes a connection string with an account key, and the container from the setting', function () {
    const target = blobTarget(`  ${HTTPS_CONNECTION}  `, 'speech-batch');
    assert.equal(target.kind, 'sharedKey');
    assert.equal(target.containerUrl, 'https://callsacct.blob.core.windows.net/speech-batch');
  });

  it('takes a container SAS URL and ignores the container setting', function () {
    const target = blobTarget(sasUrl({ sp: 'rcwdl' }), 'speech-batch');
    assert.equal(target.kind, 'sas');
    assert.equal(target.containerUrl, 'https://callsacct.blob.core.windows.net/calls');
  });

  it('rejects a connection string it cannot read, without echoing it', function () {
    assert.throws(
      () => blobTarget(`AccountName=callsacct;AccountKey=${KEY}`, 'speech-batch'),
      expectStorageError('InvalidConnectionString', /not valid.*Access keys/),
    );
  });

  it('rejects invalid container names before any request', function () {
    for (const name of ['Speech_Batch', 'ab', 'a--b', '-calls', 'x'.repeat(64)]) {
      assert.throws(() => blobTarget(HTTPS_CONNECTION, name), expectStorageError('InvalidContainerName', /3 to 63/));
    }
  });

  it('names the permissions a container SAS lacks', function () {
    assert.throws(() => blobTarget(sasUrl({ sp: 'rl' }), 'x'), expectStorageError('MissingPermission', /grants "rl" but uploading audio needs "c" or "w"/));
    assert.throws(() => blobTarget(sasUrl({ sp: 'cw' }), 'x'), expectStorageError('MissingPermission', /needs "r"/));
    assert.throws(
      () => containerSasForListing(blobTarget(sasUrl({ sp: 'rcw' }), 'x'), 6),
      expectStorageError('MissingPermission', /transcribing a container needs "l"/),
    );
  });

  it('accepts a SAS whose permissions come from a stored access policy', function () {
    assert.equal(blobTarget(sasUrl({ si: 'upload-policy' }), 'x').kind, 'sas');
  });

  it('rejects expired, unsigned, blob and container-less SAS URLs', function () {
    assert.throws(() => blobTarget(sasUrl({ sp: 'rcwdl', se: '2020-01-01T00:00:00Z' }), 'x'), expectStorageError('SasExpired', /expired on 2020-01-01T00:00:00.000Z/));
    assert.throws(() => blobTarget('https://callsacct.blob.core.windows.net/calls?sp=rcw', 'x'), expectStorageError('InvalidSasUrl', /no SAS signature/));
    assert.throws(() => blobTarget(sasUrl({ sp: 'rcw', sr: 'b' }, 'calls/a.wav'), 'x'), expectStorageError('InvalidSasUrl', /single blob/));
    assert.throws(() => blobTarget(sasUrl({ sp: 'rcw' }, ''), 'x'), expectStorageError('InvalidSasUrl', /names no container/));
  });
});

describe('read URLs', function () {
  it('signs a read-only, HTTPS-only SAS for one blob that expires when asked', function () {
    const target = blobTarget(HTTPS_CONNECTION, 'speech-batch');
    const expiresOn = new Date('2030-05-06T07:08:09Z');

    const url = new URL(blobReadUrl(target, '2030-05-04/0b8e/agent call.wav', expiresOn));

    assert.equal(`${url.origin}${url.pathname}`, 'https://callsacct.blob.core.windows.net/speech-batch/2030-05-04/0b8e/agent%20call.wav');
    assert.equal(url.searchParams.get('sp'), 'r');
    assert.equal(url.searchParams.get('sr'), 'b');
    assert.equal(url.searchParams.get('spr'), 'https');
    assert.equal(url.searchParams.get('se'), '2030-05-06T07:08:09Z');
    assert.ok(url.searchParams.get('sig'));
  });

  it('allows http only where the endpoint is http (the emulator)', function () {
    const target = blobTarget(
      `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${KEY};BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;`,
      'speech-batch',
    );
    const url = new URL(blobReadUrl(target, 'a.wav', new Date(Date.now() + 3_600_000)));
    assert.equal(url.searchParams.get('spr'), 'https,http');
  });

  it('reuses the SAS of a container SAS target, which expires with it', function () {
    const target = blobTarget(sasUrl({ sp: 'rcwdl' }), 'x');
    const url = blobReadUrl(target, 'day/id/a.wav', new Date('2030-01-01T00:00:00Z'));
    assert.ok(url.startsWith('https://callsacct.blob.core.windows.net/calls/day/id/a.wav?'));
    assert.equal(new URL(url).searchParams.get('se'), '2099-01-01T00:00:00Z');
    assert.equal(new URL(url).searchParams.get('sp'), 'rcwdl');
  });

  it('signs a read+list container SAS for container jobs, ttl plus an hour', function () {
    const target = blobTarget(HTTPS_CONNECTION, 'one-job');
    const url = new URL(containerSasForListing(target, 48));
    assert.equal(url.pathname, '/one-job');
    assert.equal(url.searchParams.get('sp'), 'rl');
    assert.equal(url.searchParams.get('sr'), 'c');
    const expiry = new Date(url.searchParams.get('se')!).getTime();
    assert.ok(Math.abs(expiry - (Date.now() + 49 * 3_600_000)) < 60_000);
    assert.throws(() => containerSasForListing(target, 0), /ttlHours must be a positive number/);
  });
});

describe('upload input checks', function () {
  const dir = useTempDir('speech-batch-blob-unit-');

  // Nothing listens on port 9: any request would fail with "Unreachable", so these prove no request was made.
  const offline = () => blobTarget(`DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${KEY};BlobEndpoint=http://127.0.0.1:9/devstoreaccount1;`, 'calls');

  it('refuses a directory and a name with an unsupported extension before uploading', async function () {
    const wav = path.join(dir(), 'call.wav');
    fs.writeFileSync(wav, 'RIFF');
    await assert.rejects(uploadForTranscription(offline(), [{ path: dir() }], { ttlHours: 6 }), expectStorageError('InvalidFile', /only audio files \(\.wav, \.mp3, /));
    const folder = path.join(dir(), 'folder.wav');
    fs.mkdirSync(folder);
    await assert.rejects(uploadForTranscription(offline(), [{ path: folder }], { ttlHours: 6 }), expectStorageError('InvalidFile', /not a file/));
    await assert.rejects(uploadForTranscription(offline(), [{ path: wav, name: 'call.txt' }], { ttlHours: 6 }), expectStorageError('InvalidFile', /only audio files \(\.wav, \.mp3, /));
  });

  it('rejects a ttl that is not a positive number of hours', async function () {
    await assert.rejects(uploadForTranscription(offline(), [], { ttlHours: Number.NaN }), RangeError);
  });

  it('does nothing when already cancelled', async function () {
    const wav = path.join(dir(), 'ready.wav');
    fs.writeFileSync(wav, 'RIFF');
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(
      uploadForTranscription(offline(), [{ path: wav }], { ttlHours: 6, signal: controller.signal }),
      (err: Error) => err.name === 'AbortError' && err instanceof BlobStorageError && err.code === 'Cancelled',
    );
  });
});
