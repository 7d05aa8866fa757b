/**
 * Benchmark of the transcript view at call-centre scale, in a real VS Code (code-server 4.100.3) driven by Playwright:
 * calls of 1, 15, 60 and 180 minutes (the stereo call fixture's phrases repeated with shifted times, ≈ 12 turns a
 * minute; the recording is the sample call repeated, written to a temp folder as 44.1 kHz stereo 16-bit WAV — 1.9 GB
 * at 3 hours, the realistic case) are seeded as finished jobs and opened with Open Transcript from the jobs view.
 * Per length it prints:
 *
 * - first text: from the click on "Open Transcript" to the first turn on screen;
 * - player ready: from the same click to the player having the recording's length (can play);
 * - play middle: from a click on the time of a turn in the middle of the call to the audio playing from there;
 * - search: a keystroke in the search box (the last letter of a word said only in the last turn) to its hit
 *   highlighted and scrolled to, measured in the page (handler + next frame); and for a word with hundreds of hits;
 * - DOM turns: turns in the page's DOM; heap: what opening the view added to the JS heap of the renderer (measured
 *   after garbage collection, before the click and after the search; in code-server the webview shares its renderer
 *   with the workbench, so the heap itself would mostly be the workbench's);
 * - growth against the 1-minute call, side by side with the growth of the call itself.
 *
 * Run: npx tsx bench/transcript-view.ts [minutes...]     (default 1 15 60 180; recordings are kept in
 * $TMPDIR/speech-batch-bench-view between runs: the 3-hour one takes a few minutes to write the first time)
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { startCodeServer } from '../test/support/codeServer';
import { LAST_WORD, longResult, makeLongRecording } from '../test/support/longCall';
import { seedCalls } from '../test/support/seedJobs';
import { eventually } from '../test/support/timeouts';
import { openWorkbench } from '../test/support/workbench';

const REPO = path.resolve(__dirname, '..');
const CACHE = path.join(os.tmpdir(), 'speech-batch-bench-view');

interface Row {
  minutes: number;
  turns: number;
  audioMB: number;
  firstTextMs: number;
  playerReadyMs: number;
  playMiddleMs: number;
  searchMs: number;
  searchManyMs: number;
  manyHits: number;
  domTurns: number;
  heapMB: number;
}

async function frameOf(page: Page): Promise<Frame> {
  return eventually<Frame>(
    async () => {
      const outer = await page.locator('iframe.webview.ready').last().elementHandle({ timeout: 500 }).catch(() => null);
      const inner = await (await outer?.contentFrame())?.locator('#active-frame').elementHandle({ timeout: 500 }).catch(() => null);
      const frame = await inner?.contentFrame();
      return frame ? { value: frame } : { last: 'no frame' };
    },
    60_000,
    () => 'the transcript view never opened',
    10,
  );
}

/** Polls `expression` in the page every 5 ms; resolves with the time it first held. */
async function when(frame: Frame, expression: string, ms = 120_000): Promise<number> {
  return eventually<number>(
    async () => ((await frame.evaluate<boolean>(expression).catch(() => false)) ? { value: Date.now() } : { last: expression }),
    ms,
    () => `timed out waiting for ${expression}`,
    5,
  );
}

/** Types the last letter of `word` into the search box in the page and times it until the next frame is drawn. */
async function searchTime(frame: Frame, word: string): Promise<{ ms: number; hits: string }> {
  return frame.evaluate<{ ms: number; hits: string }>(`new Promise((resolve) => {
    const input = document.getElementById('search');
    input.value = ${JSON.stringify(word.slice(0, -1))};
    input.dispatchEvent(new Event('input'));
    requestAnimationFrame(() => setTimeout(() => {
      const start = performance.now();
      input.value = ${JSON.stringify(word)};
      input.dispatchEvent(new InputEvent('input', { data: ${JSON.stringify(word.slice(-1))}, inputType: 'insertText' }));
      requestAnimationFrame(() => setTimeout(() => {
        const mark = document.querySelector('mark.current');
        const r = mark && mark.getBoundingClientRect();
        const shown = !!r && r.top >= 0 && r.bottom <= innerHeight;
        resolve({ ms: shown ? performance.now() - start : -1, hits: document.getElementById('search-count').textContent });
      }));
    }));
  })`);
}

