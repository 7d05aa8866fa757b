/**
 * Speech models of the local service besides the built-in pocketsphinx: the catalogue of models a user can download
 * (whisper.cpp ggml files, NVIDIA Parakeet TDT), the models folder they are installed into, files registered by path
 * (air-gapped machines), and a check that a file really is a complete model. Plain Node: the service, the CLI and the
 * extension share it. Downloading is in ./modelDownload.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Which engine runs a model. */
export type ModelKind = 'pocketsphinx' | 'whisper' | 'parakeet';

export interface CatalogModel {
  /** Short name used on the command line and in settings, e.g. `base.en`. */
  name: string;
  kind: Exclude<ModelKind, 'pocketsphinx'>;
  displayName: string;
  /** File name in the models folder. */
  fileName: string;
  /** Path below the download base URL. */
  urlPath: string;
  /** Approximate download size (bytes), for the catalogue; the real size comes from the server. */
  approxBytes: number;
  /** Locales the model transcribes. */
  locales: readonly string[];
  /** The SHA-1 the publisher lists; absent where none is published (the downloader records a SHA-256 instead). */
  sha1?: string;
  /** Relative accuracy rank among installed models when none is chosen (higher is better). */
  rank: number;
}

/** Where the catalogue's files are published; a company can mirror them and set its own base URL. */
export const DEFAULT_MODEL_BASE_URL = 'https://huggingface.co';

/** The name of the built-in engine's model. */
export const POCKETSPHINX_MODEL = 'pocketsphinx';

const ENGLISH = ['en-US', 'en-GB', 'en-AU', 'en-CA', 'en-IN', 'en-IE', 'en-NZ', 'en-ZA'] as const;

/** Locale per language for the multilingual models (the language's most common locale first). */
const LANGUAGE_LOCALES: Record<string, readonly string[]> = {
  en: ENGLISH,
  de: ['de-DE', 'de-AT', 'de-CH'],
  fr: ['fr-FR', 'fr-CA', 'fr-BE', 'fr-CH'],
  es: ['es-ES', 'es-MX', 'es-US', 'es-AR'],
  it: ['it-IT'],
  pt: ['pt-PT', 'pt-BR'],
  nl: ['nl-NL', 'nl-BE'],
  pl: ['pl-PL'],
  sv: ['sv-SE'],
  da: ['da-DK'],
  fi: ['fi-FI'],
  cs: ['cs-CZ'],
  sk: ['sk-SK'],
  sl: ['sl-SI'],
  hr: ['hr-HR'],
  hu: ['hu-HU'],
  ro: ['ro-RO'],
  bg: ['bg-BG'],
  el: ['el-GR'],
  et: ['et-EE'],
  lv: ['lv-LV'],
  lt: ['lt-LT'],
  mt: ['mt-MT'],
  ru: ['ru-RU'],
  uk: ['uk-UA'],
  nb: ['nb-NO'],
  tr: ['tr-TR'],
  ja: ['ja-JP'],
  ko: ['ko-KR'],
  zh: ['zh-CN', 'zh-TW', 'zh-HK'],
  ar: ['ar-SA', 'ar-EG', 'ar-AE'],
  hi: ['hi-IN'],
  he: ['he-IL'],
  id: ['id-ID'],
  vi: ['vi-VN'],
  th: ['th-TH'],
};

function localesOf(languages: readonly string[]): string[] {
  return languages.flatMap((l) => LANGUAGE_LOCALES[l] ?? []);
}

/** Whisper's multilingual models: the languages with a locale above (whisper knows ~100; these are the ones listed). */
const WHISPER_LANGUAGES = Object.keys(LANGUAGE_LOCALES);
/** Parakeet TDT 0.6B v3: English and 24 other European languages. */
const PARAKEET_V3_LANGUAGES = ['bg', 'hr', 'cs', 'da', 'nl', 'en', 'et', 'fi', 'fr', 'de', 'el', 'hu', 'it', 'lv', 'lt', 'mt', 'pl', 'pt', 'ro', 'sk', 'sl', 'es', 'sv', 'ru', 'uk'];

