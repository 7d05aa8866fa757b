/** `speechBatch.setStorageConnection`: the Blob Storage connection string or container SAS URL into SecretStorage. */
import * as vscode from 'vscode';
import { loadBlob } from '../backends';
import { azureSettings } from '../settings';
import type { CommandContext } from './context';

export async function setStorageConnection(ctx: CommandContext): Promise<void> {
  const container = azureSettings().container;
  const { blobTarget } = await loadBlob();
  const value = await vscode.window.showInputBox({
    title: vscode.l10n.t('Azure Storage Connection'),
    prompt: vscode.l10n.t('A storage account connection string (audio goes to the container "{0}"), or a container SAS URL with read, create, write and delete rights. Stored in the OS keychain.', container),
    password: true,
    ignoreFocusOut: true,
    validateInput: (v) => {
      if (!v.trim()) return vscode.l10n.t('Paste a connection string or a container SAS URL.');
      try {
        blobTarget(v, container);
        return undefined;
      } catch (err) {
        return (err as Error).message;
      }
    },
  });
  if (value === undefined) return;
  await ctx.secrets.setStorageConnection(value.trim());
  void vscode.window.showInformationMessage(vscode.l10n.t('Storage connection saved.'));
}
