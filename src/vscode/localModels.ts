/**
 * The local service's models as the VS Code layer sees them: the built-in pocketsphinx and the model files in the
 * models folder (shared with the CLI, see `defaultModelsDir`), read straight from that folder so that listing them
 * does not start the service. Commands (Download Model…, Use Model File…, Manage Models…) and pickers use this; a job
 * names a model by the base model URL the service gives it (`modelSelf`).
 */
import {
  baseModelSelf,
  catalogModel,
  languagesLabel,
  listInstalledModels,
  modelSizeLabel,
  POCKETSPHINX_MODEL,
  type InstalledModel,
} from '../core/models';
import type { EngineStatus, LocalService } from '../core/localService';
import { localModelSettings } from './settings';

/** A model a local job can run on. */
export interface LocalModel {
  /** Name in settings and on the command line (`base.en`, `pocketsphinx`). */
  name: string;
  displayName: string;
  kind: InstalledModel['kind'] | 'pocketsphinx';
  /** Bytes of its file (0: built in, or a registered file that went away). */
  sizeBytes: number;
  locales: readonly string[];
  /** `78 MB · en-US, en-GB, …` for pickers. */
  description: string;
  /** Its file (absent for pocketsphinx). */
  path?: string;
  /** Downloaded from the catalogue, registered by path, dropped in the folder, or built in. */
  source: InstalledModel['source'] | 'builtIn';
  /** Whether `speechBatch.local.model` names it. */
  isDefault: boolean;
}

/** The built-in recogniser's entry. */
function pocketsphinx(defaultName: string): LocalModel {
  return {
    name: POCKETSPHINX_MODEL,
    displayName: 'pocketsphinx (built in)',
    kind: 'pocketsphinx',
    sizeBytes: 0,
    locales: ['en-US'],
    description: 'built in · en-US',
    source: 'builtIn',
    isDefault: defaultName.toLowerCase() === POCKETSPHINX_MODEL,
  };
}

/** pocketsphinx and every model in the models folder (or registered there), the default marked. */
export async function installedLocalModels(modelsFolder = localModelSettings().modelsFolder): Promise<LocalModel[]> {
  const defaultName = localModelSettings().model;
  const files = await listInstalledModels(modelsFolder);
  return [
    pocketsphinx(defaultName),
    ...files
      .sort((a, b) => b.rank - a.rank || a.name.localeCompare(b.name))
      .map((m) => ({
        name: m.name,
        displayName: m.displayName,
        kind: m.kind,
        sizeBytes: m.sizeBytes,
        locales: m.locales,
        description: `${m.sizeBytes > 0 ? modelSizeLabel(m.sizeBytes) : 'file missing'} · ${languagesLabel(m.locales)}`,
        path: m.path,
        source: m.source,
        isDefault: defaultName !== '' && defaultName.toLowerCase() === m.name.toLowerCase(),
      })),
  ];
}

/** The `model.self` of a job on the local service at `endpoint` that should run on `name`. */
export function modelSelf(endpoint: string, name: string): string {
  return baseModelSelf(endpoint, catalogModel(name)?.name ?? name);
}

/** The local service's models: its folder, and whether it can run whisper.cpp here. */
export class LocalModels {
  constructor(private readonly service: LocalService) {}

  /** The folder the service reads models from (the setting, else the folder the CLI uses too). */
  get folder(): string {
    return localModelSettings().modelsFolder;
  }

  installed(): Promise<LocalModel[]> {
    return installedLocalModels(this.folder);
  }

  /** Whether whisper.cpp / Parakeet models run here (asks the service, starting it if needed). */
  engines(): Promise<EngineStatus> {
    return this.service.engines();
  }
}