const MB = 1000 * 1000;

/** The models offered for download. SHA-1 sums as whisper.cpp's models/README.md lists them. */
export const MODEL_CATALOG: readonly CatalogModel[] = [
  {
    name: 'tiny.en',
    kind: 'whisper',
    displayName: 'Whisper tiny.en (English)',
    fileName: 'ggml-tiny.en.bin',
    urlPath: 'ggerganov/whisper.cpp/resolve/main/ggml-tiny.en.bin',
    approxBytes: 78 * MB,
    locales: ENGLISH,
    sha1: 'c78c86eb1a8faa21b369bcd33207cc90d64ae9df',
    rank: 10,
  },
  {
    name: 'base.en',
    kind: 'whisper',
    displayName: 'Whisper base.en (English)',
    fileName: 'ggml-base.en.bin',
    urlPath: 'ggerganov/whisper.cpp/resolve/main/ggml-base.en.bin',
    approxBytes: 148 * MB,
    locales: ENGLISH,
    sha1: '137c40403d78fd54d454da0f9bd998f78703390c',
    rank: 20,
  },
  {
    name: 'small.en',
    kind: 'whisper',
    displayName: 'Whisper small.en (English)',
    fileName: 'ggml-small.en.bin',
    urlPath: 'ggerganov/whisper.cpp/resolve/main/ggml-small.en.bin',
    approxBytes: 488 * MB,
    locales: ENGLISH,
    sha1: 'db8a495a91d927739e50b3fc1cc4c6b8f6c2d022',
    rank: 30,
  },
  {
    name: 'large-v3-turbo-q5_0',
    kind: 'whisper',
    displayName: 'Whisper large-v3-turbo q5_0 (multilingual)',
    fileName: 'ggml-large-v3-turbo-q5_0.bin',
    urlPath: 'ggerganov/whisper.cpp/resolve/main/ggml-large-v3-turbo-q5_0.bin',
    approxBytes: 574 * MB,
    locales: localesOf(WHISPER_LANGUAGES),
    sha1: 'e050f7970618a659205450ad97eb95a18d69c9ee',
    rank: 40,
  },
  {
    name: 'parakeet-tdt-0.6b-v3',
    kind: 'parakeet',
    displayName: 'NVIDIA Parakeet TDT 0.6B v3 q4_0 (25 European languages)',
    fileName: 'ggml-parakeet-tdt-0.6b-v3-q4_0.bin',
    urlPath: 'ggml-org/parakeet-GGUF/resolve/main/ggml-parakeet-tdt-0.6b-v3-q4_0.bin',
    approxBytes: 356 * MB,
    locales: localesOf(PARAKEET_V3_LANGUAGES),
    rank: 35,
  },
];

/** The catalogue entry named `name` (case-insensitive; `ggml-base.en.bin` and `whisper-base.en` work too). */
export function catalogModel(name: string): CatalogModel | undefined {
  const wanted = name.trim().toLowerCase().replace(/^whisper[-\s]/, '');
  return MODEL_CATALOG.find((m) => m.name.toLowerCase() === wanted || m.fileName.toLowerCase() === wanted);
}

/** The folder of whisper.cpp's published models (the catalogue's whisper entries are in it). */
const WHISPER_CPP_MODELS_PATH = 'ggerganov/whisper.cpp/resolve/main';

/**
 * A whisper.cpp model file the catalogue does not list (whisper.cpp publishes ~30: `ggml-medium.en-q5_0.bin`,
 * `ggml-large-v3.bin`, …), from the same folder as the catalogue's; no checksum is known, so the downloader records
 * its SHA-256. Undefined for a name that is not a plain `*.bin` file name.
 */
