import * as assert from 'node:assert/strict';
import { parseRetryAfter, SpeechClient } from '../../src/core/client';
import { redactSecrets, redactUrl } from '../../src/core/redact';

describe('Retry-After parsing', function () {
  const now = Date.parse('2026-05-01T12:00:00Z');

  it('reads delta seconds and HTTP dates as ms from now', function () {
    assert.equal(parseRetryAfter('30', now), 30_000);
    assert.equal(parseRetryAfter(['2'], now), 2_000);
    assert.equal(parseRetryAfter('Fri, 01 May 2026 12:00:45 GMT', now), 45_000);
    assert.equal(parseRetryAfter('Fri, 01 May 2026 11:00:00 GMT', now), 0, 'a date in the past: retry now');
  });

  it('ignores absent or unreadable values', function () {
    assert.equal(parseRetryAfter(undefined, now), undefined);
    assert.equal(parseRetryAfter('', now), undefined);
    assert.equal(parseRetryAfter('soon', now), undefined);
  });
});

describe('redaction for logs', function () {
  it('drops the query (SAS signature) and credentials of URLs', function () {
    assert.equal(
      redactUrl('https://acct.blob.core.windows.net/calls/a%20b.wav?sv=2024&sig=SECRET'),
      'https://acct.blob.core.windows.net/calls/a%20b.wav?…',
    );
    assert.equal(redactUrl('http://user:pw@127.0.0.1:8080/content/x'), 'http://127.0.0.1:8080/content/x');
    assert.equal(redactUrl('not a url?sig=SECRET'), 'not a url');
    assert.equal(redactUrl('weird sig=SECRET&x'), 'weird sig=…&x');
  });

  it('masks secrets in free text', function () {
    assert.equal(redactSecrets('key abcd1234 rejected (abcd1234)', ['abcd1234', undefined]), 'key *** rejected (***)');
  });
});

describe('transcription ids', function () {
  it('rejects a self URL with a malformed escape with its own readable error', function () {
    assert.throws(() => SpeechClient.idOf('https://x/speechtotext/transcriptions/%zz?sig=SECRET'), (err: Error) => {
      assert.ok(!(err instanceof URIError));
      assert.match(err.message, /^Not a transcription id or self URL: "https:\/\/x\/speechtotext\/transcriptions\/%zz\?…"\.$/);
      return true;
    });
  });
});
