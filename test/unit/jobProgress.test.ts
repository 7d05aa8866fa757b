import * as assert from 'node:assert/strict';
import { estimateJob, estimateRemainingMs, fileCounts, fileWeights, jobOutcome, readableReason, roughDuration } from '../../src/vscode/jobProgress';
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

  it('weighs files by audio length, not size: a long MP3 counts more than a short WAV of more bytes', () => {
    const start = Date.parse('2026-01-01T10:00:00Z');
    const job = {
      status: 'Running' as const,
      backend: 'local' as const,
      runningSince: new Date(start).toISOString(),
      audioPaths: ['/c/0.wav', '/c/1.wav', '/c/2.mp3'],
      // A 60 s WAV of 1.9 MB, a 60 s WAV, and a 10-minute MP3 of 2.4 MB.
      audioBytes: [1_920_044, 1_920_044, 2_400_000],
      audioMs: [60_000, 60_000, 600_000],
      files: [ok(0)],
    };
    // 60 s of audio took 20 s (3× real time): 660 s of audio are left, about 220 s.
    assert.deepEqual(estimateJob(job, start + 20_000), { remainingMs: 220_000, audioDoneMs: 60_000, audioTotalMs: 720_000, speed: 3 });
    // By size the MP3 would look like 1.25 WAVs: about 65 s left, a third of the real time.
    const bySize = estimateJob({ ...job, audioMs: undefined }, start + 20_000)!;
    assert.equal(bySize.remainingMs, Math.round(((1_920_044 + 2_400_000) * 20_000) / 1_920_044));
    assert.equal(bySize.speed, undefined, 'no speed without lengths');
    assert.equal(estimateJob({ ...job, backend: 'azure' }, start + 20_000), undefined, 'Azure jobs: no estimate');
    assert.equal(estimateJob({ ...job, files: [] }, start + 20_000), undefined, 'nothing done yet: no estimate');
  });

  it('counts a file whose length is unknown by its size at the others\' ms per byte', () => {
    const { weights, unit } = fileWeights({ audioPaths: ['/a', '/b', '/c'], audioBytes: [1000, 2000, 500], audioMs: [10_000, 0, 5_000] });
    assert.equal(unit, 'ms');
    assert.deepEqual(weights, [10_000, 20_000, 5_000]);
    assert.equal(fileWeights({ audioPaths: ['/a', '/b'], audioBytes: [1000, 0], audioMs: [0, 0] }).unit, 'bytes');
  });
});
