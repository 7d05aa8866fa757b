/**
 * `speech-batch transcribe` as users run it (the bundled dist/cli.js): it starts its own local service, or uses a
 * running one via --endpoint, and prints or writes the conversation of each file.
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SpeechClient } from '../../src/core/client';
import { longScript, makeCall, makeCorruptWav, type Turn } from '../support/audio';
import { CLI_SCRIPT, ensureBuilt, startService } from '../support/service';
import { eventually } from '../support/timeouts';
import { useTempDir } from '../support/tempDir';

const SHORT_CALL: Turn[] = [
  { channel: 0, text: 'Thank you for calling. How can I help you?' },
  { channel: 1, text: 'I would like to check my balance.' },
];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return startCli(args, env).done;
}

/** Starts the CLI; `done` resolves when it has exited; `stderr()` is what it wrote so far. */
function startCli(args: string[], env: NodeJS.ProcessEnv = {}): { child: ChildProcess; stderr: () => string; done: Promise<Run> } {
  ensureBuilt();
  const child = spawn(process.execPath, [CLI_SCRIPT, 'transcribe', ...args], { env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const done = new Promise<Run>((resolve) => child.on('close', (code, signal) => resolve({ code: code ?? (signal ? -1 : null), stdout, stderr })));
  return { child, stderr: () => stderr, done };
}

/** Command lines of the running processes that mention `text` (the service and its engines name their data folder). */
function processesMentioning(text: string): string[] {
  return execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes(text) && !line.includes('ps -eo'));
}

describe('speech-batch transcribe', function () {
  const scratch = useTempDir('speech-batch-cli-test-', { eachTest: true });

  it('prints who said what, when, for a folder of calls', async function () {
    const folder = path.join(scratch(), 'calls');
    fs.mkdirSync(folder);
    fs.copyFileSync(makeCall(undefined, SHORT_CALL).wav, path.join(folder, 'call.wav'));
    fs.writeFileSync(path.join(folder, 'notes.txt'), 'not audio, not picked up');

    const run = await cli([folder, '--names', 'Agent,Customer']);
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.trim().split('\n');
    assert.match(lines[0]!, /^\[00:00:00\] Agent: .*\b(calling|help)\b/i);
    assert.match(lines[1]!, /^\[00:00:0\d\] Customer: .*\b(check|balance)\b/i);
    assert.equal(lines.length, 2, run.stdout);
    assert.match(run.stderr, /Running \(\d+\.\d s\)/);
    assert.match(run.stderr, /Succeeded \(\d+\.\d s\)/);
  });

  it('writes one file per input with --out, and exits 1 naming the file that failed', async function () {
    const broken = makeCorruptWav(scratch(), 'text');
    const out = path.join(scratch(), 'out');
    const run = await cli([makeCall(undefined, SHORT_CALL).mp3, broken, '--out', out, '--format', 'srt']);
    assert.equal(run.code, 1);
    assert.deepEqual(fs.readdirSync(out), ['call.srt']);
    const srt = fs.readFileSync(path.join(out, 'call.srt'), 'utf8');
    assert.match(srt, /^1\n00:00:00,\d{3} --> 00:00:0\d,\d{3}\nChannel 1: /);
    assert.match(srt, /\nChannel 2: /);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /text\.wav: not a WAV or MP3 file/);
  });

  it('keeps the other files\' output when one result cannot be written, and exits 1', async function () {
    const call = makeCall(undefined, SHORT_CALL);
    const out = path.join(scratch(), 'out');
    fs.mkdirSync(path.join(out, 'call.txt'), { recursive: true }); // in the way of the first input's output
    const run = await cli([call.wav, call.mp3, '--out', out]);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /call\.wav: EISDIR/);
    assert.match(fs.readFileSync(path.join(out, 'call-2.txt'), 'utf8'), /Channel 1: /);
  });

  it('uses a running service with --endpoint, reading the key from SPEECH_BATCH_KEY, and deletes its job', async function () {
    const service = await startService();
    try {
      const run = await cli([makeCall(undefined, SHORT_CALL).wav, '--endpoint', service.endpoint, '--format', 'json'], {
        SPEECH_BATCH_KEY: service.key,
      });
      assert.equal(run.code, 0, run.stderr);
      const json = JSON.parse(run.stdout);
      assert.deepEqual(json.parties.map((p: { name: string }) => p.name), ['Channel 1', 'Channel 2']);
      assert.equal(json.turns.length, 2);
      const client = new SpeechClient({ endpoint: service.endpoint, key: service.key });
      assert.deepEqual(await client.listAll(), []);
    } finally {
      await service.stop();
    }
  });

  it('explains usage mistakes with exit code 2', async function () {
    for (const [args, message] of [
      [[], /no audio file or folder given/],
      [[path.join(scratch(), 'nope.wav')], /nope\.wav: no such file or folder/],
      [[scratch()], /no audio files \(\.wav, \.mp3, \.flac, .*\) in this folder/],
      [[scratch(), '--format', 'pdf'], /unknown format "pdf"/],
      [[scratch(), '--endpoint', 'https://westeurope.api.cognitive.microsoft.com'], /--endpoint needs --key/],
    ] as const) {
      const run = await cli([...args]);
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, message);
    }
    const help = await cli(['--help']);
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /^Usage: speech-batch transcribe /);
    const remote = await cli([makeCall(undefined, SHORT_CALL).wav, '--endpoint', 'https://westeurope.api.cognitive.microsoft.com', '--key', 'k']);
    assert.equal(remote.code, 2);
    assert.match(remote.stderr, /cannot read local files/);
  });

  it('refuses an --out folder it cannot write, at once and with exit code 2, before sending any audio', async function () {
    const call = makeCall(undefined, SHORT_CALL).wav;
    const file = path.join(scratch(), 'a-file');
    fs.writeFileSync(file, '');
    for (const [out, message] of [
      ['/proc/nope/deeper', /--out \/proc\/nope\/deeper: cannot write there/],
      [path.join(file, 'sub'), /is not a folder/],
    ] as const) {
      const started = Date.now();
      const run = await cli([call, '--out', out]);
      assert.equal(run.code, 2, `${out}: ${run.stderr}`);
      assert.match(run.stderr, message);
      assert.doesNotMatch(run.stderr, /Running|NotStarted/, 'no job was submitted');
      assert.ok(Date.now() - started < 10_000, `answered in ${Date.now() - started} ms`);
    }
    const nested = path.join(scratch(), 'new', 'deeper');
    const ok = await cli([call, '--out', nested]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.deepEqual(fs.readdirSync(nested), ['call.txt'], 'creates missing folders and leaves no probe file behind');
  });

  for (const signal of ['SIGTERM', 'SIGHUP', 'SIGINT'] as const) {
    it(`on ${signal} stops the job, ends the service and its engines, and removes its temp data`, async function () {
      const tmp = path.join(scratch(), 'tmp');
      fs.mkdirSync(tmp);
      const call = makeCall(undefined, longScript(2)).wav;
      const run = startCli([call], { TMPDIR: tmp });
      await eventually(async () => (/Running \(/.test(run.stderr()) ? { value: true } : { last: run.stderr() }), 60_000, (last) => `the job did not start running: ${String(last)}`, 100);
      const dataDir = path.join(tmp, fs.readdirSync(tmp).find((n) => n.startsWith('speech-batch-cli-'))!);
      assert.ok(processesMentioning(dataDir).length > 0, 'the service runs with its temp data folder');
      run.child.kill(signal);
      const done = await run.done;
      assert.equal(done.code, 128 + os.constants.signals[signal], done.stderr);
      assert.match(done.stderr, new RegExp(`stopped \\(${signal}\\)`));
      assert.deepEqual(processesMentioning(dataDir), [], 'no service or engine process is left');
      assert.deepEqual(fs.readdirSync(tmp), [], 'the temp data (with the transcript) is removed');
    });
  }

  it('on SIGKILL leaves no service or engine process behind (they watch their parent)', async function () {
    const tmp = path.join(scratch(), 'tmp');
    fs.mkdirSync(tmp);
    const run = startCli([makeCall(undefined, longScript(2)).wav], { TMPDIR: tmp });
    await eventually(async () => (/Running \(/.test(run.stderr()) ? { value: true } : { last: run.stderr() }), 60_000, (last) => `the job did not start running: ${String(last)}`, 100);
    const dataDir = path.join(tmp, fs.readdirSync(tmp).find((n) => n.startsWith('speech-batch-cli-'))!);
    run.child.kill('SIGKILL');
    await run.done;
    await eventually(
      async () => (processesMentioning(dataDir).length === 0 ? { value: true } : { last: processesMentioning(dataDir) }),
      15_000,
      (last) => `still running after the CLI was killed: ${JSON.stringify(last)}`,
      200,
    );
  });

  it('after a SIGKILL, the next run removes the temp data the killed run left behind', async function () {
    const tmp = path.join(scratch(), 'tmp');
    fs.mkdirSync(tmp);
    const stale = path.join(tmp, 'speech-batch-cli-stale');
    fs.mkdirSync(stale);
    const dead = spawn(process.execPath, ['-e', '']);
    await new Promise((r) => dead.on('exit', r));
    fs.writeFileSync(path.join(stale, 'cli.pid'), String(dead.pid));
    const alive = path.join(tmp, 'speech-batch-cli-alive');
    fs.mkdirSync(alive);
    fs.writeFileSync(path.join(alive, 'cli.pid'), String(process.pid));
    const run = await cli([makeCall(undefined, SHORT_CALL).wav], { TMPDIR: tmp });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(fs.readdirSync(tmp), ['speech-batch-cli-alive'], 'only the folder of a process still running stays');
  });
});
