/**
 * The models of the local service, as the Azure API's base models: the built-in pocketsphinx, and every whisper.cpp
 * or Parakeet model file in the models folder (`--models-dir`, default `<data>/models`) or registered there by path.
 * Jobs pick one with `model: { self: ".../models/base/{id}" }`; without, they get the service's default model
 * (`--default-model`) or else the best installed one that speaks their locale. Ids are stable (from the model name).
 */
import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import {
  catalogModel,
  listInstalledModels,
  modelId,
  POCKETSPHINX_MODEL,
  type InstalledModel,
  type ModelKind,
} from '../core/models';
import type { BaseModel } from '../core/wire';
import { invalidArgument } from './errors';
import { apiUrl, type LinkBase } from './resources';
import { WhisperEngine } from './engine/whisper';
import { EngineNotInstalledError, type Engine } from './engine/types';
import { loadWhisperBinding } from './engine/whisperBinding';

export interface ServiceModel {
  id: string;
  name: string;
  kind: ModelKind;
  displayName: string;
  locales: readonly string[];
  rank: number;
  /** Model file (absent for pocketsphinx). */
  path?: string;
  sizeBytes?: number;
  /** When the file was written (the service's start for pocketsphinx). */
  createdDateTime: string;
}

export interface ModelRegistryOptions {
  modelsDir: string;
  /** The built-in engine. */
  pocketsphinx: Engine;
  /** Name of the model jobs without `model` use (even when it is not installed: those jobs then fail saying so). */
  defaultModel?: string;
  /** For tests: whether whisper.cpp can run here (default: whether its native module loads). */
  whisperUnavailable?: () => string | undefined;
  log?: (message: string) => void;
}

