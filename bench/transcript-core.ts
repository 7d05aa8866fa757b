/**
 * Benchmark of the transcript core on synthetic stereo calls: parse a result file, merge, compute analytics and
 * render SRT, for a 2-hour call (~2000 phrases) and one ten times as long. Prints each step's best time (the
 * least disturbed by other processes on a shared machine; garbage collected before each run where exposed) and
 * the ratio long/short side by side: about 10 to 13 means O(n log n); 100 would mean quadratic.
 *
 * Run: node --expose-gc --import tsx bench/transcript-core.ts
 */

import { performance } from 'node:perf_hooks';
import { computeAnalytics } from '../src/core/analytics';
import { formatConversation } from '../src/core/formats';
import { mergeFile } from '../src/core/merge';
import type { Conversation, Transcript } from '../src/core/model';
import { parseResultText } from '../src/core/result';
import { msToTicks } from '../src/core/ticks';
import type { ResultPhrase, TranscriptionResultFile } from '../src/core/wire';

/** A result file of `phrases` phrases alternating between two channels, 8 words each, with some crosstalk. */
function syntheticResult(phrases: number): string {
  const recognizedPhrases: ResultPhrase[] = [];
  for (let i = 0; i < phrases; i++) {
    const startMs = i * 3600 + (i % 7 === 6 ? -400 : 0);
    const words = Array.from({ length: 8 }, (_, w) => ({
      displayText: `word${w}`,
      offsetInTicks: msToTicks(startMs + w * 400),
      durationInTicks: msToTicks(350),
      confidence: 0.9,
    }));
    recognizedPhrases.push({
      recognitionStatus: 'Success',
      channel: i % 2,
      offsetInTicks: msToTicks(startMs),
      durationInTicks: msToTicks(3200),
      nBest: [{ confidence: 0.9, lexical: words.map((w) => w.displayText).join(' '), display: words.map((w) => w.displayText).join(' '), displayWords: words }],
    });
  }
  const result: TranscriptionResultFile = { source: 'bench.wav', durationMilliseconds: phrases * 3600, recognizedPhrases };
  return JSON.stringify(result);
}

const collectGarbage = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

function best(run: () => void, repeats: number): number {
  let fastest = Infinity;
  for (let i = 0; i < repeats; i++) {
    collectGarbage();
    const start = performance.now();
    run();
    fastest = Math.min(fastest, performance.now() - start);
  }
  return fastest;
}

function measure(phrases: number, repeats: number): Record<string, number> {
  const text = syntheticResult(phrases);
  let transcript: Transcript | undefined;
  let conversation: Conversation | undefined;
  return {
    parse: best(() => (transcript = parseResultText(text)), repeats),
    merge: best(() => (conversation = mergeFile(transcript!)), repeats),
    analytics: best(() => computeAnalytics(conversation!), repeats),
    srt: best(() => formatConversation(conversation!, 'srt'), repeats),
  };
}

const SHORT = 2000;
const LONG = 20_000;
measure(SHORT, 3); // warm-up
const short = measure(SHORT, 11);
const long = measure(LONG, 11);
console.log(`step       ${SHORT} phrases  ${LONG} phrases  ratio (10x input)`);
for (const step of Object.keys(short)) {
  console.log(
    `${step.padEnd(10)} ${short[step].toFixed(2).padStart(9)} ms ${long[step].toFixed(2).padStart(12)} ms ${(long[step] / short[step]).toFixed(1).padStart(10)}`,
  );
}
