/** Keys and connection strings, kept only in VS Code's SecretStorage (never in settings, logs or messages). */
import { randomBytes } from 'node:crypto';
import type * as vscode from 'vscode';
import { SecretKeys } from './storageKeys';

/** Typed wrapper around SecretStorage for the extension's secrets. */
export class Secrets {
  constructor(private readonly storage: vscode.SecretStorage) {}

  /** Fires when a stored secret changes (also from another window). */
  get onDidChange(): vscode.Event<vscode.SecretStorageChangeEvent> {
    return this.storage.onDidChange;
  }

  speechKey(): Thenable<string | undefined> {
    return this.storage.get(SecretKeys.speechKey);
  }

  setSpeechKey(key: string): Thenable<void> {
    return this.storage.store(SecretKeys.speechKey, key);
  }

  /** A storage account connection string or a container SAS URL. */
  storageConnection(): Thenable<string | undefined> {
    return this.storage.get(SecretKeys.storageConnection);
  }

  setStorageConnection(value: string): Thenable<void> {
    return this.storage.store(SecretKeys.storageConnection, value);
  }

  /** The key the local service demands; generated on first use and kept. */
  async localServiceKey(): Promise<string> {
    const existing = await this.storage.get(SecretKeys.localServiceKey);
    if (existing) return existing;
    const key = randomBytes(24).toString('hex');
    await this.storage.store(SecretKeys.localServiceKey, key);
    return key;
  }

  /** Forgets the Azure secrets (the local service key is not a user secret and stays). */
  async clearAzure(): Promise<void> {
    await this.storage.delete(SecretKeys.speechKey);
    await this.storage.delete(SecretKeys.storageConnection);
  }

  /** Whether a change event concerns the Azure secrets. */
  static isAzureKey(key: string): boolean {
    return key === SecretKeys.speechKey || key === SecretKeys.storageConnection;
  }
}