export function otherWhisperModel(fileName: string): CatalogModel | undefined {
  const file = fileName.trim();
  if (!/^[\w][\w.+-]*\.bin$/.test(file)) return undefined;
  const known = catalogModel(file);
  if (known) return known;
  const info = describeModelFile(file, 'whisper');
  return { ...info, kind: 'whisper', fileName: file, urlPath: `${WHISPER_CPP_MODELS_PATH}/${file}`, approxBytes: 0 };
}

/** The folder URL of whisper.cpp's published models under `baseUrl`. */
export function whisperCppFolderUrl(baseUrl = DEFAULT_MODEL_BASE_URL): string {
  return `${baseUrl.replace(/\/+$/, '')}/${WHISPER_CPP_MODELS_PATH}/`;
}

/** The URL of a catalogue model under `baseUrl` (default {@link DEFAULT_MODEL_BASE_URL}). */
export function modelUrl(model: CatalogModel, baseUrl = DEFAULT_MODEL_BASE_URL): string {
  return `${baseUrl.replace(/\/+$/, '')}/${model.urlPath}`;
}

/** The command that installs a catalogue model (shown in errors). */
export function downloadCommand(name: string): string {
  return `speech-batch models download ${name}`;
}

/**
 * The stable id of a model by name: a UUID (the API's base models are addressed by one) made from the name's SHA-1,
 * so the same model has the same id in every service and the CLI can address it without asking.
 */
