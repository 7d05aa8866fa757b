/**
 * The Azure path, offline: Azurite is the Blob Storage account and the local service plays the Azure Speech endpoint.
 * The user sets the Speech key and the storage connection with the extension's commands (password boxes), transcribes
 * from the Explorer (upload → read-only SAS URL → the service downloads it → Succeeded), reads the result, and deletes
 * the job, which also deletes the upload. No secret shows up in the workbench or in any log file.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { startAzurite, type RunningAzurite } from '../support/azurite';
import { startService, type RunningService } from '../support/service';
import { eventually } from '../support/timeouts';
import { stereoCall } from './calls';
import { flowSteps, Session } from './session';

/** The container the extension uploads to (the `speechBatch.azure.container` default). */
const CONTAINER = 'speech-batch';

describe('e2e: transcribing through Azure (Azurite + the local service as the Speech endpoint)', function () {
  let azurite: RunningAzurite;
  let service: RunningService;
  let session: Session;
  let audio: string;

  flowSteps(() => session);

  before(async () => {
    audio = stereoCall().audio;
    azurite = await startAzurite();
    service = await startService();
    session = await Session.open({
      files: { 'call.mp3': audio },
      settings: { 'speechBatch.backend': 'azure', 'speechBatch.azure.endpoint': service.endpoint },
    });
  });

  after(async () => {
    await session?.close();
    await service?.stop();
    await azurite?.stop();
  });

  /** Names and sizes of the blobs in the upload container. */
  async function uploads(): Promise<{ name: string; size: number }[]> {
    const container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(CONTAINER);
    if (!(await container.exists())) return [];
    const blobs: { name: string; size: number }[] = [];
    for await (const blob of container.listBlobsFlat()) blobs.push({ name: blob.name, size: blob.properties.contentLength ?? -1 });
    return blobs;
  }

  it('stores the Speech key and the storage connection typed into password boxes', async () => {
    await session.runCommand('Speech Batch: Set Speech Key');
    const input = session.quickInput();
    await session.page.locator('.quick-input-widget input.input[type="password"]').waitFor();
    await input.fill(service.key);
    await input.press('Enter');
    await session.notifications().filter({ hasText: 'Speech key saved.' }).waitFor();

    await session.runCommand('Speech Batch: Set Storage Connection');
    await session.page.locator('.quick-input-widget input.input[type="password"]').waitFor();
    await input.fill(azurite.connectionString);
    await input.press('Enter');
    await session.notifications().filter({ hasText: 'Storage connection saved.' }).waitFor();
    await session.screenshot('azure-1-secrets-saved');
  });

  it('Transcribe uploads the call to Blob Storage and the Speech endpoint transcribes it from there', async () => {
    await session.contextMenu(session.explorerRow('call.mp3'), 'Transcribe');
    const view = await session.jobsView();
    const succeeded = view.locator('.monaco-list-row[aria-label^="call.mp3, Succeeded"]');
    await succeeded.waitFor({ timeout: 180_000 });

    const blobs = await uploads();
    assert.equal(blobs.length, 1, `one upload, got ${JSON.stringify(blobs)}`);
    assert.equal(blobs[0].size, fs.statSync(audio).size, 'the whole recording was uploaded');
    assert.ok(blobs[0].name.endsWith('.mp3'), `the blob keeps the extension: ${blobs[0].name}`);

    // The notification comes once the results are saved and the row has its final content (a hover on a row that is
    // re-rendered closes).
    await session.notifications().filter({ hasText: 'Transcription of "call.mp3" finished.' }).waitFor();
    const tooltip = session.page.locator('.monaco-hover, .workbench-hover').filter({ hasText: 'Runs on:' });
    // A hover that starts while the row is re-rendered does not open: move away and hover again until it shows.
    await eventually(
      async () => {
        await session.page.mouse.move(800, 450);
        await succeeded.hover();
        return (await tooltip.waitFor({ timeout: 3000 }).then(() => true, () => false)) ? { value: true } : { last: false };
      },
      30_000,
      () => 'the tooltip of the succeeded job',
    );
    assert.match((await tooltip.innerText()).replace(/\u00a0/g, ' '), new RegExp(`Runs on: ${service.endpoint.replace(/[.]/g, '\\.')}`));
    await session.screenshot('azure-2-succeeded');
    await session.page.mouse.move(800, 450);
  });

  it('Open Transcript shows both parties', async () => {
    await session.contextMenu(await session.jobRow('call.mp3, Succeeded'), 'Open Transcript');
    const turns = session.webview().locator('#turns .turn');
    await turns.nth(1).waitFor({ timeout: 60_000 });
    const parties = new Set(await turns.evaluateAll((elements) => elements.map((e) => e.getAttribute('data-party'))));
    assert.deepEqual([...parties].sort(), ['ch0', 'ch1']);
    await session.screenshot('azure-3-transcript');
  });

  it('Delete Job deletes the job and its uploaded audio after confirmation', async () => {
    await session.contextMenu(await session.jobRow('call.mp3, Succeeded'), 'Delete Job');
    const dialog = session.page.locator('.monaco-dialog-box');
    await dialog.filter({ hasText: 'Delete the transcription job "call.mp3"?' }).waitFor();
    await session.screenshot('azure-4-delete-confirmation');
    await dialog.locator('.monaco-button', { hasText: /^Delete$/ }).click();
    const view = await session.jobsView();
    await view.locator('.monaco-list-row[aria-label^="call.mp3"]').waitFor({ state: 'detached' });
    await eventually(
      async () => {
        const left = await uploads();
        return left.length === 0 ? { value: true } : { last: left };
      },
      15_000,
      (left) => `the upload is still in the container: ${JSON.stringify(left)}`,
    );
  });

  it('never shows or logs the Speech key, the account key or a SAS signature', async () => {
    const secrets = [service.key, azurite.accountKey];
    const workbenchText = await session.page.locator('body').innerText();
    for (const secret of secrets) assert.ok(!workbenchText.includes(secret), 'a secret is on screen');
    const logs = listFiles(path.join(session.server.home, 'user-data', 'logs'));
    const ownLog = logs.find((f) => path.basename(f) === 'Speech Batch.log');
    assert.ok(ownLog, `the extension's log is among the ${logs.length} log files`);
    assert.match(fs.readFileSync(ownLog, 'utf8'), /Submitted job .* to http:\/\/127\.0\.0\.1:\d+/, 'the log tells about the job');
    for (const file of logs) {
      const text = fs.readFileSync(file, 'utf8');
      for (const secret of secrets) assert.ok(!text.includes(secret), `${file} contains a secret`);
      assert.doesNotMatch(text, /[?&]sig=[^&\s"']{8,}/, `${file} contains a SAS signature`);
    }
  });
});

function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath ?? entry.path, entry.name));
}
