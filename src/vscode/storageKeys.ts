/**
 * Every key the extension stores data under, in one place (settings are package.json's `contributes.configuration`,
 * read through settings.ts). Changing a key loses what users stored under it: migrate instead (see partyNames.ts).
 */

/** globalState keys (shared by all windows). */
export const StateKeys = {
  /** The jobs this VS Code knows (jobStore.ts). */
  jobs: 'speechBatch.jobs',
  /** Prefix of the party names renamed in one transcript: `<prefix><transcript key>` (partyNames.ts). */
  transcriptPartyNamesPrefix: 'speechBatch.transcriptPartyNames:',
  /**
   * The former prefix of the renamed party names, which read like the `speechBatch.partyNames` setting. Values under
   * it are moved to {@link StateKeys.transcriptPartyNamesPrefix} on activation.
   */
  legacyPartyNamesPrefix: 'speechBatch.partyNames:',
} as const;

/** SecretStorage keys (secrets.ts). */
export const SecretKeys = {
  speechKey: 'speechBatch.azure.speechKey',
  storageConnection: 'speechBatch.azure.storageConnection',
  localServiceKey: 'speechBatch.local.serviceKey',
} as const;
