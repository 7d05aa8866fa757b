/** `speechBatch.transcribeWithOptions`: like transcribe, with the defaults adjusted in a quick pick first. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { pickJobOptions } from '../jobOptionsPicker';
import { backendSetting, jobDefaults, localModelSettings } from '../settings';
import { audioOf, type CommandTarget } from './args';
import type { CommandContext } from './context';
import { folderName, startTranscription } from './transcribe';

export async function transcribeWithOptions(ctx: CommandContext, target: CommandTarget): Promise<void> {
  const files = await audioOf(target);
  if (!files) return;
  const summary = files.length === 1 ? path.basename(files[0]) : vscode.l10n.t('{0} files', files.length);
  const backend = backendSetting();
  const options = await pickJobOptions(jobDefaults(), summary, {
    backend,
    locales: () => ctx.locales(backend),
    models: (locale) => ctx.baseModels(backend, locale),
    defaultModel: backend === 'local' ? localModelSettings().model || undefined : undefined,
  });
  if (options) await startTranscription(ctx, files, options, await folderName(target));
}
