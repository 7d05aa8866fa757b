import * as assert from 'node:assert/strict';
import { parseCsv, summaryCsv, summaryTable, type SummaryRow } from '../../src/core/batchSummary';

describe('batch summary CSV', () => {
  it('round-trips fields with commas, quotes and line breaks', () => {
    const rows: SummaryRow[] = [
      { call: 'a, "quoted".wav', status: 'transcribed', durationMs: 65_000, talkShare: [{ party: 'Agent', share: 0.6 }, { party: 'Customer', share: 0.4 }], silenceMs: 1000, crosstalkMs: 500, interruptions: 2, wordsPerMinute: 140, longestMonologueMs: 12_000, longestMonologueParty: 'Agent' },
      { call: 'b.wav', status: 'failed', reason: 'not a WAV\nor MP3 file' },
    ];
    const parsed = parseCsv(summaryCsv(rows));
    assert.equal(parsed.length, 3);
    assert.deepEqual(parsed[1], ['a, "quoted".wav', 'transcribed', '65.0', 'Agent 60% / Customer 40%', '1.0', '0.5', '2', '140', '12.0', 'Agent', '']);
    assert.deepEqual(parsed[2], ['b.wav', 'failed', '', '', '', '', '', '', '', '', 'not a WAV\nor MP3 file']);
  });

  it('writes calls a cancel left untranscribed as cancelled, without a reason, apart from failures', () => {
    const rows: SummaryRow[] = [
      { call: 'b.wav', status: 'failed', reason: 'not audio' },
      { call: 'c.wav', status: 'cancelled' },
    ];
    assert.deepEqual(parseCsv(summaryCsv(rows)).slice(1), [
      ['b.wav', 'failed', '', '', '', '', '', '', '', '', 'not audio'],
      ['c.wav', 'cancelled', '', '', '', '', '', '', '', '', ''],
    ]);
    const table = summaryTable(rows).split('\n');
    assert.match(table[2]!, /^b\.wav\s+failed: not audio$/);
    assert.match(table[3]!, /^c\.wav\s+cancelled$/);
  });
});
