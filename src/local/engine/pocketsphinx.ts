/**
 * The built-in engine: Debian's `pocketsphinx_continuous` (pocketsphinx 0.8+5prealpha) run as one child process per
 * channel. Each channel is written as headerless 16 kHz mono 16-bit PCM to a temp file (the CLI cannot read Node's
 * stdin, a socket, through `-infile /dev/stdin`); with `-time yes` the CLI prints, per utterance, a hypothesis
 * line followed by one `word start end posterior` line per word (times in seconds from the start of the input):
 *
 *     thank you for calling
 *     <s> 0.880 1.160 0.999300
 *     thank 1.170 1.520 0.783465
 *     for(2) 1.640 1.810 0.350105
 *     ...
 *     </s> 5.020 5.350 1.000000
 *
 * The CLI's voice activity detector has a bug this engine corrects ({@link realignLateUtterances}): when speech stops
 * and starts again within one of the CLI's 2048-sample reads (a pause of about `-vad_postspeech`, 0.5 s: common
 * between the turns of a call), the utterance goes on, but all its times are counted from the *last* time speech
 * started in it: the whole utterance is reported seconds late (bench/timing.ts measures it, bare CLI included).
 * Running without the detector (`-remove_silence no`) gives right times but more word errors (silence frames enter
 * the cepstral mean: a flite call's word error 0.11 → 0.20, at 8 kHz µ-law 0.59 → 0.80), so the detector stays.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { access, constants, mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { POCKETSPHINX_INSTALL } from '../../core/localService';
import type { ConfidenceCalibration } from './calibration';
import { realignLateUtterances, type CliToken, type CliUtterance } from './pocketsphinxTiming';
import { EngineNotInstalledError, type Engine, type MonoPcm16k, type RecognizeOptions, type RecognizedWord, type Utterance } from './types';

/** The install command for the recogniser (shown in errors, and by the extension). */
/** pocketsphinx analyses 10 ms frames; a word's printed end time is the start of its last frame. */
const FRAME_MS = 10;
/**
 * A pause at least this long between two words ends a phrase (a transcript line a user can click to play), also
 * inside one utterance of the CLI (whose detector sometimes runs on over a pause of 0.5 s, see above): turns of a
 * call are further apart than this, a breath within a sentence is shorter.
 */
export const PHRASE_PAUSE_MS = 400;
const WORD_LINE = /^(\S+) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?)$/;
/**
 * util-linux's setpriv (in every Debian/Ubuntu: util-linux is essential) runs the CLI with a parent-death signal, so
 * the kernel kills it when the service dies, even by SIGKILL, which the service cannot catch to clean up. Without
 * it, an orphaned CLI runs until its file is done. (Linux sends that signal when the *thread* that spawned the child
 * ends: spawn engines from the service's main thread, not from a worker thread that may end first.)
 */
const SETPRIV = '/usr/bin/setpriv';

export interface PocketsphinxOptions {
  /** Default `/usr/bin/pocketsphinx_continuous`. */
  binary?: string;
  /** Directory holding `en-us/` (acoustic model), `en-us.lm.bin` and `cmudict-en-us.dict`. */
  modelDir?: string;
  /** Extra command-line arguments (e.g. beam widths). */
  extraArgs?: string[];
  /** Where the per-channel raw files go; default the OS temp directory. The service passes its store's tmp dir. */
  tempDir?: string;
}

/** True for the fillers pocketsphinx puts into its word segmentation: `<s>`, `</s>`, `<sil>`, `[NOISE]`, `++UH++`. */
function isFiller(word: string): boolean {
  return word.startsWith('<') || word.startsWith('[') || word.startsWith('+');
}

/** The CLI's utterances as it printed them: every token with its times (ms), fillers included. */
export function parseCliUtterances(output: string): CliUtterance[] {
  const utterances: CliUtterance[] = [];
  let tokens: CliToken[] | undefined;
  for (const line of output.split('\n')) {
    const match = WORD_LINE.exec(line.trim());
    if (!match) {
      if (tokens && tokens.length > 0) utterances.push({ tokens });
      tokens = []; // a hypothesis line (possibly empty) starts the next utterance
      continue;
    }
    const [, token, start, end, posterior] = match;
    (tokens ??= []).push({
      token,
      startMs: Math.round(Number(start) * 1000),
      endMs: Math.round(Number(end) * 1000) + FRAME_MS,
      confidence: Math.min(1, Math.max(0, Number(posterior))),
    });
  }
  if (tokens && tokens.length > 0) utterances.push({ tokens });
  return utterances;
}

