/** `speechBatch.setSpeechKey`: the Azure Speech key into SecretStorage (never settings); asks for the region if none is set. */
import * as vscode from 'vscode';
import { azureSettings, backendSetting, updateAzureRegion, updateBackendSetting } from '../settings';
import type { CommandContext } from './context';

export async function setSpeechKey(ctx: CommandContext): Promise<void> {
  const key = await vscode.window.showInputBox({
    title: vscode.l10n.t('Azure Speech Key'),
    prompt: vscode.l10n.t('Key 1 or Key 2 of your Speech resource (Azure portal › Keys and Endpoint). Stored in the OS keychain.'),
    password: true,
    ignoreFocusOut: true,
    validateInput: (v) => (/^\s*[\w-]{16,}\s*$/.test(v) ? undefined : vscode.l10n.t('A Speech key is at least 16 letters and digits.')),
  });
  if (key === undefined) return;
  await ctx.secrets.setSpeechKey(key.trim());
  const settings = azureSettings();
  if (!settings.region && !settings.endpoint) {
    const region = await vscode.window.showInputBox({
      title: vscode.l10n.t('Azure Speech Region'),
      prompt: vscode.l10n.t('Region of the Speech resource, e.g. westeurope (or set speechBatch.azure.endpoint instead).'),
      ignoreFocusOut: true,
      validateInput: (v) => (/^\s*[a-z0-9]+\s*$/i.test(v) ? undefined : vscode.l10n.t('A region name, e.g. westeurope.')),
    });
    if (region) await updateAzureRegion(region.trim().toLowerCase());
  }
  if (backendSetting() !== 'azure') {
    const use = vscode.l10n.t('Use Azure');
    const answer = await vscode.window.showInformationMessage(vscode.l10n.t('Speech key saved. Run new jobs on Azure AI Speech?'), use);
    if (answer === use) await updateBackendSetting('azure');
  } else {
    void vscode.window.showInformationMessage(vscode.l10n.t('Speech key saved.'));
  }
}