async function heapMB(page: Page, frame: Frame | Page): Promise<number> {
  try {
    const cdp = await page.context().newCDPSession(frame);
    await cdp.send('HeapProfiler.collectGarbage');
    const { usedSize } = await cdp.send('Runtime.getHeapUsage');
    await cdp.detach();
    return usedSize / 1e6;
  } catch {
    return (await frame.evaluate<number>('performance.memory ? performance.memory.usedJSHeapSize : NaN')) / 1e6;
  }
}

/** Closes every editor (the transcript) through the command palette. */
async function closeEditors(page: Page): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input.input');
  await input.fill('>View: Close All Editors');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'View: Close All Editors' }).first().waitFor();
  await input.press('Enter');
  await page.locator('iframe.webview.ready').waitFor({ state: 'detached', timeout: 30_000 }).catch(() => undefined);
}

interface Opened {
  frame: Frame;
  opened: number;
  firstText: number;
  /** From the webview's frame being made to the browser starting to fetch our page: the webview host's own part. */
  hostWaitMs: number;
}

/** Opens the call's transcript from its row in the jobs view; times from the click to the first turn on screen. */
async function openTranscript(page: Page, audioPath: string): Promise<Opened> {
  const name = path.basename(audioPath);
  // The jobs view fills in as the extension starts: let its rows settle before aiming at one.
  await page.locator('.monaco-list-row[aria-label*=", Succeeded"]').first().waitFor();
  await page.waitForTimeout(1000);
  const row = page.locator(`.monaco-list-row[aria-label^="${name}, Succeeded"]`).first();
  await row.click({ button: 'right' });
  const item = page.locator('.context-view .monaco-menu a.action-menu-item', { has: page.locator('.action-label', { hasText: /^Open Transcript$/ }) });
  // The menu ignores a click in its first moments; the time starts at a click it takes (the mouse is already there).
  await item.hover();
  await page.waitForTimeout(500);
  const box = (await item.boundingBox())!;
  const opened = Date.now();
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  const frame = await frameOf(page);
  const tab = (await page.locator('.tabs-container .tab.active').getAttribute('aria-label')) ?? '';
  if (!tab.includes(name)) throw new Error(`opened "${tab}" instead of the transcript of ${name}`);
  const firstText = await when(frame, `document.querySelector('#turns .turn') !== null`);
  const hostWaitMs = await frame.evaluate<number>(`performance.getEntriesByType('navigation')[0]?.fetchStart ?? 0`);
  return { frame, opened, firstText, hostWaitMs };
}

async function measure(page: Page, call: { minutes: number; audioPath: string }): Promise<Row> {
  const heapBefore = await heapMB(page, page);
  const { frame, opened, firstText } = await openTranscript(page, call.audioPath);

  const playerReady = await when(frame, `(document.querySelector('.player audio')?.readyState ?? 0) >= 1`);
  const turns = Number(await frame.locator('#turns').getAttribute('data-count'));

  // A turn in the middle: scroll there, click its time, wait until it plays from there.
  await frame.evaluate(`window.scrollTo(0, document.documentElement.scrollHeight / 2)`);
  await when(frame, `Number(document.querySelector('#turns .turn')?.dataset.index) > ${Math.floor(turns / 2) - 100}`);
  const visible = await frame.evaluate<number>(
    `(() => { const top = document.querySelector('.player').getBoundingClientRect().bottom + 8; return Number([...document.querySelectorAll('#turns .turn')].find((e) => e.getBoundingClientRect().top > top).dataset.index); })()`,
  );
  const middle = frame.locator(`#turns .turn[data-index="${visible}"]`);
  const startS = Number(await middle.getAttribute('data-start')) / 1000;
  const button = middle.locator('button.time');
  await button.waitFor();
  const clicked = Date.now();
  await button.click();
  const playing = await when(frame, `(() => { const a = document.querySelector('.player audio'); return !a.paused && a.currentTime > ${startS + 0.05}; })()`);
  await frame.evaluate(`document.querySelector('.player audio').pause()`);

  const search = await searchTime(frame, LAST_WORD);
  const many = await searchTime(frame, 'card');
  const domTurns = await frame.locator('#turns .turn').count();
  return {
    minutes: call.minutes,
    turns,
    audioMB: fs.statSync(call.audioPath).size / 1e6,
    firstTextMs: firstText - opened,
    playerReadyMs: playerReady - opened,
    playMiddleMs: playing - clicked,
    searchMs: search.ms,
    searchManyMs: many.ms,
    manyHits: Number(many.hits.split(' of ')[1] ?? 0),
    domTurns,
    heapMB: (await heapMB(page, frame)) - heapBefore,
  };
}

