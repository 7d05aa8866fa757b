/**
 * `speechBatch.manageModels`: the local models (pocketsphinx and the files of the models folder, the default marked),
 * each with its size and languages; picking one offers to make it the default of local jobs, reveal its file, or
 * remove it (a downloaded file is deleted, a registered one only forgotten). Download Model… and Use Model File… are
 * at the end of the list.
 */
import * as vscode from 'vscode';
import { removeModel } from '../../core/models';
import { Commands } from '../commandIds';
import { UserFacingError } from '../errors';
import type { LocalModel } from '../localModels';
import { localModelSettings, updateLocalModel } from '../settings';
import type { CommandContext } from './context';

type Item = vscode.QuickPickItem & { model?: LocalModel; command?: string };

export async function manageModels(ctx: CommandContext): Promise<void> {
  const models = await ctx.models.installed();
  const automatic = !localModelSettings().model;
  const items: Item[] = [
    ...models.map((model) => ({
      label: model.name,
      description: [model.description, model.isDefault ? vscode.l10n.t('default') : undefined].filter(Boolean).join(' · '),
      detail: model.path ?? vscode.l10n.t('the built-in recogniser (US English)'),
      model,
    })),
    { label: '', kind: vscode.QuickPickItemKind.Separator },
    { label: vscode.l10n.t('Download Model…'), iconPath: new vscode.ThemeIcon('cloud-download'), command: Commands.downloadModel },
    { label: vscode.l10n.t('Use Model File…'), iconPath: new vscode.ThemeIcon('file-add'), command: Commands.useModelFile },
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Local Models ({0})', ctx.models.folder),
    placeHolder: automatic
      ? vscode.l10n.t('Local jobs use the most accurate model installed for their language. Pick a model to change that or remove it.')
      : vscode.l10n.t('Local jobs use {0}. Pick a model to make it the default or remove it.', localModelSettings().model),
    matchOnDescription: true,
  });
  if (!picked) return;
  if (picked.command) {
    await vscode.commands.executeCommand(picked.command);
    return;
  }
  if (picked.model) await modelActions(ctx, picked.model);
}

async function modelActions(ctx: CommandContext, model: LocalModel): Promise<void> {
  type Action = vscode.QuickPickItem & { run(): Thenable<unknown> };
  const actions: Action[] = [];
  if (!model.isDefault) {
    actions.push({ label: vscode.l10n.t('Use as Default'), detail: vscode.l10n.t('Local jobs run on it unless another model is picked'), run: () => useAsDefault(model.name) });
  } else {
    actions.push({
      label: vscode.l10n.t('Use the Best Installed Model'),
      detail: vscode.l10n.t('Local jobs run on the most accurate model installed for their language'),
      run: () => useAsDefault(''),
    });
  }
  if (model.path) {
    actions.push({ label: vscode.l10n.t('Reveal File'), run: () => vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(model.path!)) });
  }
  if (model.source !== 'builtIn') {
    actions.push({
      label: model.source === 'registered' ? vscode.l10n.t('Remove (Keep the File)') : vscode.l10n.t('Remove'),
      detail: model.source === 'registered' ? vscode.l10n.t('Forgets the file; it stays where it is') : vscode.l10n.t('Deletes the file from the models folder'),
      run: () => remove(ctx, model),
    });
  }
  const picked = await vscode.window.showQuickPick(actions, { title: model.displayName, placeHolder: model.description });
  await picked?.run();
}

async function remove(ctx: CommandContext, model: LocalModel): Promise<void> {
  const confirm = vscode.l10n.t('Remove');
  const answer = await vscode.window.showWarningMessage(
    model.source === 'registered'
      ? vscode.l10n.t('Remove the model {0}? Its file stays where it is.', model.name)
      : vscode.l10n.t('Remove the model {0}? Its file ({1}) is deleted.', model.name, model.description.split(' · ')[0] ?? ''),
    { modal: true, detail: model.path },
    confirm,
  );
  if (answer !== confirm) return;
  try {
    await removeModel(ctx.models.folder, model.name);
  } catch (err) {
    throw new UserFacingError(vscode.l10n.t('The model {0} could not be removed: {1}', model.name, (err as Error).message));
  }
  ctx.log.info(`Removed the model ${model.name} (${model.path}).`);
  if (model.isDefault) await updateLocalModel('');
  void vscode.window.showInformationMessage(
    model.isDefault
      ? vscode.l10n.t('Removed {0}. Local jobs now use the most accurate model installed for their language.', model.name)
      : vscode.l10n.t('Removed {0}.', model.name),
  );
}

async function useAsDefault(name: string): Promise<void> {
  await updateLocalModel(name);
  void vscode.window.showInformationMessage(
    name
      ? vscode.l10n.t('Local jobs now run on {0} unless you pick another model.', name)
      : vscode.l10n.t('Local jobs now run on the most accurate model installed for their language.'),
  );
}

/** Says `message` with a "Use as Default" button (unless `name` is the default already). */
export async function offerAsDefault(name: string, message: string): Promise<void> {
  if (localModelSettings().model.toLowerCase() === name.toLowerCase()) {
    void vscode.window.showInformationMessage(message);
    return;
  }
  const use = vscode.l10n.t('Use as Default');
  const answer = await vscode.window.showInformationMessage(message, use);
  if (answer === use) await useAsDefault(name);
}
