/** Loads the constructed result files of test/fixtures/results. */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mergeFile } from '../../src/core/merge';
import type { Conversation, MergeOptions, Transcript } from '../../src/core/model';
import { parseResultText } from '../../src/core/result';

export const RESULTS_DIR = join(__dirname, '..', 'fixtures', 'results');

export function fixturePath(name: string): string {
  return join(RESULTS_DIR, name);
}

export function loadTranscript(name: string): Transcript {
  return parseResultText(readFileSync(fixturePath(name), 'utf8'), name);
}

/** The stereo call fixture merged with the names Agent (channel 0) and Customer (channel 1). */
export function stereoCall(options: MergeOptions = {}): Conversation {
  return mergeFile(loadTranscript('stereo-call.json'), { names: ['Agent', 'Customer'], ...options });
}
