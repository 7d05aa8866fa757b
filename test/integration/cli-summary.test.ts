/** `speech-batch analytics --summary`: one row per result file, as a table or CSV, equal to each file's analytics. */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { computeAnalytics } from '../../src/core/analytics';
import { parseCsv, SUMMARY_CSV_COLUMNS } from '../../src/core/batchSummary';
import { mergeFile } from '../../src/core/merge';
import { parseResultText } from '../../src/core/result';
import { RESULTS_DIR } from '../fixtures/results';

const CLI = join(__dirname, '..', '..', 'dist', 'cli.js');

function cli(...args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { cwd: RESULTS_DIR, encoding: 'utf8' });
}

describe('speech-batch analytics --summary', function () {
  this.timeout(60_000);

  it('prints a table with a row per call', () => {
    const run = cli('analytics', '--summary', 'stereo-call.json', 'diarized-mono.json', '--names', 'Agent,Customer');
    assert.equal(run.status, 0, run.stderr);
    const lines = run.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^Call\s+Status\s+Duration\s+Talk share\s+Silence\s+Crosstalk\s+Interrupt\.\s+WPM\s+Longest monologue$/);
    assert.match(lines[2]!, /^stereo-call\.json\s+transcribed\s+0:30\s+Agent 30% \/ Customer 70%/);
    assert.equal(lines.length, 4);
  });

  it('prints CSV whose values are the analytics of each file, and a failed row for an unreadable one', () => {
    const run = cli('analytics', '--summary', '--format', 'csv', 'stereo-call.json', 'not-json.json', '--names', 'Agent,Customer');
    assert.equal(run.status, 1, 'a file could not be read');
    const [header, ...rows] = parseCsv(run.stdout);
    assert.deepEqual(header, [...SUMMARY_CSV_COLUMNS]);
    const analytics = computeAnalytics(mergeFile(parseResultText(readFileSync(join(RESULTS_DIR, 'stereo-call.json'), 'utf8'), 'x'), { names: ['Agent', 'Customer'] }));
    const row = Object.fromEntries(header!.map((h, i) => [h, rows[0]![i]]));
    assert.equal(row.call, 'stereo-call.json');
    assert.equal(Number(row.duration_s), Number((analytics.durationMs / 1000).toFixed(1)));
    assert.equal(Number(row.silence_s), Number((analytics.silenceMs / 1000).toFixed(1)));
    assert.equal(Number(row.crosstalk_s), Number((analytics.overlapMs / 1000).toFixed(1)));
    assert.equal(Number(row.interruptions), analytics.interruptions);
    assert.equal(row.talk_share, analytics.parties.map((p) => `${p.name} ${Math.round(p.talkRatio * 100)}%`).join(' / '));
    assert.deepEqual(rows[1]!.slice(0, 2), ['not-json.json', 'failed']);
  });
});
