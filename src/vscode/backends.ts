/**
 * The two places jobs run, behind one interface: the bundled local service (audio passed as file:// URLs) and
 * Azure AI Speech (batch: audio uploaded to Blob Storage first, passed as read-only SAS URLs). Fast transcription
 * needs neither: the audio travels in its request (JobManager, transcriptionPlan.ts).
 */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as vscode from 'vscode';
import { describeBaseModel, type ModelChoice } from '../core/baseModels';
import type { BlobTarget } from '../core/blob';
import { SpeechClient } from '../core/client';
import { Commands } from './commandIds';
import { commandAction, UserFacingError } from './errors';
import type { BackendKind, JobRecord } from './jobRecord';
import { LocalService, LocalServiceError, POCKETSPHINX_INSTALL } from '../core/localService';
import type { Secrets } from './secrets';
import { azureSettings, localModelSettings } from './settings';
import type { JobOptions } from './jobRequest';
import { installedLocalModels, modelSelf } from './localModels';
import { catalogModel } from '../core/models';

/** Audio ready to be named in a job's `contentUrls`. */
export interface PreparedAudio {
  contentUrls: string[];
  /** Blob names to delete with the job (azure). */
  uploads: string[];
}

export interface PrepareOptions {
  ttlHours: number;
  onProgress?(sentBytes: number, totalBytes: number, fileName: string): void;
  signal?: AbortSignal;
}

export interface Backend {
  readonly kind: BackendKind;
  /** What new jobs record as their endpoint (azure: the Speech endpoint; local: `local`). */
  endpointId(): string;
  /** A client for jobs recorded with this endpoint id. */
  client(endpointId: string): Promise<SpeechClient>;
  /** Makes local audio files readable by the service (local: allows their paths; azure: uploads them). */
  prepareAudio(audioPaths: readonly string[], options: PrepareOptions): Promise<PreparedAudio>;
  /** Removes what {@link prepareAudio} uploaded. */
  deleteUploads(uploads: readonly string[]): Promise<void>;
  /** The options a new job is sent with, defaults filled in (local: the default model). */
  resolveOptions?(options: JobOptions, client: SpeechClient): Promise<JobOptions>;
}

/** The endpoint id of local jobs: the local service's port changes with every start. */
export const LOCAL_ENDPOINT_ID = 'local';

/** The local service: started on first use. */
export class LocalBackend implements Backend {
  readonly kind = 'local';
  private cached: { endpoint: string; client: SpeechClient } | undefined;

  constructor(
    private readonly service: LocalService,
    private readonly secrets: Secrets,
  ) {}

  endpointId(): string {
    return LOCAL_ENDPOINT_ID;
  }

  async client(): Promise<SpeechClient> {
    let endpoint: string;
    try {
      endpoint = await this.service.endpoint();
    } catch (err) {
      throw this.startFailure(err);
    }
    if (this.cached?.endpoint !== endpoint) {
      this.cached = { endpoint, client: new SpeechClient({ endpoint, key: await this.secrets.localServiceKey() }) };
    }
    return this.cached.client;
  }

  async prepareAudio(audioPaths: readonly string[]): Promise<PreparedAudio> {
    // The service reads file:// inputs only below the paths it was allowed.
    await this.service.allow(audioPaths);
    return { contentUrls: audioPaths.map((p) => pathToFileURL(p).href), uploads: [] };
  }

  async deleteUploads(): Promise<void> {}

  /**
   * A job without a model runs on `speechBatch.local.model` when it is set (and installed), else the service picks
   * the best installed model for the job's locale.
   */
  async resolveOptions(options: JobOptions, client: SpeechClient): Promise<JobOptions> {
    const { model: name, modelsFolder } = localModelSettings();
    if (options.customModel.trim() || !name) return options;
    const installed = await installedLocalModels(modelsFolder);
    if (!installed.some((m) => m.name.toLowerCase() === name.toLowerCase())) {
      const actions = [
        ...(catalogModel(name) ? [commandAction(vscode.l10n.t('Download Model…'), Commands.downloadModel)] : []),
        commandAction(vscode.l10n.t('Manage Models…'), Commands.manageModels),
      ];
      throw new UserFacingError(
        vscode.l10n.t('The default model "{0}" (setting speechBatch.local.model) is not installed in {1}.', name, modelsFolder),
        actions,
      );
    }
    return { ...options, customModel: modelSelf(client.baseUrl, name) };
  }

  private startFailure(err: unknown): unknown {
    // A missing recogniser does not stop the service from starting: jobs then fail with ENGINE_NOT_INSTALLED.
    if (!(err instanceof LocalServiceError)) return err;
    return new UserFacingError(vscode.l10n.t('The local transcription service is not available: {0}', err.message));
  }
}