const CUSTOM_MODEL_PATH = /\/speechtotext\/models\/[^/?#]+(?:[?#].*)?$/i;
const BASE_MODEL_PATH = /\/speechtotext\/models\/base\/([^/?#]+)(?:[?#].*)?$/i;

function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export class ModelRegistry {
  private models: ServiceModel[] = [];
  /** Every model seen while running, by id: a job whose model went away still gets an engine that says so. */
  private readonly seen = new Map<string, ServiceModel>();
  private readonly engines = new Map<string, WhisperEngine>();
  private readonly started = isoSeconds(new Date());
  private warned = false;

  constructor(private readonly options: ModelRegistryOptions) {}

  get modelsDir(): string {
    return this.options.modelsDir;
  }

  /** Why whisper.cpp models cannot run here, if they cannot. */
  whisperUnavailable(): string | undefined {
    return this.options.whisperUnavailable ? this.options.whisperUnavailable() : loadWhisperBinding().error;
  }

  /** Re-reads the models folder (cheap: one directory listing); call before answering from the list. */
  async refresh(): Promise<ServiceModel[]> {
    const builtIn: ServiceModel = {
      id: modelId(POCKETSPHINX_MODEL),
      name: POCKETSPHINX_MODEL,
      kind: 'pocketsphinx',
      displayName: 'pocketsphinx (built in, US English)',
      locales: this.options.pocketsphinx.locales,
      rank: 0,
      createdDateTime: this.started,
    };
    const unavailable = this.whisperUnavailable();
    const installed = await listInstalledModels(this.options.modelsDir);
    if (unavailable && installed.length > 0 && !this.warned) {
      this.warned = true;
      this.options.log?.(`warning: ${installed.length} model file(s) in ${this.options.modelsDir} are not offered: ${unavailable}; pocketsphinx still works`);
    }
    const files = unavailable ? [] : await Promise.all(installed.map((m) => this.fromFile(m)));
    this.models = [builtIn, ...files];
    for (const m of this.models) this.seen.set(m.id, m);
    return this.models;
  }

  private async fromFile(m: InstalledModel): Promise<ServiceModel> {
    const info = await stat(m.path).catch(() => undefined);
    return {
      id: modelId(m.name),
      name: m.name,
      kind: m.kind,
      displayName: m.displayName,
      locales: m.locales,
      rank: m.rank,
      path: m.path,
      sizeBytes: m.sizeBytes,
      createdDateTime: info ? isoSeconds(info.mtime) : this.started,
    };
  }

  /** The models as of the last {@link refresh}. */
  list(): readonly ServiceModel[] {
    return this.models;
  }

  /** Every locale some installed model transcribes. */
  locales(): string[] {
    return [...new Set(this.models.flatMap((m) => m.locales))];
  }

  byId(id: string): ServiceModel | undefined {
    return this.models.find((m) => m.id === id.toLowerCase());
  }

  /**
   * The model a job asks for by `model.self` (validated at submit): throws the API's 400 InvalidModelUri for a URL
   * that names no base model, InvalidModel for one that is not installed, ModelMismatch for one that does not
   * speak `locale`.
   */
  resolveReference(self: unknown, locale: string): ServiceModel {
    const match = typeof self === 'string' ? BASE_MODEL_PATH.exec(self) : null;
    if (!match && typeof self === 'string' && CUSTOM_MODEL_PATH.test(self)) {
      throw invalidArgument('InvalidModel', 'The local service has no custom models; pick a base model (GET /speechtotext/models/base) or omit "model".');
    }
    if (!match) {
      throw invalidArgument('InvalidModelUri', `"model.self" must be the URL of a base model (…/speechtotext/models/base/{id}); got ${JSON.stringify(self)}.`);
    }
    const model = this.byId(decodeURIComponent(match[1]!));
    if (!model) {
      throw invalidArgument(
        'InvalidModel',
        `There is no base model with id '${match[1]}' on this service. List the installed models with GET /speechtotext/models/base.`,
      );
    }
    if (!speaks(model, locale)) {
      throw invalidArgument('ModelMismatch', `The model "${model.name}" cannot transcribe ${locale}; it transcribes ${model.locales.join(', ')}.`);
    }
    return model;
  }

  /** The model for a job: the one it names (by `self`), else the default model, else the best installed for `locale`. */
  choose(self: string | undefined, locale: string): ServiceModel {
    if (self) {
      const id = BASE_MODEL_PATH.exec(self)?.[1]?.toLowerCase();
      const model = id ? this.seen.get(id) : undefined;
      if (model) return model;
      throw new EngineNotInstalledError(`the job's model ${self} is no longer installed on this service`);
    }
    const wanted = this.options.defaultModel;
    if (wanted) {
      const installed = this.models.find((m) => m.name.toLowerCase() === wanted.toLowerCase());
      if (installed && speaks(installed, locale)) return installed;
      if (!installed) return this.missing(wanted);
    }
    const candidates = this.models.filter((m) => speaks(m, locale)).sort((a, b) => b.rank - a.rank);
    return candidates[0] ?? this.models[0]!;
  }

  /** A model that is named (as the default) but not installed: its engine fails saying how to get it. */
  private missing(name: string): ServiceModel {
    const entry = catalogModel(name);
    return {
      id: modelId(name),
      name: entry?.name ?? name,
      kind: entry?.kind ?? 'whisper',
      displayName: entry?.displayName ?? name,
      locales: entry?.locales ?? [],
      rank: 0,
      path: path.join(this.options.modelsDir, entry?.fileName ?? `ggml-${name}.bin`),
      createdDateTime: this.started,
    };
  }

  /** The engine that runs `model` (whisper engines are made once and keep their model loaded). */
  engineFor(model: ServiceModel): Engine {
    if (model.kind === 'pocketsphinx' || !model.path) return this.options.pocketsphinx;
    const key = `${model.name}\n${model.path}`;
    let engine = this.engines.get(key);
    if (!engine) {
      // A named model that is not installed still gets an engine: its check names the download command.
      const locales = model.locales.length > 0 ? model.locales : (catalogModel(model.name)?.locales ?? ['en-US']);
      engine = new WhisperEngine({ name: model.name, kind: model.kind === 'parakeet' ? 'parakeet' : 'whisper', modelPath: model.path, locales });
      this.engines.set(key, engine);
    }
    return engine;
  }

  /** The Azure `BaseModel` of a model. */
  toBaseModel(model: ServiceModel, base: LinkBase): BaseModel {
    const size = model.sizeBytes ? `, ${Math.round(model.sizeBytes / 1e6)} MB` : '';
    const engine = model.kind === 'pocketsphinx' ? 'pocketsphinx' : model.kind === 'parakeet' ? 'NVIDIA Parakeet (whisper.cpp)' : 'whisper.cpp';
    return {
      self: apiUrl(base, `/models/base/${model.id}`),
      displayName: model.displayName,
      description: `${model.name}: ${engine}${size}${model.path ? `, ${model.path}` : ''}. Locales: ${model.locales.join(', ')}.`,
      locale: model.locales[0] ?? 'en-US',
      createdDateTime: model.createdDateTime,
      lastActionDateTime: model.createdDateTime,
      status: 'Succeeded',
      links: {},
      properties: {
        features: {
          supportsTranscriptionsSubmit: true,
          supportsTranscriptionsTranscribe: true,
          supportsEndpoints: false,
          supportsTranscriptionsOnSpeechContainers: false,
          supportedOutputFormats: ['Display', 'Lexical'],
          supportsAdaptationsWith: [],
        },
        chargeForAdaptation: false,
      },
    };
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.engines.values()].map((e) => e.close()));
    this.engines.clear();
  }
}

function speaks(model: ServiceModel, locale: string): boolean {
  return model.locales.some((l) => l.toLowerCase() === locale.toLowerCase());
}