/**
 * The CLI's utterances as phrases: fillers and `(2)` suffixes dropped, a new phrase wherever {@link PHRASE_PAUSE_MS}
 * or more pass between two words.
 */
export function toUtterances(cli: readonly CliUtterance[]): Utterance[] {
  const utterances: Utterance[] = [];
  let words: RecognizedWord[] = [];
  const flush = (): void => {
    if (words.length > 0) {
      utterances.push({
        startMs: words[0].startMs,
        endMs: words[words.length - 1].endMs,
        text: words.map((w) => w.word).join(' '),
        confidence: words.reduce((sum, w) => sum + w.confidence, 0) / words.length,
        words,
      });
    }
    words = [];
  };
  for (const { tokens } of cli) {
    for (const { token, startMs, endMs, confidence } of tokens) {
      if (isFiller(token)) continue;
      const previous = words[words.length - 1];
      if (previous && startMs - previous.endMs >= PHRASE_PAUSE_MS) flush();
      words.push({ word: token.replace(/\(\d+\)$/, '').toLowerCase(), startMs, endMs, confidence });
    }
    flush();
  }
  return utterances;
}

/**
 * Parses the `-time yes` output of `pocketsphinx_continuous` into phrases ({@link toUtterances}); given the audio
 * the CLI read, utterances it reported late are first put back where they were said ({@link realignLateUtterances}).
 */
export function parsePocketsphinxOutput(output: string, samples?: Int16Array): Utterance[] {
  const cli = parseCliUtterances(output);
  return toUtterances(samples ? realignLateUtterances(cli, samples) : cli);
}

/**
 * P(word right) for pocketsphinx's word posteriors, fitted by `npx tsx bench/confidence.ts --fit` (isotonic
 * regression over 1689 recognised words; held-out figures in the README). Raw 0.12 ≈ even odds: words below it are
 * more likely wrong than right, while a raw 0.3 is still right two times in three.
 */
export const POCKETSPHINX_CALIBRATION: ConfidenceCalibration = {
  raw: [0, 0.0044, 0.0192, 0.0575, 0.1195, 0.2382, 0.4189, 0.5905, 0.7002, 0.7503, 0.8521, 0.9506, 0.996, 1],
  correct: [0.1167, 0.1167, 0.2292, 0.3015, 0.4776, 0.5672, 0.6621, 0.8246, 0.8254, 0.8333, 0.8918, 0.9355, 0.9765, 0.9765],
  measuredOn: "the tests' calls (DEFAULT_SCRIPT, MORE_SCRIPTS[0]) in 4 flite voice pairs (slt/rms, awb/kal, kal16/slt, rms/awb), 16 kHz and 8 kHz µ-law",
};

/** Runs `pocketsphinx_continuous` on one channel at a time. */
export class PocketsphinxEngine implements Engine {
  readonly name = 'pocketsphinx';
  readonly locales = ['en-US'] as const;
  /**
   * Each run loads the model (≈0.5 s): pieces of one to two minutes keep that below 5 % while a long mono file still
   * keeps every core busy; the language model has no window to fit (see bench/segmenting.ts for the accuracy).
   */
  readonly segmenting = { targetMs: 60_000, maxMs: 120_000 };
  readonly confidenceCalibration = POCKETSPHINX_CALIBRATION;
  private readonly binary: string;
  private readonly modelDir: string;
  private readonly extraArgs: readonly string[];
  private readonly tempDir: string | undefined;

  constructor(options: PocketsphinxOptions = {}) {
    this.binary = options.binary ?? '/usr/bin/pocketsphinx_continuous';
    this.modelDir = options.modelDir ?? '/usr/share/pocketsphinx/model/en-us';
    this.extraArgs = options.extraArgs ?? [];
    this.tempDir = options.tempDir;
  }

  private get modelFiles(): { hmm: string; lm: string; dict: string } {
    return {
      hmm: path.join(this.modelDir, 'en-us'),
      lm: path.join(this.modelDir, 'en-us.lm.bin'),
      dict: path.join(this.modelDir, 'cmudict-en-us.dict'),
    };
  }

