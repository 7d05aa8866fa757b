/** The recorded call the flows transcribe, with the reference of who says what when. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeCall, type ReferenceTurn } from '../support/audio';
import { REPO_ROOT } from './session';

export interface CallFixture {
  /** The stereo recording: agent on the left channel (party `ch0`), customer on the right (`ch1`). */
  audio: string;
  reference: ReferenceTurn[];
}

/** `samples/call.mp3` with its reference when present, else the same kind of call made with flite + sox. */
export function stereoCall(): CallFixture {
  const sample = path.join(REPO_ROOT, 'samples', 'call.mp3');
  const referenceFile = path.join(REPO_ROOT, 'samples', 'call.reference.json');
  if (fs.existsSync(sample) && fs.existsSync(referenceFile)) {
    // Written by scripts/make-sample-call.ts: { description, durationMs, turns: [{party, channel, text, startMs, endMs}] }.
    const parsed = JSON.parse(fs.readFileSync(referenceFile, 'utf8')) as { turns?: ReferenceTurn[] };
    const reference = parsed.turns;
    const valid = (r: ReferenceTurn) => typeof r.channel === 'number' && typeof r.text === 'string' && typeof r.startMs === 'number';
    if (!Array.isArray(reference) || !reference.every(valid)) {
      throw new Error(`${referenceFile}: expected {turns: [{channel, text, startMs, endMs}, …]}`);
    }
    return { audio: sample, reference };
  }
  const call = makeCall();
  return { audio: call.mp3, reference: call.reference };
}

/** `00:01:23` for 83 456 ms: the clock format of transcript timestamps. */
export function clock(ms: number): string {
  const s = Math.floor(ms / 1000);
  return [Math.floor(s / 3600), Math.floor(s / 60) % 60, s % 60].map((n) => String(n).padStart(2, '0')).join(':');
}
