/**
 * Registers every command: the handler of `speechBatch.<name>` is `<name>` in `commands/<name>.ts`, called with the
 * command context and its arguments parsed by `args.ts`. Failures are logged and shown (errors.ts `reportErrors`).
 */
import * as vscode from 'vscode';
import { Commands, type CommandName } from '../commandIds';
import { reportErrors } from '../errors';
import { parseCommandArgs } from './args';
import { clearSecrets } from './clearSecrets';
import type { CommandContext, CommandHandler } from './context';
import { copyTranscript } from './copyTranscript';
import { cancelJob } from './cancelJob';
import { deleteJob } from './deleteJob';
import { downloadModel } from './downloadModel';
import { exportTranscript } from './export';
import { exportAll } from './exportAll';
import { listRemoteJobs } from './listRemoteJobs';
import { manageModels } from './manageModels';
import { openAsText } from './openAsText';
import { openBatchSummary } from './openBatchSummary';
import { openResultJson } from './openResultJson';
import { openTranscript } from './openTranscript';
import { refresh } from './refresh';
import { retryFailed } from './retryFailed';
import { revealAudio } from './revealAudio';
import { setSpeechKey } from './setSpeechKey';
import { setStorageConnection } from './setStorageConnection';
import { showFailed } from './showFailed';
import { showLog } from './showLog';
import { transcribe } from './transcribe';
import { transcribeWithOptions } from './transcribeWithOptions';
import { useModelFile } from './useModelFile';

const HANDLERS: Record<CommandName, CommandHandler> = {
  transcribe,
  transcribeWithOptions,
  openTranscript,
  openAsText,
  openResultJson,
  export: exportTranscript,
  exportAll,
  openBatchSummary,
  copyTranscript,
  deleteJob,
  cancelJob,
  retryFailed,
  showFailed,
  revealAudio,
  refresh,
  listRemoteJobs,
  setSpeechKey,
  setStorageConnection,
  clearSecrets,
  showLog,
  downloadModel,
  useModelFile,
  manageModels,
};

/** Registers all commands; dispose the result to unregister them. */
export function registerCommands(ctx: CommandContext): vscode.Disposable {
  return vscode.Disposable.from(
    ...(Object.keys(Commands) as CommandName[]).map((name) => {
      const id = Commands[name];
      const handler = HANDLERS[name];
      return vscode.commands.registerCommand(
        id,
        reportErrors(ctx.log, id, (...args: unknown[]) => handler(ctx, parseCommandArgs(args))),
      );
    }),
  );
}
