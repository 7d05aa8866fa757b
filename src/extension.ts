import * as vscode from 'vscode';

export function activate(_context: vscode.ExtensionContext): void {
  // Wired up by the VS Code layer (src/vscode/).
}

export function deactivate(): void {}
