import * as assert from 'node:assert/strict';
import { finalText, measureProgress, ProgressLine, progressText, timeLeft } from '../../src/cli/progress';
import type { TranscriptionFile } from '../../src/core/wire';

const input = (i: number, bytes?: number) => ({ url: `file:///calls/${i}.wav`, ...(bytes !== undefined && { bytes }) });
const result = (i: number, ms: number): TranscriptionFile => ({ name: `contenturl_${i}.json`, kind: 'Transcription', properties: { durationMilliseconds: ms } });

describe('CLI progress (files done, audio done, time left)', () => {
  it('counts results and the failures of the partial report, and sums the audio done', () => {
    const inputs = [0, 1, 2, 3].map((i) => input(i));
    const report = { details: [{ source: 'file:///calls/2.wav', status: 'Failed' as const }, { source: 'file:///calls/0.wav', status: 'Succeeded' as const }] };
    const p = measureProgress(inputs, [result(0, 60_000)], report, 30_000);
    assert.deepEqual({ ...p, remainingMs: undefined }, { total: 4, done: 2, failed: 1, audioDoneMs: 60_000, remainingMs: undefined });
  });

  it('estimates the audio left from the sizes of the files not done, at the speed measured so far', () => {
    // 1 MB per minute of audio; 2 min of audio took 60 s (2× real time); 3 MB left = 3 min of audio = 90 s.
    const inputs = [input(0, 1e6), input(1, 1e6), input(2, 3e6)];
    const p = measureProgress(inputs, [result(0, 60_000), result(1, 60_000)], undefined, 60_000);
    assert.equal(p.remainingMs, 90_000);
    // Without sizes: the average length of the files done.
    const unsized = measureProgress([input(0), input(1), input(2)], [result(0, 60_000), result(1, 60_000)], undefined, 60_000);
    assert.equal(unsized.remainingMs, 30_000);
  });

  it('says nothing about the time left before a file was transcribed', () => {
    assert.equal(measureProgress([input(0), input(1)], [], undefined, 10_000).remainingMs, undefined);
  });

  it('reads like a sentence, in minutes under an hour and hours above', () => {
    assert.equal(progressText({ total: 1000, done: 412, failed: 3, audioDoneMs: 8_676_000, remainingMs: 720_000 }), '412 of 1,000 files done (3 failed), 2.41 h of audio, about 12 min left');
    assert.equal(progressText({ total: 6, done: 0, failed: 0, audioDoneMs: 0 }), '0 of 6 files done, 0.0 min of audio');
    assert.equal(finalText({ total: 2, done: 2, failed: 0, audioDoneMs: 90_000 }, 30_000), '2 of 2 files done, 1.5 min of audio in 30.0 s (3.0× real time)');
    assert.equal(timeLeft(30_000), 'less than a minute');
    assert.equal(timeLeft(65 * 60_000), 'about 1 h 5 min');
  });

  it('writes a log line when the count changed, at most every 5 s, and at least every 30 s', () => {
    let now = 0;
    const written: string[] = [];
    const line = new ProgressLine({ write: (t: string) => written.push(t) }, { now: () => now });
    const at = (ms: number, done: number): void => {
      now = ms;
      line.update({ total: 10, done, failed: 0, audioDoneMs: 0 });
    };
    at(0, 0);
    at(1_000, 1); // changed, but too soon
    at(6_000, 2);
    at(12_000, 2); // unchanged
    at(36_000, 2); // 30 s without a line
    line.finish('10 of 10');
    assert.deepEqual(
      written.map((w) => /(\d+) of 10/.exec(w)![1]),
      ['0', '2', '2', '10'],
    );
    assert.ok(written.every((w) => w.endsWith('\n') && !w.includes('\r')));
  });

  it('redraws in place on a terminal and keeps the line below messages; quiet writes only messages', () => {
    const written: string[] = [];
    const line = new ProgressLine({ write: (t: string) => written.push(t), isTTY: true });
    line.update({ total: 2, done: 1, failed: 0, audioDoneMs: 0 });
    line.message('call.wav: no audio');
    line.finish('2 of 2');
    assert.equal(written.join(''), '\r\x1b[Kspeech-batch: 1 of 2 files done, 0.0 min of audio\r\x1b[Kspeech-batch: call.wav: no audio\n\r\x1b[Kspeech-batch: 1 of 2 files done, 0.0 min of audio\r\x1b[Kspeech-batch: 2 of 2\n');
    const quiet: string[] = [];
    const q = new ProgressLine({ write: (t: string) => quiet.push(t), isTTY: true }, { quiet: true });
    q.update({ total: 2, done: 1, failed: 0, audioDoneMs: 0 });
    q.status('Running');
    q.message('call.wav: no audio');
    q.finish('2 of 2');
    assert.deepEqual(quiet, ['speech-batch: call.wav: no audio\n']);
  });
});
