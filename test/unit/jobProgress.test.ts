import * as assert from 'node:assert/strict';
import { estimateRemainingMs, fileCounts, jobOutcome, readableReason, roughDuration } from '../../src/vscode/jobProgress';
import type { JobFileRecord } from '../../src/vscode/jobRecord';

const ok = (i: number): JobFileRecord => ({ name: `contenturl_${i}.json`, state: 'transcription', audioPath: `/c/${i}.wav` });
const bad = (i: number): JobFileRecord => ({ name: `${i}.wav`, state: 'failed', audioPath: `/c/${i}.wav`, error: 'empty' });

describe('job progress (outcome, counts, readable reasons, time left)', () => {
  it('tells succeeded, partly failed, failed and pending apart', () => {
    assert.equal(jobOutcome({ status: 'Succeeded', files: [ok(0), ok(1)] }), 'succeeded');
    assert.equal(jobOutcome({ status: 'Succeeded', files: [ok(0), bad(1)] }), 'partial');
    assert.equal(jobOutcome({ status: 'Failed', files: [bad(0), bad(1)] }), 'failed');
    assert.equal(jobOutcome({ status: 'Running', files: [ok(0)] }), 'pending');
  });

  it('counts done, transcribed and failed files against the inputs', () => {
    const audioPaths = Array.from({ length: 25 }, (_, i) => `/c/${i}.wav`);
    const files = [...Array.from({ length: 23 }, (_, i) => ok(i)), bad(23), bad(24)];
    assert.deepEqual(fileCounts({ audioPaths, files }), { total: 25, done: 25, transcribed: 23, failed: 2 });
    assert.deepEqual(fileCounts({ audioPaths, files: files.slice(0, 7) }), { total: 25, done: 7, transcribed: 7, failed: 0 });
    assert.deepEqual(fileCounts({ audioPaths: [], files: [] }), { total: undefined, done: 0, transcribed: 0, failed: 0 }, 'imported jobs: unknown');
  });

  it('drops the service ids of files from reasons, and the file name the row already shows', () => {
    assert.equal(readableReason('contenturl_3 (empty.wav): the file holds no audio'), 'empty.wav: the file holds no audio');
    assert.equal(readableReason('contenturl_3 (empty.wav): the file holds no audio', 'empty.wav'), 'the file holds no audio');
    assert.equal(
      readableReason('All 2 files failed. contenturl_0 (a.wav): bad header; contenturl_1 (b b.wav): no speech'),
      'All 2 files failed. a.wav: bad header; b b.wav: no speech',
    );
    assert.ok(!readableReason('see contenturl_12 for details').includes('contenturl_'));
    assert.equal(readableReason('Cannot read https://a.blob.core.windows.net/c/a.wav?sv=1&sig=SECRET'), 'Cannot read https://a.blob.core.windows.net/c/a.wav?…');
  });

  it('estimates the time left from the share done and the time it took', () => {
    assert.equal(estimateRemainingMs(25, 100, 10_000), 30_000);
    assert.equal(estimateRemainingMs(0, 100, 10_000), undefined, 'nothing done: no estimate');
    assert.equal(estimateRemainingMs(100, 100, 10_000), undefined, 'all done');
    assert.deepEqual(roughDuration(30_000), { unit: 'lessThanMinute', minutes: 0, hours: 0 });
    assert.deepEqual(roughDuration(4 * 60_000 + 20_000), { unit: 'minutes', minutes: 4, hours: 0 });
    assert.deepEqual(roughDuration(80 * 60_000), { unit: 'hours', minutes: 20, hours: 1 });
  });
});
