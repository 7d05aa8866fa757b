/**
 * A folder of 1,000 recordings (Azure's limit per job) transcribed from the Explorer on the real local service: one
 * cancellable progress notification for the whole submission, one job of 1,000 inputs, "N of 1,000" rising in its
 * row while it runs, and its files grouped by state and paged in the tree so that the view stays usable. The files
 * are tiny (0.3 s of silence, a few spoken words, three that are not audio; see makeTinyBatch).
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { SpeechClient } from '../../src/core/client';
import type { ExtensionApi } from '../../src/vscode/api';
import type { JobRecord } from '../../src/vscode/jobRecord';
import { CLOCK_TICK_MS, MIN_REDRAW_MS, type JobsTreeNode } from '../../src/vscode/jobsTree';
import { makeTinyBatch, type TinyBatch } from '../support/audio';
import { activateExtension, recordMessages, stub, waitFor } from './extensionHelpers';

interface ProgressCall {
  options: vscode.ProgressOptions;
  messages: string[];
}

/** Records every withProgress call (options and reported messages), optionally with the user pressing Cancel at once. */
function recordProgress(cancelAtOnce = false): { calls: ProgressCall[]; restore(): void } {
  const calls: ProgressCall[] = [];
  const original = vscode.window.withProgress;
  const restore = stub(vscode.window, 'withProgress', ((options, task) => {
    const call: ProgressCall = { options, messages: [] };
    calls.push(call);
    return original(options, (progress, token) => {
      const cancelled = new vscode.CancellationTokenSource();
      if (cancelAtOnce) cancelled.cancel();
      const recorded = {
        report: (value: { message?: string; increment?: number }) => {
          if (value.message) call.messages.push(value.message);
          progress.report(value);
        },
      };
      return task(recorded, cancelAtOnce ? cancelled.token : token);
    });
  }) as typeof vscode.window.withProgress);
  return { calls, restore };
}

const label = (api: ExtensionApi, node: JobsTreeNode): string => String(api.tree.getTreeItem(node).label);

