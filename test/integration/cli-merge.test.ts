import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { computeAnalytics } from '../../src/core/analytics';
import { formatConversation } from '../../src/core/formats';
import { RESULTS_DIR, stereoCall } from '../fixtures/results';

const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI in the fixtures directory, so file names in messages are as given. */
function cli(...args: string[]): Run {
  const { status, stdout, stderr } = spawnSync(process.execPath, [CLI, ...args], { cwd: RESULTS_DIR, encoding: 'utf8' });
  return { status, stdout, stderr };
}

/** Asserts a failed run: the exit code and a single stderr line matching `message`. */
function assertFails(run: Run, status: number, message: RegExp): void {
  assert.equal(run.status, status, run.stderr);
  assert.match(run.stderr, /^speech-batch: [^\n]+\n$/);
  assert.match(run.stderr, message);
}

describe('speech-batch CLI (dist/cli.js)', function () {
  this.timeout(60_000);

  before(() => {
    execFileSync(process.execPath, ['esbuild.js'], { cwd: ROOT, stdio: 'inherit' });
  });

  it('prints its version and help', () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    assert.deepEqual(cli('--version'), { status: 0, stdout: `${version}\n`, stderr: '' });
    const help = cli('--help');
    assert.equal(help.status, 0);
    assert.match(help.stdout, /Usage: speech-batch merge <result\.json>\.\.\. \[--format txt\|srt\|vtt\|md\|json\]/);
    assert.match(help.stdout, /analytics <result\.json>/);
    const mergeHelp = cli('merge', '--help');
    assert.equal(mergeHelp.status, 0);
    assert.match(mergeHelp.stdout, /^Usage: speech-batch merge/);
    assert.equal(cli().status, 2);
  });

  it('merge: prints the conversation of a stereo call with party names', () => {
    const run = cli('merge', 'stereo-call.json', '--names', 'Agent, Customer');
    assert.deepEqual(run, { status: 0, stdout: formatConversation(stereoCall(), 'txt'), stderr: '' });
    assert.match(run.stdout, /^\[00:00:00\] Agent: Hello, thank you for calling\. How can I help\?\n\[00:00:04\] Customer: /);
  });

  it('merge: every format, and --join-ms', () => {
    for (const format of ['srt', 'vtt', 'md', 'json'] as const) {
      const run = cli('merge', 'stereo-call.json', '--format', format, '--names', 'Agent,Customer');
      assert.equal(run.status, 0, run.stderr);
      if (format === 'json') {
        assert.deepEqual(JSON.parse(run.stdout), JSON.parse(formatConversation(stereoCall(), 'json')));
      } else {
        assert.equal(run.stdout, formatConversation(stereoCall(), format));
      }
    }
    const apart = cli('merge', 'stereo-call.json', '--join-ms', '0');
    assert.equal(apart.stdout.trimEnd().split('\n').length, 8);
    assert.match(apart.stdout, /^\[00:00:00\] Channel 1: Hello, thank you for calling\.\n\[00:00:02\] Channel 1: How can I help\?\n/);
  });

  it('merge: several files, each with a header line, or a JSON array', () => {
    const text = cli('merge', 'stereo-call.json', 'v32.json');
    assert.equal(text.status, 0);
    assert.equal(
      text.stdout,
      `==> stereo-call.json <==\n${formatConversation(stereoCall({ names: [] }), 'txt')}\n` +
        '==> v32.json <==\n[00:00:01] Channel 1: Hello there.\n[00:01:00] Channel 2: Hi.\n',
    );
    const json = JSON.parse(cli('merge', 'stereo-call.json', 'v32.json', 'empty.json', '-f', 'json').stdout);
    assert.deepEqual(
      json.map((c: { durationMs: number; turns: unknown[] }) => [c.durationMs, c.turns.length]),
      [
        [30_000, 6],
        [62_345, 2],
        [5000, 0],
      ],
    );
  });

  it('analytics: prints the analytics JSON', () => {
    const run = cli('analytics', 'stereo-call.json', '--names', 'Agent,Customer');
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), computeAnalytics(stereoCall()));
    const several = JSON.parse(cli('analytics', 'stereo-call.json', 'empty.json').stdout);
    assert.deepEqual(
      several.map((item: { file: string; analytics: { silenceMs: number } }) => [item.file, item.analytics.silenceMs]),
      [
        ['stereo-call.json', 10_000],
        ['empty.json', 5000],
      ],
    );
  });

  it('reports a missing or broken file in one line, exit 1, and still prints the good ones', () => {
    const run = cli('merge', 'missing.json', 'v32.json');
    assertFails(run, 1, /^speech-batch: missing\.json: no such file\n$/);
    assert.equal(run.stdout, '==> v32.json <==\n[00:00:01] Channel 1: Hello there.\n[00:01:00] Channel 2: Hi.\n');
    assertFails(cli('merge', 'not-json.json'), 1, /^speech-batch: not-json\.json: not valid JSON \(/);
    assertFails(cli('analytics', 'phrase-without-offset.json'), 1, /^speech-batch: phrase-without-offset\.json: recognizedPhrases\[1\]: no offset\n$/);
    assertFails(cli('merge', 'wrong-types.json', '--format', 'json'), 1, /recognizedPhrases: expected an array, got an object/);
  });

  it('stops quietly when the reader of its output goes away (| head)', () => {
    const files = Array.from({ length: 40 }, () => 'stereo-call.json').join(' ');
    const run = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${CLI}" merge ${files} -f json | head -c 10 >/dev/null`], {
      cwd: RESULTS_DIR,
      encoding: 'utf8',
    });
    assert.deepEqual([run.status, run.stderr], [0, '']);
  });

  it('rejects usage mistakes with exit 2', () => {
    assertFails(cli('merge', 'stereo-call.json', '--format', 'docx'), 2, /unknown format "docx" \(use txt, srt, vtt, md, json\)/);
    assertFails(cli('merge', 'stereo-call.json', '--colour'), 2, /Unknown option '--colour'/);
    assertFails(cli('merge', 'stereo-call.json', '--join-ms', 'soon'), 2, /--join-ms must be a whole number of milliseconds, got "soon"/);
    assertFails(cli('analytics', 'stereo-call.json', '--format', 'txt'), 2, /Unknown option '--format'/);
    assertFails(cli('merge'), 2, /no result file given/);
    assertFails(cli('mrege', 'x.json'), 2, /unknown command "mrege"/);
  });
});
