import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { toStorageError } from '../../src/core/blobErrors';
import { SpeechClient } from '../../src/core/client';
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

describe('redaction of error messages', () => {
  it('masks a SAS signature in storage errors also where it is URL-encoded', () => {
    const sig = 'ab+cd/ef=';
    const err = toStorageError(new Error(`bad signature ${encodeURIComponent(sig)} (${sig})`), { containerUrl: 'https://a.blob.core.windows.net/c', kind: 'sas', secrets: [sig] }, 'uploading audio');
    assert.ok(!err.message.includes(encodeURIComponent(sig)) && !err.message.includes(sig), err.message);
    assert.match(err.message, /bad signature \*\*\* \(\*\*\*\)/);
  });

  it('cuts SAS queries off URLs in the body excerpt of a failed content download', async () => {
    const server = http.createServer((_, res) => res.writeHead(403).end('denied for https://acct.blob.core.windows.net/c/a.json?sv=1&sig=SECRET'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const client = new SpeechClient({ endpoint: base, key: 'k'.repeat(32), maxRetries: 0 });
      await assert.rejects(client.fetchContent(`${base}/content/x.json`), (err: Error) => {
        assert.ok(!err.message.includes('SECRET'), err.message);
        assert.match(err.message, /denied for https:\/\/acct\.blob\.core\.windows\.net\/c\/a\.json\?…/);
        return true;
      });
    } finally {
      server.close();
    }
  });
});
