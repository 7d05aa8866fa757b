/**
 * Playback where the webview cannot stream the recording — as in a desktop VS Code or another host whose MediaSource
 * lacks FLAC in MP4 (here code-server's Chromium is made to say so before the webview loads): the transcript shows at
 * once, the page asks the extension for the recording's file instead, the player says that it plays the file, and a
 * click on a time plays from there. The call is the stereo fixture repeated for 2 minutes (test/support/longCall.ts)
 * with the sample call repeated as its recording, seeded as a finished job.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { longResult, makeLongRecording } from '../support/longCall';
import { seedCalls } from '../support/seedJobs';
import { flowSteps, Session, untilTrue as until } from './session';

const MINUTES = 2;

describe('e2e: playback in a webview that cannot stream', function () {
  let session: Session;
  let scratch: string;

  flowSteps(() => session);

  before(async () => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'speech-batch-fallback-e2e-'));
    const audio = makeLongRecording(path.join(scratch, 'no-stream.wav'), MINUTES, ['-r', '16000', '-c', '1', '-b', '16']);
    session = await Session.open({
      files: {},
      prepare: ({ userData, extensions }) => seedCalls(userData, extensions, [{ jobId: 'no-stream-job', audioPath: audio, result: longResult(MINUTES) }]),
    });
    // Every frame from now on (the webview's among them) has a MediaSource that plays no FLAC in MP4.
    await session.page.context().addInitScript('if (window.MediaSource) window.MediaSource.isTypeSupported = () => false;');
  });

  after(async () => {
    await session?.close();
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('shows the text, plays the recording from its file saying so, and plays from a clicked time', async () => {
    await session.contextMenu(await session.jobRow('no-stream.wav, Succeeded'), 'Open Transcript');
    const frame = await session.transcriptFrame();
    await frame.locator('#turns .turn').first().waitFor({ timeout: 60_000 });
    await until(frame, `document.querySelector('.player[data-state="ready"] audio')?.readyState >= 1`, 60_000);
    const src = await frame.evaluate<string>(`document.querySelector('.player audio').src`);
    assert.match(src, /no-stream\.wav/, `the file, not a stream: ${src}`);
    assert.match((await frame.locator('.player .player-status').textContent()) ?? '', /cannot stream/);

    await frame.evaluate('window.scrollTo(0, document.documentElement.scrollHeight)');
    const last = frame.locator('#turns .turn').last();
    const startS = Number(await last.getAttribute('data-start')) / 1000;
    assert.ok(startS > 90, `the last turn starts at ${startS} s`);
    await last.locator('button.time').click();
    await until(frame, `(() => { const a = document.querySelector('.player audio'); return !a.paused && a.currentTime > ${startS + 0.5}; })()`);
    await session.screenshot('playback-fallback-playing');
  });
});
