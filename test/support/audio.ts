/**
 * Test audio made with real tools: Debian's `flite` speaks the turns of a call (voice `slt`, the agent, on the LEFT
 * channel 0; voice `rms`, the customer, on the RIGHT channel 1), `sox` places them on a timeline and builds format
 * variants, `lame` encodes MP3. Everything is cached under `.test-output/audio/<hash of the inputs>/`, so repeated
 * runs only pay for audio they have not made before.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
/** Bump when the way audio is made changes, so stale cache entries are not reused. */
const GENERATOR_VERSION = 2;

/** The default cache of generated audio. */
export const AUDIO_CACHE_DIR = path.join(ROOT, '.test-output', 'audio');

export interface Turn {
  /** 0: agent (left, flite `slt`); 1: customer (right, flite `rms`). */
  channel: 0 | 1;
  text: string;
  /** Silence before this turn starts, after the previous turn ended (default 700 ms). */
  gapMs?: number;
  /** Start this many ms before the previous turn ends instead (crosstalk). Wins over `gapMs`. */
  overlapMs?: number;
}

export interface ReferenceTurn {
  channel: number;
  text: string;
  /** Where the speech of this turn starts and ends in the call (leading and trailing silence of the voice trimmed). */
  startMs: number;
  endMs: number;
}

export interface Call {
  wav: string;
  mp3: string;
  reference: ReferenceTurn[];
  durationMs: number;
}

export interface CallOptions {
  /** Sample rate of the WAV (default 16000). */
  sampleRate?: number;
  /** Silence before the first turn and after the last (default 500 ms). */
  marginMs?: number;
  /** MP3 bit rate in kbit/s (default 48: keeps lame's gapless header, so the MP3 has the WAV's exact length). */
  mp3Kbps?: number;
  /** flite voices of channel 0 and channel 1 (default `slt` and `rms`). */
  voices?: readonly [string, string];
}

/** A short customer-service call with plain words, one short overlap ("okay" over the agent). */
export const DEFAULT_SCRIPT: readonly Turn[] = [
  { channel: 0, text: 'Thank you for calling customer service. How can I help you today?' },
  { channel: 1, text: 'Hello. I would like to check the balance on my account.' },
  { channel: 0, text: 'Sure. Can I have your account number please?' },
  { channel: 1, text: 'Yes. It is four five six seven eight.' },
  { channel: 0, text: 'Thank you. One moment please while I look that up for you.' },
  { channel: 1, text: 'Okay.', overlapMs: 600 },
  { channel: 0, text: 'Your current balance is two hundred dollars.', gapMs: 900 },
  { channel: 1, text: 'Great. Can you also change my address?' },
  { channel: 0, text: 'Of course. What is your new address?' },
  { channel: 1, text: 'It is ten main street.' },
  { channel: 0, text: 'Thank you. Your address has been updated. Is there anything else I can help you with?' },
  { channel: 1, text: 'No, that is all. Thank you very much.' },
  { channel: 0, text: 'You are welcome. Have a nice day. Goodbye.' },
];

