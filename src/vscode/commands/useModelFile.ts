/**
 * `speechBatch.useModelFile`: registers a whisper.cpp or Parakeet model file the user already has (machines without
 * internet): it is checked to be a complete ggml model first, and stays where it is. The CLI's `models add` does the
 * same, in the same models folder.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { languagesLabel, ModelFileError, modelSizeLabel, registerModelFile } from '../../core/models';
import { UserFacingError } from '../errors';
import type { CommandContext } from './context';
import { offerAsDefault } from './manageModels';

export async function useModelFile(ctx: CommandContext): Promise<void> {
  const files = await vscode.window.showOpenDialog({
    canSelectFiles: true,
    canSelectFolders: false,
    canSelectMany: false,
    openLabel: vscode.l10n.t('Use Model'),
    title: vscode.l10n.t('Use Model File'),
    filters: { [vscode.l10n.t('whisper.cpp and Parakeet models')]: ['bin', 'gguf'], [vscode.l10n.t('All files')]: ['*'] },
  });
  const file = files?.[0];
  if (!file) return;
  let model;
  try {
    model = await registerModelFile(ctx.models.folder, file.fsPath);
  } catch (err) {
    if (err instanceof ModelFileError) {
      throw new UserFacingError(vscode.l10n.t('{0} cannot be used as a model: {1}', path.basename(file.fsPath), err.message));
    }
    throw err;
  }
  ctx.log.info(`Registered the model ${model.name}: ${model.path}`);
  await offerAsDefault(
    model.name,
    vscode.l10n.t(
      'The model {0} is ready ({1}, {2}, {3}); the file stays where it is.',
      model.name,
      modelSizeLabel(model.sizeBytes),
      model.kind === 'parakeet' ? 'Parakeet' : 'whisper.cpp',
      languagesLabel(model.locales),
    ),
  );
}
