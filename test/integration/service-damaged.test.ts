/**
 * Damage is reported, never hidden, through the real local service process and the built CLI: damaged recordings
 * made from the sample call are transcribed as far as they decode, and each one's warning is in its result file,
 * its line of report.json and its entry in the files list; the CLI says it on stderr (exit code 1 with --strict) and
 * in the transcript. A file with no decodable audio still fails.
 */
import * as assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import { readJobOutputs, resultIndex, waitForJob } from '../../src/core/jobFlow';
import type { AudioWarning, TranscriptionReportFile, TranscriptionResultFile } from '../../src/core/wire';
import { makeCorruptWav, makeDamaged, type DamageKind } from '../support/audio';
import { runCli, useService } from '../support/service';
import { useTempDir } from '../support/tempDir';

const DAMAGED: { kind: DamageKind; code: string; message: RegExp; decodedMs: [number, number] }[] = [
  { kind: 'wav-truncated', code: 'AudioTruncated', message: /^Only 0:23 of 0:42 could be decoded: the file ends early$/, decodedMs: [23_430, 23_440] },
  { kind: 'mp3-cut', code: 'AudioTruncated', message: /^Only 0:21 of 0:42 could be decoded: the file ends early$/, decodedMs: [20_500, 21_500] },
  { kind: 'mp3-corrupt', code: 'AudioDamaged', message: /^Damaged audio from 0:16 on: 0:0\d of audio could not be decoded \(corrupt or missing MP3 frames\)/, decodedMs: [38_000, 40_000] },
  { kind: 'wav-streamed', code: 'AudioLengthUnknown', message: /does not say how long the recording is/, decodedMs: [42_300, 42_320] },
  { kind: 'silent', code: 'AudioSilent', message: /^The recording is silent/, decodedMs: [20_000, 20_000] },
  { kind: 'clipped', code: 'AudioClipped', message: /^The recording is clipped throughout/, decodedMs: [42_300, 42_320] },
];

const cli = (args: string[]) => runCli(['transcribe', ...args]);

describe('damaged audio through the local service and the CLI', function () {
  this.timeout(600_000);
  const ctx = useService();
  const scratch = useTempDir('speech-batch-damaged-');

  it('transcribes what decodes and reports each damage in the result, report.json and the files list', async () => {
    const files = [...DAMAGED.map((d) => makeDamaged(d.kind)), makeCorruptWav(scratch(), 'headerOnly')];
    const job = await ctx.client.submit({
      displayName: 'damaged',
      locale: 'en-US',
      contentUrls: files.map((f) => pathToFileURL(f).href),
      properties: { timeToLiveHours: 6, wordLevelTimestampsEnabled: true },
    });
    const done = await waitForJob(ctx.client, job.self!, { timeoutMs: 540_000 });
    assert.equal(done.status, 'Succeeded', JSON.stringify(done.properties.error));

    const listed = await ctx.client.listFiles(job.self!);
    const reportEntry = listed.find((f) => f.kind === 'TranscriptionReport')!;
    const report = await ctx.client.fetchContent<TranscriptionReportFile>(reportEntry.links!.contentUrl!);
    assert.equal(report.successfulTranscriptionsCount, DAMAGED.length);
    assert.equal(report.failedTranscriptionsCount, 1);
    const headerOnly = report.details.find((d) => d.source.endsWith('headerOnly.wav'))!;
    assert.equal(headerOnly.status, 'Failed', 'no decodable audio fails, as before');
    assert.equal(headerOnly.errorKind, 'EmptyAudioFile');

    const { results, failures } = await readJobOutputs(ctx.client, job.self!);
    assert.equal(failures.length, 1);
    for (const [i, damage] of DAMAGED.entries()) {
      const entry = results.find((f) => resultIndex(f) === i)!;
      const result = await ctx.client.fetchContent<TranscriptionResultFile>(entry.links!.contentUrl!);
      const detail = report.details.find((d) => d.source === pathToFileURL(files[i]!).href)!;
      const warnings: AudioWarning[] = result.warnings ?? [];
      assert.deepEqual(warnings.map((w) => w.code), [damage.code], `${damage.kind}: ${JSON.stringify(warnings)}`);
      assert.match(warnings[0]!.message, damage.message);
      assert.equal(detail.status, 'Succeeded');
      assert.deepEqual(detail.warnings, warnings, `${damage.kind}: report.json says the same`);
      assert.deepEqual(entry.properties?.warnings, warnings, `${damage.kind}: the files list says the same`);
      const decoded = result.durationMilliseconds!;
      assert.ok(decoded >= damage.decodedMs[0] && decoded <= damage.decodedMs[1], `${damage.kind}: ${decoded} ms decoded`);
      assert.equal(entry.properties?.durationMilliseconds, decoded);
      const words = (result.recognizedPhrases ?? []).flatMap((p) => p.nBest?.[0]?.words ?? []);
      if (damage.kind === 'silent') assert.equal(words.length, 0);
      else {
        assert.ok(words.length > 10, `${damage.kind}: what decoded is transcribed (${words.length} words)`);
        const lastEndMs = Math.max(...words.map((w) => (w.offsetInTicks! + w.durationInTicks!) / 10_000));
        assert.ok(lastEndMs <= decoded + 1, `${damage.kind}: no words past the decoded audio`);
      }
    }
    const clean = report.details.filter((d) => d.status === 'Succeeded' && !d.warnings);
    assert.equal(clean.length, 0, 'every damaged file carries its warning');
  });

  it('the CLI says it on stderr and in the transcript; --strict makes the exit code 1', async () => {
    const file = makeDamaged('wav-truncated');
    const plain = await cli([file, '--format', 'md']);
    assert.equal(plain.code, 0, plain.stderr);
    assert.match(plain.stderr, /wav-truncated\.wav: warning: Only 0:23 of 0:42 could be decoded: the file ends early\n/);
    assert.match(plain.stderr, /1 of 1 file\(s\) with damaged audio\n/);
    assert.match(plain.stdout, /^> \*\*Warning:\*\* Only 0:23 of 0:42 could be decoded: the file ends early$/m);
    assert.match(plain.stdout, /^Duration 0:23 · /m, 'the transcript is as long as what decoded');

    const strict = await cli([file, '--strict']);
    assert.equal(strict.code, 1, strict.stderr);
    assert.match(strict.stderr, /warning: Only 0:23 of 0:42 could be decoded: the file ends early/);
    assert.match(strict.stdout, /^Warning: Only 0:23 of 0:42 could be decoded: the file ends early\n\[00:00:0\d\] /);
  });
});
