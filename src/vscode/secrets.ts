/** Keys and connection strings, kept only in VS Code's SecretStorage (never in settings, logs or messages). */
import { randomBytes } from 'node:crypto';
import type * as vscode from 'vscode';

const SPEECH_KEY = 'speechBatch.azure.speechKey';
const STORAGE_CONNECTION = 'speechBatch.azure.storageConnection';
const LOCAL_SERVICE_KEY = 'speechBatch.local.serviceKey';

/** Typed wrapper around SecretStorage for the extension's secrets. */
export class Secrets {
  constructor(private readonly storage: vscode.SecretStorage) {}

  /** Fires when a stored secret changes (also from another window). */
  get onDidChange(): vscode.Event<vscode.SecretStorageChangeEvent> {
    return this.storage.onDidChange;
  }

  speechKey(): Thenable<string | undefined> {
    return this.storage.get(SPEECH_KEY);
  }

  setSpeechKey(key: string): Thenable<void> {
    return this.storage.store(SPEECH_KEY, key);
  }

  /** A storage account connection string or a container SAS URL. */
  storageConnection(): Thenable<string | undefined> {
    return this.storage.get(STORAGE_CONNECTION);
  }

  setStorageConnection(value: string): Thenable<void> {
    return this.storage.store(STORAGE_CONNECTION, value);
  }

  /** The key the local service demands; generated on first use and kept. */
  async localServiceKey(): Promise<string> {
    const existing = await this.storage.get(LOCAL_SERVICE_KEY);
    if (existing) return existing;
    const key = randomBytes(24).toString('hex');
    await this.storage.store(LOCAL_SERVICE_KEY, key);
    return key;
  }

  /** Forgets the Azure secrets (the local service key is not a user secret and stays). */
  async clearAzure(): Promise<void> {
    await this.storage.delete(SPEECH_KEY);
    await this.storage.delete(STORAGE_CONNECTION);
  }

  /** Whether a change event concerns the Azure secrets. */
  static isAzureKey(key: string): boolean {
    return key === SPEECH_KEY || key === STORAGE_CONNECTION;
  }
}
