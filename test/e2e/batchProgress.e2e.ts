/**
 * A folder of 25 calls, as a user runs it: Transcribe with Options… in words (values explained, the current one
 * checked, the service's models), the new job selected in the Jobs view, files done rising on its row while it runs
 * (with the time left and, in the tooltip, the audio done and the speed), Cancel keeping the finished transcripts,
 * and the batch summary of what was kept. Runs against the real local service in code-server.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { makeMono } from '../support/audio';
import { flowSteps, Session } from './session';

const FILES = 25;
const OVERVIEW = 'Transcribe 25 files';
const PHRASES = ['good morning how can I help you', 'my order has not arrived yet', 'can you check my account please', 'the invoice is wrong', 'thank you for calling goodbye'];

/** About 13 s of speech per call, so that the job still runs while the flow watches, hovers and cancels it. */
function callText(i: number): string {
  return Array.from({ length: 6 }, (_, k) => PHRASES[(i + k) % PHRASES.length]!).join('. ');
}

describe('e2e: a folder of 25 calls: options, progress, cancel, summary', function () {
  let session: Session;
  let scratch: string;

  flowSteps(() => session);

  before(async () => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'speech-batch-progress-e2e-'));
    const files: Record<string, string> = {};
    for (let i = 0; i < FILES; i++) {
      files[`tuesday/call-${String(i + 1).padStart(2, '0')}.wav`] = makeMono(callText(i), { dir: scratch });
    }
    session = await Session.open({ files });
  });

  after(async () => {
    await session?.close();
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  });

  /** The rows of the open quick pick: label (codicons as `$(name)`) and description. */
  async function quickPickRows(): Promise<{ label: string; description: string }[]> {
    const rows = session.page.locator('.quick-input-list .monaco-list-row');
    await rows.first().waitFor();
    return rows.evaluateAll((els) =>
      els.map((row) => {
        const name = row.querySelector('.label-name');
        const icon = name?.querySelector('.codicon');
        const iconName = icon ? [...icon.classList].find((c) => c.startsWith('codicon-') && c !== 'codicon')?.slice('codicon-'.length) : undefined;
        return {
          label: `${iconName ? `$(${iconName}) ` : ''}${(name?.textContent ?? '').trim()}`,
          description: (row.querySelector('.label-description')?.textContent ?? '').trim(),
        };
      }),
    );
  }

  /** Waits until the open quick pick is the one titled `title`. */
  async function quickPickTitled(title: string | RegExp): Promise<void> {
    await session.page.locator('.quick-input-widget .quick-input-title', { hasText: title }).waitFor();
  }

  /** Chooses the row holding `text`; the next quick pick is titled `next`. */
  async function choose(text: string, next?: string | RegExp): Promise<void> {
    await session.page.locator('.quick-input-list .monaco-list-row', { hasText: text }).first().click();
    if (next) await quickPickTitled(next);
  }

  /** Escape in an option's values: back to the overview. */
  async function back(): Promise<void> {
    await session.page.keyboard.press('Escape');
    await quickPickTitled(OVERVIEW);
  }

  it('Transcribe with Options… shows each option in words, its values explained with the current one checked, and the installed models', async () => {
    await session.contextMenu(session.explorerRow('tuesday'), 'Transcribe with Options…');
    await quickPickTitled(OVERVIEW);
    let rows = await quickPickRows();
    const top = Object.fromEntries(rows.map((r) => [r.label, r.description]));
    assert.equal(top['Punctuation'], 'Dictated and automatic', JSON.stringify(rows));
    assert.equal(top['Profanity filter'], 'Masked');
    assert.match(top['Model'] ?? '', /^Default \(.+\)$/);
    await session.screenshot('batch-options-1-overview');

    await choose('Profanity filter', /^Profanity filter$/);
    rows = await quickPickRows();
    assert.deepEqual(rows.map((r) => r.label), ['$(check) Masked', 'Removed', 'Tagged', 'Not filtered']);
    assert.ok(rows.every((r) => r.description.length > 5), 'each value says what it does');
    await session.screenshot('batch-options-2-profanity');
    await back();

    await choose('Punctuation', /^Punctuation$/);
    rows = await quickPickRows();
    assert.ok(rows[0]!.label.startsWith('$(check) '), 'the current value is checked');
    assert.ok(!rows.some((r) => /DictatedAndAutomatic/.test(r.label)), 'no raw API values');
    await session.screenshot('batch-options-3-punctuation');
    await back();

    await choose('Model', /^Model for /);
    rows = await quickPickRows();
    assert.match(rows[0]!.label, /^\$\(check\) Default \(.+\)$/);
    assert.ok(rows.length >= 2, 'the installed models are listed');
    assert.ok(!rows.some((r) => r.label.includes('Custom model')), 'the local service takes no custom models');
    await session.screenshot('batch-options-4-models');
    await back();

    await choose('Start Transcription');
  });

  const counts: number[] = [];

  it('selects the new job in the Jobs view, and its row counts the files done while it runs, with the time left', async () => {
    const view = await session.jobsView();
    const row = view.locator('.monaco-list-row[aria-label^="tuesday, Running"]');
    await row.waitFor({ timeout: 120_000 });
    await view.locator('.monaco-list-row.selected[aria-label^="tuesday, "]').waitFor({ timeout: 10_000 });
    // Watch the description ("7 of 25 · 1 min left") until several files are done.
    const deadline = Date.now() + 240_000;
    let description = '';
    while (Date.now() < deadline) {
      description = (await row.locator('.label-description').textContent({ timeout: 5_000 }).catch(() => '')) ?? '';
      const done = /^(\d+) of 25 · /.exec(description)?.[1];
      if (done !== undefined && counts[counts.length - 1] !== Number(done)) counts.push(Number(done));
      if (counts.filter((n) => n > 0).length >= 2 && /left/.test(description)) break;
      await session.page.waitForTimeout(250);
    }
    assert.ok(counts.filter((n) => n > 0 && n < FILES).length >= 2, `files done rose while it ran: ${counts.join(' → ')} (last: "${description}")`);
    assert.deepEqual(counts, [...counts].sort((a, b) => a - b), 'never goes back');
    assert.match(description, /left/, `the time left: "${description}"`);
    await session.screenshot('batch-progress-1-running');

    // The row is redrawn when its count changes (at most every 2 s), which can close a hover that is opening: hover
    // again until the tooltip stays up (the job runs long enough for several tries).
    const hover = session.page.locator('.monaco-hover, .workbench-hover').filter({ hasText: 'Files done' });
    for (let attempt = 0; ; attempt++) {
      await session.page.mouse.move(800, 450);
      await row.hover();
      const shown = await hover.waitFor({ timeout: 5_000 }).then(() => true, () => false);
      if (shown) break;
      if (attempt >= 8) assert.fail('the running job\'s tooltip with "Files done" never stayed up');
    }
    const tooltip = (await hover.innerText()).replace(/\u00a0/g, ' ');
    assert.match(tooltip, /Files done: \d+ of 25/);
    assert.match(tooltip, /Audio done: \d+:\d\d of \d+:\d\d \([\d.]+× real time\)/, tooltip);
    await session.screenshot('batch-progress-2-tooltip');
    await session.page.mouse.move(800, 450);
  });

  it('Cancel stops the job and keeps the transcripts finished before; the rest are listed as cancelled', async () => {
    const view = await session.jobsView();
    // The row's inline Cancel button (the row is redrawn as its count changes while it runs).
    const running = view.locator('.monaco-list-row[aria-label^="tuesday, Running"]').first();
    await running.hover();
    await running.locator('.action-label[aria-label="Cancel Job"]').click();
    const cancelled = view.locator('.monaco-list-row[aria-label^="tuesday, Cancelled"]');
    await cancelled.waitFor({ timeout: 60_000 });
    const description = (await cancelled.locator('.label-description').textContent()) ?? '';
    const kept = Number(/^Cancelled · (\d+) of 25/.exec(description)?.[1]);
    assert.ok(kept >= counts[counts.length - 1]! && kept < FILES, `kept ${kept} (last seen running: ${counts[counts.length - 1]}): "${description}"`);
    await session.notifications().filter({ hasText: `Cancelled "tuesday": the ${kept} transcript(s) finished before are kept` }).waitFor();

    // Expand it (a click on the row itself opens a transcript, as on any finished job).
    await cancelled.locator('.monaco-tl-twistie').click();
    const done = view.locator('.monaco-list-row[aria-label*=", Transcribed"]');
    await done.first().waitFor();
    await session.screenshot('batch-progress-3-cancelled');
    // A kept transcript opens.
    await done.first().click();
    const transcript = session.webview();
    await transcript.locator('#turns .turn').first().waitFor({ timeout: 60_000 });
  });

  it('the batch summary of the cancelled job lists the kept calls with their figures and the others as cancelled', async () => {
    await session.contextMenu(await session.jobRow('tuesday, Cancelled'), 'Open Batch Summary');
    const page = session.page.frameLocator('iframe.webview.ready').last().frameLocator('#active-frame');
    const rows = page.locator('#summary tbody tr');
    await rows.nth(FILES - 1).waitFor({ timeout: 60_000 });
    const statuses = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-status')));
    assert.equal(statuses.length, FILES);
    assert.ok(statuses.includes('transcribed') && statuses.includes('cancelled'), statuses.join(','));
    assert.ok(!statuses.includes('failed'), `no call failed, the rest were cancelled: ${statuses.join(',')}`);
    const cancelledCount = statuses.filter((s) => s === 'cancelled').length;
    assert.equal(await rows.filter({ has: page.locator('td[data-col="status"]', { hasText: /^Cancelled$/ }) }).count(), cancelledCount, 'their status reads "Cancelled"');
    assert.match((await page.locator('.counts').textContent()) ?? '', new RegExp(`^${FILES} calls · ${FILES - cancelledCount} transcribed · 0 failed · ${cancelledCount} cancelled$`));
    await session.screenshot('batch-progress-4-summary');
  });
});
