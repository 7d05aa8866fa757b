import * as assert from 'node:assert/strict';
import { diarizationError } from '../support/der';

const reference = [
  { speaker: 'agent', startMs: 0, endMs: 4000 },
  { speaker: 'customer', startMs: 4500, endMs: 8500 },
  { speaker: 'agent', startMs: 9000, endMs: 12000 },
];

describe('diarization error rate', () => {
  it('is 0 for a perfect hypothesis, whatever the speaker labels', () => {
    const hyp = reference.map((s) => ({ ...s, speaker: s.speaker === 'agent' ? 2 : 1 }));
    const r = diarizationError(reference, hyp);
    assert.equal(r.der, 0);
    assert.deepEqual([...r.mapping].sort(), [['1', 'customer'], ['2', 'agent']]);
  });

  it('counts one speaker for everything as confusion of the other party, outside the collars', () => {
    const r = diarizationError(reference, [{ speaker: 1, startMs: 0, endMs: 12000 }]);
    // Scored: 11000 ms of speech minus the 0.25 s inside each end of each of the three turns.
    assert.equal(r.scoredMs, 11000 - 3 * 500);
    assert.equal(r.confusionMs, 4000 - 500);
    assert.equal(r.missedMs, 0);
    assert.equal(r.falseAlarmMs, 0);
  });

  it('counts missed speech and false alarms', () => {
    const r = diarizationError(reference, [
      { speaker: 'a', startMs: 0, endMs: 2000 },
      { speaker: 'c', startMs: 4500, endMs: 8500 },
      { speaker: 'c', startMs: 8500, endMs: 9000 }, // inside the collars: not counted
      { speaker: 'a', startMs: 9000, endMs: 14000 },
    ]);
    assert.equal(r.missedMs, 2000 - 250);
    assert.equal(r.falseAlarmMs, 2000 - 250);
    assert.equal(r.confusionMs, 0);
  });
});
