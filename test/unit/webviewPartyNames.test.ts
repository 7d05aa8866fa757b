import * as assert from 'node:assert/strict';
import { mergeFile, renameParties } from '../../src/core/merge';
import type { Party } from '../../src/core/model';
import { getPartyNames, migratePartyNames, partyNamesStateKey, renamedPartyNames, setPartyNames } from '../../src/vscode/partyNames';
import { loadTranscript } from '../fixtures/results';

/** globalState as VS Code keeps it: values are stored as JSON (so arrays come back as copies). */
class MemoryMemento {
  readonly values = new Map<string, string>();
  keys(): readonly string[] {
    return [...this.values.keys()];
  }
  get<T>(key: string, defaultValue?: T): T | undefined {
    const raw = this.values.get(key);
    return raw === undefined ? defaultValue : (JSON.parse(raw) as T);
  }
  update(key: string, value: unknown): Thenable<void> {
    if (value === undefined) this.values.delete(key);
    else this.values.set(key, JSON.stringify(value));
    return Promise.resolve();
  }
  setKeysForSync(): void {}
}

function context() {
  return { globalState: new MemoryMemento() };
}

describe('webview party names (per-transcript renames)', () => {
  it('keeps names per transcript under speechBatch.transcriptPartyNames:<key> (not the prefix of a setting)', async () => {
    const ctx = context();
    assert.equal(getPartyNames(ctx, 'job-1/contenturl_0.json'), undefined);
    await setPartyNames(ctx, 'job-1/contenturl_0.json', ['Agent', 'Mrs Jones']);
    assert.deepEqual(getPartyNames(ctx, 'job-1/contenturl_0.json'), ['Agent', 'Mrs Jones']);
    assert.equal(getPartyNames(ctx, 'job-2/contenturl_0.json'), undefined);
    assert.deepEqual(ctx.globalState.keys(), ['speechBatch.transcriptPartyNames:job-1/contenturl_0.json']);
    assert.equal(partyNamesStateKey('a/b'), 'speechBatch.transcriptPartyNames:a/b');
  });

  it('moves names saved under the former speechBatch.partyNames:<key> on activation, keeping newer ones', async () => {
    const ctx = context();
    await ctx.globalState.update('speechBatch.partyNames:job-1/contenturl_0.json', ['Agent', 'Mrs Jones']);
    await ctx.globalState.update('speechBatch.partyNames:job-2/contenturl_0.json', ['Old']);
    await setPartyNames(ctx, 'job-2/contenturl_0.json', ['New']);
    await ctx.globalState.update('speechBatch.jobs', { version: 1, jobs: [] });
    assert.equal(await migratePartyNames(ctx.globalState), 1);
    assert.deepEqual(getPartyNames(ctx, 'job-1/contenturl_0.json'), ['Agent', 'Mrs Jones']);
    assert.deepEqual(getPartyNames(ctx, 'job-2/contenturl_0.json'), ['New']);
    assert.deepEqual(ctx.globalState.keys().filter((k) => k.startsWith('speechBatch.partyNames:')), []);
    assert.ok(ctx.globalState.keys().includes('speechBatch.jobs'));
    assert.equal(await migratePartyNames(ctx.globalState), 0);
  });

  it('forgets the names when given none, and reads damaged state as blanks', async () => {
    const ctx = context();
    await setPartyNames(ctx, 'k', ['A']);
    await setPartyNames(ctx, 'k', []);
    assert.equal(getPartyNames(ctx, 'k'), undefined);
    await ctx.globalState.update(partyNamesStateKey('k'), ['A', 7, null]);
    assert.deepEqual(getPartyNames(ctx, 'k'), ['A', '', '']);
    await ctx.globalState.update(partyNamesStateKey('k'), 'Agent');
    assert.equal(getPartyNames(ctx, 'k'), undefined);
  });

  it('saves every party at its channel index, so merging with the saved names shows the rename', () => {
    const transcript = loadTranscript('stereo-call.json');
    const conversation = mergeFile(transcript, { names: ['Agent', 'Customer'] });
    const names = renamedPartyNames(conversation.parties, 'ch1', 'Mrs Jones');
    assert.deepEqual(names, ['Agent', 'Mrs Jones']);
    assert.deepEqual(mergeFile(transcript, { names }).parties.map((p) => p.name), ['Agent', 'Mrs Jones']);
    assert.deepEqual(renameParties(conversation, names).parties.map((p) => p.name), ['Agent', 'Mrs Jones']);
  });

  it('indexes diarized speakers from 1 and keeps saved names of other parties', () => {
    const speakers: Party[] = [
      { id: 'spk1', name: 'Speaker 1', speaker: 1 },
      { id: 'spk3', name: 'Speaker 3', speaker: 3 },
    ];
    assert.deepEqual(renamedPartyNames(speakers, 'spk3', 'Nurse', ['', 'Doctor']), ['Speaker 1', 'Doctor', 'Nurse']);
    const diarized = mergeFile(loadTranscript('diarized-mono.json'));
    const first = diarized.parties[0];
    const names = renamedPartyNames(diarized.parties, first.id, 'Host');
    assert.equal(mergeFile(loadTranscript('diarized-mono.json'), { names }).parties[0].name, 'Host');
  });
});
