/**
 * The user's path against the real local service: Transcribe a stereo call, the poller sees it succeed, then the
 * transcript opens as a document, as JSON, is copied, exported and the job deleted.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/vscode/api';
import type { JobRecord } from '../../src/vscode/jobRecord';
import { makeCall, makeMono } from '../support/audio';
import { activateExtension, recordMessages, waitFor, withInputs } from './extensionHelpers';

const REPO = path.resolve(__dirname, '..', '..');

/** The sample call of the repository, else one made with flite + sox. */
function stereoCall(): string {
  const sample = path.join(REPO, 'samples', 'call.mp3');
  return fs.existsSync(sample) ? sample : makeCall(path.join(os.tmpdir(), 'speech-batch-vscode-audio')).mp3;
}

describe('transcribing with the local service', () => {
  let api: ExtensionApi;
  let job: JobRecord;
  let audio: string;
  const config = () => vscode.workspace.getConfiguration('speechBatch');

  before(async () => {
    api = await activateExtension();
    await config().update('polling.minIntervalSeconds', 1, vscode.ConfigurationTarget.Global);
    await config().update('partyNames', ['Agent', 'Customer'], vscode.ConfigurationTarget.Global);
    audio = stereoCall();
  });

  after(async () => {
    await config().update('polling.minIntervalSeconds', undefined, vscode.ConfigurationTarget.Global);
    await config().update('partyNames', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('runs Transcribe on an Explorer selection as one job that the poller follows to Succeeded', async () => {
    const before = new Set(api.jobs.all().map((j) => j.id));
    const messages = recordMessages();
    try {
      await vscode.commands.executeCommand('speechBatch.transcribe', vscode.Uri.file(audio), [vscode.Uri.file(audio)]);
      job = await waitFor('the new job in the store', () => api.jobs.all().find((j) => !before.has(j.id)));
      assert.equal(job.backend, 'local');
      assert.deepEqual(job.audioPaths, [audio]);
      assert.equal(job.displayName, path.basename(audio));
      assert.ok(api.poller.active, 'the poller runs while a job is pending');
      job = await waitFor('the job to finish', () => {
        const current = api.jobs.get(`local|local|${job.id}`);
        return current && (current.status === 'Succeeded' || current.status === 'Failed') ? current : undefined;
      }, 150_000);
      assert.equal(job.status, 'Succeeded', JSON.stringify(job.error));
      assert.deepEqual(job.files.map((f) => [f.state, f.audioPath]), [['transcription', audio]]);
      await waitFor('the finished notification', () => messages.messages.find((m) => m.includes('finished')));
      assert.ok(messages.messages.some((m) => m === `Transcription of "${path.basename(audio)}" finished.`), messages.messages.join('\n'));
      await waitFor('the poller to stop', () => (api.poller.active ? undefined : true), 5000);
    } finally {
      messages.restore();
    }
  });

  it('opens the merged conversation as a read-only speech-transcript: document with the party names', async () => {
    const node = { kind: 'file', job, file: job.files[0] };
    await vscode.commands.executeCommand('speechBatch.openAsText', node);
    const doc = vscode.window.activeTextEditor!.document;
    assert.equal(doc.uri.scheme, 'speech-transcript');
    assert.equal(path.posix.basename(doc.uri.path), `${path.parse(audio).name}.txt`);
    const text = doc.getText();
    assert.match(text, /Agent/);
    assert.match(text, /Customer/);
    assert.ok(text.split('\n').filter((l) => l.trim()).length >= 2, text);
  });

  it('opens the raw result JSON with both channels', async () => {
    await vscode.commands.executeCommand('speechBatch.openResultJson', { kind: 'file', job, file: job.files[0] });
    const doc = vscode.window.activeTextEditor!.document;
    assert.equal(doc.languageId, 'json');
    const result = JSON.parse(doc.getText()) as { recognizedPhrases: { channel: number }[] };
    assert.deepEqual([...new Set(result.recognizedPhrases.map((p) => p.channel))].sort(), [0, 1]);
  });

  it('re-renders an open transcript document when the party names setting changes', async () => {
    await vscode.commands.executeCommand('speechBatch.openAsText', { kind: 'file', job, file: job.files[0] });
    const doc = vscode.window.activeTextEditor!.document;
    await config().update('partyNames', ['Rep', 'Caller'], vscode.ConfigurationTarget.Global);
    await waitFor('the renamed parties', () => (doc.getText().includes('Caller') ? true : undefined));
    assert.ok(!doc.getText().includes('Customer'));
    await config().update('partyNames', ['Agent', 'Customer'], vscode.ConfigurationTarget.Global);
  });

  it('copies the transcript text to the clipboard (a job from the palette is picked by quick pick)', async () => {
    await vscode.env.clipboard.writeText('');
    const pickJob = (items: readonly (vscode.QuickPickItem & { ref?: { job: JobRecord } })[]) => items.find((i) => i.ref?.job.id === job.id);
    // From the palette, a quick pick offers the finished transcripts when there is more than one.
    const finished = api.jobs.all().filter((j) => j.status === 'Succeeded').flatMap((j) => api.transcripts.refs(j));
    await withInputs({ quickPicks: finished.length > 1 ? [pickJob] : [] }, () => vscode.commands.executeCommand('speechBatch.copyTranscript'));
    const copied = await vscode.env.clipboard.readText();
    assert.match(copied, /Agent/);
    assert.match(copied, /Customer/);
  });

  it('exports subtitles (SRT) to the file chosen in the save dialog', async () => {
    const target = path.join(os.tmpdir(), `speech-batch-export-${process.pid}.srt`);
    const pickSrt = (items: readonly (vscode.QuickPickItem & { format?: string })[]) => items.find((i) => i.format === 'srt');
    await withInputs({ quickPicks: [pickSrt], saveDialogs: [vscode.Uri.file(target)] }, () =>
      vscode.commands.executeCommand('speechBatch.export', { kind: 'job', job }),
    );
    const srt = fs.readFileSync(target, 'utf8');
    fs.rmSync(target);
    assert.match(srt, /^1\r?\n\d\d:\d\d:\d\d,\d{3} --> \d\d:\d\d:\d\d,\d{3}\r?\n(Agent|Customer): /);
  });

  it('opens the transcript view (webview) for a finished job', async () => {
    await vscode.commands.executeCommand('speechBatch.openTranscript', { kind: 'job', job });
    const tab = await waitFor('the transcript tab', () =>
      vscode.window.tabGroups.all
        .flatMap((group) => group.tabs)
        .find((t) => t.input instanceof vscode.TabInputWebview && t.label.includes(path.parse(audio).name)),
    );
    assert.equal(tab.label, `${path.basename(audio)} (transcript)`, 'the tab is not named like the audio file');
    assert.ok((tab.input as vscode.TabInputWebview).viewType.endsWith('speechBatch.transcript'));
  });

  it('deletes the job after confirmation, on the service too', async () => {
    const messages = recordMessages((m) => (m.startsWith('Delete the transcription job') ? 'Delete' : undefined));
    try {
      await vscode.commands.executeCommand('speechBatch.deleteJob', { kind: 'job', job });
    } finally {
      messages.restore();
    }
    assert.equal(api.jobs.byId(job.id), undefined);
    await assert.rejects(api.jobs.refresh(job), /404/);
  });

  it('turns a folder selected in the Explorer into ONE job over its .wav/.mp3 files, one transcript each', async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'speech-batch-folder-'));
    const dir = path.join(os.tmpdir(), 'speech-batch-vscode-audio');
    fs.copyFileSync(makeMono('good morning', { dir }), path.join(folder, 'first.wav'));
    fs.copyFileSync(makeMono('thank you goodbye', { dir }), path.join(folder, 'second.wav'));
    fs.writeFileSync(path.join(folder, 'notes.txt'), 'not audio');
    const before = new Set(api.jobs.all().map((j) => j.id));
    const messages = recordMessages();
    try {
      await vscode.commands.executeCommand('speechBatch.transcribe', vscode.Uri.file(folder), [vscode.Uri.file(folder)]);
      let folderJob = await waitFor('the new job', () => api.jobs.all().find((j) => !before.has(j.id)));
      assert.deepEqual(folderJob.audioPaths, [path.join(folder, 'first.wav'), path.join(folder, 'second.wav')]);
      assert.equal(folderJob.displayName, path.basename(folder), 'a job over a clicked folder is named after it');
      folderJob = await waitFor('the job to finish', () => {
        const current = api.jobs.byId(folderJob.id);
        return current?.status === 'Succeeded' || current?.status === 'Failed' ? current : undefined;
      }, 150_000);
      assert.equal(folderJob.status, 'Succeeded', JSON.stringify(folderJob.error));
      assert.deepEqual(folderJob.files.map((f) => f.audioName).sort(), ['first.wav', 'second.wav']);
      const texts = await Promise.all(folderJob.files.map((file) => api.transcripts.format({ job: folderJob, file }, 'txt')));
      assert.notEqual(texts[0], texts[1]);
      await api.jobs.delete(folderJob);
    } finally {
      messages.restore();
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });
});
