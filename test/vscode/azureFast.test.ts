/**
 * Azure with just a key: no storage connection set, Transcribe sends each file to fast transcription
 * (`transcriptions:transcribe`) on a Speech endpoint that speaks the same REST API (the local service, given as
 * `speechBatch.azure.endpoint`). The job appears in the Jobs view like any job, finishes in one request, and its
 * transcript opens and exports from the results kept on this machine; Cancel stops a running one; a damaged file's
 * row, notification and transcript say what is wrong with it, as a batch job's do.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/vscode/api';
import type { JobRecord } from '../../src/vscode/jobRecord';
import { makeCall, makeDamaged, makeMono } from '../support/audio';
import { activateExtension, recordMessages, waitFor } from './extensionHelpers';

describe('Azure with only a key (fast transcription, no storage)', () => {
  let api: ExtensionApi;
  let endpoint: string;
  let audio: string;
  const config = () => vscode.workspace.getConfiguration('speechBatch');
  const global = vscode.ConfigurationTarget.Global;
  const settings = ['backend', 'azure.endpoint', 'polling.minIntervalSeconds', 'phraseList'];

  before(async () => {
    api = await activateExtension();
    endpoint = await api.localService.endpoint();
    audio = makeMono('thank you for calling how can I help', { dir: path.join(os.tmpdir(), 'speech-batch-vscode-fast') });
    await config().update('backend', 'azure', global);
    await config().update('azure.endpoint', endpoint, global);
    await config().update('polling.minIntervalSeconds', 1, global);
    await config().update('phraseList', ['Contoso', 'Northwind'], global);
    await api.secrets.clearAzure();
    await api.secrets.setSpeechKey(await api.secrets.localServiceKey());
  });

  after(async () => {
    for (const name of settings) await config().update(name, undefined, global);
    await api.secrets.clearAzure();
  });

  const finished = (id: string) => () => {
    const current = api.jobs.byId(id);
    return current?.status === 'Succeeded' || current?.status === 'Failed' ? current : undefined;
  };

  it('transcribes a file with the key alone; the transcript opens and exports, also from the kept result', async () => {
    const before = new Set(api.jobs.all().map((j) => j.id));
    const messages = recordMessages((m) => (m.startsWith('Delete the transcription job') ? 'Delete' : undefined));
    let job: JobRecord | undefined;
    try {
      await vscode.commands.executeCommand('speechBatch.transcribe', vscode.Uri.file(audio));
      job = await waitFor('the new job', () => api.jobs.all().find((j) => !before.has(j.id)));
      assert.equal(job.backend, 'azure');
      assert.equal(job.fast, true);
      assert.deepEqual(job.uploads, [], 'nothing uploaded: no storage is needed');
      job = await waitFor('the job to finish', finished(job.id), 240_000);
      assert.equal(job.status, 'Succeeded', JSON.stringify(job));
      assert.deepEqual(job.files.map((f) => [f.state, f.audioName]), [['transcription', 'mono.wav']]);
      assert.ok((job.files[0]!.durationMs ?? 0) > 1000);
      assert.match(await api.transcripts.format({ job, file: job.files[0]! }, 'txt'), /calling|help/i);

      await vscode.commands.executeCommand('speechBatch.openTranscript', { kind: 'job', job });
      const tab = await waitFor('the transcript tab', () =>
        vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview && t.label === 'mono.wav (transcript)'),
      );
      assert.ok((tab.input as vscode.TabInputWebview).viewType.endsWith('speechBatch.transcript'));
      // A refresh asks no service about a fast job (there is none): it stays as it is.
      const refreshed = await api.jobs.refresh(job);
      assert.equal(refreshed.job.status, 'Succeeded');

      await vscode.commands.executeCommand('speechBatch.deleteJob', { kind: 'job', job });
      assert.equal(api.jobs.byId(job.id), undefined);
    } finally {
      messages.restore();
      if (job && api.jobs.byId(job.id)) await api.jobs.removeFromList(job);
    }
  });

  it('says a damaged file is damaged, as for batch jobs: its row, the finished notification and its transcript', async () => {
    const cut = path.join(os.tmpdir(), 'speech-batch-vscode-fast', 'half-call.wav');
    fs.copyFileSync(makeDamaged('wav-truncated'), cut);
    const before = new Set(api.jobs.all().map((j) => j.id));
    const messages = recordMessages();
    let job: JobRecord | undefined;
    try {
      await vscode.commands.executeCommand('speechBatch.transcribe', vscode.Uri.file(cut));
      job = await waitFor('the new job', () => api.jobs.all().find((j) => !before.has(j.id)));
      assert.equal(job.fast, true);
      job = await waitFor('the job to finish', finished(job.id), 240_000);
      await waitFor('the finished notification', () => messages.messages.find((m) => m.includes('"half-call.wav" finished')));
      assert.equal(job.status, 'Succeeded', JSON.stringify(job));
      assert.deepEqual(job.files.map((f) => f.warnings), [['Only 0:23 of 0:42 could be decoded: the file ends early']]);
      assert.match(messages.messages.find((m) => m.includes('"half-call.wav" finished'))!, /finished, but the audio of half-call\.wav is damaged: Only 0:23 of 0:42/);
      const [node] = (await api.tree.getChildren({ kind: 'job', job }))!;
      const row = api.tree.getTreeItem(node!) as vscode.TreeItem;
      assert.equal((row.iconPath as vscode.ThemeIcon).id, 'warning');
      assert.equal(row.description, 'Only 0:23 of 0:42 could be decoded: the file ends early');
      assert.match(await api.transcripts.format({ job, file: job.files[0]! }, 'txt'), /^Warning: Only 0:23 of 0:42 could be decoded: the file ends early\n\[00:00:0\d\] /);
    } finally {
      messages.restore();
      if (job && api.jobs.byId(job.id)) await api.jobs.removeFromList(job);
      fs.rmSync(cut, { force: true });
    }
  });

  it('Cancel Job stops a running fast transcription', async () => {
    const call = makeCall();
    const before = new Set(api.jobs.all().map((j) => j.id));
    const messages = recordMessages();
    let job: JobRecord | undefined;
    try {
      await vscode.commands.executeCommand('speechBatch.transcribe', vscode.Uri.file(call.wav));
      job = await waitFor('the new job', () => api.jobs.all().find((j) => !before.has(j.id)));
      assert.equal(job.status, 'Running');
      await vscode.commands.executeCommand('speechBatch.cancelJob', { kind: 'job', job });
      job = api.jobs.byId(job.id)!;
      assert.equal(job.cancelled, true);
      assert.equal(job.status, 'Failed');
      assert.deepEqual(job.files.map((f) => [f.state, f.error]), [['failed', 'Cancelled before it was transcribed']]);
      assert.match(messages.messages.join('\n'), /Cancelled "call\.wav" before any file was done/);
    } finally {
      messages.restore();
      if (job) await api.jobs.removeFromList(job);
    }
  });
});
