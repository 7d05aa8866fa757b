/** Command arguments as VS Code passes them from each place a command runs, read by commands/args.ts. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { parseCommandArgs } from '../../src/vscode/commands/args';
import { fakeJob } from './extensionHelpers';

describe('command arguments (commands/args.ts)', () => {
  const a = vscode.Uri.file('/calls/a.wav');
  const b = vscode.Uri.file('/calls/b.mp3');

  it('reads the Explorer selection (the clicked resource and all selected ones)', () => {
    assert.deepEqual(parseCommandArgs([a, [a, b]]).files.map((u) => u.fsPath), [a.fsPath, b.fsPath]);
  });

  it('reads an editor title resource, and keeps only file: resources', () => {
    assert.deepEqual(parseCommandArgs([a]).files.map((u) => u.fsPath), [a.fsPath]);
    assert.deepEqual(parseCommandArgs([vscode.Uri.parse('untitled:Untitled-1')]).files, []);
  });

  it('reads a jobs view node and a transcript key', () => {
    const job = fakeJob({});
    assert.equal(parseCommandArgs([{ kind: 'job', job }]).node?.job, job);
    const file = { name: 'contenturl_0.json', state: 'transcription' as const };
    assert.equal(parseCommandArgs([{ kind: 'file', job, file }]).node?.kind, 'file');
    // The "Failed (3)" group of a big job's files (Retry Failed on it), and a page of a group.
    assert.equal(parseCommandArgs([{ kind: 'group', job, state: 'failed' }]).node?.job, job);
    assert.equal(parseCommandArgs([{ kind: 'page', job, state: 'transcription', start: 100 }]).node?.kind, 'page');
    assert.equal(parseCommandArgs(['job/contenturl_0.json']).transcriptKey, 'job/contenturl_0.json');
  });

  it('reads nothing from the palette or from arguments it does not know', () => {
    assert.deepEqual(parseCommandArgs([]), { files: [] });
    assert.deepEqual(parseCommandArgs([{ kind: 'other' }, 42]), { files: [] });
  });
});
