/** Helpers of the extension-host tests: the activated extension's test API, UI stubs, waiting. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/vscode/api';
import type { JobRecord } from '../../src/vscode/jobRecord';
import { eventually } from '../support/timeouts';

export const EXTENSION_ID = 'speech-batch.speech-batch';

/** Activates the extension and returns its (test-only) API. */
export async function activateExtension(): Promise<ExtensionApi> {
  const ext = vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not loaded`);
  return ext.activate();
}

/**
 * Replaces a function of a VS Code API namespace (e.g. `vscode.window.showInputBox`) for one test; the extension
 * under test shares the API object with tests in its folder, so it sees the replacement. Returns the restorer.
 */
export function stub<T extends object, K extends keyof T>(target: T, name: K, replacement: T[K]): () => void {
  const original = target[name];
  (target as Record<K, T[K]>)[name] = replacement;
  return () => {
    (target as Record<K, T[K]>)[name] = original;
  };
}

/** Stubs that record the messages shown to the user and answer with the given button (or nothing). */
export function recordMessages(answer?: (message: string) => string | undefined): { messages: string[]; restore(): void } {
  const messages: string[] = [];
  const reply = async (message: string) => {
    messages.push(message);
    return answer?.(message);
  };
  const restorers = [
    stub(vscode.window, 'showInformationMessage', reply as typeof vscode.window.showInformationMessage),
    stub(vscode.window, 'showWarningMessage', reply as typeof vscode.window.showWarningMessage),
    stub(vscode.window, 'showErrorMessage', reply as typeof vscode.window.showErrorMessage),
  ];
  return { messages, restore: () => restorers.forEach((r) => r()) };
}

/** Polls `probe` every 200 ms until it returns a value (not undefined), or fails after `timeoutMs`. */
export function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  return eventually<T>(
    async () => {
      const value = (await probe()) as T | undefined;
      return value === undefined ? { last: undefined } : { value };
    },
    timeoutMs,
    () => `waiting for ${what}`,
    200,
  );
}

/** A job record for tree and storage tests (never sent to a service). */
export function fakeJob(overrides: Partial<JobRecord>): JobRecord {
  return {
    backend: 'azure',
    endpoint: 'https://westeurope.api.cognitive.microsoft.com',
    id: '00000000-0000-4000-8000-000000000000',
    displayName: 'call.wav',
    locale: 'en-US',
    status: 'NotStarted',
    createdDateTime: new Date(Date.now() - 5 * 60_000).toISOString(),
    audioPaths: ['/calls/call.wav'],
    uploads: [],
    files: [],
    ...overrides,
  };
}

/** Stubs `showQuickPick`: `pick` chooses from the offered items (undefined: the user pressed Escape). */
export function stubQuickPick<T extends vscode.QuickPickItem>(pick: (items: readonly T[]) => T | undefined): () => void {
  const replacement = async (items: readonly T[] | Thenable<readonly T[]>) => pick(await items);
  return stub(vscode.window, 'showQuickPick', replacement as unknown as typeof vscode.window.showQuickPick);
}
