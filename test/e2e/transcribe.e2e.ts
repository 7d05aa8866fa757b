/**
 * The main flow of a user with a recorded stereo call: right-click it in the Explorer → Transcribe → watch the job in
 * the Speech Batch view → read the conversation → open it as text → export subtitles.
 * Runs against the real local service (pocketsphinx) started by the extension, in a real VS Code (code-server).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { clock, stereoCall, type CallFixture } from './calls';
import { eventually } from '../support/timeouts';
import { flowSteps, Session } from './session';

/** How far a recognised turn's start may be from where the voice really starts (silence trimming, recogniser). */
const START_TOLERANCE_MS = 1500;

/** Share of a party's distinct scripted words its turns must contain (pocketsphinx on synthetic voices gets ~70 %). */
const MIN_WORD_RECALL = 0.5;

/** Distinct lower-case words of three letters or more. */
function words(text: string): Set<string> {
  return new Set(text.toLowerCase().match(/[a-z']{3,}/g) ?? []);
}

interface RenderedTurn {
  party: string;
  startMs: number;
  time: string;
  name: string;
  text: string;
}

describe('e2e: transcribing a stereo call from the Explorer', function () {
  let call: CallFixture;
  let session: Session;

  flowSteps(() => session);

  before(async () => {
    call = stereoCall();
    session = await Session.open({ files: { 'call.mp3': call.audio } });
  });

  after(async () => {
    await session?.close();
  });

  it('Transcribe shows the job Running, then Succeeded, in the Speech Batch view', async () => {
    await session.contextMenu(session.explorerRow('call.mp3'), 'Transcribe');
    const view = await session.jobsView();
    const running = view.locator('.monaco-list-row[aria-label^="call.mp3, Running"]');
    await running.waitFor({ timeout: 60_000 });
    assert.equal(await running.locator('.codicon-sync').count(), 1, 'a running job has the spinning sync icon');
    await session.screenshot('transcribe-1-running');

    const succeeded = view.locator('.monaco-list-row[aria-label^="call.mp3, Succeeded"]');
    await succeeded.waitFor({ timeout: 180_000 });
    assert.equal(await succeeded.locator('.codicon-pass').count(), 1, 'a succeeded job has the pass icon');
    await session.page.locator('.notifications-toasts', { hasText: 'Transcription of "call.mp3" finished.' }).waitFor();
    await session.screenshot('transcribe-2-succeeded');
  });

  it('Open Transcript shows both parties in the order they spoke, with timestamps', async () => {
    await session.contextMenu(await session.jobRow('call.mp3, Succeeded'), 'Open Transcript');
    const webview = session.webview();
    await webview.locator('#turns .turn').nth(1).waitFor({ timeout: 60_000 });
    const turns: RenderedTurn[] = await webview.locator('#turns .turn').evaluateAll((elements) =>
      elements.map((e) => ({
        party: e.getAttribute('data-party') ?? '',
        startMs: Number(e.getAttribute('data-start')),
        time: e.querySelector('.time')?.textContent?.trim() ?? '',
        name: e.querySelector('.party')?.textContent?.trim() ?? '',
        text: e.querySelector('.text')?.textContent?.trim() ?? '',
      })),
    );

    assert.deepEqual([...new Set(turns.map((t) => t.party))].sort(), ['ch0', 'ch1'], 'both channels are parties');
    for (const turn of turns) {
      assert.equal(turn.time, clock(turn.startMs), `the time label of the turn at ${turn.startMs} ms`);
      assert.equal(turn.name, turn.party === 'ch0' ? 'Channel 1' : 'Channel 2');
      assert.notEqual(turn.text, '', `the turn at ${turn.time} has text`);
    }
    const starts = turns.map((t) => t.startMs);
    assert.deepEqual(starts, [...starts].sort((a, b) => a - b), 'turns are in the order they were spoken');
    // The agent (left channel) opens the call; the customer (right channel) answers.
    for (const channel of [0, 1]) {
      const expected = call.reference.find((r) => r.channel === channel)!;
      const first = turns.find((t) => t.party === `ch${channel}`)!;
      assert.ok(
        Math.abs(first.startMs - expected.startMs) <= START_TOLERANCE_MS,
        `channel ${channel + 1} first speaks at ${expected.startMs} ms; the view says ${first.startMs} ms`,
      );
    }
    assert.equal(turns[0].party, 'ch0', 'the agent speaks first');
    // Each party's words land on its own side: most words of a channel's script are in that party's turns.
    for (const channel of [0, 1]) {
      const said = words(turns.filter((t) => t.party === `ch${channel}`).map((t) => t.text).join(' '));
      const script = [...words(call.reference.filter((r) => r.channel === channel).map((r) => r.text).join(' '))];
      const heard = script.filter((w) => said.has(w));
      assert.ok(
        heard.length >= script.length * MIN_WORD_RECALL,
        `channel ${channel + 1}: only ${heard.length} of its ${script.length} scripted words were shown: ${[...said].join(' ')}`,
      );
    }
    await webview.locator('#analytics').waitFor();
    await session.screenshot('transcribe-3-transcript-view');
  });

  it('Open as Text Document shows "[hh:mm:ss] Channel n: …" lines', async () => {
    await session.contextMenu(await session.jobRow('call.mp3, Succeeded'), 'Open as Text Document');
    const lines = session.page.locator('.editor-group-container.active .monaco-editor .view-lines .view-line');
    // Monaco renders lines as absolutely placed elements: order them by their vertical position.
    const text = await eventually<string[]>(
      async () => {
        const rendered = await lines.evaluateAll((elements) =>
          elements
            .map((e) => ({ top: parseFloat(e.style.top), text: (e.textContent ?? '').replace(/\u00a0/g, ' ') }))
            .sort((a, b) => a.top - b.top)
            .map((l) => l.text),
        );
        return rendered.some((l) => l.includes('Channel 2:')) ? { value: rendered } : { last: rendered };
      },
      30_000,
      (last) => `the editor never showed a line of Channel 2; it showed:\n${String((last as string[] | undefined)?.join('\n'))}`,
    );
    assert.match(text[0], /^\[00:00:0\d\] Channel 1: \S/);
    assert.ok(
      text.every((l) => l === '' || /^\[\d\d:\d\d:\d\d\] Channel [12]: \S/.test(l)),
      `every line is "[hh:mm:ss] Channel n: text":\n${text.join('\n')}`,
    );
    await session.screenshot('transcribe-4-text-document');
  });

  it('Export Transcript… writes SubRip subtitles where the user chose in the save dialog', async () => {
    const target = path.join(session.workspace, 'call.srt');
    await session.contextMenu(await session.jobRow('call.mp3, Succeeded'), 'Export Transcript…');
    await session.pick('SubRip subtitles (SRT)');
    // code-server's save dialog is VS Code's simple file dialog: a quick input holding the proposed path.
    const input = session.quickInput();
    await eventually(
      async () => ((await input.inputValue()) === target ? { value: true } : { last: await input.inputValue() }),
      15_000,
      (last) => `the save dialog proposes ${target}, not ${String(last)}`,
    );
    await session.screenshot('transcribe-5-save-dialog');
    await input.press('Enter');
    await session.page.locator('.notifications-toasts', { hasText: 'Exported the transcript to call.srt.' }).waitFor();
    await session.screenshot('transcribe-6-exported');

    const srt = fs.readFileSync(target, 'utf8');
    const cues = srt.trim().split(/\r?\n\r?\n/);
    assert.ok(cues.length >= 2, `at least one cue per party, got:\n${srt}`);
    cues.forEach((cue, i) => {
      assert.match(cue, new RegExp(`^${i + 1}\\r?\\n\\d\\d:\\d\\d:\\d\\d,\\d{3} --> \\d\\d:\\d\\d:\\d\\d,\\d{3}\\r?\\n\\S`), `cue ${i + 1}`);
    });
    assert.match(srt, /Channel 2/);
  });
});
