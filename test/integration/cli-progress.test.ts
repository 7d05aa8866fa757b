/**
 * The progress of `speech-batch transcribe` on stderr, through the built CLI and the local service it starts: files
 * done of the total, audio done and the time left, as plain lines in a log and redrawn in place on a terminal (the
 * CLI runs under `script`, which gives it a pseudo-terminal), and nothing of it with --quiet.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_SCRIPT, longScript, makeCall, makeCorruptWav } from '../support/audio';
import { CLI_SCRIPT, ensureBuilt } from '../support/service';
import { useTempDir } from '../support/tempDir';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[]): Promise<Run> {
  const child = spawn(command, args);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

/** "3 of 5 files done (1 failed), 0.4 min of audio, about 2 min left" → 3. */
const DONE = /(\d+) of (\d+) files done/;
/** The escape that starts the terminal's "erase to the end of the line". */
const ESC = '\x1b';
const doneOf = (text: string): number => Number(DONE.exec(text)![1]);

describe('speech-batch transcribe: progress on stderr', function () {
  const folder = useTempDir('speech-batch-progress-');

  before(function () {
    ensureBuilt();
    // Calls of different lengths, so that they finish one after the other, and a file that is not audio.
    const lengths = [
      makeCall(undefined, DEFAULT_SCRIPT.slice(0, 2)).wav,
      makeCall(undefined, DEFAULT_SCRIPT.slice(0, 4)).wav,
      makeCall(undefined, DEFAULT_SCRIPT).wav,
      makeCall(undefined, longScript(0.5)).wav,
    ];
    lengths.forEach((wav, i) => fs.copyFileSync(wav, path.join(folder(), `call-${i + 1}.wav`)));
    const broken = makeCorruptWav(fs.mkdtempSync(path.join(os.tmpdir(), 'speech-batch-progress-broken-')), 'text');
    fs.renameSync(broken, path.join(folder(), 'call-0-broken.wav'));
    fs.rmSync(path.dirname(broken), { recursive: true });
  });

  it('writes lines of files done, audio done and time left in a log, ending with the whole batch', async function () {
    const result = await run(process.execPath, [CLI_SCRIPT, 'transcribe', folder()]);
    assert.equal(result.code, 1, `one file is not audio: exit code 1\n${result.stderr}`);
    const lines = result.stderr.split('\n').filter((l) => DONE.test(l));
    assert.ok(lines.length >= 3, `a line when the job runs, at least one while files finish, and a final one:\n${result.stderr}`);
    assert.ok(!result.stderr.includes('\r') && !result.stderr.includes(ESC), 'a log gets plain lines');
    const counts = lines.map(doneOf);
    assert.deepEqual([...counts].sort((a, b) => a - b), counts, `the count never goes down: ${counts.join(', ')}`);
    assert.ok(counts.slice(0, -1).some((n) => n > 0 && n < 5), `a line while some files are done and others not: ${counts.join(', ')}`);
    assert.ok(lines.every((l) => / of 5 files done/.test(l)), lines.join('\n'));
    assert.ok(lines.some((l) => /, (less than a minute|about \d+ (min|h)( \d+ min)?) left$/.test(l)), `a time left while running:\n${lines.join('\n')}`);
    assert.match(lines.at(-1)!, /^speech-batch: 5 of 5 files done \(1 failed\), \d+\.\d min of audio in \d+\.\d s \(\d+\.\d× real time\)$/);
    // The audio done is the four calls' audio (about 1.2 minutes), not the broken file's.
    const minutes = Number(/(\d+\.\d) min of audio in/.exec(lines.at(-1)!)![1]);
    assert.ok(minutes > 0.8 && minutes < 2, `${minutes} min of audio`);
    assert.match(result.stderr, /call-0-broken\.wav: /, 'the failed file is named');
  });

  it('redraws one line in place on a terminal, and ends it before anything else is printed', async function () {
    const files = [1, 2].map((i) => path.join(folder(), `call-${i}.wav`));
    const command = [process.execPath, CLI_SCRIPT, 'transcribe', ...files].map((a) => `'${a}'`).join(' ');
    const result = await run('script', ['-qec', `${command} >/dev/null`, '/dev/null']);
    assert.equal(result.code, 0, result.stdout);
    // What the terminal received (its line ends are \r\n).
    const output = result.stdout.replace(/\r\n/g, '\n');
    const redraws = output.split(`\r${ESC}[K`).slice(1);
    assert.ok(redraws.length >= 2, `the line is redrawn in place:\n${JSON.stringify(output)}`);
    const counts = redraws.filter((r) => DONE.test(r)).map(doneOf);
    assert.deepEqual([...counts].sort((a, b) => a - b), counts, `rising counts: ${counts.join(', ')}`);
    const last = redraws.at(-1)!;
    assert.match(last, /^speech-batch: 2 of 2 files done, \d+\.\d min of audio in [^\r\n]*\n$/, 'the final line replaces the progress line and ends it');
  });

  it('shows no progress with --quiet, but still names the file that failed', async function () {
    const result = await run(process.execPath, [CLI_SCRIPT, 'transcribe', '--quiet', path.join(folder(), 'call-1.wav'), path.join(folder(), 'call-0-broken.wav')]);
    assert.equal(result.code, 1, result.stderr);
    assert.doesNotMatch(result.stderr, /files done|Running|Succeeded/);
    assert.match(result.stderr, /call-0-broken\.wav: /);
    assert.match(result.stdout, /\[00:00:0\d\]/, 'the transcript is printed');
  });
});
