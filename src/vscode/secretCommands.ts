/** Set Speech Key, Set Storage Connection, Forget Stored Keys: secrets go only to SecretStorage. */
import * as vscode from 'vscode';
import { loadBlob } from './backends';
import type { Secrets } from './secrets';
import { azureSettings, backendSetting, SECTION } from './settings';

export async function setSpeechKey(secrets: Secrets): Promise<void> {
  const key = await vscode.window.showInputBox({
    title: vscode.l10n.t('Azure Speech Key'),
    prompt: vscode.l10n.t('Key 1 or Key 2 of your Speech resource (Azure portal › Keys and Endpoint). Stored in the OS keychain.'),
    password: true,
    ignoreFocusOut: true,
    validateInput: (v) => (/^\s*[\w-]{16,}\s*$/.test(v) ? undefined : vscode.l10n.t('A Speech key is at least 16 letters and digits.')),
  });
  if (key === undefined) return;
  await secrets.setSpeechKey(key.trim());
  const settings = azureSettings();
  if (!settings.region && !settings.endpoint) {
    const region = await vscode.window.showInputBox({
      title: vscode.l10n.t('Azure Speech Region'),
      prompt: vscode.l10n.t('Region of the Speech resource, e.g. westeurope (or set speechBatch.azure.endpoint instead).'),
      ignoreFocusOut: true,
      validateInput: (v) => (/^\s*[a-z0-9]+\s*$/i.test(v) ? undefined : vscode.l10n.t('A region name, e.g. westeurope.')),
    });
    if (region) await vscode.workspace.getConfiguration(SECTION).update('azure.region', region.trim().toLowerCase(), vscode.ConfigurationTarget.Global);
  }
  if (backendSetting() !== 'azure') {
    const use = vscode.l10n.t('Use Azure');
    const answer = await vscode.window.showInformationMessage(vscode.l10n.t('Speech key saved. Run new jobs on Azure AI Speech?'), use);
    if (answer === use) await vscode.workspace.getConfiguration(SECTION).update('backend', 'azure', vscode.ConfigurationTarget.Global);
  } else {
    void vscode.window.showInformationMessage(vscode.l10n.t('Speech key saved.'));
  }
}

export async function setStorageConnection(secrets: Secrets): Promise<void> {
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
  await secrets.setStorageConnection(value.trim());
  void vscode.window.showInformationMessage(vscode.l10n.t('Storage connection saved.'));
}

export async function clearSecrets(secrets: Secrets): Promise<void> {
  const forget = vscode.l10n.t('Forget');
  const answer = await vscode.window.showWarningMessage(
    vscode.l10n.t('Forget the stored Azure Speech key and storage connection?'),
    { modal: true },
    forget,
  );
  if (answer !== forget) return;
  await secrets.clearAzure();
  void vscode.window.showInformationMessage(vscode.l10n.t('The stored keys are forgotten.'));
}
