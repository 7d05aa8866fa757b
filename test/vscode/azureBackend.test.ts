/**
 * The Azure path with real parts: audio uploaded to Azurite (the Azure Storage emulator) through the extension's
 * storage connection, the job submitted to a Speech endpoint that speaks the same REST API (the local service, given
 * as `speechBatch.azure.endpoint`), read there through the read-only SAS URL; deleting the job deletes the upload.
 */
import * as assert from 'node:assert/strict';
import * as os from 'node:os';
import * as path from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import * as vscode from 'vscode';
import { SpeechClient } from '../../src/core/client';
import type { ExtensionApi } from '../../src/vscode/api';
import type { JobRecord } from '../../src/vscode/jobRecord';
import { makeMono } from '../support/audio';
import { startAzurite, type RunningAzurite } from '../support/azurite';
import { activateExtension, recordMessages, waitFor } from './extensionHelpers';

const CONTAINER = 'speech-batch-test';

describe('Azure backend (Azurite + a Speech REST endpoint)', () => {
  let api: ExtensionApi;
  let azurite: RunningAzurite;
  let endpoint: string;
  let audio: string;
  const config = () => vscode.workspace.getConfiguration('speechBatch');
  const global = vscode.ConfigurationTarget.Global;

  before(async () => {
    api = await activateExtension();
    azurite = await startAzurite();
    endpoint = await api.localService.endpoint();
    audio = makeMono('thank you for calling how can I help', { dir: path.join(os.tmpdir(), 'speech-batch-vscode-audio') });
    await config().update('backend', 'azure', global);
    await config().update('azure.endpoint', endpoint, global);
    await config().update('azure.container', CONTAINER, global);
    await config().update('polling.minIntervalSeconds', 1, global);
    await api.secrets.setSpeechKey(await api.secrets.localServiceKey());
    await api.secrets.setStorageConnection(azurite.connectionString);
  });

  after(async () => {
    for (const name of ['backend', 'azure.endpoint', 'azure.container', 'polling.minIntervalSeconds']) await config().update(name, undefined, global);
    await api.secrets.clearAzure();
    await azurite?.stop();
  });

  async function blobNames(): Promise<string[]> {
    const container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(CONTAINER);
    const names: string[] = [];
    for await (const blob of container.listBlobsFlat()) names.push(blob.name);
    return names;
  }

  it('uploads the audio, runs the job to Succeeded, and deletes job and upload together', async () => {
    const before = new Set(api.jobs.all().map((j) => j.id));
    const messages = recordMessages((m) => (m.startsWith('Delete the transcription job') ? 'Delete' : undefined));
    try {
      await vscode.commands.executeCommand('speechBatch.transcribe', vscode.Uri.file(audio));
      let job = await waitFor('the new job', () => api.jobs.all().find((j) => !before.has(j.id)));
      assert.equal(job.backend, 'azure');
      assert.equal(job.endpoint, endpoint);
      assert.equal(job.uploads.length, 1);
      assert.match(job.uploads[0], /^\d{4}-\d\d-\d\d\/[0-9a-f-]{36}\/mono\.wav$/);
      assert.deepEqual(await blobNames(), job.uploads);
      assert.ok(!JSON.stringify(job).includes('sig='), 'no SAS URL is stored with the job');

      job = await waitFor('the job to finish', () => {
        const current = api.jobs.byId(job.id);
        return current?.status === 'Succeeded' || current?.status === 'Failed' ? current : undefined;
      }, 120_000);
      assert.equal(job.status, 'Succeeded', JSON.stringify(job.error));
      assert.deepEqual(job.files.map((f) => [f.state, f.audioName]), [['transcription', 'mono.wav']]);
      const text = await api.transcripts.format({ job, file: job.files[0] }, 'txt');
      assert.match(text, /thank|calling|help/i);

      await vscode.commands.executeCommand('speechBatch.deleteJob', { kind: 'job', job });
      assert.equal(api.jobs.byId(job.id), undefined);
      assert.deepEqual(await blobNames(), []);
    } finally {
      messages.restore();
    }
  });

  it('adds the jobs of the Speech resource created elsewhere (Show Jobs from the Speech Resource)', async () => {
    const client = new SpeechClient({ endpoint, key: await api.secrets.localServiceKey() });
    const created = await client.submit({
      displayName: 'made-by-another-tool',
      locale: 'en-US',
      contentUrls: [vscode.Uri.file(audio).toString()],
      properties: { timeToLiveHours: 6 },
    });
    const id = SpeechClient.idOf(created.self!);
    const messages = recordMessages();
    let imported: JobRecord | undefined;
    try {
      await vscode.commands.executeCommand('speechBatch.listRemoteJobs');
      imported = api.jobs.byId(id);
      assert.ok(imported, 'the job is in the store');
      assert.equal(imported.imported, true);
      assert.equal(imported.displayName, 'made-by-another-tool');
      assert.equal(imported.backend, 'azure');
      assert.match(messages.messages.join('\n'), /Added \d+ job\(s\) from the Speech resource/);
    } finally {
      messages.restore();
      if (imported) await api.jobs.delete(imported);
    }
  });
});