describe('a job of 1,000 files from the Explorer (local service)', function () {
  let api: ExtensionApi;
  let batch: TinyBatch;
  const jobs: JobRecord[] = [];

  before(async function () {
    api = await activateExtension();
    batch = makeTinyBatch(1000);
  });

  after(async function () {
    for (const job of jobs) await api.jobs.delete(api.jobs.latest(job)).catch(() => undefined);
  });

  async function serviceJobsNamed(name: string): Promise<number> {
    const client = new SpeechClient({ endpoint: await api.localService.endpoint(), key: await api.secrets.localServiceKey() });
    return (await client.listAll()).filter((t) => t.displayName === name).length;
  }

  it('creates no job when the submission is cancelled from its notification', async function () {
    const before = new Set(api.jobs.all().map((j) => j.id));
    const progress = recordProgress(true);
    try {
      await vscode.commands.executeCommand('speechBatch.transcribe', vscode.Uri.file(batch.dir), [vscode.Uri.file(batch.dir)]);
    } finally {
      progress.restore();
    }
    assert.equal(progress.calls.length, 1, 'one notification');
    assert.equal(progress.calls[0]!.options.cancellable, true);
    assert.deepEqual(api.jobs.all().filter((j) => !before.has(j.id)), [], 'no job in the view');
    assert.equal(await serviceJobsNamed(path.basename(batch.dir)), 0, 'no job on the service');
  });

  it('submits 1,000 files behind one notification, shows "N of 1,000" rising, and groups and pages the files', async function () {
    this.timeout(600_000);
    const before = new Set(api.jobs.all().map((j) => j.id));
    const progress = recordProgress();
    const messages = recordMessages();
    try {
      await vscode.commands.executeCommand('speechBatch.transcribe', vscode.Uri.file(batch.dir), [vscode.Uri.file(batch.dir)]);
      const created = await waitFor('the new job', () => api.jobs.all().find((j) => !before.has(j.id)), 60_000);
      jobs.push(created);
      const notifications = progress.calls.filter((c) => c.options.location === vscode.ProgressLocation.Notification);
      assert.equal(notifications.length, 1, `one progress notification for the whole folder: ${progress.calls.map((c) => c.options.title).join(', ')}`);
      assert.equal(notifications[0]!.options.cancellable, true, 'it can be cancelled');
      assert.equal(notifications[0]!.options.title, `Transcribing ${path.basename(batch.dir)}`);
      assert.equal(created.audioPaths.length, 1000, 'one job with every file');
      assert.equal(await serviceJobsNamed(path.basename(batch.dir)), 1);

      // While it runs, the row counts the files done out of 1,000, and the view redraws only what changed, the job's
      // rows at most every 2 s (each redraw closes a hover or a context menu open on a row).
      const redraws: (JobsTreeNode | JobsTreeNode[] | undefined)[] = [];
      const listener = api.tree.onDidChangeTreeData((e) => redraws.push(e));
      const runStarted = Date.now();
      const seen: number[] = [];
      const done = await waitFor(
        'the job to finish',
        () => {
          const job = api.jobs.byId(created.id)!;
          const match = /^([\d,]+) of 1,000/.exec(String(api.tree.getTreeItem({ kind: 'job', job }).description));
          if (match && job.status === 'Running') seen.push(Number(match[1]!.replace(/,/g, '')));
          return job.status === 'Succeeded' || job.status === 'Failed' ? job : undefined;
        },
        540_000,
      );
      listener.dispose();
      const ranMs = Date.now() - runStarted;
      assert.ok(seen.some((n) => n > 0 && n < 1000), `"N of 1,000" while running: ${[...new Set(seen)].join(', ')}`);
      assert.ok(!redraws.includes(undefined), 'the whole tree was never redrawn while the job ran');
      const rowRedraws = redraws.filter((e) => (Array.isArray(e) ? e : [e]).some((n) => n?.job.id === created.id)).length;
      const bound = Math.ceil(ranMs / MIN_REDRAW_MS + ranMs / CLOCK_TICK_MS) + 2;
      console.log(`      ${rowRedraws} redraws of the job's rows in ${(ranMs / 1000).toFixed(0)} s (at most ${bound}), ${seen.length} counts read`);
      assert.ok(rowRedraws <= bound, `${rowRedraws} redraws of the job's rows in ${ranMs} ms`);
      assert.deepEqual([...seen].sort((a, b) => a - b), seen, 'the count only rises');
      assert.equal(done.status, 'Succeeded');
      assert.equal(done.files.length, 1000, 'every file has a row: a transcript or its reason');
      assert.match(String(api.tree.getTreeItem({ kind: 'job', job: done }).description), /^997 of 1,000 · 3 failed/);

      // The tree: failures first, each group paged by 100.
      const jobNode: JobsTreeNode = { kind: 'job', job: done };
      const groups = (await api.tree.getChildren(jobNode))!;
      assert.deepEqual(groups.map((g) => label(api, g)), ['Failed (3)', 'Transcribed (997)']);
      assert.equal(api.tree.getTreeItem(groups[0]!).collapsibleState, vscode.TreeItemCollapsibleState.Expanded, 'the failures are open');
      const failed = (await api.tree.getChildren(groups[0]!))!;
      assert.deepEqual(failed.map((n) => label(api, n)), batch.broken.map((f) => path.basename(f)));
      const pages = (await api.tree.getChildren(groups[1]!))!;
      assert.equal(pages.length, 10);
      assert.equal(label(api, pages[0]!), '1–100');
      assert.equal(label(api, pages[9]!), '901–997');
      assert.equal(api.tree.getTreeItem(pages[0]!).description, 'call-0001.wav … call-0100.wav', 'a page names its first and last file');
      const lastPage = (await api.tree.getChildren(pages[9]!))!;
      assert.equal(lastPage.length, 97);
      assert.equal(label(api, lastPage.at(-1)!), 'call-1000.wav');
      // A file's parent is its page, the page's its group, the group's the job (what reveal walks up).
      const page = api.tree.getParent(lastPage[0]!)!;
      assert.equal(page.kind === 'page' && page.start, 900);
      const group = api.tree.getParent(page)!;
      assert.equal(label(api, group), 'Transcribed (997)');
      assert.equal(api.tree.getParent(group)!.kind, 'job');

      // Show Failed reveals the first failed file through the groups, in the real view.
      await vscode.commands.executeCommand('speechBatch.showFailed', jobNode);
      await waitFor('the failed file selected', () => {
        const selected = api.treeView.selection[0];
        return selected?.kind === 'file' && selected.file.state === 'failed' ? selected : undefined;
      });

      // Retry Failed on the "Failed (3)" group: a new job of just those files.
      const known = new Set(api.jobs.all().map((j) => j.id));
      await vscode.commands.executeCommand('speechBatch.retryFailed', groups[0]);
      const retry = await waitFor('the retry job', () => api.jobs.all().find((j) => !known.has(j.id)), 60_000);
      jobs.push(retry);
      assert.deepEqual([...retry.audioPaths].sort(), [...batch.broken].sort(), 'the failed files of the group, nothing else');
      assert.equal(retry.displayName, `${done.displayName} (retry of 3 failed)`);
    } finally {
      progress.restore();
      messages.restore();
    }
  });
});
