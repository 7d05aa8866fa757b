/** How job records look on the wire: the spec's `Transcription` and `File` with Azure-style self links. */
import type { Transcription, TranscriptionFile } from '../core/wire';
import type { ContentSigner } from './signing';
import type { ServiceJob, StoredFile } from './serviceJobStore';

/** Where links point: the origin the client used and the api-version it asked for. */
export interface LinkBase {
  origin: string;
  apiVersion: string;
}

/** An absolute API URL: `<origin>/speechtotext<path>?api-version=<v>` plus further query parameters. */
export function apiUrl(base: LinkBase, path: string, query: Record<string, string | number> = {}): string {
  const extra = Object.entries(query).map(([name, value]) => `&${name}=${encodeURIComponent(value)}`);
  return `${base.origin}/speechtotext${path}?api-version=${base.apiVersion}${extra.join('')}`;
}

export function transcriptionSelf(base: LinkBase, id: string): string {
  return apiUrl(base, `/transcriptions/${id}`);
}

/** The transcription resource; never shows `contentUrls`/`contentContainerUrl` (they may hold SAS tokens). */
export function toTranscription(job: ServiceJob, base: LinkBase): Transcription {
  const { request } = job;
  return {
    self: transcriptionSelf(base, job.id),
    displayName: request.displayName,
    ...(request.description !== undefined && { description: request.description }),
    ...(request.customProperties !== undefined && { customProperties: request.customProperties }),
    locale: request.locale,
    ...(request.model !== undefined && { model: request.model }),
    createdDateTime: job.createdDateTime,
    lastActionDateTime: job.lastActionDateTime,
    links: { files: apiUrl(base, `/transcriptions/${job.id}/files`) },
    properties: {
      ...request.properties,
      ...(job.durationMilliseconds !== undefined && { durationMilliseconds: job.durationMilliseconds }),
      ...(job.error !== undefined && { error: job.error }),
    },
    status: job.status,
  };
}

/** A result file with a content URL signed until `expiresAt`. */
export function toFile(job: ServiceJob, file: StoredFile, base: LinkBase, signer: ContentSigner, expiresAt: Date): TranscriptionFile {
  return {
    self: apiUrl(base, `/transcriptions/${job.id}/files/${file.id}`),
    name: file.name,
    kind: file.kind,
    links: { contentUrl: `${base.origin}/content/${job.id}/${file.id}?${signer.sign(job.id, file.id, expiresAt)}` },
    properties: {
      size: file.size,
      ...(file.durationMilliseconds !== undefined && { durationMilliseconds: file.durationMilliseconds }),
      ...(file.warnings?.length && { warnings: file.warnings }),
    },
    createdDateTime: file.createdDateTime,
  };
}
