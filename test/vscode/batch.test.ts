/**
 * A batch as a user runs it against the real local service: a folder mixing good and damaged recordings (a partly
 * failed job, told as such; Show Failed; Retry Failed once the file is fixed), and a larger folder (files done rise
 * while it runs; Cancel keeps what finished).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/vscode/api';
import type { JobRecord } from '../../src/vscode/jobRecord';
import { parseCsv, summaryCsv, SUMMARY_CSV_COLUMNS } from '../../src/core/batchSummary';
import { BATCH_SUMMARY_VIEW_TYPE, BatchSummarySerializer, batchSummaryCalls, exportCsv } from '../../src/vscode/batchSummaryPanel';
import { jobKey } from '../../src/vscode/jobRecord';
import { makeCorruptWav, makeMono } from '../support/audio';
import { activateExtension, extension, recordMessages, waitFor, withInputs } from './extensionHelpers';

const AUDIO_DIR = path.join(os.tmpdir(), 'speech-batch-vscode-audio');
const PHRASES = ['good morning', 'thank you goodbye', 'my order has not arrived', 'can you check my account', 'the invoice is wrong'];

/** A folder of `count` short recordings (and the damaged ones named), in a fresh temp folder. */
function callFolder(name: string, count: number, damaged: string[] = []): string {
  const folder = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'speech-batch-batch-')), name);
  fs.mkdirSync(folder);
  for (let i = 0; i < count; i++) {
    fs.copyFileSync(makeMono(PHRASES[i % PHRASES.length]!, { dir: AUDIO_DIR }), path.join(folder, `call-${String(i + 1).padStart(2, '0')}.wav`));
  }
  for (const file of damaged) fs.copyFileSync(makeCorruptWav(path.join(AUDIO_DIR, 'corrupt'), 'random'), path.join(folder, file));
  return folder;
}

function finished(api: ExtensionApi, id: string): JobRecord | undefined {
  const job = api.jobs.byId(id);
  return job && (job.status === 'Succeeded' || job.status === 'Failed') ? job : undefined;
}

