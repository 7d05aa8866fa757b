/**
 * `speech-batch models list|download <name>|add <file>|remove <name>`: the models of the local service. They live in
 * the models folder (`--models-dir`, else $SPEECH_BATCH_MODELS_DIR, else ~/.local/share/speech-batch/models), which
 * `speech-batch transcribe` hands to the local service it starts.
 */
import {
  catalogModel,
  DEFAULT_MODEL_BASE_URL,
  defaultModelsDir,
  languagesLabel as languages,
  modelSizeLabel as size,
  listInstalledModels,
  MODEL_CATALOG,
  modelUrl,
  otherWhisperModel,
  POCKETSPHINX_MODEL,
  registerModelFile,
  removeModel,
} from '../core/models';
import { DownloadError, installModel } from '../core/modelDownload';
import * as path from 'node:path';
import { parseCommandArgs, UsageError } from './args';

export const MODELS_USAGE = `Usage: speech-batch models list [--models-dir DIR]
       speech-batch models download <name>|ggml-<name>.bin [--base-url URL] [--models-dir DIR]
       speech-batch models add <file> [--name NAME] [--models-dir DIR]
       speech-batch models remove <name> [--models-dir DIR]
  The local service's models besides the built-in pocketsphinx: whisper.cpp and NVIDIA Parakeet model files.
  list        installed models and the catalogue (name, size, languages)
  download    fetch a catalogue model, or another of whisper.cpp's files by name (resumes an interrupted
              download; checks the published checksum, else records the SHA-256)
  add         use a model file you already have (it stays where it is; e.g. on machines without internet)
  remove      delete a downloaded model, or forget an added file
  --models-dir  the models folder (default $SPEECH_BATCH_MODELS_DIR, else ~/.local/share/speech-batch/models)
  --base-url    where the catalogue's files are (default $SPEECH_BATCH_MODEL_BASE_URL, else ${DEFAULT_MODEL_BASE_URL});
                a company mirror keeps the same paths below it
Exit codes: 0 done, 1 failed, 2 usage error.`;

/** `speech-batch models …`. Returns the exit code. */
export async function runModels(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    'models-dir': { type: 'string' },
    'base-url': { type: 'string' },
    name: { type: 'string' },
  });
  const [action, target, ...extra] = positionals;
  const dir = path.resolve(values['models-dir'] ?? defaultModelsDir());
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  switch (action) {
    case 'list':
      if (target) throw new UsageError(`unexpected argument "${target}"`);
      return list(dir);
    case 'download':
      if (!target) throw new UsageError(`name the model to download (${MODEL_CATALOG.map((m) => m.name).join(', ')})`);
      return download(dir, target, values['base-url'] ?? process.env.SPEECH_BATCH_MODEL_BASE_URL ?? DEFAULT_MODEL_BASE_URL);
    case 'add':
      if (!target) throw new UsageError('name the model file to add');
      return add(dir, target, values.name);
    case 'remove':
      if (!target) throw new UsageError('name the model to remove');
      if (!(await removeModel(dir, target))) {
        process.stderr.write(`speech-batch: no model "${target}" in ${dir}\n`);
        return 1;
      }
      process.stdout.write(`removed ${target}\n`);
      return 0;
    default:
      throw new UsageError(action ? `unknown models command "${action}" (use list, download, add or remove)` : 'use models list, download, add or remove');
  }
}

async function list(dir: string): Promise<number> {
  const installed = await listInstalledModels(dir);
  const rows: string[][] = [['NAME', 'STATUS', 'SIZE', 'LANGUAGES', 'WHERE']];
  rows.push([POCKETSPHINX_MODEL, 'built in', '-', 'en-US', 'apt package pocketsphinx-en-us']);
  for (const m of installed) rows.push([m.name, m.sizeBytes > 0 ? 'installed' : 'missing file', size(m.sizeBytes), languages(m.locales), m.path]);
  for (const m of MODEL_CATALOG) {
    if (installed.some((i) => i.name.toLowerCase() === m.name.toLowerCase())) continue;
    rows.push([m.name, 'available', `~${size(m.approxBytes)}`, languages(m.locales), `speech-batch models download ${m.name}`]);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  process.stdout.write(`${rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  ')).join('\n')}\nmodels folder: ${dir}\n`);
  return 0;
}

async function download(dir: string, name: string, baseUrl: string): Promise<number> {
  const model = catalogModel(name) ?? otherWhisperModel(name);
  if (!model) {
    throw new UsageError(
      `"${name}" is not in the catalogue (${MODEL_CATALOG.map((m) => m.name).join(', ')}) nor a whisper.cpp file name (ggml-<name>.bin); for a file you have, use: speech-batch models add <file>`,
    );
  }
  const abort = new AbortController();
  const onSignal = (): void => abort.abort(new Error('interrupted'));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let lastLine = 0;
  process.stderr.write(`downloading ${model.displayName}${model.approxBytes ? ` (~${size(model.approxBytes)})` : ''} from ${modelUrl(model, baseUrl)}\n`);
  try {
    const result = await installModel({
      model,
      modelsDir: dir,
      baseUrl,
      signal: abort.signal,
      onProgress: (p) => {
        if (Date.now() - lastLine < 1000) return;
        lastLine = Date.now();
        const total = p.totalBytes ? ` of ${size(p.totalBytes)} (${Math.floor((100 * p.receivedBytes) / p.totalBytes)} %)` : '';
        process.stderr.write(`  ${size(p.receivedBytes)}${total}, ${(p.bytesPerSecond / 1e6).toFixed(1)} MB/s\n`);
      },
    });
    process.stdout.write(
      `${model.name}: ${result.path} (${size(result.sizeBytes)}), ${result.verified ? `SHA-1 ${result.sha1} verified` : `no published checksum: SHA-256 ${result.sha256} recorded in ${result.recordedChecksumFile}`}\n`,
    );
    return 0;
  } catch (err) {
    if (err instanceof DownloadError) {
      process.stderr.write(`speech-batch: ${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

async function add(dir: string, file: string, name?: string): Promise<number> {
  const model = await registerModelFile(dir, file, name);
  process.stdout.write(`${model.name}: ${model.path} (${size(model.sizeBytes)}, ${model.kind}, ${languages(model.locales)}) added; use it with --model ${model.name}\n`);
  return 0;
}
