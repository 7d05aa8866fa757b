/**
 * Every command the extension contributes, by the name of its handler: `Commands.openResultJson` is
 * `speechBatch.openResultJson`, handled by `openResultJson` in `commands/openResultJson.ts`. A unit test keeps this
 * list equal to package.json's `contributes.commands` and checks that each command has its file.
 */
export const Commands = {
  transcribe: 'speechBatch.transcribe',
  transcribeWithOptions: 'speechBatch.transcribeWithOptions',
  openTranscript: 'speechBatch.openTranscript',
  openAsText: 'speechBatch.openAsText',
  openResultJson: 'speechBatch.openResultJson',
  export: 'speechBatch.export',
  exportAll: 'speechBatch.exportAll',
  openBatchSummary: 'speechBatch.openBatchSummary',
  copyTranscript: 'speechBatch.copyTranscript',
  deleteJob: 'speechBatch.deleteJob',
  cancelJob: 'speechBatch.cancelJob',
  retryFailed: 'speechBatch.retryFailed',
  showFailed: 'speechBatch.showFailed',
  revealAudio: 'speechBatch.revealAudio',
  refresh: 'speechBatch.refresh',
  listRemoteJobs: 'speechBatch.listRemoteJobs',
  setSpeechKey: 'speechBatch.setSpeechKey',
  setStorageConnection: 'speechBatch.setStorageConnection',
  clearSecrets: 'speechBatch.clearSecrets',
  showLog: 'speechBatch.showLog',
  downloadModel: 'speechBatch.downloadModel',
  useModelFile: 'speechBatch.useModelFile',
  manageModels: 'speechBatch.manageModels',
} as const;

export type CommandName = keyof typeof Commands;
export type CommandId = (typeof Commands)[CommandName];
