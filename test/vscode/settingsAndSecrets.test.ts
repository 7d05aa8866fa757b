/** Settings and secrets round-trips: keys only in SecretStorage via password boxes, settings feeding the job options. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { describeBaseModel } from '../../src/core/baseModels';
import { SpeechClient } from '../../src/core/client';
import { modelId } from '../../src/core/models';
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

  it('offers the settings as the defaults of Transcribe with Options…, each option in words with what it does', async () => {
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
    assert.equal(described['Punctuation'], 'Dictated and automatic', 'a value in words, not "DictatedAndAutomatic"');
    assert.equal(described['Profanity filter'], 'Masked');
    assert.equal(described['Word-level timestamps'], 'On');
    assert.match(described['Model'] ?? '', /^Default/);
    for (const item of offered.filter((i) => !i.label.includes('Start Transcription'))) assert.ok(item.detail, `${item.label} says what it does`);
    assert.equal(api.jobs.all().length, jobsBefore);
  });

  it('names the model of speechBatch.local.model as the default in Transcribe with Options…', async () => {
    await config().update('local.model', 'pocketsphinx', global);
    try {
      const client = new SpeechClient({ endpoint: await api.localService.endpoint(), key: await api.secrets.localServiceKey() });
      const pocketsphinx = (await client.listBaseModels()).map(describeBaseModel).find((m) => m.name === 'pocketsphinx')!;
      const { quickPicks } = await withInputs({ quickPicks: [undefined] }, () =>
        vscode.commands.executeCommand('speechBatch.transcribeWithOptions', vscode.Uri.file(placeholderAudio('speech-batch-options-model-'))),
      );
      assert.equal(quickPicks[0]!.find((i) => i.label === 'Model')?.description, `Default (${pocketsphinx.displayName})`);
    } finally {
      await config().update('local.model', undefined, global);
    }
  });

  it('submits the options picked in Transcribe with Options… to the service: values explained, the current one marked, models from the service', async () => {
    const audio = makeMono('hello', { dir: path.join(os.tmpdir(), 'speech-batch-vscode-audio') });
    const before = new Set(api.jobs.all().map((j) => j.id));
    const client = new SpeechClient({ endpoint: await api.localService.endpoint(), key: await api.secrets.localServiceKey() });
    const serviceModels = (await client.listBaseModels()).map(describeBaseModel).filter((m) => m.locales.includes('en-US'));
    type ModelItem = vscode.QuickPickItem & { self?: string };
    const seen = await withInputs(
      {
        quickPicks: [
          'Word-level timestamps',
          'Off',
          'Keep results for',
          '12 hours',
          'Profanity filter',
          'Not filtered',
          'Model',
          (items: readonly ModelItem[]) => items.find((i) => i.self?.includes(modelId('pocketsphinx'))),
          'Punctuation',
          'Automatic',
          'Start Transcription',
        ],
      },
      () => vscode.commands.executeCommand('speechBatch.transcribeWithOptions', vscode.Uri.file(audio)),
    );
    const job = api.jobs.all().find((j) => !before.has(j.id));
    assert.ok(job, 'a job was created');
    try {
      const { properties, locale, model } = (await client.get(job.id)).transcription;
      assert.equal(locale, 'en-US');
      assert.equal(properties.timeToLiveHours, 12);
      assert.equal(properties.wordLevelTimestampsEnabled, false);
      assert.equal(properties.profanityFilterMode, 'None');
      assert.equal(properties.punctuationMode, 'Automatic');
      assert.match(model?.self ?? '', new RegExp(`/models/base/${modelId('pocketsphinx')}`));
    } finally {
      await api.jobs.delete(job);
    }
    const [, words, , ttl, , profanity, , models, , punctuation] = seen.quickPicks;
    assert.deepEqual(words!.map((i) => i.label), ['$(check) On', 'Off'], 'the current value is marked');
    assert.deepEqual(ttl!.map((i) => i.label), ['6 hours', '12 hours', '1 day', '$(check) 2 days', '1 week', '31 days (the most)', 'Other…']);
    assert.deepEqual(profanity!.map((i) => i.label), ['$(check) Masked', 'Removed', 'Tagged', 'Not filtered']);
    assert.match(profanity![0]!.description ?? '', /\*/, 'Masked says it replaces with *');
    // pocketsphinx does not punctuate by itself: all four modes mean something.
    assert.deepEqual(punctuation!.map((i) => i.label), ['$(check) Dictated and automatic', 'Automatic', 'Dictated only', 'None']);
    for (const item of [...words!, ...profanity!, ...punctuation!]) assert.ok(item.description, `${item.label} is explained`);
    // The models: "Default (…)" and every model the service has for en-US, by name, with size and languages.
    assert.match(models![0]!.label, /^\$\(check\) Default \(.+\)$/);
    assert.deepEqual(models!.slice(1).map((i) => i.label).sort(), serviceModels.map((m) => m.displayName).sort());
    assert.ok(models!.slice(1).every((i) => /English/.test(i.description ?? '')), models!.map((i) => i.description).join(' | '));
    // Local jobs cannot name custom models: no "Custom model…".
    assert.ok(!models!.some((i) => i.label.includes('Custom model')));
  });
});
