/**
 * Accuracy and speed of every installed local engine on the same calls, side by side in one run: word error rate
 * (WER, per channel against the reference, summed over channels) and real-time factor (RTF: recognition wall time /
 * audio length) for pocketsphinx and each whisper.cpp / Parakeet model in the models folder.
 *
 *     npx tsx bench/engines.ts [--models-dir DIR] [<audio> <reference>]...      (or: npm run bench:engines -- …)
 *
 * The sample call (samples/call.mp3 with samples/call.reference.json) is always measured. More calls are given as
 * pairs of audio and reference: a reference is either JSON like samples/call.reference.json (`turns` with `channel`
 * and `text`: scored per channel) or a plain text file with the words spoken (scored against all channels' words in
 * time order). Model files without weights (whisper.cpp's test model) are reported, not measured: their figures
 * would mean nothing. With no trained model installed the bench says so and measures pocketsphinx only.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkModelFile, defaultModelsDir, listInstalledModels, type InstalledModel } from '../src/core/models';
import type { TranscriptionResultFile } from '../src/core/wire';
import { PocketsphinxEngine } from '../src/local/engine/pocketsphinx';
import type { Engine } from '../src/local/engine/types';
import { WhisperEngine } from '../src/local/engine/whisper';
import { Recognizer } from '../src/local/recognizer';
import { wordErrorRate } from '../test/support/wer';

const ROOT = path.resolve(__dirname, '..');

interface Call {
  audio: string;
  /** Reference words per channel, or `all` for a plain-text reference. */
  reference: Map<number | 'all', string>;
}

function loadReference(file: string): Map<number | 'all', string> {
  const text = fs.readFileSync(file, 'utf8');
  if (!file.toLowerCase().endsWith('.json')) return new Map([['all', text]]);
  const parsed = JSON.parse(text) as { turns?: { channel: number; text: string }[] };
  if (!Array.isArray(parsed.turns)) throw new Error(`${file}: a JSON reference needs "turns" with "channel" and "text"`);
  const byChannel = new Map<number | 'all', string>();
  for (const turn of parsed.turns) byChannel.set(turn.channel, `${byChannel.get(turn.channel) ?? ''} ${turn.text}`.trim());
  return byChannel;
}

function parseArgs(argv: string[]): { modelsDir: string; calls: Call[] } {
  let modelsDir = defaultModelsDir();
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--models-dir') modelsDir = path.resolve(argv[++i] ?? '');
    else files.push(argv[i]!);
  }
  if (files.length % 2 !== 0) throw new Error('give calls as pairs: <audio> <reference>');
  const calls: Call[] = [{ audio: path.join(ROOT, 'samples', 'call.mp3'), reference: loadReference(path.join(ROOT, 'samples', 'call.reference.json')) }];
  for (let i = 0; i < files.length; i += 2) calls.push({ audio: path.resolve(files[i]!), reference: loadReference(path.resolve(files[i + 1]!)) });
  return { modelsDir, calls };
}

/** The words of a result per channel (phrases in time order), and of all channels together. */
function hypothesis(result: TranscriptionResultFile): Map<number | 'all', string> {
  const phrases = [...(result.recognizedPhrases ?? [])].sort((a, b) => (a.offsetInTicks ?? 0) - (b.offsetInTicks ?? 0));
  const out = new Map<number | 'all', string>();
  for (const p of phrases) {
    const words = p.nBest?.[0]?.lexical ?? '';
    out.set(p.channel ?? 0, `${out.get(p.channel ?? 0) ?? ''} ${words}`.trim());
    out.set('all', `${out.get('all') ?? ''} ${words}`.trim());
  }
  return out;
}

interface Row {
  engine: string;
  call: string;
  wer: number;
  errors: number;
  refWords: number;
  rtf: number;
}

async function measure(engine: Engine, call: Call): Promise<Row> {
  const recognizer = new Recognizer({ engine });
  try {
    const started = performance.now();
    const result = await recognizer.recognizeFile(call.audio, path.basename(call.audio), {
      locale: 'en-US',
      wordLevelTimestamps: false,
      displayFormWordLevelTimestamps: false,
    });
    const ms = performance.now() - started;
    const hyp = hypothesis(result);
    let errors = 0;
    let refWords = 0;
    for (const [channel, reference] of call.reference) {
      const w = wordErrorRate(reference, hyp.get(channel) ?? '');
      errors += w.substitutions + w.deletions + w.insertions;
      refWords += w.refWords;
    }
    return { engine: engine.name, call: path.basename(call.audio), wer: refWords ? errors / refWords : 0, errors, refWords, rtf: ms / (result.durationMilliseconds ?? 1) };
  } finally {
    await recognizer.close();
  }
}

/** Whether a model file has trained weights (whisper.cpp's CI model has none); with the reason when not. */
async function untrained(model: InstalledModel): Promise<string | undefined> {
  try {
    const { tensors } = await checkModelFile(model.path);
    return tensors === 0 ? 'no weights (a test model such as whisper.cpp\'s for-tests-ggml-tiny.en.bin)' : undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

async function main(): Promise<void> {
  const { modelsDir, calls } = parseArgs(process.argv.slice(2));
  const engines: Engine[] = [new PocketsphinxEngine()];
  const skipped: string[] = [];
  for (const model of await listInstalledModels(modelsDir)) {
    const reason = await untrained(model);
    if (reason) skipped.push(`${model.name} (${model.path}): ${reason}`);
    else engines.push(new WhisperEngine({ name: model.name, kind: model.kind, modelPath: model.path, locales: model.locales }));
  }
  console.log(`Engines on ${calls.length} call(s); models folder ${modelsDir}`);
  for (const s of skipped) console.log(`  not measured: ${s}`);
  if (engines.length === 1) {
    console.log('  No trained whisper.cpp or Parakeet model is installed: only pocketsphinx is measured.');
    console.log('  Install one with Speech Batch: Download Model… in VS Code, or `speech-batch models download base.en` (or `models add <file>`), and run this again.');
  }
  const rows: Row[] = [];
  for (const call of calls) {
    for (const engine of engines) {
      const row = await measure(engine, call);
      rows.push(row);
      console.log(`  ${row.engine.padEnd(22)} ${row.call.padEnd(24)} WER ${row.wer.toFixed(3)} (${row.errors}/${row.refWords} words)  RTF ${row.rtf.toFixed(3)}`);
    }
  }
  if (calls.length > 1) {
    console.log('All calls:');
    for (const engine of engines) {
      const mine = rows.filter((r) => r.engine === engine.name);
      const errors = mine.reduce((s, r) => s + r.errors, 0);
      const words = mine.reduce((s, r) => s + r.refWords, 0);
      const rtf = mine.reduce((s, r) => s + r.rtf, 0) / mine.length;
      console.log(`  ${engine.name.padEnd(22)} WER ${(words ? errors / words : 0).toFixed(3)} (${errors}/${words} words)  mean RTF ${rtf.toFixed(3)}`);
    }
  }
  await Promise.all(engines.map((e) => e.close?.()));
}

main().catch((err: Error) => {
  console.error(err.stack ?? err.message);
  process.exit(1);
});
