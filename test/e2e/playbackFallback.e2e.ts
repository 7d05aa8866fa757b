/**
 * Playback where the webview cannot stream the recording — as in a desktop VS Code or another host whose MediaSource
 * lacks FLAC in MP4 (here code-server's Chromium is made to say so before the webview loads): the transcript shows at
 * once, the page asks the extension for the recording's file instead, the player says that it plays the file, and a
 * click on a time plays from there. The call is the stereo fixture repeated for 2 minutes (test/support/longCall.ts)
 * with the sample call repeated as its recording, seeded as a finished job.
 *
 * And playback where the stream stalls without an error — the extension never answers the player's window requests
 * (here the webview's postMessage drops them): a click on a time still plays, from the file, after the player
 * waited for the stream a while, and the player says that the recording stopped arriving.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { longResult, makeLongRecording } from '../support/longCall';
import { seedCalls } from '../support/seedJobs';
import { flowSteps, Session, untilTrue as until } from './session';

const MINUTES = 2;

/**
 * In every frame from now on: the webview API's postMessage drops the player's window requests (counted in
 * `window.__droppedWindows`), as an extension host that never answers them would leave the player.
 */
const DROP_WINDOW_REQUESTS = `(() => {
  let wrapped;
  Object.defineProperty(globalThis, 'acquireVsCodeApi', {
    configurable: true,
    get: () => wrapped,
    set: (acquire) => {
      wrapped = () => {
        const api = acquire();
        globalThis.__droppedWindows = 0;
        return Object.freeze({
          postMessage: (message, transfer) => (message && message.type === 'audioRequest' ? void globalThis.__droppedWindows++ : api.postMessage(message, transfer)),
          setState: (state) => api.setState(state),
          getState: () => api.getState(),
        });
      };
    },
  });
})();`;

/**
 * A code-server session (hooks of the calling suite) with one finished job: the stereo fixture over `MINUTES` with a
 * recording named `name`; `initScript` runs in every frame opened after the workbench (the webview's among them).
 */
function useSeededCall(name: string, initScript: string): () => Session {
  let session: Session;
  let scratch = '';

  flowSteps(() => session);

  before(async () => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'speech-batch-playback-e2e-'));
    const audio = makeLongRecording(path.join(scratch, name), MINUTES, ['-r', '16000', '-c', '1', '-b', '16']);
    session = await Session.open({
      files: {},
      prepare: ({ userData, extensions }) => seedCalls(userData, extensions, [{ jobId: `${path.parse(name).name}-job`, audioPath: audio, result: longResult(MINUTES) }]),
    });
    await session.page.context().addInitScript(initScript);
  });

  after(async () => {
    await session?.close();
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  });

  return () => session;
}

describe('e2e: playback in a webview that cannot stream', function () {
  // A MediaSource that plays no FLAC in MP4.
  const session = useSeededCall('no-stream.wav', 'if (window.MediaSource) window.MediaSource.isTypeSupported = () => false;');

  it('shows the text, plays the recording from its file saying so, and plays from a clicked time', async () => {
    await session().contextMenu(await session().jobRow('no-stream.wav, Succeeded'), 'Open Transcript');
    const frame = await session().transcriptFrame();
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
    await session().screenshot('playback-fallback-playing');
  });
});

describe('e2e: playback when the stream stalls', function () {
  const session = useSeededCall('stalled.wav', DROP_WINDOW_REQUESTS);

  it('a click on a time plays from the file once the stream has stalled, and the player says the recording stopped arriving', async () => {
    await session().contextMenu(await session().jobRow('stalled.wav, Succeeded'), 'Open Transcript');
    const frame = await session().transcriptFrame();
    await frame.locator('#turns .turn').first().waitFor({ timeout: 60_000 });
    // Streamed: the player is there at once, fed by nothing.
    await until(frame, `document.querySelector('.player[data-state="ready"] audio')?.src.startsWith('blob:')`, 60_000);
    const middle = frame.locator('#turns .turn button.time').nth(3);
    const startS = Number(await frame.locator('#turns .turn').nth(3).getAttribute('data-start')) / 1000;
    await middle.click();
    await until(frame, `window.__droppedWindows > 0`);
    // It waits for the stream (about 15 s), then plays the file from the clicked time.
    await until(frame, `/stalled\\.wav/.test(document.querySelector('.player audio')?.src ?? '')`, 90_000);
    assert.match((await frame.locator('.player .player-status').textContent()) ?? '', /stopped arriving/);
    await until(frame, `(() => { const a = document.querySelector('.player audio'); return !a.paused && a.currentTime > ${startS + 0.5}; })()`, 60_000);
    await session().screenshot('playback-stalled-playing');
  });
});
