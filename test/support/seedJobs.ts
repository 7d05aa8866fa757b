/**
 * Finished jobs put into a code-server before the workbench opens, for flows and benchmarks that need transcripts
 * too long to transcribe under test (a 3-hour call): their result files go where the extension keeps fetched results
 * (global storage `results/<job>/<file>`, read by TranscriptService as if fetched once), and a tiny companion
 * extension, installed in code-server's extensions folder (a second development path would hide Speech Batch in
 * code-server 4.100), adds the job records through the extension's test API once it is active.
 * Everything after that — the jobs view, Open Transcript, the panel, the player — is the product's own code.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { JobRecord } from '../../src/vscode/jobRecord';

/** The extension's id (publisher.name), which names its global storage folder. */
const EXTENSION_ID = 'speech-batch.speech-batch';

/** A transcribed call to seed: its audio on disk and its result file (Azure result JSON). */
export interface SeedCall {
  /** Job id (also the job's folder in the results cache). */
  jobId: string;
  audioPath: string;
  result: unknown;
}

/** The job record of a seeded call: a local job that succeeded with one result file linked to its audio. */
export function seedJob(call: SeedCall): JobRecord {
  const name = 'contenturl_0.json';
  const durationMs = Number((call.result as { durationMilliseconds?: number }).durationMilliseconds) || undefined;
  return {
    backend: 'local',
    endpoint: 'local',
    id: call.jobId,
    displayName: path.basename(call.audioPath),
    locale: 'en-US',
    status: 'Succeeded',
    createdDateTime: new Date().toISOString(),
    lastActionDateTime: new Date().toISOString(),
    audioPaths: [call.audioPath],
    uploads: [],
    files: [{ name, state: 'transcription', audioPath: call.audioPath, audioName: path.basename(call.audioPath), ...(durationMs ? { durationMs } : {}) }],
  };
}

/**
 * Writes the result files into the code-server's user data (`userDataDir`) and the companion extension into its
 * extensions folder (`extensionsDir`), before the workbench opens.
 */
export function seedCalls(userDataDir: string, extensionsDir: string, calls: SeedCall[]): void {
  for (const call of calls) {
    const folder = path.join(userDataDir, 'User', 'globalStorage', EXTENSION_ID, 'results', encodeURIComponent(call.jobId));
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(path.join(folder, 'contenturl_0.json'), JSON.stringify(call.result));
  }
  const extension = path.join(extensionsDir, 'speech-batch-tests.speech-batch-seed-0.0.1');
  fs.mkdirSync(extension, { recursive: true });
  fs.writeFileSync(
    path.join(extension, 'package.json'),
    JSON.stringify({
      name: 'speech-batch-seed',
      publisher: 'speech-batch-tests',
      version: '0.0.1',
      engines: { vscode: '^1.100.0' },
      activationEvents: ['onStartupFinished'],
      main: './extension.js',
    }),
  );
  fs.writeFileSync(path.join(extension, 'jobs.json'), JSON.stringify(calls.map(seedJob)));
  fs.writeFileSync(
    path.join(extension, 'extension.js'),
    `const vscode = require('vscode');
const jobs = require('./jobs.json');
exports.activate = async () => {
  const extension = vscode.extensions.getExtension(${JSON.stringify(EXTENSION_ID)});
  if (!extension) throw new Error('Speech Batch is not loaded');
  const api = await extension.activate();
  for (const job of jobs) if (!api.store.byId(job.id)) await api.store.put(job);
};
`,
  );
}