describe('batches in the jobs view (local service)', () => {
  let api: ExtensionApi;
  const folders: string[] = [];
  const jobs: JobRecord[] = [];

  before(async () => {
    api = await activateExtension();
  });

  after(async () => {
    for (const job of jobs) await api.jobs.delete(api.jobs.latest(job)).catch(() => undefined);
    for (const folder of folders) fs.rmSync(path.dirname(folder), { recursive: true, force: true });
  });

  async function transcribeFolder(folder: string): Promise<JobRecord> {
    const before = new Set(api.jobs.all().map((j) => j.id));
    await vscode.commands.executeCommand('speechBatch.transcribe', vscode.Uri.file(folder), [vscode.Uri.file(folder)]);
    const job = await waitFor('the new job', () => api.jobs.all().find((j) => !before.has(j.id)));
    jobs.push(job);
    return job;
  }

  it('shows a folder with a damaged file as partly failed: the row, the tooltip, the badge and the toast with Show Failed', async () => {
    const folder = callFolder('monday', 2, ['damaged.wav']);
    folders.push(folder);
    const messages = recordMessages();
    let job: JobRecord;
    try {
      job = await transcribeFolder(folder);
      assert.equal(job.displayName, 'monday', 'the job is named after the folder');
      await waitFor('the new job to be selected in the jobs view', () => api.treeView.selection.find((n) => n.kind === 'job' && n.job.id === job.id), 60_000);
      assert.ok(api.treeView.visible, 'the jobs view is shown');
      job = await waitFor('the job to finish', () => finished(api, job.id), 150_000);
      await waitFor('the finished notification', () => messages.messages.find((m) => m.includes('"monday" finished')));
    } finally {
      messages.restore();
    }
    assert.equal(job.status, 'Succeeded', JSON.stringify(job.error));
    const toast = messages.messages.find((m) => m.includes('"monday" finished'))!;
    assert.match(toast, /2 of 3 files transcribed, 1 failed \(damaged\.wav: .+\)/);
    assert.ok(!toast.includes('contenturl_'), toast);

    const item = api.tree.getTreeItem({ kind: 'job', job });
    assert.equal((item.iconPath as vscode.ThemeIcon).id, 'warning');
    assert.match(String(item.description), /^2 of 3 · 1 failed · /);
    assert.match((item.tooltip as vscode.MarkdownString).value.replace(/&nbsp;/g, ' ').replace(/\\/g, ''), /damaged.wav: /);
    assert.equal(api.treeView.badge?.value, 1, 'one job needs attention');
    assert.match(api.treeView.badge?.tooltip ?? '', /1 with failures/);
    assert.equal(api.treeView.description, '1 with failures');

    job = api.jobs.latest(job);
    const rows = (await api.tree.getChildren({ kind: 'job', job }))!.map((n) => api.tree.getTreeItem(n) as vscode.TreeItem);
    for (const row of rows.filter((r) => r.contextValue?.startsWith('file.transcription'))) {
      assert.match(String(row.description), /^\d+:\d\d$/, `${row.label} shows its duration`);
    }
    const failedRow = rows.find((i) => i.label === 'damaged.wav')!;
    assert.equal(failedRow.contextValue, 'file.failed.audio');
    assert.ok(String(failedRow.description).length > 3 && !String(failedRow.description).includes('damaged.wav'), `the reason alone: ${failedRow.description}`);

    await vscode.commands.executeCommand('speechBatch.showFailed', { kind: 'job', job });
    await waitFor('the failed file to be selected', () => (api.treeView.selection[0]?.kind === 'file' ? true : undefined));
    const selected = api.treeView.selection[0]!;
    assert.equal(selected.kind === 'file' && selected.file.audioName, 'damaged.wav');
    assert.equal(api.jobs.byId(job.id)!.attention, undefined, 'seen: no longer counted');
    assert.equal(api.treeView.badge, undefined);
  });

  it('retries just the failed file as a new job, which succeeds once the file is fixed', async () => {
    const job = api.jobs.latest(jobs[0]!);
    const damaged = job.files.find((f) => f.state === 'failed')!.audioPath!;
    fs.copyFileSync(makeMono('the file is fixed now', { dir: AUDIO_DIR }), damaged);
    const before = new Set(api.jobs.all().map((j) => j.id));
    const messages = recordMessages();
    let retry: JobRecord;
    try {
      await vscode.commands.executeCommand('speechBatch.retryFailed', { kind: 'job', job });
      retry = await waitFor('the retry job', () => api.jobs.all().find((j) => !before.has(j.id)));
      jobs.push(retry);
      assert.deepEqual(retry.audioPaths, [damaged]);
      assert.equal(retry.displayName, 'monday (retry of 1 failed)');
      retry = await waitFor('the retry to finish', () => finished(api, retry.id), 150_000);
    } finally {
      messages.restore();
    }
    assert.equal(retry.status, 'Succeeded', JSON.stringify(retry.error));
    assert.deepEqual(retry.files.map((f) => f.state), ['transcription']);
  });

  it('exports all transcripts of a job into a chosen folder: one file per call, named after the audio', async () => {
    const job = api.jobs.latest(jobs[0]!);
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'speech-batch-export-all-'));
    folders.push(path.join(out, 'x'));
    const pickJson = (items: readonly (vscode.QuickPickItem & { format?: string })[]) => items.find((i) => i.format === 'json');
    const seen = await withInputs({ quickPicks: [pickJson], openDialogs: [[vscode.Uri.file(out)]] }, () =>
      vscode.commands.executeCommand('speechBatch.exportAll', { kind: 'job', job }),
    );
    assert.deepEqual(fs.readdirSync(out).sort(), ['call-01.json', 'call-02.json'], `one file per transcribed call, none for the failed one (${seen.messages.join(' | ')})`);
    for (const name of ['call-01', 'call-02']) {
      const exported = JSON.parse(fs.readFileSync(path.join(out, `${name}.json`), 'utf8')) as { turns?: unknown[] };
      assert.ok(Array.isArray(exported.turns) && exported.turns.length > 0, `${name}.json has turns`);
      const file = job.files.find((f) => f.audioName === `${name}.wav`)!;
      assert.equal(fs.readFileSync(path.join(out, `${name}.json`), 'utf8'), await api.transcripts.format({ job, file }, 'json'));
    }
    assert.ok(seen.messages.some((m) => m.startsWith('Exported 2 transcript(s) of "monday"')), seen.messages.join('\n'));
    assert.ok(seen.quickPicks[0]!.every((i) => i.detail), 'each format says what it is for');
  });

  it('summarises the batch: a row per call whose values are the analytics of its transcript, exported as CSV that reads back the same', async () => {
    const job = api.jobs.latest(jobs[0]!);
    const calls = await batchSummaryCalls(api.transcripts, job);
    assert.deepEqual(calls.map((c) => [c.call, c.status]), [['call-01.wav', 'transcribed'], ['call-02.wav', 'transcribed'], ['damaged.wav', 'failed']]);
    for (const call of calls.filter((c) => c.status === 'transcribed')) {
      const file = job.files.find((f) => f.audioName === call.call)!;
      const { analytics } = await api.transcripts.load({ job, file });
      assert.equal(call.durationMs, analytics.durationMs);
      assert.equal(call.silenceMs, analytics.silenceMs);
      assert.equal(call.crosstalkMs, analytics.overlapMs);
      assert.equal(call.interruptions, analytics.interruptions);
      assert.deepEqual(call.talkShare, analytics.parties.map((p) => ({ party: p.name, share: p.talkRatio })));
      assert.equal(call.longestMonologueMs, analytics.longestMonologue?.durationMs ?? 0);
    }
    assert.ok(!calls[2]!.reason!.includes('contenturl_') && calls[2]!.reason!.length > 3);

    const csvFile = path.join(os.tmpdir(), `speech-batch-summary-${process.pid}.csv`);
    await withInputs({ saveDialogs: [vscode.Uri.file(csvFile)] }, () => exportCsv(job, calls));
    const [header, ...rows] = parseCsv(fs.readFileSync(csvFile, 'utf8'));
    fs.rmSync(csvFile);
    assert.deepEqual(header, [...SUMMARY_CSV_COLUMNS]);
    assert.deepEqual(rows, parseCsv(summaryCsv(calls)).slice(1));
    assert.deepEqual(rows.map((r) => [r[0], r[1], Number(r[2])]), calls.map((c) => [c.call, c.status, c.durationMs === undefined ? 0 : Number((c.durationMs / 1000).toFixed(1))]));

    await vscode.commands.executeCommand('speechBatch.openBatchSummary', { kind: 'job', job });
    await waitFor('the summary tab', () =>
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview && t.label === 'Summary: monday'),
    );
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');

    // After a reload VS Code hands the page's saved state (the job's key) to the serializer: the summary comes back.
    const lines: string[] = [];
    const log = { info: (m: string) => lines.push(m), warn: (m: string) => lines.push(m) } as unknown as vscode.LogOutputChannel;
    const serializer = new BatchSummarySerializer(extension().extensionUri, api.transcripts, api.jobs, log);
    const restored = vscode.window.createWebviewPanel(BATCH_SUMMARY_VIEW_TYPE, 'restoring', vscode.ViewColumn.Active, {});
    await serializer.deserializeWebviewPanel(restored, { jobKey: jobKey(job) });
    assert.equal(restored.title, 'Summary: monday');
    await waitFor('the restored summary to show its 3 calls', () => lines.find((l) => l === `Batch summary of job ${job.id} shows 3 call(s).`), 30_000);
    const gone = vscode.window.createWebviewPanel(BATCH_SUMMARY_VIEW_TYPE, 'restoring', vscode.ViewColumn.Active, {});
    await serializer.deserializeWebviewPanel(gone, { jobKey: 'local|local|00000000-0000-0000-0000-000000000000' });
    assert.match(gone.webview.html, /This summary is no longer available/);
    restored.dispose();
    gone.dispose();
  });

  it('saves each transcript next to its audio when the setting asks for it (call.wav → call.transcript.md)', async () => {
    const config = vscode.workspace.getConfiguration('speechBatch');
    await config.update('transcriptFilesNextToAudio', 'md', vscode.ConfigurationTarget.Global);
    const folder = callFolder('wednesday', 2);
    folders.push(folder);
    const messages = recordMessages();
    try {
      const job = await transcribeFolder(folder);
      await waitFor('the job to finish', () => finished(api, job.id), 150_000);
      const beside = path.join(folder, 'call-01.transcript.md');
      const done = api.jobs.byId(job.id)!;
      const expected = await Promise.all(['call-01.wav', 'call-02.wav'].map((name) => api.transcripts.format({ job: done, file: done.files.find((f) => f.audioName === name)! }, 'md')));
      // Written one after the other once the job finished: wait until both hold their whole transcript.
      const files = [beside, path.join(folder, 'call-02.transcript.md')];
      const read = (f: string) => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : undefined);
      await waitFor('call-01/02.transcript.md beside the audio', () => (files.every((f, i) => read(f) === expected[i]) ? true : undefined), 10_000);
    } finally {
      messages.restore();
      await config.update('transcriptFilesNextToAudio', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('shows files done rising while a larger folder runs, the finished files as rows, and Cancel keeps them', async () => {
    const folder = callFolder('tuesday', 25);
    folders.push(folder);
    const messages = recordMessages();
    try {
      let job = await transcribeFolder(folder);
      const seen = new Set<number>();
      job = await waitFor(
        'two files done while the job runs',
        () => {
          const current = api.jobs.byId(job.id)!;
          if (current.status === 'Running') seen.add(current.files.length);
          return current.status === 'Running' && current.files.length >= 2 ? current : undefined;
        },
        150_000,
      );
      const item = api.tree.getTreeItem({ kind: 'job', job });
      assert.match(String(item.description), new RegExp(`^${job.files.length} of 25 · `), 'the count first');
      assert.equal((await api.tree.getChildren({ kind: 'job', job }))!.length, job.files.length, 'finished files are rows already');
      assert.ok([...seen].some((n) => n > 0 && n < 25), `counts seen while running: ${[...seen].join(', ')}`);

      await vscode.commands.executeCommand('speechBatch.cancelJob', { kind: 'job', job });
      const cancelled = api.jobs.byId(job.id)!;
      assert.equal(cancelled.cancelled, true);
      const kept = cancelled.files.filter((f) => f.state === 'transcription');
      assert.ok(kept.length >= 2 && kept.length < 25, `kept ${kept.length}`);
      assert.equal(cancelled.files.length, 25, 'the unfinished files are listed as cancelled');
      assert.match(cancelled.files.find((f) => f.state === 'failed')!.error ?? '', /Cancelled/);
      assert.match(String(api.tree.getTreeItem({ kind: 'job', job: cancelled }).description), new RegExp(`^Cancelled · ${kept.length} of 25 · `));
      // The batch summary tells the calls the cancel left untranscribed from failures.
      const calls = await batchSummaryCalls(api.transcripts, cancelled);
      assert.deepEqual(
        calls.map((c) => c.status).sort(),
        [...kept.map(() => 'transcribed'), ...Array.from({ length: 25 - kept.length }, () => 'cancelled')].sort(),
        'kept calls are transcribed, the others cancelled (none failed)',
      );
      assert.ok(calls.every((c) => c.status !== 'cancelled' || c.reason === undefined), 'no failure reason for a cancelled call');
      // The service has deleted the job: the kept transcripts come from the saved results.
      assert.ok(!api.jobs.pending().some((j) => j.id === job.id), 'no longer followed');
      const text = await api.transcripts.format({ job: cancelled, file: kept[0]! }, 'txt');
      assert.ok(text.trim().length > 0);
      assert.ok(messages.messages.some((m) => m.startsWith('Cancelled "tuesday"')), messages.messages.join('\n'));

      // Two folders each have a call-01.wav: the transcript's tab names the folder, and says it is a transcript.
      const monday = api.jobs.latest(jobs[0]!);
      const call01 = monday.files.find((f) => f.audioName === 'call-01.wav')!;
      await vscode.commands.executeCommand('speechBatch.openTranscript', { kind: 'file', job: monday, file: call01 });
      await waitFor('the transcript tab of monday/call-01.wav', () =>
        vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview && t.label === 'call-01.wav — monday (transcript)'),
      );
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    } finally {
      messages.restore();
    }
  });
});
