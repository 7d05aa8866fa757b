/** Helpers of the extension-host tests: the activated extension's test API, UI stubs and prompt answers, waiting. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/vscode/api';
import type { JobRecord } from '../../src/vscode/jobRecord';
import { eventually } from '../support/timeouts';

/** `<publisher>.<name>` of package.json. */
export const EXTENSION_ID = 'speech-batch.speech-batch';

/** The extension under test, as this extension host loaded it. */
export function extension(): vscode.Extension<ExtensionApi> {
  const ext = vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not loaded in this extension host`);
  return ext;
}

/** Activates the extension and returns its (test-only) API. */
export async function activateExtension(): Promise<ExtensionApi> {
  return extension().activate();
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

/** Polls `condition` until it holds, or fails after `timeoutMs`. */
export async function until(what: string, condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  await waitFor(what, () => (condition() ? true : undefined), timeoutMs);
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

/** The answer to one input box: the text typed, undefined for Escape, or a function of the box's options. */
export type InputBoxAnswer = string | undefined | ((options: vscode.InputBoxOptions) => string | undefined);

/**
 * The answer to one quick pick: the item whose label ends with this text, undefined for Escape, or a function that
 * picks from the offered items (undefined: Escape).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the items' type is the command's
export type QuickPickAnswer = string | undefined | ((items: readonly any[]) => vscode.QuickPickItem | undefined);

/** What the user does at the prompts of one step of a test, in the order the prompts come. */
export interface Inputs {
  inputBoxes?: InputBoxAnswer[];
  quickPicks?: QuickPickAnswer[];
  /** The file chosen in each save dialog (undefined: cancelled). */
  saveDialogs?: (vscode.Uri | undefined)[];
  /** The files or folders chosen in each open dialog (undefined: cancelled). */
  openDialogs?: (vscode.Uri[] | undefined)[];
  /** Answers messages (notifications and modal ones) by their text; without it they are dismissed. */
  messages?: (message: string) => string | undefined;
}

/** What the prompts asked and the messages said while {@link withInputs} ran. */
export interface Seen {
  inputBoxes: vscode.InputBoxOptions[];
  quickPicks: (readonly vscode.QuickPickItem[])[];
  messages: string[];
}

/** The prompts that wait for the user and so hang an extension-host test that does not answer them. */
const PROMPTS = ['showInputBox', 'showQuickPick', 'showOpenDialog', 'showSaveDialog'] as const;
type PromptName = (typeof PROMPTS)[number];

function describePrompt(name: PromptName, args: unknown[]): string {
  const options = (name === 'showQuickPick' ? args[1] : args[0]) as { title?: string; prompt?: string; placeHolder?: string } | undefined;
  const what = options?.title ?? options?.prompt ?? options?.placeHolder;
  return `${name}${what ? ` "${what}"` : ''}`;
}

/**
 * Replaces every prompt with one that fails at once (the command sees an error instead of waiting for a user who is
 * not there). Installed around every test by the runner (index.ts); {@link withInputs} answers the expected ones.
 * `check()` restores the real prompts and throws when an unexpected prompt came up.
 */
export function guardPrompts(): { check(): void } {
  const unexpected: string[] = [];
  const restorers = PROMPTS.map((name) =>
    stub(vscode.window, name, ((...args: unknown[]) => {
      const what = describePrompt(name, args);
      unexpected.push(what);
      return Promise.reject(new Error(`Unexpected prompt ${what}: answer it with withInputs() in the test.`));
    }) as never),
  );
  return {
    check() {
      restorers.forEach((restore) => restore());
      if (unexpected.length > 0) throw new Error(`The test left prompts unanswered (use withInputs): ${unexpected.join(', ')}`);
    },
  };
}

/**
 * Runs `fn` (usually a command) answering its prompts from `inputs`, in order, and returns what they showed. Fails
 * when a prompt comes that `inputs` has no answer for, or when answers are left over.
 */
export async function withInputs(inputs: Inputs, fn: () => unknown): Promise<Seen> {
  const seen: Seen = { inputBoxes: [], quickPicks: [], messages: [] };
  const inputBoxes = [...(inputs.inputBoxes ?? [])];
  const quickPicks = [...(inputs.quickPicks ?? [])];
  const saveDialogs = [...(inputs.saveDialogs ?? [])];
  const openDialogs = [...(inputs.openDialogs ?? [])];
  const unexpected: string[] = [];
  const none = (name: PromptName, args: unknown[]) => {
    const what = describePrompt(name, args);
    unexpected.push(what);
    return Promise.reject(new Error(`Unexpected prompt ${what}: withInputs() has no answer left for it.`));
  };
  const reply = async (message: string) => {
    seen.messages.push(message);
    return inputs.messages?.(message);
  };
  const restorers = [
    stub(vscode.window, 'showInputBox', (async (options: vscode.InputBoxOptions = {}) => {
      if (inputBoxes.length === 0) return none('showInputBox', [options]);
      seen.inputBoxes.push(options);
      const answer = inputBoxes.shift();
      return typeof answer === 'function' ? answer(options) : answer;
    }) as typeof vscode.window.showInputBox),
    stub(vscode.window, 'showQuickPick', (async (items: readonly vscode.QuickPickItem[] | Thenable<readonly vscode.QuickPickItem[]>, options?: vscode.QuickPickOptions) => {
      if (quickPicks.length === 0) return none('showQuickPick', [items, options]);
      const offered = await items;
      seen.quickPicks.push(offered);
      const answer = quickPicks.shift();
      if (typeof answer === 'function') return answer(offered);
      return answer === undefined ? undefined : offered.find((item) => (typeof item === 'string' ? item : item.label).endsWith(answer));
    }) as unknown as typeof vscode.window.showQuickPick),
    stub(vscode.window, 'showSaveDialog', (async (options?: vscode.SaveDialogOptions) =>
      saveDialogs.length === 0 ? none('showSaveDialog', [options]) : saveDialogs.shift()) as typeof vscode.window.showSaveDialog),
    stub(vscode.window, 'showOpenDialog', (async (options?: vscode.OpenDialogOptions) =>
      openDialogs.length === 0 ? none('showOpenDialog', [options]) : openDialogs.shift()) as typeof vscode.window.showOpenDialog),
    stub(vscode.window, 'showInformationMessage', reply as typeof vscode.window.showInformationMessage),
    stub(vscode.window, 'showWarningMessage', reply as typeof vscode.window.showWarningMessage),
    stub(vscode.window, 'showErrorMessage', reply as typeof vscode.window.showErrorMessage),
  ];
  try {
    await fn();
  } finally {
    restorers.forEach((restore) => restore());
  }
  if (unexpected.length > 0) throw new Error(`Unexpected prompts: ${unexpected.join(', ')}`);
  const left = inputBoxes.length + quickPicks.length + saveDialogs.length + openDialogs.length;
  if (left > 0) {
    throw new Error(
      `${left} answer(s) were not asked for (input boxes ${inputBoxes.length}, quick picks ${quickPicks.length}, save dialogs ${saveDialogs.length}, open dialogs ${openDialogs.length})`,
    );
  }
  return seen;
}