async function main(): Promise<void> {
  const lengths = process.argv.slice(2).map(Number).filter((n) => n > 0);
  const minutes = lengths.length > 0 ? lengths : [1, 15, 60, 180];
  fs.mkdirSync(CACHE, { recursive: true });
  if (spawnSync(process.execPath, ['esbuild.js'], { cwd: REPO, stdio: 'inherit' }).status !== 0) throw new Error('build failed');
  const calls = minutes.map((m) => {
    const file = path.join(CACHE, `call-${m}min.wav`);
    process.stderr.write(`recording of ${m} min… `);
    makeLongRecording(file, m);
    process.stderr.write(`${(fs.statSync(file).size / 1e6).toFixed(0)} MB\n`);
    return { minutes: m, jobId: `bench-${m}min`, audioPath: file, result: longResult(m) };
  });

  const server = await startCodeServer({ repoRoot: REPO });
  seedCalls(path.join(server.home, 'user-data'), path.join(server.home, 'extensions'), calls);
  const rows: Row[] = [];
  let again: Opened | undefined;
  try {
    // Each length in a fresh browser, so its transcript is the window's first webview, as every webview is on desktop
    // VS Code (there each webview has an origin of its own).
    for (const call of calls) {
      const workbench = await openWorkbench(server, { extensionDevelopmentPath: REPO, onLog: () => undefined });
      try {
        const page = workbench.page;
        page.setDefaultTimeout(60_000);
        await page.locator('.activitybar .action-item .action-label[aria-label^="Speech Batch"]').click();
        rows.push(await measure(page, call));
        process.stderr.write(`${call.minutes} min done\n`);
        // code-server serves every webview from the workbench's own origin, so a later webview of the same window first
        // replaces the service worker of the one before: measure that once, opening the longest call a second time.
        if (call === calls[calls.length - 1]) {
          await closeEditors(page);
          again = await openTranscript(page, call.audioPath);
        }
      } finally {
        await workbench.close();
      }
    }
  } finally {
    await server.stop();
  }

  const base = rows[0]!;
  const fmt = (n: number, digits = 0) => (n < 0 ? 'n/a' : n.toFixed(digits));
  console.log(`\nTranscript view in code-server 4.100.3, ${os.cpus().length} cores (${os.loadavg()[0]!.toFixed(1)} load)\n`);
  console.log('| call | turns | WAV | first text | player ready | play middle | search (1 hit) | search (hits) | DOM turns | heap added | turns × | heap × |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of rows) {
    console.log(
      `| ${r.minutes} min | ${r.turns} | ${fmt(r.audioMB)} MB | ${r.firstTextMs} ms | ${r.playerReadyMs} ms | ${r.playMiddleMs} ms | ${fmt(r.searchMs, 1)} ms | ${fmt(r.searchManyMs, 1)} ms (${r.manyHits}) | ${r.domTurns} | ${fmt(r.heapMB, 1)} MB | ${fmt(r.turns / base.turns, 1)} | ${fmt(r.heapMB / base.heapMB, 2)} |`,
    );
  }
  if (again) {
    const last = rows[rows.length - 1]!;
    console.log(
      `\nThe ${last.minutes}-min transcript opened again in the same window: first text ${again.firstText - again.opened} ms, of which ` +
        `${Math.round(again.hostWaitMs)} ms pass in code-server's webview host before it fetches the page (a webview's service worker ` +
        `replacing the previous one's on the shared origin; on desktop VS Code every webview has an origin of its own).`,
    );
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
