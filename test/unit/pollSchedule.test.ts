import * as assert from 'node:assert/strict';
import { nextDelay, pollTiming } from '../../src/vscode/pollSchedule';

describe('poll schedule (nextDelay)', () => {
  const timing = pollTiming(3, 60);

  it('starts at the minimum interval and backs off while nothing changes, up to the maximum', () => {
    const delays = [0, 1, 2, 3, 20].map((idleRounds) => nextDelay({ idleRounds, focused: true }, timing));
    assert.deepEqual(delays, [3000, 4500, 6750, 10125, 60000]);
  });

  it('polls less often while the window is unfocused, but never beyond twice the maximum', () => {
    assert.equal(nextDelay({ idleRounds: 0, focused: false }, timing), 12000);
    assert.equal(nextDelay({ idleRounds: 20, focused: false }, timing), 120000);
  });

  it('honours Retry-After even above the maximum, and ignores a shorter one', () => {
    assert.equal(nextDelay({ idleRounds: 0, focused: true, retryAfterMs: 90_000 }, timing), 90000);
    assert.equal(nextDelay({ idleRounds: 2, focused: true, retryAfterMs: 1000 }, timing), 6750);
  });

  it('repairs nonsensical settings: minimum at least 1 s, maximum not below the minimum', () => {
    assert.deepEqual(pollTiming(0, 0), { minMs: 1000, maxMs: 1000 });
    assert.deepEqual(pollTiming(10, 5), { minMs: 10000, maxMs: 10000 });
    assert.deepEqual(pollTiming(Number.NaN, 30), { minMs: 3000, maxMs: 30000 });
  });
});
