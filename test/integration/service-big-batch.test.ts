/**
 * A job of 1,000 files (Azure's limit per job) on the real local service: every file gets a result or its own
 * error, the files are listed page by page as they finish, the jobs list and the job stay readable while it works,
 * and the job finishes. The files are tiny (0.3 s of silence, a few spoken words, a few that are not audio) so the
 * test measures the service's handling of a big job, not the engine; `npm run bench:pipeline -- --parts responsive`
 * measures the API's p99 while such a job runs.
 */
import * as assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import { readJobOutputs, resultIndex } from '../../src/core/jobFlow';
import type { Transcription } from '../../src/core/wire';
import { makeTinyBatch } from '../support/audio';
import { useService } from '../support/service';
import { eventually } from '../support/timeouts';

const COUNT = 1000;

describe('local service: a job of 1,000 files', function () {
  const handle = useService();

  it('lists every file as it finishes, page by page, with its own error for the files that are not audio', async function () {
    const batch = makeTinyBatch(COUNT);
    const { client } = handle;
    const urls = batch.files.map((f) => pathToFileURL(f).href);
    const job = await client.submit({ displayName: '1,000 calls', locale: 'en-US', contentUrls: urls, properties: { timeToLiveHours: 6 } });

    // While it runs: the job and the jobs list answer, and the files done so far are listed in pages.
    await eventually(
      async () => {
        const { transcription } = await client.get(job.self!);
        const listed = await client.listPage({ top: 10 });
        assert.ok(listed.values.some((t) => t.self === job.self), 'the job is in the jobs list');
        if (transcription.status !== 'Running') return { last: transcription.status };
        const page = await client.listFilesPage(job.self!, { top: 100 });
        const results = page.values.filter((f) => f.kind === 'Transcription');
        return results.length > 0 && results.length < COUNT ? { value: results.length } : { last: results.length };
      },
      120_000,
      (last) => `files were not listed while the job ran (last: ${String(last)})`,
      200,
    );

    const done = await eventually<Transcription>(
      async () => {
        const { transcription } = await client.get(job.self!);
        return transcription.status === 'Succeeded' || transcription.status === 'Failed' ? { value: transcription } : { last: transcription.status };
      },
      600_000,
      (last) => `the job did not finish (last: ${String(last)})`,
      500,
    );
    assert.equal(done.status, 'Succeeded', JSON.stringify(done.properties.error));

    // Paging: 100 a page, each file once, the report last.
    const first = await client.listFilesPage(job.self!, { top: 100 });
    assert.equal(first.values.length, 100);
    assert.ok(first['@nextLink'], 'a link to the next page');
    const all = await client.listFiles(job.self!);
    assert.equal(all.length, COUNT - batch.broken.length + 1, 'a result per audio file and the report');
    const names = new Set(all.map((f) => f.name));
    assert.equal(names.size, all.length, 'no file listed twice across pages');

    const outputs = await readJobOutputs(client, done.self!);
    const transcribed = new Set(outputs.results.map((f) => resultIndex(f)));
    assert.equal(transcribed.size + outputs.failures.length, COUNT, 'every file has a result or an error');
    assert.deepEqual(
      outputs.failures.map((f) => f.source).sort(),
      batch.broken.map((f) => pathToFileURL(f).href).sort(),
      'exactly the files that are not audio failed',
    );
    assert.ok(outputs.failures.every((f) => /not a WAV|not audio|unknown|format/i.test(f.reason)), outputs.failures.map((f) => f.reason).join('\n'));
    // The spoken words were recognised, in their own files.
    for (const file of batch.speech) {
      const result = outputs.results.find((f) => resultIndex(f) === batch.files.indexOf(file))!;
      const content = await client.fetchContent<{ combinedRecognizedPhrases?: { display?: string }[] }>(result.links!.contentUrl!);
      assert.match(content.combinedRecognizedPhrases?.map((p) => p.display).join(' ') ?? '', /\w/, `${file}: a word was recognised`);
    }
    await client.delete(job.self!);
  });
});
