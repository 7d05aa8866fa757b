/**
 * A 3-hour call in the transcript view: the text shows while the recording is still being looked at, search finds a
 * word of the last turn and scrolls to it, clicking a time far into the call plays from there, and reloading the
 * window brings the view back where the user was (scroll and player position). The 3-hour transcript is the stereo
 * call fixture repeated (test/support/longCall.ts) and seeded as a finished job (test/support/seedJobs.ts): 3 hours
 * of speech cannot be transcribed under test. Its recording is the sample call repeated to 3 hours, as an 8 kHz µ-law
 * WAV (86 MB: the size of a telephony recording), streamed by the product like any other.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LAST_WORD, longResult, makeLongRecording } from '../support/longCall';
import { seedCalls } from '../support/seedJobs';
import { eventually } from '../support/timeouts';
import { flowSteps, Session, untilTrue as until } from './session';

const MINUTES = 180;

describe('e2e: a 3-hour call in the transcript view', function () {
  let session: Session;
  let scratch: string;
  let audio: string;
  /** The turn index of the hit, and the player position before the reload. */
  let lastTurn = -1;
  let positionS = 0;

  flowSteps(() => session);

  before(async () => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'speech-batch-long-e2e-'));
    audio = makeLongRecording(path.join(scratch, 'long-call.wav'), MINUTES, ['-r', '8000', '-c', '1', '-e', 'u-law']);
    session = await Session.open({
      files: {},
      prepare: ({ userData, extensions }) => seedCalls(userData, extensions, [{ jobId: 'long-call-job', audioPath: audio, result: longResult(MINUTES) }]),
    });
  });

  after(async () => {
    await session?.close();
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  });

  /** The transcript page's frame. */
  const webviewFrame = () => session.transcriptFrame();

  it('opens with the text visible before the recording is loaded, and analytics for the whole call', async () => {
    await session.contextMenu(await session.jobRow('long-call.wav, Succeeded'), 'Open Transcript');
    const frame = await webviewFrame();
    // Text and audio are watched in the same loop: the text must show no later than the player can play.
    let textAt = -1;
    let audioAt = -1;
    await eventually(
      async () => {
        const now = await frame
          .evaluate<{ text: boolean; audio: boolean }>(
            `({ text: document.querySelectorAll('#turns .turn').length > 0, audio: (document.querySelector('.player audio')?.readyState ?? 0) >= 1 })`,
          )
          .catch(() => ({ text: false, audio: false }));
        const t = Date.now();
        if (now.text && textAt < 0) textAt = t;
        if (now.audio && audioAt < 0) audioAt = t;
        return textAt >= 0 && audioAt >= 0 ? { value: true } : { last: now };
      },
      60_000,
      (last) => `text and audio never both ready: ${JSON.stringify(last)}`,
      20,
    );
    assert.ok(textAt <= audioAt, `the text showed ${audioAt - textAt} ms after the audio was ready`);
    const count = Number(await frame.locator('#turns').getAttribute('data-count'));
    assert.ok(count > 2000, `${count} turns`);
    assert.ok((await frame.locator('#turns .turn').count()) < 100, 'only the turns near the view are in the page');
    assert.ok(((await frame.locator('#analytics').textContent()) ?? '').includes('Duration3:00:00'));
    await session.screenshot('long-call-1-opened');
  });

  it('search finds a word of the last turn and scrolls to it', async () => {
    const frame = await webviewFrame();
    await frame.locator('#search').fill(LAST_WORD);
    await frame.locator('#search-count', { hasText: '1 of 1' }).waitFor();
    const hit = frame.locator('#turns .turn', { has: frame.locator('mark.current') });
    await hit.waitFor();
    lastTurn = Number(await hit.getAttribute('data-index'));
    assert.equal(lastTurn, Number(await frame.locator('#turns').getAttribute('data-count')) - 1, 'the hit is in the last turn');
    await until(frame, `(() => { const r = document.querySelector('mark.current').getBoundingClientRect(); return r.top > 0 && r.bottom < innerHeight; })()`);
    await session.screenshot('long-call-2-search-last-turn');
  });

  it('clicking a time far into the call plays from there', async () => {
    const frame = await webviewFrame();
    const turn = frame.locator(`#turns .turn[data-index="${lastTurn}"]`);
    const startS = Number(await turn.getAttribute('data-start')) / 1000;
    assert.ok(startS > 10_700, `the last turn starts at ${startS} s`);
    await turn.locator('button.time').click();
    await until(frame, `(() => { const a = document.querySelector('.player audio'); return !a.paused && a.currentTime > ${startS + 0.5}; })()`);
    assert.equal(await turn.getAttribute('aria-current'), 'true', 'the turn being played is highlighted');
    await frame.evaluate(`document.querySelector('.player audio').pause()`);
    positionS = await frame.evaluate<number>(`document.querySelector('.player audio').currentTime`);
    assert.ok(positionS >= startS && positionS < startS + 30, `paused at ${positionS} s`);
    await session.screenshot('long-call-3-playing-far-into-the-call');
  });

  it('reloading the window restores the scroll position and the player position', async () => {
    // Scroll away from the hit to a turn in the middle: that is what must come back.
    let frame = await webviewFrame();
    await frame.locator('#search').fill('');
    await frame.evaluate(`window.scrollTo(0, document.documentElement.scrollHeight / 2)`);
    // The list renders the middle turns on the scroll event: wait for them (the turns of the hit are still there before).
    await until(
      frame,
      `(() => { const i = Number(document.querySelector('#turns .turn')?.dataset.index); return i > 500 && i < Number(document.querySelector('#turns').dataset.count) - 500; })()`,
    );
    // The first turn below the toolbar and the player is the one the user reads.
    const reading = await frame.evaluate<number>(
      `(() => { const top = document.querySelector('.player').getBoundingClientRect().bottom; return Number([...document.querySelectorAll('#turns .turn')].find((e) => e.getBoundingClientRect().bottom > top).dataset.index); })()`,
    );
    await new Promise((resolve) => setTimeout(resolve, 500)); // the page saves its state as it scrolls
    await session.runCommand('Developer: Reload Window');
    await session.page.waitForLoadState('domcontentloaded');
    frame = await webviewFrame();
    await until(frame, `document.querySelector('.player audio')?.readyState >= 1`, 60_000);
    const position = await frame.evaluate<number>(`document.querySelector('.player audio').currentTime`);
    assert.ok(Math.abs(position - positionS) < 1, `the player is back at ${positionS} s (is at ${position} s)`);
    const restored = await frame.evaluate<number>(
      `(() => { const top = document.querySelector('.player').getBoundingClientRect().bottom; return Number([...document.querySelectorAll('#turns .turn')].find((e) => e.getBoundingClientRect().bottom > top).dataset.index); })()`,
    );
    assert.ok(Math.abs(restored - reading) <= 1, `the view is back at turn ${reading} (shows turn ${restored})`);
    await session.screenshot('long-call-4-restored-after-reload');
  });
});
