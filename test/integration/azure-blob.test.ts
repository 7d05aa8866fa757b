/**
 * The Azure upload path against a real Azurite blob service: uploads, read-only SAS URLs, progress, cancelling,
 * clean-up, container SAS targets and the errors users see.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  BlockBlobClient,
  ContainerClient,
  ContainerSASPermissions,
  StorageSharedKeyCredential,
  generateBlobSASQueryParameters,
} from '@azure/storage-blob';
import {
  BlobStorageError,
  blobReadUrl,
  blobTarget,
  containerSasForListing,
  deleteUploads,
  uploadForTranscription,
  type BlobTarget,
} from '../../src/core/blob';
import { startAzurite, type RunningAzurite } from '../support/azurite';
import { makeCall } from '../support/audio';

describe('Azure upload against Azurite', function () {
  let azurite: RunningAzurite;
  let dir: string;
  let call: string;
  let mp3: string;
  let longCall: string;
  let target: BlobTarget;

  before(async function () {
    azurite = await startAzurite();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'speech-batch-blob-'));
    ({ wav: call, mp3 } = makeCall());
    longCall = path.join(dir, 'long call.wav');
    // About 12 MB: many 256 KiB blocks, so an upload of it can be caught half way.
    execFileSync('sox', [call, longCall, 'repeat', '10']);
    target = blobTarget(azurite.connectionString, 'uploads');
  });

  after(async function () {
    await azurite?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  async function blobsUnder(prefix: string, container = target.container): Promise<string[]> {
    const names: string[] = [];
    for await (const blob of container.listBlobsFlat({ prefix })) names.push(blob.name);
    return names;
  }

  it('uploads a call and its read URL downloads exactly the same bytes as audio/wav', async function () {
    const [uploaded] = await uploadForTranscription(target, [{ path: call }], { ttlHours: 12 });

    assert.match(uploaded.blobName, /^\d{4}-\d{2}-\d{2}\/[0-9a-f-]{36}\/call\.wav$/);
    assert.equal(uploaded.blobName.slice(0, 10), new Date().toISOString().slice(0, 10));
    const response = await fetch(uploaded.readUrl);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'audio/wav');
    assert.deepEqual(Buffer.from(await response.arrayBuffer()), fs.readFileSync(call));

    const sas = new URL(uploaded.readUrl).searchParams;
    assert.equal(sas.get('sp'), 'r');
    assert.equal(sas.get('sr'), 'b');
    const expectedExpiry = Date.now() + 13 * 3_600_000;
    assert.ok(Math.abs(new Date(sas.get('se')!).getTime() - expectedExpiry) < 60_000, sas.get('se')!);
    assert.equal(uploaded.expiresOn.toISOString().slice(0, 16), new Date(sas.get('se')!).toISOString().slice(0, 16));
  });

  it('uploads an MP3 as audio/mpeg', async function () {
    const [uploaded] = await uploadForTranscription(target, [{ path: mp3 }], { ttlHours: 6 });

    assert.match(uploaded.blobName, /\/call\.mp3$/);
    const response = await fetch(uploaded.readUrl);
    assert.equal(response.headers.get('content-type'), 'audio/mpeg');
    assert.deepEqual(Buffer.from(await response.arrayBuffer()), fs.readFileSync(mp3));
  });

  it('refuses writes through the read URL', async function () {
    const [uploaded] = await uploadForTranscription(target, [{ path: call }], { ttlHours: 6 });
    const blob = new BlockBlobClient(uploaded.readUrl);

    await assert.rejects(blob.upload('overwritten', 11), (err: { statusCode?: number }) => err.statusCode === 403);
    await assert.rejects(blob.delete(), (err: { statusCode?: number }) => err.statusCode === 403);
    const response = await fetch(uploaded.readUrl);
    assert.deepEqual(Buffer.from(await response.arrayBuffer()), fs.readFileSync(call));
  });

  it('refuses a read URL once it expired', async function () {
    const [uploaded] = await uploadForTranscription(target, [{ path: call }], { ttlHours: 6 });
    const expired = blobReadUrl(target, uploaded.blobName, new Date(Date.now() - 60_000));

    assert.equal((await fetch(expired)).status, 403);
    assert.equal((await fetch(uploaded.readUrl)).status, 200);
  });

  it('reports progress over all files, never decreasing, up to the total', async function () {
    const events: { sent: number; total: number; file: string }[] = [];
    const files = [{ path: call }, { path: longCall }, { path: call, name: 'call.wav' }];

    const uploaded = await uploadForTranscription(target, files, {
      ttlHours: 6,
      blockSizeBytes: 256 * 1024,
      concurrency: 3,
      onProgress: (sent, total, file) => events.push({ sent, total, file: file.path }),
    });

    const total = 2 * fs.statSync(call).size + fs.statSync(longCall).size;
    assert.ok(events.length > 20, `only ${events.length} progress events`);
    assert.ok(events.every((event) => event.total === total));
    assert.ok(events.every((event, i) => i === 0 || event.sent > events[i - 1].sent), 'progress went backwards');
    assert.equal(events.at(-1)!.sent, total);
    assert.deepEqual(new Set(events.map((event) => event.file)), new Set([call, longCall]));
    // Same name twice in one upload: both kept, in the order given.
    assert.deepEqual(
      uploaded.map((blob) => path.posix.basename(blob.blobName)),
      ['call.wav', 'long call.wav', 'call-2.wav'],
    );
    const longBytes = Buffer.from(await (await fetch(uploaded[1].readUrl)).arrayBuffer());
    assert.ok(longBytes.equals(fs.readFileSync(longCall)), 'multi-block upload differs from the file');
  });

  it('leaves no blob behind when cancelled half way', async function () {
    const controller = new AbortController();
    const prefix = 'cancelled/';
    const callSize = fs.statSync(call).size;
    let sentWhenAborted = 0;

    await assert.rejects(
      uploadForTranscription(target, [{ path: call }, { path: longCall }], {
        ttlHours: 6,
        prefix,
        blockSizeBytes: 256 * 1024,
        concurrency: 1,
        signal: controller.signal,
        onProgress: (sent) => {
          // The first call is complete; abort during the long one.
          if (sent > callSize && !controller.signal.aborted) {
            sentWhenAborted = sent;
            controller.abort();
          }
        },
      }),
      (err: Error) => err.name === 'AbortError' && err instanceof BlobStorageError && err.code === 'Cancelled',
    );

    assert.ok(sentWhenAborted < callSize + fs.statSync(longCall).size, 'the upload had already finished');
    assert.deepEqual(await blobsUnder(prefix), []);
  });

  it('deletes uploads, and deleting them again is fine', async function () {
    const prefix = 'deleted/';
    const uploaded = await uploadForTranscription(target, [{ path: call }, { path: longCall }], { ttlHours: 6, prefix });
    assert.equal((await blobsUnder(prefix)).length, 2);

    await deleteUploads(target, uploaded.map((blob) => blob.blobName));
    assert.deepEqual(await blobsUnder(prefix), []);
    await deleteUploads(target, uploaded.map((blob) => blob.blobName));
    assert.equal((await fetch(uploaded[0].readUrl)).status, 404);
  });

  it('checks every file before uploading any', async function () {
    const prefix = 'rejected/';
    const empty = path.join(dir, 'empty.wav');
    fs.writeFileSync(empty, '');
    const text = path.join(dir, 'notes.txt');
    fs.writeFileSync(text, 'not audio');

    for (const [bad, why] of [
      [path.join(dir, 'missing.wav'), /does not exist/],
      [empty, /is empty/],
      [text, /only audio files \(\.wav, \.mp3, /],
    ] as const) {
      await assert.rejects(
        uploadForTranscription(target, [{ path: call }, { path: bad }], { ttlHours: 6, prefix }),
        (err: Error) => err instanceof BlobStorageError && err.code === 'InvalidFile' && why.test(err.message) && err.message.includes(bad),
      );
    }
    assert.deepEqual(await blobsUnder(prefix), []);
  });

  it('gives a readable error for a wrong account key, without the key', async function () {
    const wrongKey = Buffer.alloc(64, 7).toString('base64');
    const wrong = blobTarget(azurite.connectionString.replace(azurite.accountKey, wrongKey), 'uploads');

    await assert.rejects(uploadForTranscription(wrong, [{ path: call }], { ttlHours: 6 }), (err: Error) => {
      assert.ok(err instanceof BlobStorageError);
      assert.equal(err.code, 'AuthenticationFailed');
      assert.match(err.message, /refused the account key/);
      assert.ok(!err.message.includes(wrongKey) && !err.message.includes('AccountKey'));
      return true;
    });
  });

  describe('with a container SAS URL', function () {
    let sasContainer: ContainerClient;

    before(async function () {
      sasContainer = new ContainerClient(`${azurite.blobEndpoint}/sas-uploads`, sharedKey());
      await sasContainer.createIfNotExists();
    });

    function sharedKey(): StorageSharedKeyCredential {
      return new StorageSharedKeyCredential(azurite.accountName, azurite.accountKey);
    }

    function containerSasUrl(permissions: string, containerName = 'sas-uploads'): string {
      const query = generateBlobSASQueryParameters(
        {
          containerName,
          permissions: ContainerSASPermissions.parse(permissions),
          expiresOn: new Date(Date.now() + 3_600_000),
        },
        sharedKey(),
      );
      return `${azurite.blobEndpoint}/${containerName}?${query.toString()}`;
    }

    it('uploads, reads with the blob URL + that SAS, and deletes', async function () {
      const sasTarget = blobTarget(containerSasUrl('rcwdl'), 'ignored-for-sas-urls');
      const [uploaded] = await uploadForTranscription(sasTarget, [{ path: call }], { ttlHours: 6, prefix: 'sas/' });

      assert.ok(uploaded.readUrl.startsWith(`${sasContainer.url}/sas/`));
      assert.deepEqual(Buffer.from(await (await fetch(uploaded.readUrl)).arrayBuffer()), fs.readFileSync(call));
      await deleteUploads(sasTarget, [uploaded.blobName]);
      assert.deepEqual(await blobsUnder('sas/', sasContainer), []);
    });

    it('explains which permission is missing, without the signature', async function () {
      const readOnly = containerSasUrl('rl');
      const signature = new URL(readOnly).searchParams.get('sig')!;
      assert.throws(
        () => blobTarget(readOnly, 'x'),
        (err: Error) =>
          err instanceof BlobStorageError &&
          err.code === 'MissingPermission' &&
          /needs "c" or "w"/.test(err.message) &&
          !err.message.includes(signature),
      );
      assert.throws(() => blobTarget(containerSasUrl('cw'), 'x'), /needs "r"/);
      await assert.rejects(deleteUploads(blobTarget(containerSasUrl('rcw'), 'x'), ['a.wav']), /deleting uploads needs "d"/);
    });

    it('says what it could not clean up when cancelled without delete permission', async function () {
      const controller = new AbortController();
      const prefix = 'no-delete/';
      await assert.rejects(
        uploadForTranscription(blobTarget(containerSasUrl('rcw'), 'x'), [{ path: call }, { path: longCall }], {
          ttlHours: 6,
          prefix,
          concurrency: 1,
          blockSizeBytes: 256 * 1024,
          signal: controller.signal,
          onProgress: (_sent, _total, file) => {
            if (file.path === longCall) controller.abort();
          },
        }),
        (err: Error) =>
          err.name === 'AbortError' &&
          err.message === `Cancelled. 1 uploaded blob(s) could not be removed from ${sasContainer.url}.`,
      );
      assert.equal((await blobsUnder(prefix, sasContainer)).length, 1);
    });

    it('says so when the container does not exist', async function () {
      const missing = containerSasUrl('rcwdl', 'no-such-container');
      await assert.rejects(
        uploadForTranscription(blobTarget(missing, 'x'), [{ path: call }], { ttlHours: 6 }),
        (err: Error) =>
          err instanceof BlobStorageError &&
          err.code === 'ContainerNotFound' &&
          err.message === `The container ${azurite.blobEndpoint}/no-such-container does not exist. Create it first: a container SAS cannot create it.`,
      );
    });
  });

  it('gives a read+list container SAS for contentContainerUrl jobs, which cannot write', async function () {
    const listing = blobTarget(azurite.connectionString, 'listing');
    const uploaded = await uploadForTranscription(listing, [{ path: call }, { path: longCall }], { ttlHours: 6 });
    const containerUrl = containerSasForListing(listing, 6);

    const sas = new URL(containerUrl).searchParams;
    assert.equal(sas.get('sp'), 'rl');
    assert.equal(sas.get('sr'), 'c');
    const container = new ContainerClient(containerUrl);
    assert.deepEqual((await blobsUnder('', container)).sort(), uploaded.map((blob) => blob.blobName).sort());
    await assert.rejects(
      container.getBlockBlobClient('new.wav').upload('x', 1),
      (err: { statusCode?: number }) => err.statusCode === 403,
    );
  });
});
