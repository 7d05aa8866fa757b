/** Smoke test of the harness and the manifest: the extension loads in a real VS Code and wires up what it promises. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { extension } from './extensionHelpers';

interface Manifest {
  contributes: { commands: { command: string }[]; views: Record<string, { id: string }[]> };
}

describe('smoke: the extension in a real VS Code', () => {
  it('activates without throwing', async () => {
    const ext = extension();
    await ext.activate();
    assert.equal(ext.isActive, true);
  });

  it('registers every command contributed in package.json', async () => {
    await extension().activate();
    const contributed = (extension().packageJSON as Manifest).contributes.commands.map((c) => c.command);
    assert.ok(contributed.length >= 14, `expected the manifest's commands, got ${contributed.length}`);
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
  });

  it('opens every contributed view', async () => {
    const views = Object.values((extension().packageJSON as Manifest).contributes.views).flat();
    assert.ok(views.length > 0, 'the manifest contributes no views');
    // VS Code registers `<view id>.focus` for each view it accepted; running it opens the container and the view.
    for (const view of views) await vscode.commands.executeCommand(`${view.id}.focus`);
  });
});