/** More calls of the same kind, for the benchmark's long recording and for broader WER measurements. */
export const MORE_SCRIPTS: readonly (readonly Turn[])[] = [
  [
    { channel: 0, text: 'Good morning. You are speaking with the billing team. What can I do for you?' },
    { channel: 1, text: 'Hi. I think I was charged twice for my last order.' },
    { channel: 0, text: 'I am sorry to hear that. Can you tell me the date of the order?' },
    { channel: 1, text: 'It was last Monday. The total was fifty dollars.' },
    { channel: 0, text: 'Thank you. I can see two payments of fifty dollars on your account.' },
    { channel: 1, text: 'Yes, that is right.', overlapMs: 500 },
    { channel: 0, text: 'I will refund the second payment today. It should arrive in three to five days.', gapMs: 900 },
    { channel: 1, text: 'That is great. Thank you for your help.' },
    { channel: 0, text: 'You are welcome. Is there anything else?' },
    { channel: 1, text: 'No, that is everything. Have a good day.' },
  ],
  [
    { channel: 0, text: 'Hello and welcome to technical support. How may I help you?' },
    { channel: 1, text: 'My internet connection stopped working this morning.' },
    { channel: 0, text: 'I can help with that. Have you tried to restart your router?' },
    { channel: 1, text: 'Yes, I turned it off and on again, but it still does not work.' },
    { channel: 0, text: 'Okay. Are the lights on the front of the router green or red?' },
    { channel: 1, text: 'The first light is green and the second light is red.' },
    { channel: 0, text: 'Thank you. There is a problem in your area. Our team is working on it now.' },
    { channel: 1, text: 'How long will it take to fix?' },
    { channel: 0, text: 'It should be fixed in about two hours. I am sorry for the trouble.' },
    { channel: 1, text: 'Okay, thank you for letting me know.' },
  ],
  [
    { channel: 0, text: 'Thank you for calling. My name is John. Who am I speaking with today?' },
    { channel: 1, text: 'Hi John. This is Mary. I would like to cancel my appointment.' },
    { channel: 0, text: 'Sure, Mary. Can you give me your phone number please?' },
    { channel: 1, text: 'It is five five five one two three four.' },
    { channel: 0, text: 'I found your appointment for next Friday at ten in the morning.' },
    { channel: 1, text: 'Yes, that is the one. Can I move it to the week after?' },
    { channel: 0, text: 'Of course. I have a free time on Tuesday at two in the afternoon.' },
    { channel: 1, text: 'That works for me.' },
    { channel: 0, text: 'Great. Your new appointment is on Tuesday at two. We will send you a message.' },
    { channel: 1, text: 'Thank you very much. Goodbye.' },
  ],
];

/** A script of at least `minutes` made of the default call and `MORE_SCRIPTS`, one after the other, repeated. */
export function longScript(minutes: number): Turn[] {
  const calls = [DEFAULT_SCRIPT, ...MORE_SCRIPTS];
  // Roughly 3.6 s per turn including the gap (measured on these scripts with flite).
  const turnsNeeded = Math.ceil((minutes * 60_000) / 3600);
  const script: Turn[] = [];
  for (let i = 0; script.length < turnsNeeded; i++) {
    const call = calls[i % calls.length];
    call.forEach((turn, k) => script.push(k === 0 && script.length > 0 ? { ...turn, gapMs: 1500 } : turn));
  }
  return script;
}

const VOICES = ['slt', 'rms'] as const;

