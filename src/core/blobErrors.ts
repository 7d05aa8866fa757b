/**
 * The errors of the Azure upload path (./blob): readable messages for users that never contain an account key or a
 * SAS signature.
 */
import { RestError } from '@azure/storage-blob';
import { redactSecrets } from './redact';

/** Why a storage operation failed; `message` is meant for users and never contains a key or a SAS signature. */
export class BlobStorageError extends Error {
  constructor(
    message: string,
    readonly code:
      | 'InvalidConnectionString'
      | 'InvalidSasUrl'
      | 'InvalidContainerName'
      | 'MissingPermission'
      | 'SasExpired'
      | 'AuthenticationFailed'
      | 'ContainerNotFound'
      | 'Unreachable'
      | 'InvalidFile'
      | 'Cancelled'
      | 'StorageError',
    /** HTTP status of the storage answer, where there was one. */
    readonly status?: number,
  ) {
    super(message);
    this.name = code === 'Cancelled' ? 'AbortError' : 'BlobStorageError';
  }
}

/** What a storage failure is reported against: where, and which secrets to keep out of the message. */
export interface ErrorContext {
  /** Container URL without query. */
  readonly containerUrl: string;
  readonly kind: 'sharedKey' | 'sas';
  readonly secrets: readonly string[];
}

/** A readable, secret-free error for a failed storage request made while doing `action` (e.g. "uploading audio"). */
export function toStorageError(err: unknown, context: ErrorContext, action: string): BlobStorageError {
  if (err instanceof BlobStorageError) return err;
  const where = context.containerUrl;
  if (!(err instanceof RestError)) {
    return new BlobStorageError(`Blob Storage failed while ${action} (${where}): ${safeMessage(err, context)}`, 'StorageError');
  }
  const status = err.statusCode;
  if (status === undefined) {
    return new BlobStorageError(
      `Cannot reach Blob Storage at ${new URL(where).host} while ${action}: ${safeMessage(err, context)}`,
      'Unreachable',
    );
  }
  const code = (err.details as { errorCode?: string } | undefined)?.errorCode ?? err.code ?? '';
  const credential = context.kind === 'sas' ? 'SAS' : 'account key';
  switch (code) {
    case 'ContainerNotFound':
      return new BlobStorageError(
        `The container ${where} does not exist.` +
          (context.kind === 'sas' ? ' Create it first: a container SAS cannot create it.' : ''),
        'ContainerNotFound',
        status,
      );
    case 'AuthenticationFailed':
    case 'AuthorizationFailure':
      return new BlobStorageError(
        `Blob Storage refused the ${credential} while ${action} (${where}): ` +
          (context.kind === 'sas' ? 'the SAS is expired, revoked or malformed' : 'the account key is wrong') +
          ", or the storage account's network rules do not admit this machine.",
        'AuthenticationFailed',
        status,
      );
    case 'AuthorizationPermissionMismatch':
      return new BlobStorageError(
        `The ${credential} does not allow ${action} (${where}). A container SAS needs sp=rcwdl.`,
        'MissingPermission',
        status,
      );
    default:
      return new BlobStorageError(`Blob Storage answered ${status} ${code} while ${action} (${where}).`, 'StorageError', status);
  }
}

/** The first line of an error's message, without the given secrets (as they are, or URL-encoded as in a URL). */
function safeMessage(err: unknown, context: ErrorContext): string {
  const secrets = context.secrets.flatMap((secret) => [encodeURIComponent(secret), secret]);
  return redactSecrets((err instanceof Error ? err.message : String(err)).split('\n')[0], secrets);
}
