/**
 * Entry point of the local batch transcription service (its own process):
 *   node dist/local-service.js --port <p> --data <dir> --key <key> [--max-input-mb <n>] [--ttl-check-seconds <n>]
 *                              [--allow-path <dir-or-file>]... [--exit-with-parent] [--max-audio-minutes <n>]
 *                              [--download-connect-timeout-seconds <n>] [--download-idle-timeout-seconds <n>]
 *                              [--models-dir <dir>] [--default-model <name>]
 * Port 0 picks a free port. Binds 127.0.0.1 only. Prints exactly one line, `listening on http://127.0.0.1:<port>`,
 * on stdout when ready; logs go to stderr. The key may come from SPEECH_BATCH_SERVICE_KEY instead of --key (so it
 * does not show in the process list). SIGTERM/SIGINT stop it cleanly; unfinished jobs resume at the next start.
 * See USAGE for the options.
 */
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { AllowedPaths } from './allowedPaths';
import { DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_IDLE_TIMEOUT_MS, DEFAULT_MAX_INPUT_BYTES, Downloader } from './inputs';
import * as path from 'node:path';
import { PocketsphinxEngine } from './engine/pocketsphinx';
import { JobRunner } from './jobRunner';
import { ModelRegistry } from './modelRegistry';
import { DEFAULT_MAX_AUDIO_MINUTES, Recognizer } from './recognizer';
import { FastTranscriber } from './transcribe';
import { createServer } from './server';
import { ServiceJobStore } from './serviceJobStore';

const USAGE = `usage: local-service --port <port> --data <dir> --key <key> [options]
  --port <port>              port on 127.0.0.1 (0 picks a free one)
  --data <dir>               jobs and results (created 0700, files 0600)
  --key <key>                key every API request must carry (or SPEECH_BATCH_SERVICE_KEY)
  --max-input-mb <n>         largest input file, MiB (default ${DEFAULT_MAX_INPUT_BYTES / 1024 ** 2})
  --max-audio-minutes <n>    longest audio per file, read from its header before decoding; longer files fail
                             (default ${DEFAULT_MAX_AUDIO_MINUTES}, Azure's limit)
  --download-connect-timeout-seconds <n>
                             an http(s) input that cannot connect this long fails (default ${DEFAULT_CONNECT_TIMEOUT_MS / 1000})
  --download-idle-timeout-seconds <n>
                             an http(s) input with no answer, or no data mid-body, this long fails (default ${DEFAULT_IDLE_TIMEOUT_MS / 1000})
  --ttl-check-seconds <n>    how often finished jobs past their time to live are deleted (default 600)
  --allow-path <path>        a folder or file file:// inputs may come from (repeatable; absolute; none: no file://
                             input is read); more at runtime with POST /speechbatch/allowed-paths {"paths": [...]}
                             (same key header; 204, 400 for a relative path)
  --exit-with-parent         shut down (as on SIGTERM) when stdin ends: the parent keeps a pipe open to it
  --models-dir <dir>         whisper.cpp / Parakeet model files, and files registered by path (default <data>/models);
                             listed as base models (GET /speechtotext/models/base), picked by a job's "model"
  --default-model <name>     the model of jobs without "model" (default: the best installed for the job's locale)`;

function log(message: string): void {
  process.stderr.write(`[${new Date().toISOString()}] ${message}\n`);
}

