/**
 * Test helper: runs the Azurite blob service (the real Azure Storage emulator from node_modules) as a child process on
 * a free port with its own temp directory, with the well-known development account.
 *
 * ```ts
 * const azurite = await startAzurite();
 * const target = blobTarget(azurite.connectionString, 'calls');
 * // ...
 * await azurite.stop();
 * ```
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The development storage account every Azurite instance has (published in the Azurite documentation). */
export const DEV_ACCOUNT_NAME = 'devstoreaccount1';
export const DEV_ACCOUNT_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

const AZURITE_BLOB = path.join(path.dirname(require.resolve('azurite/package.json')), 'dist', 'src', 'blob', 'main.js');

export interface RunningAzurite {
  /** `http://127.0.0.1:<port>/devstoreaccount1` */
  readonly blobEndpoint: string;
  /** Account-key connection string for the blob endpoint. */
  readonly connectionString: string;
  readonly accountName: string;
  readonly accountKey: string;
  /** Stops Azurite, waits for it to exit and removes its data. Safe to call twice. */
  stop(): Promise<void>;
}

/** Starts Azurite's blob service and resolves once it listens. */
export async function startAzurite(): Promise<RunningAzurite> {
  const location = fs.mkdtempSync(path.join(os.tmpdir(), 'speech-batch-azurite-'));
  const child = spawn(
    process.execPath,
    [
      AZURITE_BLOB,
      ...['--blobHost', '127.0.0.1', '--blobPort', '0', '--location', location],
      ...['--skipApiVersionCheck', '--loose', '--disableTelemetry', '--silent'],
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    process.removeListener('exit', killOnExit);
    fs.rmSync(location, { recursive: true, force: true });
  };

  let output = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const address = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Azurite did not start within 30 s:\n${output}`)), 30_000);
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      const match = /listens on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`Azurite exited before listening:\n${output}`));
    });
  }).catch(async (err: unknown) => {
    await stop();
    throw err;
  });

  const blobEndpoint = `${address}/${DEV_ACCOUNT_NAME}`;
  return {
    blobEndpoint,
    connectionString:
      `DefaultEndpointsProtocol=http;AccountName=${DEV_ACCOUNT_NAME};AccountKey=${DEV_ACCOUNT_KEY};` +
      `BlobEndpoint=${blobEndpoint};`,
    accountName: DEV_ACCOUNT_NAME,
    accountKey: DEV_ACCOUNT_KEY,
    stop,
  };
}
