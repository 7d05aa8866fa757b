import * as assert from 'node:assert/strict';
import { applyTranscription, audioLabel, failedFile, resultFile, sourceFileName } from '../../src/vscode/jobResults';
import { deserializeJobs, serializeJobs, type JobRecord } from '../../src/vscode/jobRecord';

const job: JobRecord = {
  backend: 'azure',
  endpoint: 'https://westeurope.api.cognitive.microsoft.com',
  id: '9c142a4a-2b44-4d5a-9d4b-30e5dce5bbb1',
  displayName: 'a.wav + 1 more',
  locale: 'en-US',
  status: 'Running',
  createdDateTime: '2026-11-25T01:00:00Z',
  audioPaths: ['/calls/a.wav', '/calls/b b.mp3'],
  uploads: ['2026-11-25/u/a.wav', '2026-11-25/u/b b.mp3'],
  files: [],
};

describe('job results (applyTranscription, resultFile, failedFile)', () => {
  it('applies status, times, duration and the failure reason (SAS redacted) of the service', () => {
    const updated = applyTranscription(job, {
      displayName: 'x',
      locale: 'en-US',
      status: 'Failed',
      createdDateTime: '2026-11-25T01:00:01Z',
      lastActionDateTime: '2026-11-25T01:03:00Z',
      properties: {
        timeToLiveHours: 48,
        durationMilliseconds: 65000,
        error: { code: 'InvalidData', message: 'Cannot read https://a.blob.core.windows.net/c/a.wav?sv=1&sig=SECRET' },
      },
    });
    assert.equal(updated.status, 'Failed');
    assert.equal(updated.lastActionDateTime, '2026-11-25T01:03:00Z');
    assert.equal(updated.durationMs, 65000);
    assert.deepEqual(updated.error, { code: 'InvalidData', message: 'Cannot read https://a.blob.core.windows.net/c/a.wav?…' });
    assert.equal(updated.displayName, job.displayName, 'the local display name stays');
  });

  it('links result files to their local audio by the index in contenturl_<n>.json', () => {
    assert.deepEqual(resultFile(job, { name: 'contenturl_1.json', kind: 'Transcription', properties: { durationMilliseconds: 4200 } }), {
      name: 'contenturl_1.json',
      state: 'transcription',
      audioPath: '/calls/b b.mp3',
      audioName: 'b b.mp3',
      durationMs: 4200,
    });
    assert.deepEqual(resultFile(job, { name: 'other.json', kind: 'Transcription' }), { name: 'other.json', state: 'transcription' });
  });

  it('keeps the damage the service found in a transcribed input, for its row', () => {
    const warnings = [{ code: 'AudioTruncated', message: 'Only 0:23 of 0:42 could be decoded: the file ends early' }];
    const record = resultFile(job, { name: 'contenturl_0.json', kind: 'Transcription', properties: { durationMilliseconds: 23_437, warnings } });
    assert.deepEqual(record.warnings, ['Only 0:23 of 0:42 could be decoded: the file ends early']);
    const stored = deserializeJobs(serializeJobs([{ ...job, files: [record] }])).jobs[0]!;
    assert.deepEqual(stored.files[0]!.warnings, record.warnings, 'kept in globalState');
  });

  it('names a failed input after its content URL (no SAS) and links it to the local audio', () => {
    assert.deepEqual(failedFile(job, 'https://acct.blob.core.windows.net/c/2026-11-25/u/b%20b.mp3?sv=1&sig=SECRET', 'The audio is empty.'), {
      name: 'b b.mp3',
      state: 'failed',
      audioName: 'b b.mp3',
      index: 1,
      audioPath: '/calls/b b.mp3',
      error: 'The audio is empty.',
    });
    assert.equal(sourceFileName('file:///calls/a.wav'), 'a.wav');
    assert.equal(sourceFileName('https://acct.blob.core.windows.net/c/?sig=SECRET'), 'https://acct.blob.core.windows.net/c/?…');
  });

  it('keys failed inputs with the same base name by their index in contentUrls (azure uploads and local files)', () => {
    const azure: JobRecord = {
      ...job,
      audioPaths: ['/calls/day1/call.wav', '/calls/day2/call.wav'],
      uploads: ['2026-11-25/u1/call.wav', '2026-11-25/u2/call.wav'],
    };
    const first = failedFile(azure, 'https://acct.blob.core.windows.net/c/2026-11-25/u1/call.wav?sig=SECRET', 'Bad audio.');
    const second = failedFile(azure, 'https://acct.blob.core.windows.net/c/2026-11-25/u2/call.wav?sig=SECRET', 'Bad audio.');
    assert.equal(first.name, second.name, 'both have the same base name');
    assert.deepEqual([first.audioName, second.audioName], ['day1/call.wav', 'day2/call.wav'], 'users can tell them apart');
    assert.deepEqual([first.index, first.audioPath], [0, '/calls/day1/call.wav']);
    assert.deepEqual([second.index, second.audioPath], [1, '/calls/day2/call.wav']);

    const local: JobRecord = { ...azure, backend: 'local', endpoint: 'local', uploads: [] };
    assert.equal(failedFile(local, 'file:///calls/day2/call.wav', undefined).index, 1);
    assert.equal(failedFile(local, 'file:///calls/day1/call.wav', undefined).index, 0);

    const unknown = failedFile({ ...job, audioPaths: [], uploads: [] }, 'https://acct.blob.core.windows.net/c/x/call.wav?sig=S', undefined);
    assert.deepEqual(unknown, { name: 'call.wav', state: 'failed', audioName: 'call.wav' }, 'imported jobs: no index, no local audio');
  });

  it("names audio by its path below the folder the job's files share, the file name alone for one file", () => {
    assert.equal(audioLabel(['/w/call.mp3'], '/w/call.mp3'), 'call.mp3');
    const folder = ['/w/call.mp3', '/w/recordings/call.mp3'];
    assert.deepEqual(folder.map((p) => audioLabel(folder, p)), ['call.mp3', 'recordings/call.mp3']);
    const days = ['/w/day1/a.wav', '/w/day2/a.wav', '/w/day2/b.wav'];
    assert.deepEqual(days.map((p) => audioLabel(days, p)), ['day1/a.wav', 'day2/a.wav', 'day2/b.wav']);
    const prefixes = ['/w/ab/x.wav', '/w/a/x.wav'];
    assert.deepEqual(prefixes.map((p) => audioLabel(prefixes, p)), ['ab/x.wav', 'a/x.wav'], 'a folder name that prefixes another is no common folder');
  });
});
