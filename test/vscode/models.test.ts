/**
 * Model management in VS Code against a real HTTP server started here (it plays the download base URL, set through
 * the setting, serving whisper.cpp's weightless CI model) and the real local service: Download Model… puts a model
 * in place with its progress, a damaged download is deleted and says so, Manage Models… lists it, the next job runs on
 * it (the service names it in the job), Manage Models… removes it, and Use Model File… refuses a file that is no
 * model, readably.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { SpeechClient } from '../../src/core/client';
import { modelId } from '../../src/core/models';
import type { ExtensionApi } from '../../src/vscode/api';
import { makeMono } from '../support/audio';
import { activateExtension, waitFor, withInputs } from './extensionHelpers';

const TEST_MODEL = path.resolve(__dirname, '..', 'fixtures', 'models', 'for-tests-ggml-tiny.en.bin');
const MODEL_NAME = 'for-tests-ggml-tiny.en';

/** `seconds` of digital silence, 16 kHz mono (sox). */
function silentWav(file: string, seconds: number): string {
  execFileSync('sox', ['-n', '-r', '16000', '-c', '1', '-b', '16', file, 'trim', '0', String(seconds)]);
  return file;
}

describe('local models: Download Model…, Manage Models…, Use Model File…', () => {
  let api: ExtensionApi;
  let server: http.Server;
  let folder: string;
  let requests: string[] = [];
  const config = () => vscode.workspace.getConfiguration('speechBatch');

  before(async () => {
    api = await activateExtension();
    const bytes = fs.readFileSync(TEST_MODEL);
    // A mirror of whisper.cpp's models: every ggml file name gets the test model's bytes (with Range support).
    server = http.createServer((req, res) => {
      requests.push(req.url ?? '');
      if (!/^\/mirror\/ggerganov\/whisper\.cpp\/resolve\/main\/[\w.-]+\.bin$/.test(req.url ?? '')) {
        res.writeHead(404).end('no such model');
        return;
      }
      const start = Number(/^bytes=(\d+)-$/.exec(req.headers.range ?? '')?.[1] ?? 0);
      res.writeHead(start > 0 ? 206 : 200, {
        'content-length': bytes.length - start,
        ...(start > 0 && { 'content-range': `bytes ${start}-${bytes.length - 1}/${bytes.length}` }),
      });
      res.end(bytes.subarray(start));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'speech-batch-vscode-models-'));
    await config().update('local.modelsFolder', folder, vscode.ConfigurationTarget.Global);
    await config().update('local.modelDownloadBaseUrl', `http://127.0.0.1:${(server.address() as AddressInfo).port}/mirror`, vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    for (const name of ['local.modelsFolder', 'local.modelDownloadBaseUrl', 'local.model']) await config().update(name, undefined, vscode.ConfigurationTarget.Global);
    server?.close();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('offers the catalogue with size, languages and source; a download that fails its SHA-1 is deleted and says so', async () => {
    requests = [];
    const seen = await withInputs({ quickPicks: ['Whisper tiny.en (English)'] }, () => vscode.commands.executeCommand('speechBatch.downloadModel'));
    const offered = seen.quickPicks[0]!;
    const tiny = offered.find((i) => i.label === 'Whisper tiny.en (English)')!;
    assert.match(tiny.description ?? '', /^~78 MB · en-US, en-GB/);
    assert.match(tiny.detail ?? '', /\/mirror\/ggerganov\/whisper\.cpp\/resolve\/main\/ggml-tiny\.en\.bin$/);
    assert.ok(offered.some((i) => /Parakeet TDT 0\.6B/.test(i.label)), 'Parakeet is offered');
    assert.ok(offered.some((i) => /multilingual/.test(i.label) && /\d+ languages/.test(i.description ?? '')), 'a multilingual model is offered');
    assert.deepEqual(requests, ['/mirror/ggerganov/whisper.cpp/resolve/main/ggml-tiny.en.bin']);
    const error = seen.messages.find((m) => m.startsWith('Downloading Whisper tiny.en (English) failed'));
    assert.match(error ?? seen.messages.join('\n'), /SHA-1 is [0-9a-f]{40}, not the published c78c86eb1a8faa21b369bcd33207cc90d64ae9df.*partial file was deleted/);
    assert.deepEqual(fs.readdirSync(folder), []);
  });

  it('downloads a model into the shared folder, lists it, the next job runs on it, and Manage Models… removes it', async () => {
    // "Other whisper.cpp Model…": the CI model by its file name (no published checksum: its SHA-256 is recorded).
    const downloaded = await withInputs(
      {
        quickPicks: ['Other whisper.cpp Model…'],
        inputBoxes: [`${MODEL_NAME}.bin`],
        messages: (m) => (/is installed/.test(m) ? 'Use as Default' : undefined),
      },
      () => vscode.commands.executeCommand('speechBatch.downloadModel'),
    );
    const installed = downloaded.messages.find((m) => /is installed/.test(m));
    assert.match(installed ?? downloaded.messages.join('\n'), /Whisper for-tests-ggml-tiny\.en is installed \(\d+ MB, no published checksum: its SHA-256 was recorded in .*\.sha256\)/);
    assert.ok(fs.existsSync(path.join(folder, `${MODEL_NAME}.bin`)), 'the model is in the folder');
    assert.ok(!fs.readdirSync(folder).some((f) => f.endsWith('.part')), 'no partial file is left');
    assert.equal(config().get('local.model'), MODEL_NAME, 'Use as Default set the setting');

    // Listed, as the default, with its size and languages.
    const listed = await withInputs({ quickPicks: [undefined] }, () => vscode.commands.executeCommand('speechBatch.manageModels'));
    const row = listed.quickPicks[0]!.find((i) => i.label === MODEL_NAME);
    assert.ok(row, listed.quickPicks[0]!.map((i) => i.label).join(', '));
    assert.match(row.description ?? '', /^\d+ MB · en-US, .* · default$/);
    assert.ok(listed.quickPicks[0]!.some((i) => i.label === 'pocketsphinx'));

    // The next job runs on it: the service names the model in the job (a new model is seen without a restart). The
    // call is silent, so the job ends at once (whisper.cpp cannot be interrupted inside a piece, and the weightless
    // model takes minutes per piece on a loaded machine; tests/integration run it on speech).
    const wav = silentWav(path.join(folder, 'silent-call.wav'), 3);
    const before = new Set(api.jobs.all().map((j) => j.id));
    await withInputs({}, () => vscode.commands.executeCommand('speechBatch.transcribe', vscode.Uri.file(wav), [vscode.Uri.file(wav)]));
    const job = await waitFor('the new job', () => api.jobs.all().find((j) => !before.has(j.id)));
    const client = new SpeechClient({ endpoint: await api.localService.endpoint(), key: await api.secrets.localServiceKey() });
    const { transcription } = await client.get(job.id);
    assert.match(transcription.model?.self ?? '', new RegExp(`/speechtotext/models/base/${modelId(MODEL_NAME)}(\\?|$)`));
    const done = await waitFor('the job to end', async () => {
      const t = (await client.get(job.id)).transcription;
      return t.status === 'Succeeded' || t.status === 'Failed' ? t : undefined;
    }, 120_000);
    assert.equal(done.status, 'Succeeded', JSON.stringify(done.properties?.error));
    await api.jobs.delete(api.jobs.latest(job));
    fs.rmSync(wav);

    // Removed through Manage Models…: the file goes, and with it the default.
    const removed = await withInputs(
      { quickPicks: [MODEL_NAME, 'Remove'], messages: (m) => (/^Remove the model/.test(m) ? 'Remove' : undefined) },
      () => vscode.commands.executeCommand('speechBatch.manageModels'),
    );
    assert.ok(removed.messages.some((m) => /^Remove the model for-tests-ggml-tiny\.en\? Its file \(\d+ MB\) is deleted\./.test(m)), removed.messages.join('\n'));
    assert.ok(removed.messages.includes(`Removed ${MODEL_NAME}. Local jobs now use the most accurate model installed for their language.`), removed.messages.join('\n'));
    assert.ok(!fs.existsSync(path.join(folder, `${MODEL_NAME}.bin`)));
    assert.equal(config().get('local.model'), '');
  });

  it('a default model that is not installed stops Transcribe with the way to get it', async () => {
    await config().update('local.model', 'base.en', vscode.ConfigurationTarget.Global);
    try {
      const wav = makeMono('Hello.');
      const seen = await withInputs({}, () => vscode.commands.executeCommand('speechBatch.transcribe', vscode.Uri.file(wav), [vscode.Uri.file(wav)]));
      assert.ok(
        seen.messages.some((m) => m === `The default model "base.en" (setting speechBatch.local.model) is not installed in ${folder}.`),
        seen.messages.join('\n'),
      );
    } finally {
      await config().update('local.model', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('Use Model File… refuses a file that is no model, saying why, and registers one that is', async () => {
    const notes = path.join(folder, 'notes.bin');
    fs.writeFileSync(notes, 'minutes of the team meeting\n'.repeat(50));
    const refused = await withInputs({ openDialogs: [[vscode.Uri.file(notes)]] }, () => vscode.commands.executeCommand('speechBatch.useModelFile'));
    assert.ok(
      refused.messages.some((m) => /^notes\.bin cannot be used as a model: .*notes\.bin is not a whisper\.cpp or Parakeet model file \(ggml\)/.test(m)),
      refused.messages.join('\n'),
    );
    fs.rmSync(notes);
    const added = await withInputs({ openDialogs: [[vscode.Uri.file(TEST_MODEL)]] }, () => vscode.commands.executeCommand('speechBatch.useModelFile'));
    assert.ok(added.messages.some((m) => /^The model for-tests-ggml-tiny\.en is ready \(\d+ MB, whisper\.cpp, en-US.*\); the file stays where it is\./.test(m)), added.messages.join('\n'));
    const listed = await withInputs({ quickPicks: [undefined] }, () => vscode.commands.executeCommand('speechBatch.manageModels'));
    assert.equal(listed.quickPicks[0]!.find((i) => i.label === MODEL_NAME)?.detail, TEST_MODEL);
  });
});