function fail(message: string): never {
  process.stderr.write(`local service: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function wholeNumber(value: string | undefined, name: string, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) fail(`--${name} must be a whole number (got "${value}")`);
  if (Number(value) < min) fail(`--${name} must be at least ${min} (got ${value})`);
  return Number(value);
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        data: { type: 'string' },
        key: { type: 'string' },
        'max-input-mb': { type: 'string' },
        'ttl-check-seconds': { type: 'string' },
        'allow-path': { type: 'string', multiple: true },
        'exit-with-parent': { type: 'boolean' },
        'max-audio-minutes': { type: 'string' },
        'download-connect-timeout-seconds': { type: 'string' },
        'download-idle-timeout-seconds': { type: 'string' },
        'models-dir': { type: 'string' },
        'default-model': { type: 'string' },
      },
      strict: true,
    }));
  } catch (err) {
    fail((err as Error).message);
  }
  const port = wholeNumber(values.port, 'port', -1);
  if (port < 0 || port > 65535) fail('--port is required (0 picks a free port)');
  if (!values.data) fail('--data <dir> is required');
  const key = values.key ?? process.env.SPEECH_BATCH_SERVICE_KEY;
  if (!key) fail('--key (or SPEECH_BATCH_SERVICE_KEY) is required');
  const maxInputBytes = wholeNumber(values['max-input-mb'], 'max-input-mb', DEFAULT_MAX_INPUT_BYTES / 1024 ** 2, 1) * 1024 ** 2;
  const ttlCheckMs = wholeNumber(values['ttl-check-seconds'], 'ttl-check-seconds', 600, 1) * 1000;
  let allowedPaths: AllowedPaths;
  try {
    allowedPaths = new AllowedPaths(values['allow-path'] ?? []);
  } catch (err) {
    fail(`--allow-path: ${(err as Error).message}`);
  }
  const maxAudioMinutes = wholeNumber(values['max-audio-minutes'], 'max-audio-minutes', DEFAULT_MAX_AUDIO_MINUTES, 1);
  const downloader = new Downloader({
    connectTimeoutMs: wholeNumber(values['download-connect-timeout-seconds'], 'download-connect-timeout-seconds', DEFAULT_CONNECT_TIMEOUT_MS / 1000, 1) * 1000,
    idleTimeoutMs: wholeNumber(values['download-idle-timeout-seconds'], 'download-idle-timeout-seconds', DEFAULT_IDLE_TIMEOUT_MS / 1000, 1) * 1000,
  });

  // Transcripts are personal data: nothing the service writes (records, results, scratch audio) is for other users.
  process.umask(0o077);
  const store = await ServiceJobStore.open(values.data, log);
  // Engine scratch files go to the store's tmp dir, which is emptied at every start (nothing left after a SIGKILL).
  const pocketsphinx = new PocketsphinxEngine({ tempDir: store.tempDir });
  const models = new ModelRegistry({
    modelsDir: path.resolve(values['models-dir'] ?? path.join(store.dataDir, 'models')),
    defaultModel: values['default-model'],
    pocketsphinx,
    log,
  });
  await models.refresh();
  const recognizer = new Recognizer({
    engine: pocketsphinx,
    engineFor: (model, locale) => models.engineFor(models.choose(model, locale)),
    maxAudioMinutes,
  });
  recognizer.check().catch((err: Error) => log(`warning: jobs will fail until this is fixed: ${err.message}`));
  const runner = new JobRunner({ store, recognizer, log, maxInputBytes, allowedPaths, downloader });
  await runner.sweepExpired();
  await runner.resume();
  // Results of older versions may still name inputs with their SAS signature (once per data folder, in the background).
  store.redactStoredSources().then(
    (count) => count > 0 && log(`removed SAS signatures from the sources named in ${count} stored result file(s)`),
    (err: Error) => log(`could not remove SAS signatures from stored results: ${err.message}`),
  );
  const sweep = setInterval(() => void runner.sweepExpired().catch((err: Error) => log(`TTL check failed: ${err.message}`)), ttlCheckMs);

  const fast = new FastTranscriber({ recognizer, tempDir: store.tempDir, models, log });
  const server = createServer({ store, runner, key, locales: recognizer.locales, models, allowedPaths, fast, log });
  server.listen(port, '127.0.0.1', () => {
    const { port: actual } = server.address() as AddressInfo;
    process.stdout.write(`listening on http://127.0.0.1:${actual}\n`);
    log(`data in ${store.dataDir}; models in ${models.modelsDir}: ${models.list().map((m) => m.name).join(', ')}`);
  });
  server.on('error', (err) => {
    log(`cannot listen on port ${port}: ${err.message}`);
    process.exit(1);
  });

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: shutting down`);
    clearInterval(sweep);
    server.close();
    server.closeAllConnections();
    await runner.close();
    await recognizer.close();
    await models.close();
    await store.flush();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  if (values['exit-with-parent']) {
    // The parent holds the other end of stdin: it ends however the parent ends, SIGKILL included.
    process.stdin.on('end', () => void stop('stdin closed (parent gone)'));
    process.stdin.on('error', () => void stop('stdin failed (parent gone)'));
    process.stdin.on('close', () => void stop('stdin closed (parent gone)'));
    process.stdin.resume();
  }
}

// A parent that went away takes the read ends of stdout/stderr with it: a log line must not kill the service (EPIPE)
// before it has stopped its jobs and engines.
process.stdout.on('error', () => {});
process.stderr.on('error', () => {});

main().catch((err: Error) => {
  log(`local service failed: ${err.stack ?? err.message}`);
  process.exit(1);
});
