/**
 * A folder of calls where one recording is damaged: the job's row, tooltip and notification say it partly failed and
 * how many files did; Show Failed leads to the failed file and its reason; once the file is fixed, Retry Failed runs
 * a job of just that file, which succeeds. Runs against the real local service in code-server.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { makeCorruptWav, makeMono } from '../support/audio';
import { eventually } from '../support/timeouts';
import { flowSteps, Session } from './session';

describe('e2e: a folder of calls with a damaged recording', function () {
  let session: Session;
  let scratch: string;
  let fixed: string;

  flowSteps(() => session);

  before(async () => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'speech-batch-batch-e2e-'));
    fixed = makeMono('thank you for calling how can I help', { dir: scratch });
    session = await Session.open({
      files: {
        'monday/call-01.wav': makeMono('good morning I would like to check my order', { dir: scratch }),
        'monday/call-02.wav': makeMono('the invoice is wrong please correct it', { dir: scratch }),
        'monday/damaged.wav': makeCorruptWav(scratch, 'random'),
      },
      settings: { 'speechBatch.transcriptFilesNextToAudio': 'md' },
    });
  });

  after(async () => {
    await session?.close();
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('names the job after the folder and shows it partly failed: row, icon and a notification with the count', async () => {
    await session.contextMenu(session.explorerRow('monday'), 'Transcribe');
    const view = await session.jobsView();
    const row = view.locator('.monaco-list-row[aria-label^="monday, Partly failed"]');
    await row.waitFor({ timeout: 150_000 });
    assert.equal(await row.locator('.codicon-warning').count(), 1, 'a partly failed job has the warning icon');
    const description = (await row.locator('.label-description').textContent()) ?? '';
    assert.match(description, /^2 of 3 · 1 failed · /);

    const toast = session.notifications().filter({ hasText: 'Transcription of "monday" finished: 2 of 3 files transcribed, 1 failed' });
    await toast.waitFor();
    const message = (await toast.locator('.notification-list-item-message').textContent()) ?? '';
    assert.match(message, /damaged\.wav: /);
    assert.ok(!message.includes('contenturl_'), message);
    await toast.getByRole('button', { name: 'Show Failed' }).waitFor();
    await session.screenshot('batch-1-partly-failed');
  });

  it('says the same in the tooltip: files transcribed, files failed, and why', async () => {
    await session.jobsView();
    const row = await session.jobRow('monday, Partly failed');
    await row.hover();
    const hover = session.page.locator('.monaco-hover, .workbench-hover').filter({ hasText: 'Files failed' });
    await hover.waitFor();
    const tooltip = (await hover.innerText()).replace(/\u00a0/g, ' ');
    assert.match(tooltip, /Status: Partly failed/);
    assert.match(tooltip, /Files transcribed: 2 of 3/);
    assert.match(tooltip, /Files failed: 1/);
    assert.match(tooltip, /damaged\.wav: \S+/);
    assert.ok(!tooltip.includes('contenturl_'), tooltip);
    await session.screenshot('batch-2-tooltip');
    await session.page.mouse.move(800, 450);
  });

  it('Show Failed expands the job and selects the failed file, whose row gives the reason', async () => {
    const toast = session.notifications().filter({ hasText: 'Transcription of "monday" finished' });
    await toast.getByRole('button', { name: 'Show Failed' }).click();
    const view = await session.jobsView();
    const failedRow = view.locator('.monaco-list-row.selected[aria-label^="damaged.wav, Failed: "]');
    await failedRow.waitFor();
    const reason = (await failedRow.locator('.label-description').textContent()) ?? '';
    assert.ok(reason.length > 3 && !reason.includes('contenturl_'), `a readable reason: "${reason}"`);
    assert.equal(await view.locator('.monaco-list-row[aria-label^="call-01.wav, Transcribed"]').count(), 1, 'the transcribed files are rows too');
    await session.screenshot('batch-3-show-failed');
  });

  it('Open Batch Summary shows a sortable table of the calls with talk-share bars and a duration chart; a call opens its transcript', async () => {
    await session.contextMenu(await session.jobRow('monday, Partly failed'), 'Open Batch Summary');
    const page = session.webview();
    const rows = page.locator('#summary tbody tr');
    await rows.nth(2).waitFor({ timeout: 60_000 });
    assert.deepEqual(await rows.evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-call'), tr.getAttribute('data-status')])), [
      ['call-01.wav', 'transcribed'],
      ['call-02.wav', 'transcribed'],
      ['damaged.wav', 'failed'],
    ]);
    assert.equal(await page.locator('#summary tbody tr[data-status="transcribed"] .share .bar > span').count() > 0, true, 'talk-share bars');
    assert.ok((await page.locator('#durations .bucket').count()) > 0, 'a chart of call durations');
    const failedStatus = (await page.locator('#summary tr[data-call="damaged.wav"] td[data-col="status"]').textContent()) ?? '';
    assert.match(failedStatus, /^Failed: /);
    assert.ok(!failedStatus.includes('contenturl_'), failedStatus);
    await session.screenshot('batch-4-summary');

    await page.locator('#summary th[data-sort="duration"] button').click();
    await page.locator('#summary th[data-sort="duration"] button').click();
    assert.equal(await page.locator('#summary th[data-sort="duration"]').getAttribute('aria-sort'), 'descending');
    const durations = await rows.evaluateAll((trs) => trs.map((tr) => tr.querySelector('td[data-col="duration"]')?.textContent ?? ''));
    const seconds = durations.filter(Boolean).map((d) => Number(d.split(':')[0]) * 60 + Number(d.split(':')[1]));
    assert.deepEqual(seconds, [...seconds].sort((a, b) => b - a), `longest first: ${durations.join(', ')}`);

    await page.locator('#summary tr[data-call="call-01.wav"] button.open').click();
    await session.page.locator('.tab', { hasText: 'call-01' }).first().waitFor();
    // The transcript view is the newest webview on the page.
    const transcript = session.page.frameLocator('iframe.webview.ready').last().frameLocator('#active-frame');
    await transcript.locator('#turns .turn').first().waitFor({ timeout: 60_000 });
    await session.screenshot('batch-5-summary-click-through');
  });

  it('saves each transcript beside its audio (call-01.transcript.md), where Find in Files finds its words', async () => {
    const beside = path.join(session.workspace, 'monday', 'call-01.transcript.md');
    await eventually(async () => (fs.existsSync(beside) ? { value: true } : { last: false }), 20_000, () => 'call-01.transcript.md to be written');
    assert.ok(fs.existsSync(path.join(session.workspace, 'monday', 'call-02.transcript.md')));
    assert.ok(!fs.existsSync(path.join(session.workspace, 'monday', 'damaged.transcript.md')), 'nothing for the failed file');
    // A word of a turn (turn lines are "**Party** …: text"): the recognised text, not a heading.
    const text = fs.readFileSync(beside, 'utf8');
    const word = (text.match(/\b(order|morning|check|would|like)\b/i) ?? text.match(/\b[a-z]{5,}\b/))?.[0];
    assert.ok(word, `a word to search for in:\n${text}`);
    await session.runCommand('Search: Find in Files');
    const input = session.page.locator('.search-view .search-widget textarea, .search-view .search-widget input').first();
    await input.waitFor();
    await input.fill(word);
    await input.press('Enter');
    await session.page.locator('.search-view .monaco-list-row', { hasText: 'call-01.transcript.md' }).first().waitFor({ timeout: 30_000 });
    await session.screenshot('batch-6-find-in-files');
    await session.page.keyboard.press('Escape');
  });

  it('Retry Failed Files, once the file is fixed, runs a job of just that file, which succeeds', async () => {
    fs.copyFileSync(fixed, path.join(session.workspace, 'monday', 'damaged.wav'));
    await session.contextMenu(await session.jobRow('monday, Partly failed'), 'Retry Failed Files');
    const view = await session.jobsView();
    const retry = view.locator('.monaco-list-row[aria-label^="monday (retry of 1 failed), Succeeded"]');
    await retry.waitFor({ timeout: 150_000 });
    const description = (await retry.locator('.label-description').textContent()) ?? '';
    assert.match(description, /^1 file · /);
    await session.screenshot('batch-7-retried');
  });
});
