/**
 * A damaged recording: the job ends as Failed with the service's reason shown to the user, and VS Code (and the
 * extension) keep working.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { makeCorruptWav } from '../support/audio';
import { flowSteps, Session } from './session';

describe('e2e: a corrupt .wav file', function () {
  let session: Session;
  let scratch: string;

  flowSteps(() => session);

  before(async () => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'speech-batch-corrupt-'));
    session = await Session.open({ files: { 'broken-call.wav': makeCorruptWav(scratch, 'random') } });
  });

  after(async () => {
    await session?.close();
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('ends as a Failed job with the reason in a notification and in the tooltip', async () => {
    await session.contextMenu(session.explorerRow('broken-call.wav'), 'Transcribe');
    const view = await session.jobsView();
    const failed = view.locator('.monaco-list-row[aria-label^="broken-call.wav, Failed"]');
    await failed.waitFor({ timeout: 120_000 });
    assert.equal(await failed.locator('.codicon-error').count(), 1, 'a failed job has the error icon');

    const toast = session.notifications().filter({ hasText: 'Transcription of "broken-call.wav" failed:' });
    await toast.waitFor();
    const message = (await toast.locator('.notification-list-item-message').textContent()) ?? '';
    const reason = message.split('failed:')[1]?.trim() ?? '';
    assert.ok(reason.length > 5, `the notification gives a reason: "${message}"`);
    await session.screenshot('failure-1-notification');

    await failed.hover();
    const hover = session.page.locator('.monaco-hover, .workbench-hover').filter({ hasText: 'Reason:' });
    await hover.waitFor();
    const tooltip = (await hover.innerText()).replace(/\u00a0/g, ' ');
    assert.match(tooltip, /Status: Failed/);
    assert.ok(tooltip.includes(`Reason: ${reason}`), `the tooltip gives the same reason:\n${tooltip}`);
    await session.screenshot('failure-2-tooltip');
  });

  it('leaves VS Code working: the palette opens and another command runs', async () => {
    await session.page.mouse.move(800, 450);
    await session.page.keyboard.press('Escape');
    await session.runCommand('Speech Batch: Show Log');
    const output = session.page.locator('.part.panel', { has: session.page.locator('.monaco-editor') });
    await output.waitFor();
    await session.page.locator('.part.panel .monaco-editor .view-line', { hasText: /broken-call\.wav|failed/i }).first().waitFor();
    await session.screenshot('failure-3-still-working');
  });
});
