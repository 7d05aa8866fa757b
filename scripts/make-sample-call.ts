/**
 * Regenerates `samples/call.mp3` (a ~42 s stereo agent/customer call spoken by flite: agent on the left channel 0,
 * customer on the right channel 1) and `samples/call.reference.json` (what each party says, and when).
 *
 *     npx tsx scripts/make-sample-call.ts
 *
 * Needs flite, sox and lame (Debian packages of the same names).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_SCRIPT, makeCall } from '../test/support/audio';

const SAMPLES = path.resolve(__dirname, '..', 'samples');
const PARTIES = ['Agent', 'Customer'];

function main(): void {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sample-call-'));
  try {
    // 48 kbit/s keeps the file under 300 KB and still carries LAME's gapless header (exact length when decoded).
    const call = makeCall(work, DEFAULT_SCRIPT, { mp3Kbps: 48 });
    fs.mkdirSync(SAMPLES, { recursive: true });
    fs.copyFileSync(call.mp3, path.join(SAMPLES, 'call.mp3'));
    const reference = {
      description: 'Script of samples/call.mp3 (flite voices: slt = agent on channel 0, rms = customer on channel 1). Times are where the speech starts and ends, in ms.',
      durationMs: call.durationMs,
      turns: call.reference.map((turn) => ({ party: PARTIES[turn.channel], ...turn })),
    };
    fs.writeFileSync(path.join(SAMPLES, 'call.reference.json'), JSON.stringify(reference, null, 2) + '\n');
    const size = fs.statSync(path.join(SAMPLES, 'call.mp3')).size;
    console.log(`samples/call.mp3: ${(call.durationMs / 1000).toFixed(1)} s, ${Math.round(size / 1024)} KB; samples/call.reference.json: ${call.reference.length} turns`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main();
