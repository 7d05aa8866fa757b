import type * as vscode from 'vscode';
import type { Party } from '../core/model';
import { StateKeys } from './storageKeys';

/**
 * Per-transcript party names chosen by the user (renames done in the transcript view), kept in globalState.
 *
 * The array is indexed like `MergeOptions.names` in `src/core/model.ts`: by channel (0, 1, …) for channel parties,
 * by speaker − 1 for diarized speakers. Empty entries keep the default (settings or "Channel N"/"Speaker N").
 * (Only types come from `vscode` here, so the logic is unit-tested without VS Code.)
 */

/** The globalState key holding the names of one transcript. */
export function partyNamesStateKey(key: string): string {
  return StateKeys.transcriptPartyNamesPrefix + key;
}

/**
 * Moves the names saved under the former key prefix (`speechBatch.partyNames:`, which read like the setting of that
 * name) to {@link partyNamesStateKey}; a value already under the new key wins. Returns how many transcripts had names
 * moved. Run on activation, so no rename is lost.
 */
export async function migratePartyNames(state: Pick<vscode.Memento, 'keys' | 'get' | 'update'>): Promise<number> {
  let moved = 0;
  for (const oldKey of state.keys()) {
    if (!oldKey.startsWith(StateKeys.legacyPartyNamesPrefix)) continue;
    const newKey = partyNamesStateKey(oldKey.slice(StateKeys.legacyPartyNamesPrefix.length));
    const value = state.get<unknown>(oldKey);
    if (state.get<unknown>(newKey) === undefined && value !== undefined) {
      await state.update(newKey, value);
      moved++;
    }
    await state.update(oldKey, undefined);
  }
  return moved;
}

/** The names saved for the transcript `key`, or undefined when the user never renamed a party of it. */
export function getPartyNames(context: Pick<vscode.ExtensionContext, 'globalState'>, key: string): string[] | undefined {
  const stored = context.globalState.get<unknown>(partyNamesStateKey(key));
  if (!Array.isArray(stored)) {
    return undefined;
  }
  return stored.map((name) => (typeof name === 'string' ? name : ''));
}

/** Saves the names of the transcript `key` (an empty array forgets them). */
export function setPartyNames(context: Pick<vscode.ExtensionContext, 'globalState'>, key: string, names: string[]): Thenable<void> {
  return context.globalState.update(partyNamesStateKey(key), names.length > 0 ? [...names] : undefined);
}

/**
 * The names to save after renaming party `partyId` to `name`: every party's current name at its index (so the
 * transcript reads the same however the saved names are combined with the `speechBatch.partyNames` setting),
 * keeping saved entries of parties not in `parties`.
 */
export function renamedPartyNames(parties: readonly Party[], partyId: string, name: string, saved: readonly string[] = []): string[] {
  const names = [...saved];
  parties.forEach((party, i) => {
    const index = party.speaker !== undefined ? party.speaker - 1 : (party.channel ?? i);
    while (names.length <= index) {
      names.push('');
    }
    names[index] = party.id === partyId ? name : party.name;
  });
  return names;
}
