/** How command failures reach the user: readable messages, optional follow-up buttons, details in the log. */
import * as vscode from 'vscode';
import { SpeechApiError } from '../core/client';
import { redactUrlsIn } from '../core/redact';

/** A button under an error message. */
export interface ErrorAction {
  title: string;
  run(): unknown;
}

/** A button that runs a command. */
export function commandAction(title: string, command: string, ...args: unknown[]): ErrorAction {
  return { title, run: () => vscode.commands.executeCommand(command, ...args) };
}

/** An error whose message is written for users (no stack trace shown), with optional follow-up commands. */
export class UserFacingError extends Error {
  override name = 'UserFacingError';
  constructor(
    message: string,
    readonly actions: readonly ErrorAction[] = [],
  ) {
    super(message);
  }
}

/** Thrown (or recognised) when the user dismissed a prompt: nothing to report. */
export function isCancellation(err: unknown): boolean {
  return err instanceof vscode.CancellationError || (err instanceof Error && err.name === 'AbortError');
}

/** The message of any error, for users, with URLs redacted. */
export function userMessage(err: unknown): string {
  const message =
    err instanceof SpeechApiError && (err.status === 401 || err.status === 403)
      ? vscode.l10n.t('The Speech service refused the key ({0}). Check the Speech key and the region or endpoint.', err.message)
      : err instanceof Error
        ? err.message
        : String(err);
  return redactUrlsIn(message);
}

/**
 * Wraps a command handler: failures are logged and shown as an error message (with the error's actions as
 * buttons); cancellations are silent. The extension keeps working whatever the handler throws.
 */
export function reportErrors<A extends unknown[]>(
  log: vscode.LogOutputChannel,
  what: string,
  handler: (...args: A) => unknown,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await handler(...args);
    } catch (err) {
      await showError(log, what, err);
    }
  };
}

/** Logs an error and shows it to the user (unless it is a cancellation). */
export async function showError(log: vscode.LogOutputChannel, what: string, err: unknown): Promise<void> {
  if (isCancellation(err)) return;
  const message = userMessage(err);
  log.error(`${what}: ${message}`);
  if (!(err instanceof UserFacingError) && !(err instanceof SpeechApiError) && err instanceof Error && err.stack) {
    log.debug(redactUrlsIn(err.stack));
  }
  const actions = err instanceof UserFacingError ? err.actions : [];
  const showLog = vscode.l10n.t('Show Log');
  const choice = await vscode.window.showErrorMessage(message, ...actions.map((a) => a.title), showLog);
  if (choice === showLog) log.show(true);
  const action = actions.find((a) => a.title === choice);
  if (action) await action.run();
}
