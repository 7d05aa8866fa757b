import * as assert from 'node:assert/strict';
import { redactUrlsIn } from '../../src/core/redact';

describe('redaction of free text (redactUrlsIn)', () => {
  it('cuts the SAS query off every URL in a message and keeps the rest', () => {
    const message =
      'Cannot read https://acct.blob.core.windows.net/calls/a.wav?sv=2024-05-04&sp=r&sig=abc%2Bdef and "https://x.blob.core.windows.net/c/b.mp3?sig=zzz".';
    assert.equal(
      redactUrlsIn(message),
      'Cannot read https://acct.blob.core.windows.net/calls/a.wav?… and "https://x.blob.core.windows.net/c/b.mp3?…".',
    );
  });

  it('removes credentials in a URL and leaves text without URLs alone', () => {
    assert.equal(redactUrlsIn('proxy http://user:pass@host:8080/p failed'), 'proxy http://host:8080/p failed');
    assert.equal(redactUrlsIn('The audio file is empty.'), 'The audio file is empty.');
  });
});
