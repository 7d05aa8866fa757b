/**
 * Two male voices (flite rms and awb) on one mono channel, 0.5 s apart, submitted through the HTTP API of the real
 * local service with diarization on: the result must name two speakers and put the speaker changes where the
 * parties change.
 *
 * Bounds: diarization error rate (test/support/der.ts: missed + false alarm + confusion over the reference speech,
 * 0.25 s collar, best speaker mapping) at most 25 % — bench/diarization.ts measures far less on such calls (the
 * README has the figures), while the old pitch-only diarization measured 30–50 % on them, and one speaker for the
 * whole call scores ≈ 45 %; and at least 80 % of the scripted turns start with a phrase of their own party within
 * 0.5 s of where the turn starts.
 */
import * as assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import type { TranscriptionResultFile } from '../../src/core/wire';
import { DEFAULT_SCRIPT, makeCall, recode } from '../support/audio';
import { diarizationError } from '../support/der';
import { useService, waitForStatus } from '../support/service';

const MAX_DER = 0.25;

describe('local service tells two same-gender speakers of a mono call apart', function () {
  const ctx = useService();

  it('gives two speakers with the speaker changes where the parties change', async function () {
    const script = DEFAULT_SCRIPT.map(({ overlapMs: _, ...turn }) => ({ ...turn, gapMs: 500 }));
    const call = makeCall(undefined, script, { voices: ['rms', 'awb'] });
    const mono = recode(call.wav, { sampleRate: 16000, encoding: 'pcm16', mono: true });
    const created = await ctx.client.submit({
      displayName: 'mono, two male voices',
      locale: 'en-US',
      contentUrls: [pathToFileURL(mono).href],
      properties: { timeToLiveHours: 6, wordLevelTimestampsEnabled: true, diarization: { enabled: true, maxSpeakers: 2 } },
    });
    const done = await waitForStatus(ctx.client, created.self!, ['Succeeded', 'Failed'], 170_000);
    assert.equal(done.status, 'Succeeded', JSON.stringify(done.properties.error));
    const [file] = await ctx.client.listFiles(created.self!);
    const result = await ctx.client.fetchContent<TranscriptionResultFile>(file!.links!.contentUrl!);
    const phrases = (result.recognizedPhrases ?? []).map((p) => {
      const startMs = (p.offsetInTicks ?? 0) / 10_000;
      return { speaker: p.speaker, startMs, endMs: startMs + (p.durationInTicks ?? 0) / 10_000 };
    });
    assert.deepEqual([...new Set(phrases.map((p) => p.speaker))].sort(), [1, 2], 'two speakers, numbered from 1');

    const reference = call.reference.map((t) => ({ speaker: t.channel, startMs: t.startMs, endMs: t.endMs }));
    const der = diarizationError(reference, phrases.map((p) => ({ ...p, speaker: p.speaker! })));
    console.log(`      DER ${(100 * der.der).toFixed(1)} % (missed ${der.missedMs} ms, false alarm ${der.falseAlarmMs} ms, confusion ${der.confusionMs} ms of ${der.scoredMs} ms)`);
    assert.ok(der.der <= MAX_DER, `DER ${(100 * der.der).toFixed(1)} %`);

    // Each scripted turn starts with a phrase of its party (under the mapping) near its start.
    const speakerOf = new Map([...der.mapping].map(([hyp, ref]) => [Number(ref), Number(hyp)]));
    const starting = call.reference.filter((turn) =>
      phrases.some((p) => p.speaker === speakerOf.get(turn.channel) && Math.abs(p.startMs - turn.startMs) <= 500),
    );
    console.log(`      ${starting.length} of ${call.reference.length} turns start with a phrase of their speaker`);
    assert.ok(starting.length >= 0.8 * call.reference.length, `${starting.length} of ${call.reference.length} turns start with their speaker`);
  });
});