  /**
   * pocketsphinx_continuous cannot use a phrase list: its language model is a fixed binary file with no run-time
   * weights, and `-kws` keyword spotting outputs only the keywords, not a transcript. What it can say is which words
   * of the list are missing from its pronunciation dictionary, so that it will never write them.
   */
  phraseListUse(phrases: readonly string[]): string {
    const words = [...new Set(phrases.flatMap((p) => p.toLowerCase().match(/[\p{L}\p{N}'’-]+/gu) ?? []))];
    const known = this.dictionaryWords();
    const missing = known ? words.filter((w) => !known.has(w.replace(/’/g, "'"))) : [];
    const unknown = missing.length > 0 ? `; not in its dictionary, so never recognised: ${missing.slice(0, 20).join(', ')}${missing.length > 20 ? ', …' : ''}` : '';
    return `not used: pocketsphinx cannot weight words at run time${unknown}`;
  }

  private dictionary: Set<string> | null | undefined;

  /** The words of the pronunciation dictionary (read once), or null when it cannot be read. */
  private dictionaryWords(): Set<string> | null {
    if (this.dictionary === undefined) {
      try {
        const text = readFileSync(this.modelFiles.dict, 'utf8');
        this.dictionary = new Set(text.split('\n').map((line) => line.slice(0, line.indexOf(' ')).replace(/\(\d+\)$/, '').toLowerCase()));
      } catch {
        this.dictionary = null;
      }
    }
    return this.dictionary;
  }

  async check(): Promise<void> {
    try {
      await access(this.binary, constants.X_OK);
    } catch {
      throw new EngineNotInstalledError(`pocketsphinx is not installed (${this.binary} not found); install it with: ${POCKETSPHINX_INSTALL}`);
    }
    for (const file of Object.values(this.modelFiles)) {
      try {
        await access(file, constants.R_OK);
      } catch {
        throw new EngineNotInstalledError(`the pocketsphinx en-US model is missing (${file} not found); install it with: ${POCKETSPHINX_INSTALL}`);
      }
    }
  }

  /**
   * The command line that transcribes `inputFile`: headerless 16 kHz mono 16-bit PCM (a name not ending in `.wav`
   * makes the CLI read it raw). Exposed for the benchmarks, which run the bare CLI side by side.
   */
  commandLine(inputFile: string): { binary: string; args: string[] } {
    const { hmm, lm, dict } = this.modelFiles;
    return {
      binary: this.binary,
      args: ['-infile', inputFile, '-time', 'yes', '-logfn', '/dev/null', '-hmm', hmm, '-lm', lm, '-dict', dict, ...this.extraArgs],
    };
  }

  async recognize(audio: MonoPcm16k, options: RecognizeOptions): Promise<Utterance[]> {
    if (!this.locales.includes(options.locale as 'en-US')) {
      throw new Error(`pocketsphinx cannot transcribe locale ${options.locale}; supported: ${this.locales.join(', ')}`);
    }
    options.signal?.throwIfAborted();
    const dir = await mkdtemp(path.join(this.tempDir ?? os.tmpdir(), 'speech-batch-ps-'));
    try {
      const input = path.join(dir, 'channel.raw');
      const { samples } = audio;
      await writeFile(input, new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength));
      return parsePocketsphinxOutput(await this.run(input, options.signal), samples);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /**
   * Runs the CLI on one raw file and resolves with its stdout; kills it when `signal` aborts. It runs in a process
   * group of its own, which is killed as a whole, and dies with the service (see {@link SETPRIV}).
   */
  private run(inputFile: string, signal?: AbortSignal): Promise<string> {
    signal?.throwIfAborted();
    const { binary, args } = this.commandLine(inputFile);
    const [command, argv] = hasSetpriv() ? [SETPRIV, ['--pdeathsig', 'KILL', '--', binary, ...args]] : [binary, args];
    return new Promise<string>((resolve, reject) => {
      const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
      let stdout = '';
      let stderr = '';
      const onAbort = (): void => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          child.kill('SIGKILL'); // the group is gone already, or the spawn failed
        }
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-2000)));
      child.on('error', (err) => {
        signal?.removeEventListener('abort', onAbort);
        reject(
          (err as NodeJS.ErrnoException).code === 'ENOENT'
            ? new EngineNotInstalledError(`pocketsphinx is not installed (${binary} not found); install it with: ${POCKETSPHINX_INSTALL}`)
            : new Error(`could not run ${binary}: ${err.message}`),
        );
      });
      child.on('close', (code, killSignal) => {
        signal?.removeEventListener('abort', onAbort);
        if (signal?.aborted) reject(signal.reason);
        else if (code === 0) resolve(stdout);
        else if (code === 127 && command === SETPRIV) {
          reject(new EngineNotInstalledError(`pocketsphinx is not installed (${binary} not found); install it with: ${POCKETSPHINX_INSTALL}`));
        }
        else reject(new Error(`pocketsphinx failed (${code === null ? `signal ${killSignal}` : `exit code ${code}`})${stderr.trim() ? `: ${stderr.trim()}` : ''}`));
      });
    });
  }
}

let setprivFound: boolean | undefined;

function hasSetpriv(): boolean {
  return (setprivFound ??= existsSync(SETPRIV));
}