function run(command: string, args: string[]): string {
  return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Runs sox in repeatable mode (fixed dither seed), so the same inputs always give the same audio. */
function sox(args: string[]): void {
  run('sox', ['-R', ...args]);
}

function cacheDir(kind: string, inputs: unknown, root = AUDIO_CACHE_DIR): string {
  const hash = createHash('sha256').update(JSON.stringify({ kind, inputs, v: GENERATOR_VERSION })).digest('hex');
  const dir = path.join(root, `${kind}-${hash.slice(0, 16)}`);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** Duration of an audio file in ms, per sox. */
export function durationMs(file: string): number {
  return Math.round(Number(run('soxi', ['-D', file]).trim()) * 1000);
}

/** Speaks `text` with a flite voice into a 16 kHz mono WAV with the voice's leading/trailing silence trimmed. */
function speak(text: string, voice: string, out: string): void {
  const raw = `${out}.flite.wav`;
  run('flite', ['-voice', voice, '-t', text, '-o', raw]);
  sox([raw, '-r', '16000', out, 'silence', '1', '0.01', '0.2%', 'reverse', 'silence', '1', '0.01', '0.2%', 'reverse']);
  fs.rmSync(raw);
}

/** Concatenates `segments` (files and silences) into one mono track. */
function concat(segments: ({ file: string } | { silenceMs: number })[], out: string, dir: string): void {
  const inputs = segments.map((s, i) => {
    if ('file' in s) return s.file;
    const silence = path.join(dir, `silence-${i}.wav`);
    sox(['-n', '-r', '16000', '-b', '16', '-c', '1', silence, 'trim', '0', (s.silenceMs / 1000).toFixed(3)]);
    return silence;
  });
  sox([...inputs, out]);
  for (const input of inputs) if (input.includes(`${path.sep}silence-`)) fs.rmSync(input);
}

/**
 * Builds (or reuses from the cache) a stereo call from `script`: each channel holds its party's turns at the
 * scripted times and silence elsewhere. Returns the WAV, an MP3 of it (lame), the reference and the duration.
 */
export function makeCall(dir: string = AUDIO_CACHE_DIR, script: readonly Turn[] = DEFAULT_SCRIPT, options: CallOptions = {}): Call {
  const sampleRate = options.sampleRate ?? 16000;
  const marginMs = options.marginMs ?? 500;
  const mp3Kbps = options.mp3Kbps ?? 48;
  const voices = options.voices ?? VOICES;
  // Calls in the default voices keep their cache key from before voices could be chosen.
  const out = cacheDir('call', { script, sampleRate, marginMs, mp3Kbps, ...(options.voices ? { voices } : {}) }, dir);
  const wav = path.join(out, 'call.wav');
  const mp3 = path.join(out, 'call.mp3');
  const referenceFile = path.join(out, 'reference.json');
  if (fs.existsSync(referenceFile) && fs.existsSync(mp3)) {
    return { wav, mp3, ...(JSON.parse(fs.readFileSync(referenceFile, 'utf8')) as { reference: ReferenceTurn[]; durationMs: number }) };
  }

  const reference: ReferenceTurn[] = [];
  const tracks: ({ file: string } | { silenceMs: number })[][] = [[], []];
  const trackEnd = [0, 0];
  let previousEnd = marginMs;
  script.forEach((turn, i) => {
    const file = path.join(out, `turn-${i}.wav`);
    speak(turn.text, voices[turn.channel], file);
    const length = durationMs(file);
    const startMs = i === 0 ? marginMs : turn.overlapMs !== undefined ? previousEnd - turn.overlapMs : previousEnd + (turn.gapMs ?? 700);
    if (startMs < trackEnd[turn.channel]) throw new Error(`turn ${i} overlaps an earlier turn of the same channel`);
    tracks[turn.channel].push({ silenceMs: startMs - trackEnd[turn.channel] }, { file });
    trackEnd[turn.channel] = startMs + length;
    reference.push({ channel: turn.channel, text: turn.text, startMs, endMs: startMs + length });
    previousEnd = Math.max(previousEnd, startMs + length);
  });
  const totalMs = previousEnd + marginMs;
  const channelFiles = tracks.map((segments, c) => {
    const file = path.join(out, `channel-${c}.wav`);
    concat([...segments, { silenceMs: totalMs - trackEnd[c] }], file, out);
    return file;
  });
  sox(['-M', ...channelFiles, '-r', String(sampleRate), '-b', '16', wav]);
  run('lame', ['--quiet', '-m', 's', '-b', String(mp3Kbps), wav, mp3]);
  for (const f of [...channelFiles, ...script.map((_, i) => path.join(out, `turn-${i}.wav`))]) fs.rmSync(f);
  const result = { reference, durationMs: durationMs(wav) };
  fs.writeFileSync(referenceFile, JSON.stringify(result, null, 2));
  return { wav, mp3, ...result };
}

/** How {@link recode} writes a WAV: its rate, its encoding, and whether the channels are mixed into one. */
export interface RecodeOptions {
  /** Default 8000. */
  sampleRate?: number;
  /** Default µ-law (what call centres record). */
  encoding?: 'pcm16' | 'mu-law';
  /** Mix all channels into one (a mono recording of both parties of a call). */
  mono?: boolean;
}

/** A WAV re-encoded at another rate and encoding, optionally mixed down to mono (cached). */
export function recode(input: string, options: RecodeOptions = {}): string {
  const sampleRate = options.sampleRate ?? 8000;
  const encoding = options.encoding ?? 'mu-law';
  const mono = options.mono ?? false;
  const out = cacheDir('recode', { input: path.basename(path.dirname(input)), name: path.basename(input), sampleRate, encoding, mono });
  const wav = path.join(out, 'recoded.wav');
  if (!fs.existsSync(wav)) {
    const format = encoding === 'mu-law' ? ['-e', 'u-law', '-b', '8'] : ['-e', 'signed-integer', '-b', '16'];
    sox([input, '-r', String(sampleRate), ...format, `${wav}.tmp.wav`, ...(mono ? ['remix', '-'] : [])]);
    fs.renameSync(`${wav}.tmp.wav`, wav);
  }
  return wav;
}

/** Speaks `text` (flite voice `slt` by default) into a mono WAV at `sampleRate` (cached). */
export function makeMono(text: string, options: { voice?: string; sampleRate?: number; dir?: string } = {}): string {
  const voice = options.voice ?? 'slt';
  const sampleRate = options.sampleRate ?? 16000;
  const out = cacheDir('mono', { text, voice, sampleRate }, options.dir);
  const wav = path.join(out, 'mono.wav');
  if (!fs.existsSync(wav)) {
    const tmp = path.join(out, 'speech.wav');
    speak(text, voice, tmp);
    sox([tmp, '-r', String(sampleRate), wav]);
    fs.rmSync(tmp);
  }
  return wav;
}

/** Format variants of the decoder tests: sox encodings of `makeToneStereo()`, and a 3-channel file. */
export type FormatVariant =
  | 'pcm8' | 'pcm16' | 'pcm24' | 'pcm32' | 'float32' | 'float64' | 'alaw' | 'mulaw' | 'rate8k' | 'rate44k' | 'threeChannels';

const VARIANT_ARGS: Record<FormatVariant, string[]> = {
  pcm8: ['-e', 'unsigned-integer', '-b', '8'],
  pcm16: ['-e', 'signed-integer', '-b', '16'],
  pcm24: ['-e', 'signed-integer', '-b', '24'],
  pcm32: ['-e', 'signed-integer', '-b', '32'],
  float32: ['-e', 'floating-point', '-b', '32'],
  float64: ['-e', 'floating-point', '-b', '64'],
  alaw: ['-e', 'a-law', '-b', '8'],
  mulaw: ['-e', 'u-law', '-b', '8'],
  rate8k: ['-b', '16', '-r', '8000'],
  rate44k: ['-b', '16', '-r', '44100'],
  threeChannels: ['-b', '16'],
};

/** The test tone: 440 Hz at half full scale on the LEFT channel, digital silence on the RIGHT. */
export const TONE = { frequency: 440, amplitude: 0.5, durationMs: 500, sampleRate: 16000 } as const;

/** A stereo WAV of `TONE` in the given encoding or rate (cached). `threeChannels` adds a third, silent channel. */
export function makeFormatVariant(variant: FormatVariant, dir?: string): string {
  const out = cacheDir('variant', { variant, TONE }, dir);
  const wav = path.join(out, `${variant}.wav`);
  if (fs.existsSync(wav)) return wav;
  const seconds = String(TONE.durationMs / 1000);
  const synth = ['-n', '-r', String(TONE.sampleRate), '-b', '32', '-e', 'floating-point', '-c', variant === 'threeChannels' ? '3' : '2'];
  // `remix 1 0 [0]`: the sine on channel 1 only; the others get zero samples.
  const remix = variant === 'threeChannels' ? ['1', '0', '0'] : ['1', '0'];
  const tmp = path.join(out, 'tone.wav');
  sox([...synth, tmp, 'synth', seconds, 'sine', String(TONE.frequency), 'vol', String(TONE.amplitude), 'remix', ...remix]);
  sox([tmp, ...VARIANT_ARGS[variant], wav]);
  fs.rmSync(tmp);
  return wav;
}

/** Damaged and non-audio files for the error tests, written into `dir`. */
export type CorruptKind = 'empty' | 'text' | 'random' | 'adpcm' | 'headerOnly' | 'truncated';

/** Writes a damaged or non-audio file of the given kind into `dir` and returns its path. */
export function makeCorruptWav(dir: string, kind: CorruptKind): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${kind}.wav`);
  switch (kind) {
    case 'empty':
      fs.writeFileSync(file, Buffer.alloc(0));
      break;
    case 'text':
      fs.writeFileSync(file, 'hello, this is not audio\n');
      break;
    case 'random': {
      // A fixed pseudo-random byte pattern (LCG), so the test is reproducible; it does not start with 0xff.
      const bytes = Buffer.alloc(4096);
      let x = 12345;
      for (let i = 0; i < bytes.length; i++) bytes[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
      bytes[0] = 0x8d;
      fs.writeFileSync(file, bytes);
      break;
    }
    case 'adpcm':
      sox([makeMono('Thank you for calling.'), '-e', 'ima-adpcm', file]);
      break;
    case 'headerOnly': {
      const full = fs.readFileSync(makeFormatVariant('pcm16'));
      fs.writeFileSync(file, full.subarray(0, 44));
      break;
    }
    case 'truncated': {
      // The header still promises the whole data chunk; the last 1000 bytes (and half a frame) are missing.
      const full = fs.readFileSync(makeFormatVariant('pcm16'));
      fs.writeFileSync(file, full.subarray(0, full.length - 1002));
      break;
    }
  }
  return file;
}

/** Containers and codecs call recorders write, made from a WAV with ffmpeg (or sox) for the format tests. */
export type CodecVariant =
  | 'flac' | 'ogg-opus' | 'ogg-vorbis' | 'm4a-aac' | 'wma' | 'webm-opus' | 'ogg-speex'
  | 'wav-gsm' | 'wav-ima-adpcm' | 'wav-ms-adpcm' | 'wav-mulaw-8k';

const CODEC_ARGS: Record<CodecVariant, { ext: string; args: string[] }> = {
  flac: { ext: 'flac', args: ['-c:a', 'flac'] },
  'ogg-opus': { ext: 'opus', args: ['-c:a', 'libopus', '-b:a', '48k'] },
  'ogg-vorbis': { ext: 'ogg', args: ['-c:a', 'libvorbis', '-q:a', '4'] },
  'm4a-aac': { ext: 'm4a', args: ['-c:a', 'aac', '-b:a', '96k'] },
  wma: { ext: 'wma', args: ['-c:a', 'wmav2', '-b:a', '96k'] },
  'webm-opus': { ext: 'webm', args: ['-c:a', 'libopus', '-b:a', '48k'] },
  'ogg-speex': { ext: 'spx', args: ['-c:a', 'libspeex', '-ar', '16000'] },
  // GSM 6.10 is mono 8 kHz only: a call recorder's mono line.
  'wav-gsm': { ext: 'wav', args: ['-c:a', 'libgsm_ms', '-ar', '8000', '-ac', '1'] },
  'wav-ima-adpcm': { ext: 'wav', args: ['-c:a', 'adpcm_ima_wav'] },
  'wav-ms-adpcm': { ext: 'wav', args: ['-c:a', 'adpcm_ms'] },
  'wav-mulaw-8k': { ext: 'wav', args: ['-c:a', 'pcm_mulaw', '-ar', '8000'] },
};

/** `input` (a WAV) re-encoded as `variant` (cached next to the other test audio). */
export function makeCodecVariant(input: string, variant: CodecVariant, dir?: string): string {
  const { ext, args } = CODEC_ARGS[variant];
  const out = cacheDir('codec', { input: path.basename(path.dirname(input)), variant, args }, dir);
  const file = path.join(out, `${variant}.${ext}`);
  if (!fs.existsSync(file)) run('ffmpeg', ['-nostdin', '-v', 'error', '-y', '-i', input, ...args, file]);
  return file;
}

/**
 * The default call (`makeCall()`) `times` times in a row, as a WAV at `sampleRate` (default 16000) and a constant
 * bit rate MP3 at `mp3Kbps` (default 48; lame writes its Info header with the frame count) (cached).
 */
export function makeRepeatedCall(times: number, options: { sampleRate?: number; mp3Kbps?: number } = {}): { wav: string; mp3: string; durationMs: number } {
  const sampleRate = options.sampleRate ?? 16000;
  const mp3Kbps = options.mp3Kbps ?? 48;
  const call = makeCall();
  const out = cacheDir('repeated', { call: path.basename(path.dirname(call.wav)), times, sampleRate, mp3Kbps });
  const wav = path.join(out, 'repeated.wav');
  const mp3 = path.join(out, 'repeated.mp3');
  if (!fs.existsSync(mp3)) {
    sox([...Array.from({ length: times }, () => call.wav), '-r', String(sampleRate), wav]);
    run('lame', ['--quiet', '--cbr', '-m', 's', '-b', String(mp3Kbps), wav, `${mp3}.tmp`]);
    fs.renameSync(`${mp3}.tmp`, mp3);
  }
  return { wav, mp3, durationMs: durationMs(wav) };
}

/** A folder of many tiny audio files (a big batch), made once and reused; see {@link makeTinyBatch}. */
export interface TinyBatch {
  dir: string;
  /** Every file, sorted by name (the order a folder of them is submitted in). */
  files: string[];
  /** The files that hold a spoken word (the rest is 0.3 s of silence, or broken). */
  speech: string[];
  /** The files that are not audio (text named .wav): each must fail alone. */
  broken: string[];
}

/**
 * `count` tiny WAV files in one folder of the OS temp folder (made once per shape, reused by later runs): 0.3 s of
 * 16 kHz mono silence, except every `speechEvery`-th file, a spoken word (~1 s, flite), and every `brokenEvery`-th,
 * text named .wav. Silence costs the engine nothing, so a batch of 1,000 tests the service's handling of a big job
 * rather than the engine's speed.
 */
export function makeTinyBatch(count: number, options: { speechEvery?: number; brokenEvery?: number } = {}): TinyBatch {
  const speechEvery = options.speechEvery ?? 250;
  const brokenEvery = options.brokenEvery ?? 333;
  const dir = path.join(os.tmpdir(), `speech-batch-tiny-${count}-${speechEvery}-${brokenEvery}-v${GENERATOR_VERSION}`);
  const name = (i: number): string => path.join(dir, `call-${String(i + 1).padStart(4, '0')}.wav`);
  const kindOf = (i: number): 'broken' | 'speech' | 'silence' =>
    (i + 1) % brokenEvery === 0 ? 'broken' : i % speechEvery === 0 ? 'speech' : 'silence';
  const files = Array.from({ length: count }, (_, i) => name(i));
  const done = path.join(dir, '.complete');
  if (!fs.existsSync(done)) {
    fs.mkdirSync(dir, { recursive: true });
    const silence = path.join(cacheDir('tiny', { silenceMs: 300 }), 'silence.wav');
    if (!fs.existsSync(silence)) sox(['-n', '-r', '16000', '-b', '16', '-c', '1', silence, 'trim', '0', '0.3']);
    const word = makeMono('hello');
    files.forEach((file, i) => {
      const kind = kindOf(i);
      if (kind === 'broken') fs.writeFileSync(file, 'this is not audio\n');
      else fs.copyFileSync(kind === 'speech' ? word : silence, file);
    });
    fs.writeFileSync(done, '');
  }
  return {
    dir,
    files,
    speech: files.filter((_, i) => kindOf(i) === 'speech'),
    broken: files.filter((_, i) => kindOf(i) === 'broken'),
  };
}

/**
 * Damaged recordings made from the real sample call (`makeCall()`, 42 s stereo) the way damage happens: `head -c`
 * of the WAV (a copy cut off), a WAV written to a pipe (ffmpeg: placeholder sizes in the header), one whose header
 * was never finished (data size 0), one with an absurd data size (1 GiB in a 2.7 MB file), the MP3 cut inside a frame (with and without lame's Info header, which holds the
 * frame count), the MP3 with 20 KB in the middle overwritten, a silent file, the call 20 dB too loud (clipped), and a
 * FLAC cut off (decoded by ffmpeg).
 */
export type DamageKind =
  | 'wav-truncated' | 'wav-streamed' | 'wav-unfinished' | 'wav-absurd' | 'mp3-cut' | 'mp3-cut-no-header' | 'mp3-corrupt' | 'silent' | 'clipped' | 'flac-truncated';

const DAMAGE_EXT: Record<DamageKind, string> = {
  'wav-truncated': 'wav', 'wav-streamed': 'wav', 'wav-unfinished': 'wav', 'wav-absurd': 'wav', 'mp3-cut': 'mp3', 'mp3-cut-no-header': 'mp3',
  'mp3-corrupt': 'mp3', silent: 'wav', clipped: 'wav', 'flac-truncated': 'flac',
};

/** A damaged recording of the given kind (cached), made from the sample call. */
export function makeDamaged(kind: DamageKind): string {
  const call = makeCall();
  const out = cacheDir('damaged', { call: path.basename(path.dirname(call.wav)), kind });
  const file = path.join(out, `${kind}.${DAMAGE_EXT[kind]}`);
  if (fs.existsSync(file)) return file;
  const tmp = path.join(out, `tmp.${DAMAGE_EXT[kind]}`);
  const cut = (from: string, bytes: number) => fs.writeFileSync(file, fs.readFileSync(from).subarray(0, bytes));
  switch (kind) {
    case 'wav-truncated':
      cut(call.wav, 1_500_000); // `head -c 1500000 call.wav`: 23.4 s of the 42.3 s
      break;
    case 'wav-streamed':
      fs.writeFileSync(file, execFileSync('ffmpeg', ['-nostdin', '-v', 'error', '-i', call.wav, '-f', 'wav', '-'], { maxBuffer: 64 << 20 }));
      break;
    case 'wav-unfinished': {
      // A recorder that stopped before writing the sizes: RIFF and data sizes still 0.
      const wav = Buffer.from(fs.readFileSync(call.wav));
      wav.writeUInt32LE(0, 4);
      wav.writeUInt32LE(0, wav.indexOf('data', 12, 'latin1') + 4);
      fs.writeFileSync(file, wav);
      break;
    }
    case 'wav-absurd': {
      // A data size of 1 GiB in a 2.7 MB file whose RIFF size is right: a damaged header, not a cut-off file.
      const wav = Buffer.from(fs.readFileSync(call.wav));
      wav.writeUInt32LE(0x4000_0000, wav.indexOf('data', 12, 'latin1') + 4);
      fs.writeFileSync(file, wav);
      break;
    }
    case 'mp3-cut':
      cut(call.mp3, 127_001); // inside a frame, about half-way
      break;
    case 'mp3-cut-no-header':
      run('lame', ['--quiet', '-t', '-m', 's', '-b', '48', call.wav, tmp]);
      cut(tmp, 127_001);
      break;
    case 'mp3-corrupt': {
      const mp3 = Buffer.from(fs.readFileSync(call.mp3));
      mp3.fill(0x78, 100_000, 120_000); // 20 KB of "x" from 16.7 s: frames overwritten, sync lost
      fs.writeFileSync(file, mp3);
      break;
    }
    case 'silent':
      sox(['-n', '-r', '16000', '-c', '2', '-b', '16', file, 'trim', '0', '20']);
      break;
    case 'clipped':
      sox([call.wav, file, 'gain', '20']);
      break;
    case 'flac-truncated':
      run('ffmpeg', ['-nostdin', '-v', 'error', '-y', '-i', call.wav, tmp]);
      cut(tmp, Math.floor(fs.statSync(tmp).size / 2));
      break;
  }
  fs.rmSync(tmp, { force: true });
  return file;
}
