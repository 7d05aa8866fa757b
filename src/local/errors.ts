/** Errors the local service answers with, in the spec's flat `Error` shape (`{ code, message, innerError }`). */
import type { ApiError, DetailedErrorCode, ErrorCode } from '../core/wire';

export class ServiceError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly innerCode?: DetailedErrorCode,
    /** The inner message where it says more than `message`; defaults to `message`. */
    readonly innerMessage?: string,
  ) {
    super(message);
    this.name = 'ServiceError';
  }

  /** The response body. */
  toBody(): ApiError {
    const body: ApiError = { code: this.code, message: this.message };
    if (this.innerCode) body.innerError = { code: this.innerCode, message: this.innerMessage ?? this.message };
    return body;
  }
}

/** 400 InvalidArgument with a detailed code: a field of the request is wrong. */
export function invalidArgument(innerCode: DetailedErrorCode, message: string): ServiceError {
  return new ServiceError(400, 'InvalidArgument', message, innerCode);
}

/** 400 InvalidRequest: the request as a whole is unusable (body not JSON, api-version, paging). */
export function invalidRequest(innerCode: DetailedErrorCode, message: string): ServiceError {
  return new ServiceError(400, 'InvalidRequest', message, innerCode);
}

export function notFound(message: string): ServiceError {
  return new ServiceError(404, 'NotFound', message);
}

/** Azure's API gateway answer for a missing or wrong key (not the Speech service's error shape). */
export const GATEWAY_401_BODY = {
  error: {
    code: '401',
    message:
      'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.',
  },
} as const;

/** Whether a file system error means the disk (or the user's quota) is full. */
export function isDiskFull(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}
