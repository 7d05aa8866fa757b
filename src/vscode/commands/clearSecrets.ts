/** `speechBatch.clearSecrets`: forgets the stored Azure Speech key and storage connection (after confirmation). */
import * as vscode from 'vscode';
import type { CommandContext } from './context';

export async function clearSecrets(ctx: CommandContext): Promise<void> {
  const forget = vscode.l10n.t('Forget');
  const answer = await vscode.window.showWarningMessage(
    vscode.l10n.t('Forget the stored Azure Speech key and storage connection?'),
    { modal: true },
    forget,
  );
  if (answer !== forget) return;
  await ctx.secrets.clearAzure();
  void vscode.window.showInformationMessage(vscode.l10n.t('The stored keys are forgotten.'));
}