export function modelId(name: string): string {
  const h = createHash('sha1').update(`speech-batch model:${name.toLowerCase()}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x50; // version 5 (name-based, SHA-1)
  h[8] = (h[8]! & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

const GUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The `model.self` of a job for `--model`: a full base model URL as is, a GUID or a model name (e.g. `base.en`,
 * `pocketsphinx`) as the base model of that id on `endpoint`.
 */
export function baseModelSelf(endpoint: string, model: string): string {
  if (/^https?:\/\//i.test(model)) return model;
  const id = GUID_TEXT.test(model) ? model.toLowerCase() : modelId(catalogModel(model)?.name ?? model);
  return `${endpoint.replace(/\/+$/, '').replace(/\/speechtotext$/, '')}/speechtotext/models/base/${id}`;
}

/** The models folder used when none is given: `$SPEECH_BATCH_MODELS_DIR`, else the user's data folder. */
export function defaultModelsDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SPEECH_BATCH_MODELS_DIR) return path.resolve(env.SPEECH_BATCH_MODELS_DIR);
  const data = env.XDG_DATA_HOME || (process.platform === 'win32' ? env.LOCALAPPDATA : undefined) || path.join(os.homedir(), '.local', 'share');
  return path.join(data, 'speech-batch', 'models');
}

/** A model's size for people: `78 MB`, `1.62 GB`. */
export function modelSizeLabel(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(2)} GB` : `${Math.round(bytes / 1e6)} MB`;
}

/** A model's languages for people: its locales, or for many, `36 languages (en, de, fr, es, it, …)`. */
export function languagesLabel(locales: readonly string[]): string {
  const langs = [...new Set(locales.map((l) => l.split('-')[0]))];
  return langs.length > 6 ? `${langs.length} languages (${langs.slice(0, 5).join(', ')}, …)` : locales.join(', ');
}

/** A model file on this machine (in the models folder or registered by path). */
export interface InstalledModel {
  name: string;
  kind: Exclude<ModelKind, 'pocketsphinx'>;
  displayName: string;
  path: string;
  sizeBytes: number;
  locales: readonly string[];
  rank: number;
  /** In the catalogue (downloaded), or a file the user registered or dropped in the folder. */
  source: 'catalog' | 'registered' | 'folder';
}

/** The file listing files registered by path, inside the models folder. */
export const REGISTERED_FILE = 'registered.json';

interface Registration {
  name: string;
  path: string;
  /** The engine its header says it is for (older registrations: from its name). */
  kind?: Exclude<ModelKind, 'pocketsphinx'>;
}

async function readRegistrations(modelsDir: string): Promise<Registration[]> {
  try {
    const parsed: unknown = JSON.parse(await fs.readFile(path.join(modelsDir, REGISTERED_FILE), 'utf8'));
    return Array.isArray(parsed) ? parsed.filter((r): r is Registration => typeof r?.name === 'string' && typeof r?.path === 'string') : [];
  } catch {
    return [];
  }
}

/** What a file not in the catalogue is: its engine, name and locales, from its file name. */
export function describeModelFile(file: string, kind?: Exclude<ModelKind, 'pocketsphinx'>): Pick<InstalledModel, 'name' | 'kind' | 'displayName' | 'locales' | 'rank'> {
  const base = path.basename(file).replace(/\.(bin|gguf)$/i, '');
  const known = catalogModel(path.basename(file));
  if (known && (!kind || kind === known.kind)) return { name: known.name, kind: known.kind, displayName: known.displayName, locales: known.locales, rank: known.rank };
  const name = base.replace(/^ggml-/, '');
  if (kind === 'parakeet' || (!kind && /parakeet/i.test(base))) {
    return { name, kind: 'parakeet', displayName: `Parakeet ${name}`, locales: localesOf(PARAKEET_V3_LANGUAGES), rank: 25 };
  }
  // whisper.cpp convention: `.en` models are English-only, the others multilingual.
  const english = /\.en\b|[-_.]en$/i.test(name);
  return { name, kind: 'whisper', displayName: `Whisper ${name}`, locales: english ? ENGLISH : localesOf(WHISPER_LANGUAGES), rank: 5 };
}

/** Files in the models folder that look like models (`*.bin`, `*.gguf`; partial downloads excluded). */
function isModelFileName(name: string): boolean {
  return /\.(bin|gguf)$/i.test(name) && !name.startsWith('.');
}

/** The models installed in `modelsDir` (downloaded or dropped there) plus those registered by path, by name. */
export async function listInstalledModels(modelsDir: string): Promise<InstalledModel[]> {
  const found = new Map<string, InstalledModel>();
  let entries: string[] = [];
  try {
    entries = await fs.readdir(modelsDir);
  } catch {
    entries = [];
  }
  for (const entry of entries.filter(isModelFileName).sort()) {
    const file = path.join(modelsDir, entry);
    const stat = await fs.stat(file).catch(() => undefined);
    if (!stat?.isFile()) continue;
    const info = describeModelFile(file);
    found.set(info.name.toLowerCase(), { ...info, path: file, sizeBytes: stat.size, source: catalogModel(entry) ? 'catalog' : 'folder' });
  }
  for (const r of await readRegistrations(modelsDir)) {
    const stat = await fs.stat(r.path).catch(() => undefined);
    const info = describeModelFile(r.path, r.kind);
    // A registered file that went away is still listed (size 0): a job on it fails saying so.
    found.set(r.name.toLowerCase(), { ...info, name: r.name, displayName: `${info.displayName} (${r.path})`, path: r.path, sizeBytes: stat?.size ?? 0, source: 'registered' });
  }
  return [...found.values()];
}

/**
 * Registers a model file the user already has (checked first with {@link checkModelFile}); returns its entry. The
 * file stays where it is. `name` defaults to the file's name without `ggml-` and extension.
 */
export async function registerModelFile(modelsDir: string, file: string, name?: string): Promise<InstalledModel> {
  const absolute = path.resolve(file);
  const { kind } = await checkModelFile(absolute);
  const info = describeModelFile(absolute, kind);
  const chosen = name?.trim() || info.name;
  if (chosen.toLowerCase() === POCKETSPHINX_MODEL) throw new Error(`"${POCKETSPHINX_MODEL}" is the built-in model's name; choose another`);
  await fs.mkdir(modelsDir, { recursive: true });
  const registrations = (await readRegistrations(modelsDir)).filter((r) => r.name.toLowerCase() !== chosen.toLowerCase());
  registrations.push({ name: chosen, path: absolute, kind });
  const target = path.join(modelsDir, REGISTERED_FILE);
  await fs.writeFile(`${target}.tmp`, JSON.stringify(registrations, null, 2));
  await fs.rename(`${target}.tmp`, target);
  const stat = await fs.stat(absolute);
  return { ...info, name: chosen, path: absolute, sizeBytes: stat.size, source: 'registered' };
}

/** Removes a downloaded model file or a registration (the registered file itself is left alone). */
export async function removeModel(modelsDir: string, name: string): Promise<boolean> {
  const model = (await listInstalledModels(modelsDir)).find((m) => m.name.toLowerCase() === name.toLowerCase());
  if (!model) return false;
  if (model.source === 'registered') {
    const rest = (await readRegistrations(modelsDir)).filter((r) => r.name.toLowerCase() !== name.toLowerCase());
    await fs.writeFile(path.join(modelsDir, REGISTERED_FILE), JSON.stringify(rest, null, 2));
  } else {
    await fs.rm(model.path, { force: true });
  }
  return true;
}

/** A file that is not a complete, loadable model; `message` says what is wrong, for users. */
export class ModelFileError extends Error {
  override name = 'ModelFileError';
}

const GGML_MAGIC = 0x67676d6c; // "ggml" as whisper.cpp writes it (little-endian "lmgg")
const GGUF_MAGIC = 0x46554747; // "GGUF"

/** Bytes per block and elements per block of the ggml tensor types whisper.cpp model files use. */
const GGML_TYPES: Record<number, { bytes: number; elements: number }> = {
  0: { bytes: 4, elements: 1 }, // F32
  1: { bytes: 2, elements: 1 }, // F16
  2: { bytes: 18, elements: 32 }, // Q4_0
  3: { bytes: 20, elements: 32 }, // Q4_1
  6: { bytes: 22, elements: 32 }, // Q5_0
  7: { bytes: 24, elements: 32 }, // Q5_1
  8: { bytes: 34, elements: 32 }, // Q8_0
  10: { bytes: 84, elements: 256 }, // Q2_K
  11: { bytes: 110, elements: 256 }, // Q3_K
  12: { bytes: 144, elements: 256 }, // Q4_K
  13: { bytes: 176, elements: 256 }, // Q5_K
  14: { bytes: 210, elements: 256 }, // Q6_K
};

/** Reads little-endian int32s from a file at moving offsets, through a 1 MiB window (a vocabulary has 50 000 entries). */
class Reader {
  offset = 0;
  /** How much to read ahead: much while walking the vocabulary, little between tensors (their data is skipped). */
  readAhead = 1 << 20;
  private window = Buffer.alloc(0);
  private windowStart = 0;
  constructor(
    private readonly handle: fs.FileHandle,
    readonly size: number,
    readonly file: string,
  ) {}

  async bytes(n: number): Promise<Buffer> {
    if (n < 0 || this.offset + n > this.size) throw this.truncated();
    const from = this.offset - this.windowStart;
    if (from < 0 || from + n > this.window.length) {
      this.window = Buffer.alloc(Math.min(Math.max(n, this.readAhead), this.size - this.offset));
      await this.handle.read(this.window, 0, this.window.length, this.offset);
      this.windowStart = this.offset;
    }
    const start = this.offset - this.windowStart;
    this.offset += n;
    return this.window.subarray(start, start + n);
  }

  async int32(): Promise<number> {
    return (await this.bytes(4)).readInt32LE(0);
  }

  skip(n: number): void {
    if (n < 0 || this.offset + n > this.size) throw this.truncated(this.offset + n);
    this.offset += n;
  }

  truncated(expected?: number): ModelFileError {
    return new ModelFileError(
      `${this.file} is incomplete (${this.size} bytes${expected ? `, at least ${expected} expected` : ''}): it ends inside the model. Download it again.`,
    );
  }
}

/** What {@link checkModelFile} found. */
export interface ModelFileInfo {
  format: 'ggml';
  /** Which engine the file is for, from its header (whisper.cpp and Parakeet ggml files differ after the magic). */
  kind: Exclude<ModelKind, 'pocketsphinx'>;
  tensors: number;
}

/** Hyper-parameters (int32s after the magic) of each engine's ggml file. */
const HPARAMS = { whisper: 11, parakeet: 15 } as const;

/**
 * Checks that `file` is a complete model for `kind` (default: whichever of whisper.cpp and Parakeet its header fits):
 * a ggml file is walked header, mel filters (Parakeet: also its window and TDT durations), vocabulary and every
 * tensor, and must end exactly after the last one (whisper.cpp itself loads a truncated file without complaint; a
 * file ending right after its vocabulary, like whisper.cpp's weightless test model, reports `tensors: 0`). Parakeet's
 * files from ggml-org/parakeet-GGUF are ggml files too (despite the repository's name); a real GGUF file is refused:
 * neither loader of this whisper.cpp build reads GGUF. Throws {@link ModelFileError}.
 */
export async function checkModelFile(file: string, kind?: Exclude<ModelKind, 'pocketsphinx'>): Promise<ModelFileInfo> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ModelFileError(code === 'ENOENT' ? `${file} does not exist` : `${file} cannot be read (${code ?? (err as Error).message})`);
  }
  try {
    const { size } = await handle.stat();
    if (size < 4) throw new ModelFileError(`${file} is not a model file (${size} bytes)`);
    const magic = await new Reader(handle, size, file).int32();
    if (magic === GGUF_MAGIC) {
      throw new ModelFileError(
        `${file} is a GGUF file: whisper.cpp and Parakeet here load ggml model files (.bin), such as those of the catalogue (ggml-org/parakeet-GGUF's .bin files are ggml)`,
      );
    }
    if (magic !== GGML_MAGIC) {
      throw new ModelFileError(`${file} is not a whisper.cpp or Parakeet model file (ggml): it starts with 0x${(magic >>> 0).toString(16).padStart(8, '0')}`);
    }
    let walked: Walked & { kind: Exclude<ModelKind, 'pocketsphinx'> };
    if (kind) {
      walked = { kind, ...(await walkGgml(new Reader(handle, size, file), kind)) };
    } else {
      try {
        walked = { kind: 'whisper', ...(await walkGgml(new Reader(handle, size, file), 'whisper')) };
      } catch (whisperError) {
        // Not a whisper.cpp file: a Parakeet one? Otherwise whisper's reason stands (it is the common kind).
        const parakeet = await walkGgml(new Reader(handle, size, file), 'parakeet').catch(() => undefined);
        if (!parakeet) throw whisperError;
        walked = { kind: 'parakeet', ...parakeet };
      }
    }
    if (walked.kind === 'parakeet') checkParakeetShape(file, walked);
    return { format: 'ggml', kind: walked.kind, tensors: walked.tensors };
  } finally {
    await handle.close();
  }
}

