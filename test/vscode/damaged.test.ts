/**
 * Damaged recordings in a real VS Code against the real local service: a copy of the sample call cut off by
 * `head -c` and a silent file are transcribed (what decodes), and their rows in the jobs view say what is wrong —
 * a warning icon, the reason as the description and in the tooltip — as does the transcript opened as text.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/vscode/api';
import type { JobRecord } from '../../src/vscode/jobRecord';
import { makeDamaged } from '../support/audio';
import { activateExtension, recordMessages, waitFor } from './extensionHelpers';

describe('damaged recordings in the jobs view (local service)', () => {
  let api: ExtensionApi;
  let folder: string;
  let job: JobRecord | undefined;

  before(async () => {
    api = await activateExtension();
    folder = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'speech-batch-damaged-')), 'tuesday');
    fs.mkdirSync(folder);
    fs.copyFileSync(makeDamaged('wav-truncated'), path.join(folder, 'half-call.wav'));
    fs.copyFileSync(makeDamaged('silent'), path.join(folder, 'silent.wav'));
  });

  after(async () => {
    if (job) await api.jobs.delete(api.jobs.latest(job)).catch(() => undefined);
    fs.rmSync(path.dirname(folder), { recursive: true, force: true });
  });

  it('shows each damaged file as a warning row with the reason; the job tooltip counts them', async () => {
    const known = new Set(api.jobs.all().map((j) => j.id));
    const messages = recordMessages();
    let done: JobRecord;
    try {
      await vscode.commands.executeCommand('speechBatch.transcribe', vscode.Uri.file(folder), [vscode.Uri.file(folder)]);
      const created = await waitFor('the new job', () => api.jobs.all().find((j) => !known.has(j.id)));
      job = created;
      done = await waitFor(
        'the job to finish',
        () => {
          const current = api.jobs.byId(created.id);
          return current && (current.status === 'Succeeded' || current.status === 'Failed') ? current : undefined;
        },
        170_000,
      );
      await waitFor('the finished notification', () => messages.messages.find((m) => m.includes('"tuesday" finished')));
    } finally {
      messages.restore();
    }
    assert.equal(done.status, 'Succeeded', JSON.stringify(done.error));
    const toast = messages.messages.find((m) => m.includes('"tuesday" finished'))!;
    assert.match(toast, /finished, but the audio of 2 files is damaged \((half-call|silent)\.wav: (Only 0:23 of 0:42|The recording is silent)/);

    const jobItem = api.tree.getTreeItem({ kind: 'job', job: done });
    assert.match(String(jobItem.description), /^2 files · 2 damaged · /);
    assert.match((jobItem.tooltip as vscode.MarkdownString).value.replace(/&nbsp;/g, ' '), /Files with damaged audio: 2/);
    const rows = (await api.tree.getChildren({ kind: 'job', job: done }))!.map((n) => api.tree.getTreeItem(n) as vscode.TreeItem);
    const row = (label: string) => rows.find((r) => r.label === label)!;
    const expected: [string, RegExp][] = [
      ['half-call.wav', /^Only 0:23 of 0:42 could be decoded: the file ends early$/],
      ['silent.wav', /^The recording is silent: nothing in its 0:20 is louder than -60 dBFS/],
    ];
    for (const [label, reason] of expected) {
      const item = row(label);
      assert.equal((item.iconPath as vscode.ThemeIcon).id, 'warning', `${label}: a warning icon`);
      assert.match(String(item.description), reason, `${label}: the reason on the row`);
      assert.equal(item.contextValue, 'file.transcription.audio', `${label}: still a transcript to open`);
      assert.equal(item.command?.command, 'speechBatch.openTranscript');
      const tooltip = (item.tooltip as vscode.MarkdownString).value.replace(/&nbsp;/g, ' ').replace(/\\/g, '');
      assert.match(tooltip, /Transcribed with warnings/);
      assert.ok(tooltip.includes(String(item.description)), `${label}: the tooltip says it too`);
      assert.match(item.accessibilityInformation?.label ?? '', reason.source.startsWith('^Only') ? /Only 0:23 of 0:42/ : /silent/);
    }

    const half = api.jobs.latest(done).files.find((f) => f.audioName === 'half-call.wav')!;
    await vscode.commands.executeCommand('speechBatch.openAsText', { kind: 'file', job: api.jobs.latest(done), file: half });
    const text = vscode.window.activeTextEditor!.document.getText();
    assert.match(text, /^Warning: Only 0:23 of 0:42 could be decoded: the file ends early\n\[00:00:0\d\] /);
  });
});
