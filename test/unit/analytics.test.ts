import { strict as assert } from 'node:assert';
import { computeAnalytics } from '../../src/core/analytics';
import { mergeFile } from '../../src/core/merge';
import type { Phrase, Transcript } from '../../src/core/model';
import { loadTranscript, stereoCall } from '../fixtures/results';

function phrase(channel: number, startMs: number, endMs: number, lexical: string): Phrase {
  return { channel, startMs, endMs, text: lexical, lexical, words: [] };
}

function transcript(phrases: Phrase[], durationMs?: number): Transcript {
  return { source: 'x.wav', durationMs, channels: [0, 1], phrases, combined: [] };
}

describe('computeAnalytics', () => {
  it('measures the stereo call fixture (numbers worked out by hand from its phrase times)', () => {
    const analytics = computeAnalytics(stereoCall());
    // Agent talks 500-2000, 2800-4000, 6000-9000, 12500-13000 = 6200 ms;
    // Customer 4500-5800, 8800-10000, 11000-14000, 16000-25000 = 14500 ms.
    // Crosstalk 8800-9000 and 12500-13000 = 700 ms; anybody talks 20700 - 700 = 20000 of 30000 ms.
    assert.equal(analytics.durationMs, 30_000);
    assert.equal(analytics.talkMs, 20_700);
    assert.equal(analytics.overlapMs, 700);
    assert.equal(analytics.silenceMs, 10_000);
    // "Okay." starts 200 ms before the agent stops (not an interruption); "Sure." 1500 ms before the customer stops.
    assert.equal(analytics.interruptions, 1);
    // Customer alone 16000-25000; the 14000-16000 pause is longer than 1500 ms.
    assert.deepEqual(analytics.longestMonologue, { partyId: 'ch1', startMs: 16_000, endMs: 25_000, durationMs: 9000 });
    assert.deepEqual(analytics.parties, [
      {
        partyId: 'ch0',
        name: 'Agent',
        talkMs: 6200,
        talkRatio: 0.3,
        turns: 3,
        words: 18,
        interruptions: 1,
        // 500-2000 and 2800-4000 (joined across the 800 ms pause) are 1500 + 1200 ms of speech: the pause is not
        // talk; 6000-8800, alone until "Okay.", is longer.
        longestMonologueMs: 2800,
        wordsPerMinute: 174.2,
      },
      {
        partyId: 'ch1',
        name: 'Customer',
        talkMs: 14_500,
        talkRatio: 0.7,
        turns: 3,
        words: 21,
        interruptions: 0,
        longestMonologueMs: 9000,
        wordsPerMinute: 86.9,
      },
    ]);
  });

  it('counts pauses inside a joined turn as silence, not talk', () => {
    const conversation = mergeFile(transcript([phrase(0, 0, 1000, 'one two'), phrase(0, 2000, 3000, 'three four')], 4000));
    assert.equal(conversation.turns.length, 1);
    const analytics = computeAnalytics(conversation);
    assert.equal(analytics.parties[0].talkMs, 2000);
    assert.equal(analytics.silenceMs, 2000);
    assert.equal(analytics.parties[0].wordsPerMinute, 120);
    // One monologue 0-3000 (the 1000 ms pause joins it), of 2000 ms of speech: never more than the talk time.
    assert.equal(analytics.parties[0].longestMonologueMs, 2000);
    assert.deepEqual(analytics.longestMonologue, { partyId: 'ch0', startMs: 0, endMs: 3000, durationMs: 2000 });
  });

  it('breaks a monologue where the other party speaks, and at a long pause', () => {
    // Channel 0 talks 0-10000 with channel 1 saying "mm" at 4000-4500; then 0 again at 12000-13000.
    const analytics = computeAnalytics(
      mergeFile(transcript([phrase(0, 0, 10_000, 'a'), phrase(1, 4000, 4500, 'mm'), phrase(0, 12_000, 13_000, 'b')])),
    );
    assert.deepEqual(analytics.longestMonologue, { partyId: 'ch0', startMs: 4500, endMs: 10_000, durationMs: 5500 });
    assert.equal(analytics.parties[1].interruptions, 1, 'the backchannel starts with 6000 ms of the other talk to go');
    assert.equal(analytics.overlapMs, 500);
    assert.equal(analytics.durationMs, 13_000, 'no known duration: the last end');
    assert.equal(analytics.silenceMs, 2000);
  });

  it('does not count simultaneous starts or back-to-back speech as interruptions', () => {
    const analytics = computeAnalytics(
      mergeFile(transcript([phrase(0, 0, 2000, 'a'), phrase(1, 0, 2000, 'b'), phrase(0, 3000, 4000, 'c'), phrase(1, 4000, 5000, 'd')])),
      { interruptionMinOverlapMs: 300 },
    );
    assert.equal(analytics.interruptions, 0);
    assert.equal(analytics.overlapMs, 2000);
  });

  it('measures an empty call as all silence', () => {
    const analytics = computeAnalytics(mergeFile(loadTranscript('empty.json')));
    assert.deepEqual(analytics, {
      durationMs: 5000,
      silenceMs: 5000,
      overlapMs: 0,
      talkMs: 0,
      interruptions: 0,
      longestMonologue: null,
      parties: [],
    });
  });

  it('measures diarized speakers like channels', () => {
    const analytics = computeAnalytics(mergeFile(loadTranscript('diarized-mono.json')));
    assert.deepEqual(
      analytics.parties.map((p) => [p.name, p.talkMs, p.words]),
      [
        ['Speaker 1', 1500, 5],
        ['Speaker 2', 2000, 3],
        ['Speaker 3', 1300, 1],
      ],
    );
    assert.equal(analytics.overlapMs, 500);
    assert.equal(analytics.silenceMs, 12_000 - 4300);
  });
});
