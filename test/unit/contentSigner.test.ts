import * as assert from 'node:assert/strict';
import { ContentSigner } from '../../src/local/signing';

describe('content URL signatures of the local service', function () {
  const job = 'ba7ea6f5-3065-40b7-b49a-a90f48584683';
  const file = 'ee4733cd-b1a7-4813-87e2-00d582c28a29';
  const signer = new ContentSigner('service-key');
  const expires = new Date('2026-05-01T12:00:00Z');
  const query = new URLSearchParams(signer.sign(job, file, expires));
  const verify = (s: ContentSigner, j: string, f: string, se: string | null, sig: string | null, now: string) =>
    s.verify(j, f, se, sig, new Date(now));

  it('grants access to that file until the expiry, and not after', function () {
    assert.equal(query.get('se'), String(Date.parse('2026-05-01T12:00:00Z') / 1000));
    assert.ok(verify(signer, job, file, query.get('se'), query.get('sig'), '2026-05-01T11:59:59Z'));
    assert.ok(!verify(signer, job, file, query.get('se'), query.get('sig'), '2026-05-01T12:00:01Z'));
  });

  it('refuses other files, a moved expiry, another key, and missing parts', function () {
    const at = '2026-05-01T00:00:00Z';
    assert.ok(!verify(signer, job, job, query.get('se'), query.get('sig'), at));
    assert.ok(!verify(signer, job, file, String(Number(query.get('se')) + 60), query.get('sig'), at));
    assert.ok(!verify(new ContentSigner('other-key'), job, file, query.get('se'), query.get('sig'), at));
    assert.ok(!verify(signer, job, file, null, query.get('sig'), at));
    assert.ok(!verify(signer, job, file, query.get('se'), '', at));
    assert.ok(!query.get('sig')!.includes('service-key'));
  });
});
