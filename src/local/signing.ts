/**
 * Content URLs of the local service work like Azure SAS URLs: `/content/<id>/<fileId>?se=<expiry>&sig=<HMAC>`.
 * They need no key header, are signed with a secret derived from the service key, and stop working at expiry.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { TTL_HOURS } from '../core/limits';

/** Default SAS lifetime of Azure Speech (12 hours), used when `sasLifetimeMinutes` is not given. */
export const DEFAULT_SAS_LIFETIME_MINUTES = 12 * 60;
/**
 * Longest `sasLifetimeMinutes` accepted: the longest time to live of a job (744 h = 31 days); a content URL need not
 * outlive every job it could point to (and a huge value would overflow the expiry date).
 */
export const MAX_SAS_LIFETIME_MINUTES = TTL_HOURS.max * 60;

export class ContentSigner {
  private readonly secret: Buffer;

  constructor(key: string) {
    this.secret = createHmac('sha256', key).update('speech-batch local content url v1').digest();
  }

  /** Query string (`se=…&sig=…`) that grants read access to one file until `expiresAt`. */
  sign(jobId: string, fileId: string, expiresAt: Date): string {
    const se = Math.floor(expiresAt.getTime() / 1000);
    return `se=${se}&sig=${this.signature(jobId, fileId, se)}`;
  }

  /** Whether `se`/`sig` grant access to the file at `now`. */
  verify(jobId: string, fileId: string, se: string | null, sig: string | null, now = new Date()): boolean {
    if (!se || !sig || !/^\d+$/.test(se)) return false;
    if (Number(se) * 1000 < now.getTime()) return false;
    const expected = Buffer.from(this.signature(jobId, fileId, Number(se)));
    const given = Buffer.from(sig);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private signature(jobId: string, fileId: string, se: number): string {
    return createHmac('sha256', this.secret).update(`${jobId.toLowerCase()}\n${fileId.toLowerCase()}\n${se}`).digest('base64url');
  }
}
