import * as assert from 'node:assert/strict';
import {
  deserializeJobs,
  jobKey,
  serializeJobs,
  type JobRecord,
} from '../../src/vscode/jobRecord';

const succeeded: JobRecord = {
  backend: 'azure',
  endpoint: 'https://westeurope.api.cognitive.microsoft.com',
  id: '9c142a4a-2b44-4d5a-9d4b-30e5dce5bbb1',
  displayName: 'call-0001.wav + 1 more',
  locale: 'en-US',
  status: 'Succeeded',
  createdDateTime: '2026-11-25T01:00:00Z',
  lastActionDateTime: '2026-11-25T01:02:00Z',
  durationMs: 65000,
  audioPaths: ['/calls/call-0001.wav', '/calls/call-0002.mp3'],
  uploads: ['2026-11-25/abc/call-0001.wav', '2026-11-25/abc/call-0002.mp3'],
  audioBytes: [2_080_044, 0],
  audioMs: [65_000, 0],
  runningSince: '2026-11-25T01:00:05Z',
  files: [
    { name: 'contenturl_0.json', state: 'transcription', audioPath: '/calls/call-0001.wav', audioName: 'call-0001.wav', durationMs: 65000 },
    { name: 'call-0002.mp3', state: 'failed', audioName: 'call-0002.mp3', index: 1, error: 'The audio is empty.' },
  ],
};

describe('job storage (serializeJobs / deserializeJobs)', () => {
  it('round-trips every field of a job through JSON (as globalState stores it)', () => {
    const stored = JSON.parse(JSON.stringify(serializeJobs([succeeded])));
    assert.deepEqual(deserializeJobs(stored), { jobs: [succeeded], dropped: 0 });
  });

  it('keeps well-formed jobs and drops malformed and duplicate entries', () => {
    const stored = {
      version: 1,
      jobs: [
        succeeded,
        { ...succeeded, status: 'Exploded' },
        { ...succeeded, backend: 'somewhere' },
        { displayName: 'no id' },
        succeeded,
        { ...succeeded, id: 'other', files: [{ name: 'x.json', state: 'bogus' }, { name: 'y.json', state: 'transcription' }] },
      ],
    };
    const { jobs, dropped } = deserializeJobs(stored);
    assert.equal(dropped, 4);
    assert.deepEqual(jobs.map((j) => j.id), [succeeded.id, 'other']);
    assert.deepEqual(jobs[1].files, [{ name: 'y.json', state: 'transcription' }]);
  });

  it('keeps which files a cancel left untranscribed, also of jobs cancelled before that was stored', () => {
    const reason = 'Cancelled before it was transcribed';
    const cancelled: JobRecord = {
      ...succeeded,
      cancelled: true,
      files: [
        succeeded.files[0]!,
        { name: 'call-0002.mp3', state: 'failed', audioName: 'call-0002.mp3', index: 1, error: reason, cancelled: true },
      ],
    };
    assert.deepEqual(deserializeJobs(JSON.parse(JSON.stringify(serializeJobs([cancelled])))).jobs, [cancelled]);
    // Stored by an older version: no flag, the reason it gave them.
    const older = { ...cancelled, files: [succeeded.files[0], { ...cancelled.files[1], cancelled: undefined }, { name: 'x.wav', state: 'failed', error: 'not audio' }] };
    const files = deserializeJobs({ version: 1, jobs: [older] }).jobs[0]!.files;
    assert.deepEqual(files.map((f) => f.cancelled), [undefined, true, undefined], 'a real failure stays a failure');
    // A file that failed with that text in a job that was not cancelled is a failure.
    const notCancelled = deserializeJobs({ version: 1, jobs: [{ ...older, cancelled: undefined }] }).jobs[0]!.files;
    assert.deepEqual(notCancelled.map((f) => f.cancelled), [undefined, undefined, undefined]);
  });

  it('starts empty from nothing or an unknown version', () => {
    assert.deepEqual(deserializeJobs(undefined), { jobs: [], dropped: 0 });
    assert.deepEqual(deserializeJobs({ version: 99, jobs: [succeeded] }), { jobs: [], dropped: 1 });
  });

  it('identifies a job by backend, endpoint and id', () => {
    assert.notEqual(jobKey(succeeded), jobKey({ ...succeeded, backend: 'local', endpoint: 'local' }));
    const renamed: JobRecord = { ...succeeded, displayName: 'renamed' };
    assert.equal(jobKey(succeeded), jobKey(renamed));
  });
});
