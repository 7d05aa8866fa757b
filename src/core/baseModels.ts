/**
 * Base models as a person picks one: name, engine, size and the locales it transcribes, read from the API's
 * `BaseModel` (`GET /speechtotext/models/base`) of Azure or of the local service, and the model a job gets when it
 * names none. Plain Node.
 */
import { describeModelFile, POCKETSPHINX_MODEL, type ModelKind } from './models';
import type { BaseModel } from './wire';

export interface ModelChoice {
  /** The `model.self` a job names. */
  self: string;
  /** Short name (`base.en`, `pocketsphinx`; on Azure the display name). */
  name: string;
  displayName: string;
  /** Which engine runs it (local service); undefined on Azure. */
  kind?: ModelKind;
  /** Size of the model file (local service). */
  sizeBytes?: number;
  /** Locales it transcribes (all of them for local models; Azure's base models have one each). */
  locales: string[];
  /** Preference among installed models when a job names none (higher first), as the local service ranks them. */
  rank: number;
  createdDateTime?: string;
  description?: string;
}

/**
 * The local service describes its models as `"<name>: <engine>[, <n> MB][, <path>]. Locales: <a>, <b>."`
 * (modelRegistry.toBaseModel); Azure's descriptions are free text.
 */
const LOCAL_DESCRIPTION = /^([^:\s][^:]*): (pocketsphinx|whisper\.cpp|NVIDIA Parakeet)\b.*?\. Locales: (.+)\.$/s;

/** What a base model is, from what the API says of it. */
export function describeBaseModel(model: BaseModel): ModelChoice {
  const local = model.description ? LOCAL_DESCRIPTION.exec(model.description) : null;
  if (!local) {
    return {
      self: model.self,
      name: model.displayName,
      displayName: model.displayName,
      locales: [model.locale],
      rank: 0,
      createdDateTime: model.createdDateTime,
      description: model.description,
    };
  }
  const name = local[1]!;
  const kind: ModelKind = local[2] === 'pocketsphinx' ? 'pocketsphinx' : local[2] === 'NVIDIA Parakeet' ? 'parakeet' : 'whisper';
  const mb = /, (\d+) MB\b/.exec(model.description!)?.[1];
  return {
    self: model.self,
    name,
    displayName: model.displayName,
    kind,
    sizeBytes: mb ? Number(mb) * 1e6 : undefined,
    locales: local[3]!.split(',').map((l) => l.trim()).filter(Boolean),
    rank: kind === 'pocketsphinx' || name === POCKETSPHINX_MODEL ? 0 : describeModelFile(name).rank,
    createdDateTime: model.createdDateTime,
  };
}

export function speaksLocale(model: Pick<ModelChoice, 'locales'>, locale: string): boolean {
  return model.locales.some((l) => l.toLowerCase() === locale.toLowerCase());
}

/**
 * The model a job in `locale` that names none runs on: `preferred` (the service's default model, by name) when it
 * speaks the locale, else the best-ranked one that does (the local service's rule); on Azure (no ranks) the newest.
 */
export function defaultModelFor(models: readonly ModelChoice[], locale: string, preferred?: string): ModelChoice | undefined {
  const speaking = models.filter((m) => speaksLocale(m, locale));
  const named = preferred ? speaking.find((m) => m.name.toLowerCase() === preferred.toLowerCase()) : undefined;
  if (named) return named;
  // Ties keep the service's order (its rule); Azure's models have no rank: the newest.
  const newest = (a: ModelChoice, b: ModelChoice) => (a.kind || b.kind ? 0 : (b.createdDateTime ?? '').localeCompare(a.createdDateTime ?? ''));
  return [...speaking].sort((a, b) => b.rank - a.rank || newest(a, b))[0];
}

/** Whether a model writes its own punctuation and casing (whisper, Parakeet): then only "None" changes anything. */
export function writesOwnPunctuation(model: Pick<ModelChoice, 'kind'> | undefined): boolean {
  return model?.kind === 'whisper' || model?.kind === 'parakeet';
}