/** The error shown when the local recogniser is not installed, with a button that copies the install command. */
export function pocketsphinxMissingError(): UserFacingError {
  return new UserFacingError(
    vscode.l10n.t('The local recogniser (pocketsphinx) is not installed. Install it with: {0}', POCKETSPHINX_INSTALL),
    [{ title: vscode.l10n.t('Copy Install Command'), run: () => vscode.env.clipboard.writeText(POCKETSPHINX_INSTALL) }],
  );
}

/** Azure AI Speech, with audio uploaded to the configured blob container. */
export class AzureBackend implements Backend {
  readonly kind = 'azure';

  constructor(private readonly secrets: Secrets) {}

  endpointId(): string {
    const { endpoint, region } = azureSettings();
    if (endpoint) return endpoint.replace(/\/+$/, '');
    if (region) return `https://${region.toLowerCase()}.api.cognitive.microsoft.com`;
    throw new UserFacingError(vscode.l10n.t('Set the region or endpoint of your Azure Speech resource first.'), [
      commandAction(vscode.l10n.t('Open Settings'), 'workbench.action.openSettings', 'speechBatch.azure'),
    ]);
  }

  async client(endpointId: string): Promise<SpeechClient> {
    const key = await this.secrets.speechKey();
    if (!key) {
      throw new UserFacingError(vscode.l10n.t('No Azure Speech key is set.'), [
        commandAction(vscode.l10n.t('Set Speech Key'), Commands.setSpeechKey),
      ]);
    }
    return new SpeechClient({ endpoint: endpointId, key });
  }

  async prepareAudio(audioPaths: readonly string[], options: PrepareOptions): Promise<PreparedAudio> {
    const { uploadForTranscription } = await loadBlob();
    const uploaded = await uploadForTranscription(
      await this.target(),
      audioPaths.map((p) => ({ path: p })),
      {
        ttlHours: options.ttlHours,
        signal: options.signal,
        onProgress: (sent, total, file) => options.onProgress?.(sent, total, path.basename(file.path)),
      },
    );
    return { contentUrls: uploaded.map((u) => u.readUrl), uploads: uploaded.map((u) => u.blobName) };
  }

  async deleteUploads(uploads: readonly string[]): Promise<void> {
    if (uploads.length > 0) await (await loadBlob()).deleteUploads(await this.target(), uploads);
  }

  /** Whether a storage connection is set: batch jobs need one, fast transcription does not. */
  async hasStorage(): Promise<boolean> {
    return Boolean(await this.secrets.storageConnection());
  }

  private async target(): Promise<BlobTarget> {
    const connection = await this.secrets.storageConnection();
    if (!connection) {
      throw new UserFacingError(vscode.l10n.t('No storage connection is set: Azure batch transcription reads the audio from Blob Storage.'), [
        commandAction(vscode.l10n.t('Set Storage Connection'), Commands.setStorageConnection),
      ]);
    }
    return (await loadBlob()).blobTarget(connection, azureSettings().container);
  }
}

/** The Blob Storage code, loaded on first use: the Azure SDK is slow to load and local jobs never need it. */
export function loadBlob(): Promise<typeof import('../core/blob')> {
  return import('../core/blob');
}

/** Both backends; picks one by the `speechBatch.backend` setting or by a job's record. */
export class Backends {
  constructor(
    readonly local: LocalBackend,
    readonly azure: AzureBackend,
  ) {}

  of(kind: BackendKind): Backend {
    return kind === 'azure' ? this.azure : this.local;
  }

  /** The locales a backend accepts for new jobs. */
  async locales(kind: BackendKind): Promise<string[]> {
    const backend = this.of(kind);
    const locales = await (await backend.client(backend.endpointId())).locales();
    return locales.Submit ?? locales.Transcribe ?? [];
  }

  /**
   * The base models a new job in `locale` can name: local — every installed model (by name, size and locales);
   * Azure — its base models for the locale that take batch jobs and are not retired.
   */
  async baseModels(kind: BackendKind, locale: string, now = new Date()): Promise<ModelChoice[]> {
    const backend = this.of(kind);
    const client = await backend.client(backend.endpointId());
    if (kind === 'local') return (await client.listBaseModels()).map(describeBaseModel);
    const models = await client.listBaseModels({ filter: `locale eq '${locale.replace(/'/g, "''")}'` });
    return models
      .filter((m) => m.properties?.features?.supportsTranscriptionsSubmit !== false)
      .filter((m) => !(Date.parse(m.properties?.deprecationDates?.transcriptionDateTime ?? '') <= now.getTime()))
      .map(describeBaseModel);
  }

  /** A client for an existing job, whatever the setting says now. */
  clientFor(job: Pick<JobRecord, 'backend' | 'endpoint'>): Promise<SpeechClient> {
    return this.of(job.backend).client(job.endpoint);
  }
}
