/**
 * `speech-batch transcribe` as users run it (the bundled dist/cli.js): it starts its own local service, or uses a
 * running one via --endpoint, and prints or writes the conversation of each file.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SpeechClient } from '../../src/core/client';
import { makeCall, makeCorruptWav, type Turn } from '../support/audio';
import { CLI_SCRIPT, ensureBuilt, startService } from '../support/service';

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
  ensureBuilt();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI_SCRIPT, 'transcribe', ...args], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('speech-batch transcribe', function () {
  let scratch: string;

  beforeEach(function () {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'speech-batch-cli-test-'));
  });

  afterEach(function () {
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('prints who said what, when, for a folder of calls', async function () {
    const folder = path.join(scratch, 'calls');
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
    const broken = makeCorruptWav(scratch, 'text');
    const out = path.join(scratch, 'out');
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
    const out = path.join(scratch, 'out');
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
      [[path.join(scratch, 'nope.wav')], /nope\.wav: no such file or folder/],
      [[scratch], /no \.wav or \.mp3 files in this folder/],
      [[scratch, '--format', 'pdf'], /unknown format "pdf"/],
      [[scratch, '--endpoint', 'https://westeurope.api.cognitive.microsoft.com'], /--endpoint needs --key/],
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
});