/**
 * NVIDIA Parakeet TDT 0.6B's hyper-parameters in file order (whisper.cpp's PARAKEET_HPARAM_MODEL_VALUES; the 7th,
 * the weights' type, varies with quantisation). whisper.cpp's parakeet loader only warns about other values and then
 * aborts the whole process in ggml (seen with a 1-layer file), so a file that differs is refused here, readably.
 */
const PARAKEET_TDT_06B: readonly (readonly [string, number])[] = [
  ['n_vocab', 8192],
  ['n_audio_ctx', 5000],
  ['n_audio_state', 1024],
  ['n_audio_head', 8],
  ['n_audio_layer', 24],
  ['n_mels', 128],
  ['ftype', -1],
  ['n_fft', 512],
  ['subsampling_factor', 8],
  ['n_subsampling_channels', 256],
  ['n_conv_kernel', 9],
  ['n_pred_dim', 640],
  ['n_pred_layers', 2],
  ['n_tdt_durations', 5],
  ['n_max_tokens', 10],
];
/** Tensors of Parakeet TDT 0.6B: pre-encoder 12, 29 per encoder layer, prediction 9, joint 6. */
const PARAKEET_TDT_06B_TENSORS = 12 + 29 * 24 + 9 + 6;

function checkParakeetShape(file: string, walked: Walked): void {
  const differs = PARAKEET_TDT_06B.map(([name, expected], i) => [name, expected, walked.hparams[i]] as const).filter(
    ([, expected, actual]) => expected >= 0 && actual !== expected,
  );
  if (differs.length > 0) {
    const [name, expected, actual] = differs[0]!;
    throw new ModelFileError(`${file} is not a Parakeet TDT 0.6B model (${name} ${actual}, expected ${expected}): this whisper.cpp build runs that model only`);
  }
  if (walked.tensors !== PARAKEET_TDT_06B_TENSORS) {
    throw new ModelFileError(`${file} is not a complete Parakeet TDT 0.6B model (${walked.tensors} tensors, expected ${PARAKEET_TDT_06B_TENSORS})`);
  }
}

