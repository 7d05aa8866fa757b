/** Settings and secrets round-trips: keys only in SecretStorage via password boxes, settings feeding the job options. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { SpeechClient } from '../../src/core/client';
import type { ExtensionApi } from '../../src/vscode/api';
import { makeMono } from '../support/audio';
import { activateExtension, recordMessages, withInputs } from './extensionHelpers';

const SPEECH_KEY = '0123456789abcdef0123456789abcdef';

describe('settings and secrets', () => {
  let api: ExtensionApi;
  const config = () => vscode.workspace.getConfiguration('speechBatch');
  const global = vscode.ConfigurationTarget.Global;
  const tempDirs: string[] = [];
  /** A placeholder audio file in a temp folder that is removed after the suite. */
  const placeholderAudio = (prefix: string): string => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    tempDirs.push(dir);
    const audio = path.join(dir, 'call.wav');
    fs.writeFileSync(audio, Buffer.alloc(64));
    return audio;
  };

  before(async () => {
    api = await activateExtension();
  });

  after(() => {
    for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  afterEach(async () => {
    for (const name of ['backend', 'azure.region', 'locale', 'timeToLiveHours', 'diarization.enabled']) await config().update(name, undefined, global);
    await api.secrets.clearAzure();
  });

  it('stores the Speech key from a password box in SecretStorage only, and asks for the region', async () => {
    const { inputBoxes: boxes } = await withInputs({ inputBoxes: [SPEECH_KEY, 'WestEurope'] }, () =>
      vscode.commands.executeCommand('speechBatch.setSpeechKey'),
    );
    assert.equal(boxes[0].password, true);
    assert.ok(boxes[0].validateInput!('short'), 'a too short key is refused');
    assert.equal(boxes[0].validateInput!(SPEECH_KEY), undefined);
    assert.equal(await api.secrets.speechKey(), SPEECH_KEY);
    assert.equal(config().get('azure.region'), 'westeurope');
    const inspected = JSON.stringify(config());
    assert.ok(!inspected.includes(SPEECH_KEY), 'the key is not in the settings');
  });

  it('switches new jobs to Azure when the user accepts after setting a key', async () => {
    await config().update('azure.region', 'westeurope', global);
    await withInputs(
      { inputBoxes: [SPEECH_KEY], messages: (m) => (m.includes('Run new jobs on Azure') ? 'Use Azure' : undefined) },
      () => vscode.commands.executeCommand('speechBatch.setSpeechKey'),
    );
    assert.equal(config().get('backend'), 'azure');
  });

  it('checks a storage connection before storing it, with a readable reason and without echoing it', async () => {
    const { inputBoxes } = await withInputs({ inputBoxes: ['UseDevelopmentStorage=true'] }, () =>
      vscode.commands.executeCommand('speechBatch.setStorageConnection'),
    );
    const validate = inputBoxes[0].validateInput;
    assert.equal(inputBoxes[0].password, true);
    assert.equal(await api.secrets.storageConnection(), 'UseDevelopmentStorage=true');
    const reason = String(await validate!('https://acct.blob.core.windows.net/calls?sv=2024&sp=r&sig=SECRETSIG'));
    assert.match(reason, /permission|grants/i);
    assert.ok(!reason.includes('SECRETSIG'));
  });

  it('forgets the stored keys after confirmation', async () => {
    await api.secrets.setSpeechKey(SPEECH_KEY);
    await api.secrets.setStorageConnection('UseDevelopmentStorage=true');
    const messages = recordMessages((m) => (m.startsWith('Forget the stored') ? 'Forget' : undefined));
    try {
      await vscode.commands.executeCommand('speechBatch.clearSecrets');
    } finally {
      messages.restore();
    }
    assert.equal(await api.secrets.speechKey(), undefined);
    assert.equal(await api.secrets.storageConnection(), undefined);
  });

  it('with the Azure backend and no key, Transcribe explains what is missing and creates no job', async () => {
    await config().update('backend', 'azure', global);
    await config().update('azure.region', 'westeurope', global);
    const audio = placeholderAudio('speech-batch-nokey-');
    const jobsBefore = api.jobs.all().length;
    const messages = recordMessages();
    try {
      await vscode.commands.executeCommand('speechBatch.transcribe', vscode.Uri.file(audio));
    } finally {
      messages.restore();
    }
    assert.deepEqual(messages.messages, ['No Azure Speech key is set.']);
    assert.equal(api.jobs.all().length, jobsBefore);
  });

  it('offers the settings as the defaults of Transcribe with Options…', async () => {
    await config().update('locale', 'en-GB', global);
    await config().update('timeToLiveHours', 12, global);
    await config().update('diarization.enabled', true, global);
    const audio = placeholderAudio('speech-batch-options-');
    const jobsBefore = api.jobs.all().length;
    // Escape at the first quick pick: nothing is submitted.
    const { quickPicks } = await withInputs({ quickPicks: [undefined] }, () =>
      vscode.commands.executeCommand('speechBatch.transcribeWithOptions', vscode.Uri.file(audio)),
    );
    const offered = quickPicks[0];
    const described = Object.fromEntries(offered.map((i) => [i.label, i.description]));
    assert.equal(described['Locale'], 'en-GB');
    assert.equal(described['Keep results for'], '12 hours');
    assert.equal(described['Speaker separation for mono recordings (diarization)'], 'Up to 2 speakers');
    assert.equal(api.jobs.all().length, jobsBefore);
  });

  it('submits the options picked in Transcribe with Options… to the service', async () => {
    const audio = makeMono('hello', { dir: path.join(os.tmpdir(), 'speech-batch-vscode-audio') });
    const before = new Set(api.jobs.all().map((j) => j.id));
    await withInputs({ quickPicks: ['Word-level timestamps', 'Keep results for', 'Start Transcription'], inputBoxes: ['12'] }, () =>
      vscode.commands.executeCommand('speechBatch.transcribeWithOptions', vscode.Uri.file(audio)),
    );
    const job = api.jobs.all().find((j) => !before.has(j.id));
    assert.ok(job, 'a job was created');
    try {
      const client = new SpeechClient({ endpoint: await api.localService.endpoint(), key: await api.secrets.localServiceKey() });
      const { properties, locale } = (await client.get(job.id)).transcription;
      assert.equal(locale, 'en-US');
      assert.equal(properties.timeToLiveHours, 12);
      assert.equal(properties.wordLevelTimestampsEnabled, false);
      assert.equal(properties.punctuationMode, 'DictatedAndAutomatic');
    } finally {
      await api.jobs.delete(job);
    }
  });
});
