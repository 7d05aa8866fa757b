/** The jobs view: tree items for jobs in every state, their files, and the menus package.json binds to them. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { Status } from '../../src/core/wire';
import type { JobRecord } from '../../src/vscode/jobRecord';
import type { JobsTreeNode } from '../../src/vscode/jobsTree';
import { summaryCsv } from '../../src/core/batchSummary';
import { batchSummaryCalls } from '../../src/vscode/batchSummaryPanel';
import { activateExtension, EXTENSION_ID, fakeJob, waitFor } from './extensionHelpers';
import type { ExtensionApi } from '../../src/vscode/api';

interface MenuItem {
  command: string;
  when?: string;
}

/** The commands whose `view/item/context` menu entry shows for a tree item with this contextValue. */
function menuCommandsFor(contextValue: string): string[] {
  const manifest = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as { contributes: { menus: Record<string, MenuItem[]> } };
  const commands = new Set<string>();
  for (const item of manifest.contributes.menus['view/item/context']) {
    const regex = /viewItem =~ \/(.+?)\/(?:\s|$)/.exec(item.when ?? '')?.[1];
    if (regex && new RegExp(regex).test(contextValue)) commands.add(item.command);
  }
  return [...commands].sort();
}

describe('jobs view', () => {
  let api: ExtensionApi;
  const added: JobRecord[] = [];

  before(async () => {
    api = await activateExtension();
  });

  afterEach(async () => {
    for (const job of added.splice(0)) await api.store.remove(job);
  });

  async function add(job: JobRecord): Promise<JobRecord> {
    added.push(job);
    await api.store.put(job);
    return job;
  }

  const statuses: [Status, string, string, string][] = [
    ['NotStarted', 'job.notstarted', 'clock', 'Waiting · '],
    ['Running', 'job.running', 'sync~spin', ''],
    ['Succeeded', 'job.succeeded', 'pass', ''],
    ['Failed', 'job.failed', 'error', 'Failed · '],
  ];
  for (const [status, contextValue, icon, statusText] of statuses) {
    it(`shows a ${status} job with its status icon, file count, age and context value`, async () => {
      const id = `00000000-0000-4000-8000-00000000000${statuses.findIndex((s) => s[0] === status)}`;
      const job = await add(fakeJob({ id, status, displayName: `${status}.wav + 1 more`, audioPaths: ['/c/a.wav', '/c/b.wav'] }));
      const roots = await api.tree.getChildren();
      const node = roots!.find((n) => n.job.id === id)!;
      assert.ok(node, 'the job is a root of the tree');
      const item = api.tree.getTreeItem(node) as vscode.TreeItem;
      assert.equal(item.label, job.displayName);
      assert.equal(item.contextValue, contextValue);
      assert.equal((item.iconPath as vscode.ThemeIcon).id, icon);
      assert.equal(item.description, `${statusText}2 files · 5 minutes ago`, 'the state in words, except for succeeded and running jobs (the icon says it)');
      assert.match((item.tooltip as vscode.MarkdownString).value, new RegExp(status === 'NotStarted' ? 'Waiting' : status));
    });
  }

  it('binds the right menu commands to each kind of item', () => {
    const transcriptCommands = [
      'speechBatch.copyTranscript',
      'speechBatch.deleteJob',
      'speechBatch.export',
      'speechBatch.openAsText',
      'speechBatch.openTranscript',
    ];
    const retry = ['speechBatch.retryFailed', 'speechBatch.showFailed'];
    const jobCommands = ['speechBatch.exportAll', 'speechBatch.openBatchSummary'];
    assert.deepEqual(menuCommandsFor('job.succeeded'), [...transcriptCommands, ...jobCommands].sort());
    assert.deepEqual(menuCommandsFor('job.succeeded.partial'), [...transcriptCommands, ...jobCommands, ...retry].sort());
    assert.deepEqual(menuCommandsFor('job.running'), ['speechBatch.cancelJob', 'speechBatch.deleteJob']);
    assert.deepEqual(menuCommandsFor('job.notstarted'), ['speechBatch.cancelJob', 'speechBatch.deleteJob']);
    assert.deepEqual(menuCommandsFor('job.failed'), ['speechBatch.deleteJob', ...retry]);
    const fileCommands = [...transcriptCommands.filter((c) => c !== 'speechBatch.deleteJob'), 'speechBatch.openResultJson'];
    assert.deepEqual(menuCommandsFor('file.transcription'), fileCommands.sort());
    assert.deepEqual(menuCommandsFor('file.transcription.audio'), [...fileCommands, 'speechBatch.revealAudio'].sort());
    assert.deepEqual(menuCommandsFor('file.failed'), []);
    assert.deepEqual(menuCommandsFor('file.failed.audio'), ['speechBatch.retryFailed', 'speechBatch.revealAudio']);
    // The groups of a big job's files: its failed files can be retried from their group.
    assert.deepEqual(menuCommandsFor('group.failed'), ['speechBatch.retryFailed']);
    assert.deepEqual(menuCommandsFor('group.transcription'), []);
    assert.deepEqual(menuCommandsFor('page'), []);
  });

  it('shows a partly failed job as such: warning icon, "2 of 3 · 1 failed", the reasons in the tooltip, no internal ids', async () => {
    const job = await add(
      fakeJob({
        id: '00000000-0000-4000-8000-0000000000cc',
        status: 'Succeeded',
        displayName: 'monday',
        audioPaths: ['/calls/monday/a.wav', '/calls/monday/b.wav', '/calls/monday/empty.wav'],
        files: [
          { name: 'contenturl_0.json', state: 'transcription', audioPath: '/calls/monday/a.wav', audioName: 'a.wav', durationMs: 65_000 },
          { name: 'contenturl_1.json', state: 'transcription', audioPath: '/calls/monday/b.wav', audioName: 'b.wav', durationMs: 5_000 },
          { name: 'empty.wav', state: 'failed', audioPath: '/calls/monday/empty.wav', audioName: 'empty.wav', index: 2, error: 'contenturl_2 (empty.wav): the file holds no audio' },
        ],
      }),
    );
    const item = api.tree.getTreeItem({ kind: 'job', job });
    assert.equal((item.iconPath as vscode.ThemeIcon).id, 'warning');
    assert.equal(item.contextValue, 'job.succeeded.partial');
    assert.equal(item.description, '2 of 3 · 1 failed · 5 minutes ago');
    const tooltip = (item.tooltip as vscode.MarkdownString).value.replace(/&nbsp;/g, ' ').replace(/\\/g, '');
    assert.match(tooltip, /Status: Partly failed/);
    assert.match(tooltip, /Files transcribed: 2 of 3/);
    assert.match(tooltip, /Files failed: 1/);
    assert.match(tooltip, /empty\.wav: the file holds no audio/);
    const children = (await api.tree.getChildren({ kind: 'job', job }))!;
    const rows = children.map((n) => api.tree.getTreeItem(n) as vscode.TreeItem);
    assert.deepEqual(rows.map((r) => [r.label, r.description]), [['a.wav', '1:05'], ['b.wav', '0:05'], ['empty.wav', 'the file holds no audio']]);
    for (const text of [item.description, tooltip, ...rows.map((r) => `${r.description} ${(r.tooltip as vscode.MarkdownString).value}`)]) {
      assert.ok(!String(text).includes('contenturl_'), `no internal ids: ${text}`);
    }
  });

  it('shows a running local job\'s files done, the finished files as rows, and the time left', async () => {
    const audioPaths = Array.from({ length: 25 }, (_, i) => `/calls/day/call-${String(i + 1).padStart(2, '0')}.wav`);
    const job = await add(
      fakeJob({
        id: '00000000-0000-4000-8000-0000000000dd',
        backend: 'local',
        endpoint: 'local',
        status: 'Running',
        displayName: 'day',
        audioPaths,
        audioBytes: audioPaths.map(() => 1000),
        runningSince: new Date(Date.now() - 60_000).toISOString(),
        files: audioPaths.slice(0, 5).map((p, i) => ({ name: `contenturl_${i}.json`, state: 'transcription', audioPath: p, audioName: p.slice(-11), durationMs: 30_000 })),
      }),
    );
    const item = api.tree.getTreeItem({ kind: 'job', job });
    // 5 of 25 in a minute: 20 more take about 4 minutes. The count first, short enough for the default sidebar width
    // (~300 px: about 25 characters of description next to the name); the spinning icon says it runs.
    assert.equal(item.description, '5 of 25 · 4 min left');
    assert.equal(item.accessibilityInformation?.label, 'day, Running, 5 of 25 · 4 min left', 'a screen reader hears the state');
    assert.equal(item.collapsibleState, vscode.TreeItemCollapsibleState.Collapsed, 'finished files can be seen while it runs');
    const tooltip = (item.tooltip as vscode.MarkdownString).value.replace(/&nbsp;/g, ' ');
    assert.match(tooltip, /Files done: 5 of 25/);
    assert.match(tooltip, /Estimated: about 4 min left/, 'the details are in the tooltip');
    assert.match(tooltip, /Status: Running/);
    assert.equal((await api.tree.getChildren({ kind: 'job', job }))!.length, 5);
  });

  it('lists result files and failed inputs (with the reason, SAS redacted) under a finished job', async () => {
    const job = await add(
      fakeJob({
        id: '00000000-0000-4000-8000-0000000000aa',
        status: 'Succeeded',
        audioPaths: ['/calls/a.wav', '/calls/b.wav'],
        files: [
          { name: 'contenturl_0.json', state: 'transcription', audioPath: '/calls/a.wav', audioName: 'a.wav', durationMs: 65_000 },
          { name: 'b.wav', state: 'failed', audioName: 'b.wav', error: 'Cannot read https://acct.blob.core.windows.net/c/b.wav?sv=2024&sig=SECRETSIG: empty' },
        ],
      }),
    );
    const children = (await api.tree.getChildren({ kind: 'job', job } as JobsTreeNode))!;
    const items = children.map((n) => api.tree.getTreeItem(n) as vscode.TreeItem);
    assert.deepEqual(items.map((i) => [i.label, i.contextValue]), [['a.wav', 'file.transcription.audio'], ['b.wav', 'file.failed']]);
    assert.equal(items[0].description, '1:05');
    assert.equal(items[0].command?.command, 'speechBatch.openTranscript');
    const failure = `${items[1].description} ${(items[1].tooltip as vscode.MarkdownString).value}`;
    assert.match(failure, /Cannot read https:\/\/acct\.blob\.core\.windows\.net\/c\/b\.wav\?… empty/);
    assert.ok(!failure.includes('SECRETSIG'), 'no SAS signature in the tree');
  });

  it('redraws only rows that changed: a poll that finds nothing new redraws nothing, a new count only its job', async () => {
    const audioPaths = Array.from({ length: 25 }, (_, i) => `/calls/wed/call-${String(i + 1).padStart(2, '0')}.wav`);
    const done = (n: number): JobRecord['files'] =>
      audioPaths.slice(0, n).map((p, i) => ({ name: `contenturl_${i}.json`, state: 'transcription', audioPath: p, audioName: p.slice(-11), durationMs: 30_000 }));
    // Created hours ago: "2 hours ago" does not age while the test runs.
    const createdDateTime = new Date(Date.now() - 2 * 3600_000).toISOString();
    const running = await add(
      fakeJob({ id: '00000000-0000-4000-8000-0000000000ee', backend: 'local', endpoint: 'local', status: 'Running', displayName: 'wed', createdDateTime, audioPaths, files: done(3) }),
    );
    const other = await add(fakeJob({ id: '00000000-0000-4000-8000-0000000000ef', status: 'Running', displayName: 'thu', createdDateTime }));
    // What the view was given: the jobs, and the file rows of the running one (expanded).
    const roots = (await api.tree.getChildren())!;
    const node = roots.find((n) => n.job.id === running.id)!;
    const files = (await api.tree.getChildren(node))!;
    assert.equal(files.length, 3);
    assert.equal(api.tree.getTreeItem(node).description, '3 of 25 · 2 hours ago');

    const events: (JobsTreeNode | JobsTreeNode[] | undefined | null | void)[] = [];
    const listener = api.tree.onDidChangeTreeData((e) => events.push(e));
    try {
      // Polls that find nothing new: the same job saved again, or with a change no row shows.
      await api.store.put({ ...api.jobs.latest(running) });
      await api.store.put({ ...api.jobs.latest(running), lastActionDateTime: new Date().toISOString() });
      await api.store.put({ ...api.jobs.latest(other), lastActionDateTime: new Date().toISOString() });
      // Then a file is done.
      await api.store.put({ ...api.jobs.latest(running), files: done(4) });
      await waitFor('a redraw', () => (events.length > 0 ? true : undefined));
      // Nothing else is pending: any other redraw would have come with this one or before it.
      await new Promise((resolve) => setTimeout(resolve, 500));
    } finally {
      listener.dispose();
    }
    assert.ok(!events.some((e) => e === undefined || e === null), 'the whole tree is not redrawn');
    const ours = (n: JobsTreeNode) => n.job.id === running.id || n.job.id === other.id;
    const redrawn = events.map((e) => (Array.isArray(e) ? e : [e as JobsTreeNode]).filter(ours)).filter((nodes) => nodes.length > 0);
    assert.equal(redrawn.length, 1, 'one redraw');
    assert.equal(redrawn[0]!.length, 1, 'of one node: the running job (its row and its file rows, one more), nothing else');
    assert.strictEqual(redrawn[0]![0], node, 'the node VS Code holds (it redraws by identity)');
    assert.equal(api.tree.getTreeItem(node).description, '4 of 25 · 2 hours ago', 'the node VS Code holds shows the new count');
    assert.equal((await api.tree.getChildren(node))!.length, 4);
  });

  it('tells the files a cancel left untranscribed from failed files: rows, group, tooltip and batch summary', async () => {
    const audioPaths = Array.from({ length: 150 }, (_, i) => `/calls/fri/call-${String(i + 1).padStart(3, '0')}.wav`);
    const reason = 'Cancelled before it was transcribed';
    const job = await add(
      fakeJob({
        id: '00000000-0000-4000-8000-0000000000f0',
        backend: 'local',
        endpoint: 'local',
        status: 'Failed',
        cancelled: true,
        displayName: 'fri',
        audioPaths,
        error: { code: 'Cancelled', message: 'Cancelled: 0 of 150 files were done.' },
        files: audioPaths.map((p, index) =>
          index === 0
            ? { name: 'call-001.wav', state: 'failed', audioPath: p, audioName: 'call-001.wav', index, error: 'the file holds no audio' }
            : { name: p.slice(-12), state: 'failed', audioPath: p, audioName: p.slice(-12), index, error: reason, cancelled: true },
        ),
      }),
    );
    const tooltip = (api.tree.getTreeItem({ kind: 'job', job }).tooltip as vscode.MarkdownString).value.replace(/&nbsp;/g, ' ');
    assert.match(tooltip, /Files failed: 1\s/);
    assert.match(tooltip, /Files cancelled: 149\s/);
    const [group] = (await api.tree.getChildren({ kind: 'job', job }))!;
    assert.equal(api.tree.getTreeItem(group!).label, 'Failed or cancelled (150)');
    assert.equal(api.tree.getTreeItem(group!).contextValue, 'group.failed', 'Retry Failed runs them all again');
    const pages = (await api.tree.getChildren(group!))!;
    const rows = (await api.tree.getChildren(pages[0]!))!.map((n) => api.tree.getTreeItem(n));
    assert.deepEqual(rows.slice(0, 2).map((r) => [r.label, (r.iconPath as vscode.ThemeIcon).id, r.description]), [
      ['call-001.wav', 'warning', 'the file holds no audio'],
      ['call-002.wav', 'circle-slash', reason],
    ]);

    const calls = await batchSummaryCalls(api.transcripts, job);
    assert.deepEqual(calls.slice(0, 2), [
      { call: 'call-001.wav', status: 'failed', reason: 'the file holds no audio' },
      { call: 'call-002.wav', status: 'cancelled' },
    ]);
    assert.equal(calls.filter((c) => c.status === 'cancelled').length, 149);
    assert.match(summaryCsv(calls).split('\r\n')[2]!, /^call-002\.wav,cancelled,/);
  });

  it('keeps no secrets in a failed job tooltip', async () => {
    const job = await add(
      fakeJob({ id: '00000000-0000-4000-8000-0000000000bb', status: 'Failed', error: { code: 'InvalidData', message: 'No audio at https://x.blob.core.windows.net/c/a.wav?sig=TOPSECRET' } }),
    );
    const item = api.tree.getTreeItem({ kind: 'job', job });
    const tooltip = (item.tooltip as vscode.MarkdownString).value.replace(/&nbsp;/g, ' ');
    assert.match(tooltip, /Reason: No audio at https:\/\/x\.blob\.core\.windows\.net\/c\/a\.wav\?…/);
    assert.ok(!tooltip.includes('TOPSECRET'));
  });
});