interface Walked {
  hparams: number[];
  tensors: number;
}

/** Walks a ggml model file of `kind` from after its magic to its end; returns its hyper-parameters and tensor count. */
async function walkGgml(r: Reader, kind: Exclude<ModelKind, 'pocketsphinx'>): Promise<Walked> {
  const { file, size } = r;
  const what = kind === 'parakeet' ? 'Parakeet' : 'whisper.cpp';
  r.offset = 4;
  const hparams: number[] = [];
  for (let i = 0; i < HPARAMS[kind]; i++) hparams.push(await r.int32());
  const [nVocab] = hparams;
  if (!(nVocab! > 0 && nVocab! < 1_000_000)) throw new ModelFileError(`${file} is not a usable ${what} model (vocabulary of ${nVocab})`);
  const nMel = await r.int32();
  const nFft = await r.int32();
  if (nMel <= 0 || nFft <= 0 || nMel * nFft > 10_000_000) throw new ModelFileError(`${file} is not a usable ${what} model (mel filters ${nMel}×${nFft})`);
  r.skip(nMel * nFft * 4);
  if (kind === 'parakeet') {
    const nWindow = await r.int32();
    if (nWindow < 0 || nWindow > 1_000_000) throw new ModelFileError(`${file} is not a usable Parakeet model (window of ${nWindow})`);
    r.skip(nWindow * 4);
    const nDurations = hparams[13]!;
    if (nDurations < 0 || nDurations > 1000) throw new ModelFileError(`${file} is not a usable Parakeet model (${nDurations} TDT durations)`);
    r.skip(nDurations * 4);
  }
  const vocab = await r.int32();
  if (vocab < 0 || vocab > 1_000_000) throw new ModelFileError(`${file} is not a usable ${what} model (vocabulary of ${vocab})`);
  for (let i = 0; i < vocab; i++) {
    const len = await r.int32();
    if (len < 0 || len > 10_000) throw new ModelFileError(`${file} is not a usable ${what} model (vocabulary entry ${i})`);
    r.skip(len);
  }
  let tensors = 0;
  r.readAhead = 4096;
  while (r.offset < size) {
    const nDims = await r.int32();
    const nameLength = await r.int32();
    const type = await r.int32();
    if (nDims < (kind === 'parakeet' ? 0 : 1) || nDims > 4 || nameLength < 1 || nameLength > 1000) {
      throw new ModelFileError(`${file} is damaged: tensor ${tensors + 1} has a malformed header`);
    }
    let elements = 1;
    for (let d = 0; d < nDims; d++) elements *= await r.int32();
    r.skip(nameLength);
    const layout = GGML_TYPES[type];
    if (!layout) throw new ModelFileError(`${file} uses a tensor type (${type}) this check does not know`);
    r.skip(Math.ceil(elements / layout.elements) * layout.bytes);
    tensors++;
  }
  // A file that ends right after its vocabulary has no weights at all: whisper.cpp's own test model is such a file
  // (it loads and runs, recognising nothing). Anything shorter was caught above as incomplete.
  return { hparams, tensors };
}
