import { strict as assert } from 'node:assert';
import {
  formatClock,
  formatIsoDuration,
  formatSrtTime,
  formatVttTime,
  msToTicks,
  parseIsoDuration,
  ticksToMs,
} from '../../src/core/ticks';

describe('ticks and times', () => {
  it('converts ticks (100 ns) to whole milliseconds, rounding fractional ticks', () => {
    assert.equal(ticksToMs(0), 0);
    assert.equal(ticksToMs(10_000), 1);
    assert.equal(ticksToMs(12_345_678), 1235);
    assert.equal(ticksToMs(9_499_999.6), 950);
    assert.equal(ticksToMs(14_999), 1);
    assert.equal(ticksToMs(15_000), 2);
    assert.equal(ticksToMs(72_000_000_000), 7_200_000);
    assert.equal(msToTicks(1235), 12_350_000);
    assert.throws(() => ticksToMs(Number.NaN), RangeError);
  });

  it('parses ISO 8601 durations to milliseconds, exactly', () => {
    const cases: [string, number][] = [
      ['PT0S', 0],
      ['PT1M2.345S', 62_345],
      ['P1DT2H', 93_600_000],
      ['PT1H', 3_600_000],
      ['PT42S', 42_000],
      ['PT0.5S', 500],
      ['PT1.0005S', 1001],
      ['PT1.00049S', 1000],
      ['PT0.1234567S', 123],
      ['PT1,5S', 1500],
      ['PT1.5M', 90_000],
      ['P2D', 172_800_000],
      ['P1W', 604_800_000],
      ['PT2H30M', 9_000_000],
    ];
    for (const [text, ms] of cases) assert.equal(parseIsoDuration(text), ms, text);
  });

  it('rejects what is not a fixed-length ISO 8601 duration, naming it', () => {
    for (const text of ['', 'P', 'PT', 'P1DT', '1S', 'PT-1S', 'P1Y', 'P1M', 'PT1S ', 'pt1s', 'PT1.S']) {
      assert.throws(() => parseIsoDuration(text), (err: Error) => err instanceof RangeError && err.message.includes(JSON.stringify(text)), text);
    }
  });

  it('formats ISO 8601 durations that parse back to the same milliseconds', () => {
    assert.equal(formatIsoDuration(0), 'PT0S');
    assert.equal(formatIsoDuration(62_345), 'PT1M2.345S');
    assert.equal(formatIsoDuration(3_600_500), 'PT1H0.5S');
    assert.equal(formatIsoDuration(120_000), 'PT2M');
    for (const ms of [0, 1, 999, 1000, 59_999, 60_001, 3_599_999, 7_200_123, 90_061_001]) {
      assert.equal(parseIsoDuration(formatIsoDuration(ms)), ms);
    }
  });

  it('formats clock times for text, SRT and WebVTT', () => {
    assert.equal(formatClock(83_999), '00:01:23');
    assert.equal(formatSrtTime(1234), '00:00:01,234');
    assert.equal(formatVttTime(1234), '00:00:01.234');
    assert.equal(formatVttTime(3_600_000 * 2 + 60_000 * 3 + 4005), '02:03:04.005');
    assert.equal(formatClock(3_600_000 * 123), '123:00:00');
    assert.throws(() => formatSrtTime(-1), RangeError);
    assert.throws(() => formatVttTime(1.5), RangeError);
  });
});
