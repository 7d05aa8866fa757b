import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ResultPhrase, TranscriptionResultFile } from '../../src/core/wire';
import { hypothesisWordsCorrect, normalizeWords, wordErrorRate } from '../support/wer';
import { AudioFormatError } from '../../src/local/audio/types';
import { Recognizer, type RecognizeFileOptions } from '../../src/local/recognizer';
import { DEFAULT_SCRIPT, longScript, makeCall, makeCodecVariant, makeCorruptWav, makeFormatVariant, makeMono, recode, type Call, type ReferenceTurn } from '../support/audio';
import { useTempDir } from '../support/tempDir';

/**
 * Word error rate allowed per channel of the flite call. pocketsphinx with its generic en-US model scores 0.13 on the
 * agent (channel 0) and 0.08 on the customer (channel 1) of this call, and 0.12/0.07 over four such calls. Audio and
 * recognition are deterministic (sox in repeatable mode, seeded noise floor), so the margin is for other
 * pocketsphinx/model/flite builds, not for chance. A lost or swapped channel scores above 0.9.
 */
const MAX_WER = 0.25;
/**
 * The same for the call at 8 kHz: the 16 kHz acoustic model hears nothing above 4 kHz there (no 8 kHz model is
 * packaged in Debian). Measured 0.50 (agent) and 0.45 (customer) on this call, 0.43/0.31 over four calls.
 */
const MAX_WER_8KHZ = 0.6;
/**
 * Share of this call's words whose calibrated confidence may be below 0.5 (marked in the view): with raw pocketsphinx
 * posteriors it was about a third; after calibration bench/confidence.ts marks about a fifth of the words over all
 * voices and 8 kHz, fewer on this clean 16 kHz call.
 */
const MAX_MARKED_SHARE = 0.2;
/** How far phrase boundaries may be from where the scripted speech starts and ends. */
const TIME_TOLERANCE_MS = 500;

const OPTIONS: RecognizeFileOptions = {
  locale: 'en-US',
  wordLevelTimestamps: true,
  displayFormWordLevelTimestamps: true,
  punctuationMode: 'DictatedAndAutomatic',
  profanityFilterMode: 'Masked',
};

const ms = (ticks: number | undefined): number => (ticks ?? NaN) / 10_000;
const channelText = (result: TranscriptionResultFile, channel: number): string =>
  result.combinedRecognizedPhrases?.find((c) => c.channel === channel)?.lexical ?? '';
const referenceText = (call: Call, channel: number): string =>
  call.reference.filter((t) => t.channel === channel).map((t) => t.text).join(' ');

const startOf = (phrase: ResultPhrase): number => ms(phrase.offsetInTicks);
const endOf = (phrase: ResultPhrase): number => ms(phrase.offsetInTicks) + ms(phrase.durationInTicks);

/** Of `turns`, the one the phrase overlaps most, if any. */
function mostOverlapped(phrase: ResultPhrase, turns: ReferenceTurn[]): ReferenceTurn | undefined {
  let best: ReferenceTurn | undefined;
  let bestOverlap = 0;
  for (const turn of turns) {
    const overlap = Math.min(endOf(phrase), turn.endMs) - Math.max(startOf(phrase), turn.startMs);
    if (overlap > bestOverlap) [best, bestOverlap] = [turn, overlap];
  }
  return best;
}

/** The reference turn of the phrase's channel that the phrase overlaps most, if any. */
function turnOf(phrase: ResultPhrase, reference: ReferenceTurn[]): ReferenceTurn | undefined {
  return mostOverlapped(phrase, reference.filter((turn) => turn.channel === phrase.channel));
}

/** pids of the pocketsphinx processes this test process started. */
function pocketsphinxChildren(): string[] {
  const out = execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(process.pid)], { encoding: 'utf8' });
  return out.split('\n').filter((line) => line.includes('pocketsphinx')).map((line) => line.trim().split(/\s+/)[0]);
}

describe('Recognizer (pocketsphinx) on a stereo flite call', function () {
  this.timeout(300_000);
  let recognizer: Recognizer;
  let call: Call;
  let result: TranscriptionResultFile;
  const dir = useTempDir('recognize-test-');

  before(async () => {
    recognizer = new Recognizer();
    await recognizer.check();
    call = makeCall(undefined, undefined, { mp3Kbps: 128 });
    result = await recognizer.recognizeFile(call.wav, 'https://example.test/call.wav', OPTIONS);
  });

  after(async () => {
    await recognizer.close();
  });

  it(`recognises each channel with a word error rate of at most ${MAX_WER}`, () => {
    for (const channel of [0, 1]) {
      const wer = wordErrorRate(referenceText(call, channel), channelText(result, channel));
      console.log(`      channel ${channel}: WER ${wer.wer.toFixed(3)}`);
      assert.ok(wer.wer <= MAX_WER, `channel ${channel}: WER ${wer.wer.toFixed(3)} (${JSON.stringify(wer)}): "${channelText(result, channel)}"`);
    }
  });

  it('puts every phrase on the channel of the party who said it', () => {
    for (const phrase of result.recognizedPhrases!) {
      const turn = turnOf(phrase, call.reference);
      assert.ok(turn, `phrase "${phrase.nBest![0].lexical}" on channel ${phrase.channel} at ${phrase.offset} matches no turn of that channel`);
    }
    // Both parties are heard, and the agent's words are not on the customer's channel.
    assert.match(channelText(result, 0), /customer service/);
    assert.match(channelText(result, 1), /four five six seven eight/);
    assert.doesNotMatch(channelText(result, 1), /customer service/);
  });

  it('keeps the turn order of the script when phrases are merged by offset', () => {
    const byOffset = [...result.recognizedPhrases!].sort((a, b) => a.offsetInTicks! - b.offsetInTicks!);
    const order = byOffset.map((p) => call.reference.indexOf(turnOf(p, call.reference)!));
    const heard = [...new Set(order)];
    // Every turn is heard, and the first phrases of the turns come in script order.
    assert.deepEqual([...heard].sort((a, b) => a - b), call.reference.map((_, i) => i));
    assert.deepEqual(heard, [...heard].sort((a, b) => a - b));
  });

  it(`times each turn within ${TIME_TOLERANCE_MS} ms of the script`, () => {
    call.reference.forEach((turn, i) => {
      const phrases = result.recognizedPhrases!.filter((p) => turnOf(p, call.reference) === turn);
      const start = Math.min(...phrases.map(startOf));
      const end = Math.max(...phrases.map(endOf));
      assert.ok(Math.abs(start - turn.startMs) <= TIME_TOLERANCE_MS, `turn ${i} starts at ${start}, scripted ${turn.startMs}`);
      assert.ok(Math.abs(end - turn.endMs) <= TIME_TOLERANCE_MS, `turn ${i} ends at ${end}, scripted ${turn.endMs}`);
    });
  });

  it('writes an Azure-shaped result file', () => {
    assert.equal(result.source, 'https://example.test/call.wav');
    assert.ok(!Number.isNaN(Date.parse(result.timestamp!)));
    assert.equal(result.durationMilliseconds, call.durationMs);
    assert.ok(Math.abs(result.durationInTicks! - call.durationMs * 10_000) <= 5_000, 'durationInTicks is the exact length');
    assert.match(result.duration!, /^PT\d+(\.\d+)?S$/);
    const phrases = result.recognizedPhrases!;
    const sorted = [...phrases].sort((a, b) => a.channel! - b.channel! || a.offsetInTicks! - b.offsetInTicks!);
    assert.deepEqual(phrases, sorted, 'phrases are sorted by channel, then offset');
    for (const p of phrases) {
      assert.equal(p.recognitionStatus, 'Success');
      assert.equal(p.speaker, undefined);
      const best = p.nBest![0];
      assert.ok(best.confidence! > 0 && best.confidence! <= 1);
      assert.match(best.lexical!, /^[a-z' ]+$/);
      assert.match(best.display!, /^[A-Z].*[.?]$/, `display "${best.display}"`);
      assert.deepEqual(best.words!.map((w) => w.word).join(' '), best.lexical);
      assert.equal(best.displayWords!.map((w) => w.displayText).join(' '), best.display);
      const first = best.words![0];
      assert.equal(first.offsetInTicks, p.offsetInTicks);
      assert.ok(first.durationInTicks! > 0);
    }
    assert.deepEqual(result.combinedRecognizedPhrases!.map((c) => c.channel), [0, 1]);
  });

  it('gives the same words and length for the MP3 of the call as for the WAV', async () => {
    const mp3 = await recognizer.recognizeFile(call.mp3, 'call.mp3', OPTIONS);
    assert.equal(mp3.durationMilliseconds, result.durationMilliseconds);
    for (const channel of [0, 1]) {
      const difference = wordErrorRate(channelText(result, channel), channelText(mp3, channel));
      console.log(`      channel ${channel}: MP3 words differ from WAV words by ${difference.wer.toFixed(3)}`);
      // 128 kbit/s MP3 changes the odd word (measured: 0.01 and 0.08).
      assert.ok(difference.wer <= 0.1, `channel ${channel}: MP3 words differ from WAV words by ${difference.wer.toFixed(3)}`);
    }
  });

  it('transcribes only the requested channel, without word timings when not asked', async () => {
    const only = await recognizer.recognizeFile(call.wav, 'call.wav', {
      ...OPTIONS, channels: [1], wordLevelTimestamps: false, displayFormWordLevelTimestamps: false,
      punctuationMode: 'None',
    });
    assert.deepEqual([...new Set(only.recognizedPhrases!.map((p) => p.channel))], [1]);
    assert.equal(channelText(only, 1), channelText(result, 1));
    for (const p of only.recognizedPhrases!) {
      assert.equal(p.nBest![0].words, undefined);
      assert.equal(p.nBest![0].displayWords, undefined);
      assert.ok(!/[.?]$/.test(p.nBest![0].display!), 'no punctuation with punctuationMode None');
    }
  });

  it('transcribes mono 44.1 kHz speech (resampled to 16 kHz)', async () => {
    const text = 'Thank you for calling customer service. How can I help you today?';
    const mono = await recognizer.recognizeFile(makeMono(text, { sampleRate: 44100 }), 'mono.wav', OPTIONS);
    assert.deepEqual(mono.combinedRecognizedPhrases!.map((c) => c.channel), [0]);
    const wer = wordErrorRate(text, channelText(mono, 0)).wer;
    assert.ok(wer <= MAX_WER, `WER ${wer.toFixed(3)}: "${channelText(mono, 0)}"`);
  });

  it(`transcribes an 8 kHz (telephone band) call with a word error rate of at most ${MAX_WER_8KHZ}`, async () => {
    const narrow = makeCall(undefined, undefined, { sampleRate: 8000 });
    const heard = await recognizer.recognizeFile(narrow.wav, 'call-8k.wav', OPTIONS);
    for (const channel of [0, 1]) {
      const wer = wordErrorRate(referenceText(narrow, channel), channelText(heard, channel));
      console.log(`      8 kHz channel ${channel}: WER ${wer.wer.toFixed(3)}`);
      assert.ok(wer.wer <= MAX_WER_8KHZ, `channel ${channel}: WER ${wer.wer.toFixed(3)}: "${channelText(heard, channel)}"`);
    }
  });

  it('gives calibrated word confidences: few words below 0.5, and those mostly wrong', () => {
    // Before calibration, 30–40 % of pocketsphinx's words scored below 0.5 while fewer than half of those were wrong.
    let words = 0;
    let marked = 0;
    let markedWrong = 0;
    for (const channel of [0, 1]) {
      const heard = (result.recognizedPhrases ?? []).filter((p) => p.channel === channel).flatMap((p) => p.nBest![0]!.words!);
      const correct = hypothesisWordsCorrect(normalizeWords(referenceText(call, channel)), heard.map((w) => w.word!));
      heard.forEach((w, i) => {
        words++;
        if (w.confidence! < 0.5) {
          marked++;
          if (!correct[i]) markedWrong++;
        }
      });
    }
    console.log(`      ${marked} of ${words} words below 0.5, ${markedWrong} of them wrong`);
    assert.ok(marked <= MAX_MARKED_SHARE * words, `${marked} of ${words} words marked`);
    assert.ok(markedWrong >= 0.5 * marked, `only ${markedWrong} of ${marked} marked words are wrong`);
  });

  it('tells the two voices of a mono mix apart when diarization is on', async () => {
    const mono = path.join(dir(), 'mono-call.wav');
    execFileSync('sox', ['-R', call.wav, mono, 'remix', '1,2']);
    const diarized = await recognizer.recognizeFile(mono, 'mono-call.wav', { ...OPTIONS, diarization: { enabled: true, maxSpeakers: 2 } });
    const phrases = diarized.recognizedPhrases!;
    // The agent (flite slt, higher voice) speaks first: speaker 1; the customer (rms): speaker 2.
    const right = phrases.filter((p) => p.speaker === (mostOverlapped(p, call.reference)?.channel ?? NaN) + 1);
    console.log(`      ${right.length} of ${phrases.length} phrases attributed to the right speaker`);
    assert.deepEqual([...new Set(phrases.map((p) => p.speaker))].sort(), [1, 2]);
    assert.ok(right.length >= 0.8 * phrases.length, `${right.length} of ${phrases.length} phrases have the right speaker`);
  });

  it('rejects damaged and 3-channel files with readable AudioFormatErrors, and keeps working', async () => {
    const expectations: [string, AudioFormatError['code'], RegExp][] = [
      [makeFormatVariant('threeChannels'), 'BadChannelConfiguration', /audio has 3 channels; only mono and stereo/],
      [makeCorruptWav(dir(), 'text'), 'InvalidAudioFormat', /^not a WAV or MP3 file$/],
      [makeCorruptWav(dir(), 'empty'), 'EmptyAudioFile', /empty/],
    ];
    for (const [file, code, message] of expectations) {
      await assert.rejects(recognizer.recognizeFile(file, path.basename(file), OPTIONS), (err: unknown) => {
        assert.ok(err instanceof AudioFormatError);
        assert.equal(err.code, code);
        assert.match(err.message, message);
        return true;
      });
    }
    const again = await recognizer.recognizeFile(makeMono('Thank you.'), 'ok.wav', OPTIONS);
    assert.ok(again.recognizedPhrases!.length > 0);
  });

  it('cuts a long mono recording at pauses and recognises the pieces on every core, with times in the original', async () => {
    const script = longScript(2.5);
    const long = makeCall(undefined, script);
    const mono = path.join(dir(), 'long-mono.wav');
    execFileSync('sox', [long.wav, mono, 'remix', '1,2']);
    let most = 0;
    const watch = setInterval(() => (most = Math.max(most, pocketsphinxChildren().length)), 50);
    const result = await recognizer.recognizeFile(mono, 'long-mono.wav', OPTIONS).finally(() => clearInterval(watch));
    assert.ok(most >= Math.min(2, os.availableParallelism()), `at most ${most} pocketsphinx process(es) at once on one mono file`);
    const phrases = result.recognizedPhrases!;
    const words = phrases.map((p) => p.nBest![0]!.lexical).join(' ');
    const wer = wordErrorRate(script.map((t) => t.text).join(' '), words).wer;
    console.log(`      ${(long.durationMs / 60_000).toFixed(1)} min mono: WER ${wer.toFixed(3)}, ${most} engines at once`);
    assert.ok(wer <= 0.3, `WER ${wer}`);
    const starts = phrases.map((p) => p.offsetInTicks! / 10_000);
    assert.deepEqual(starts, [...starts].sort((a, b) => a - b), 'phrases in time order');
    assert.ok(starts[starts.length - 1]! > long.durationMs - 60_000, 'the end of the recording is transcribed too');
    assert.ok(Math.abs(result.durationMilliseconds! - long.durationMs) < 50);
  });

  it('transcribes formats only ffmpeg decodes (FLAC stereo, GSM 6.10 mono at 8 kHz)', async () => {
    const flac = await recognizer.recognizeFile(makeCodecVariant(call.wav, 'flac', dir()), 'call.flac', OPTIONS);
    for (const channel of [0, 1]) {
      const words = flac.recognizedPhrases!.filter((p) => p.channel === channel).map((p) => p.nBest![0]!.lexical).join(' ');
      const reference = call.reference.filter((t) => t.channel === channel).map((t) => t.text).join(' ');
      assert.ok(wordErrorRate(reference, words).wer <= MAX_WER, `FLAC channel ${channel}: ${words}`);
    }
    const gsm = await recognizer.recognizeFile(makeCodecVariant(call.wav, 'wav-gsm', dir()), 'call-gsm.wav', OPTIONS);
    assert.ok(gsm.recognizedPhrases!.length >= 4, 'the GSM recording has both parties\' words');
  });

  it('transcribes WAV codecs the built-in reader does not decode (IMA ADPCM) through ffmpeg', async () => {
    const result = await recognizer.recognizeFile(makeCorruptWav(dir(), 'adpcm'), 'adpcm.wav', OPTIONS);
    const words = result.recognizedPhrases!.map((p) => p.nBest![0]!.lexical).join(' ');
    assert.match(words, /\bcalling\b/, 'the speech of "Thank you for calling." came through');
  });

  it('rejects a locale the engine does not have', async () => {
    await assert.rejects(recognizer.recognizeFile(call.wav, 'call.wav', { ...OPTIONS, locale: 'de-DE' }), /de-DE is not supported.*en-US/);
  });

  it('stops on abort and kills its pocketsphinx processes', async () => {
    const controller = new AbortController();
    const running = recognizer.recognizeFile(call.wav, 'call.wav', { ...OPTIONS, signal: controller.signal });
    const deadline = Date.now() + 10_000;
    while (pocketsphinxChildren().length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.ok(pocketsphinxChildren().length > 0, 'pocketsphinx should be running');
    const started = Date.now();
    controller.abort(new Error('cancelled by the test'));
    await assert.rejects(running, /cancelled by the test/);
    assert.ok(Date.now() - started < 2000, 'abort should be quick');
    assert.deepEqual(pocketsphinxChildren(), []);
  });

  it('close() ends running recognitions and refuses new ones', async () => {
    const own = new Recognizer({ concurrency: 1 });
    const running = own.recognizeFile(call.wav, 'call.wav', OPTIONS);
    const ended = assert.rejects(running, /closed/); // watched before close() makes it reject
    await new Promise((r) => setTimeout(r, 200));
    await own.close();
    await ended;
    await assert.rejects(own.recognizeFile(call.wav, 'call.wav', OPTIONS), /closed/);
  });
});

describe('Recognizer (pocketsphinx): when each turn of a mono two-party call starts', function () {
  this.timeout(300_000);
  let recognizer: Recognizer;
  // Both parties on one channel, 0.5 s apart: pocketsphinx's voice activity detector used to end and restart an
  // utterance inside one read at such pauses and report it from its last restart, seconds late (bench/timing.ts).
  const call = (): Call => makeCall(undefined, DEFAULT_SCRIPT.map(({ overlapMs: _, ...turn }) => ({ ...turn, gapMs: 500 })));

  before(async () => {
    recognizer = new Recognizer();
    await recognizer.check();
  });

  after(() => recognizer.close());

  for (const [label, recoding] of [
    ['16 kHz', { sampleRate: 16000, encoding: 'pcm16', mono: true }],
    ['8 kHz µ-law', { mono: true }],
  ] as const) {
    it(`starts and ends a phrase within ${TIME_TOLERANCE_MS} ms of where each turn starts and ends (${label})`, async () => {
      const { wav, reference } = call();
      const result = await recognizer.recognizeFile(recode(wav, recoding), 'mono.wav', OPTIONS);
      const phrases = result.recognizedPhrases!;
      const lines = phrases.map((p) => `${startOf(p)}–${endOf(p)} ${p.nBest![0].lexical}`).join('\n');
      reference.forEach((turn, i) => {
        const starts = phrases.map((p) => Math.abs(startOf(p) - turn.startMs));
        const ends = phrases.map((p) => Math.abs(endOf(p) - turn.endMs));
        assert.ok(Math.min(...starts) <= TIME_TOLERANCE_MS, `no phrase starts within ${TIME_TOLERANCE_MS} ms of turn ${i} (${turn.startMs} ms, "${turn.text}"):\n${lines}`);
        assert.ok(Math.min(...ends) <= TIME_TOLERANCE_MS, `no phrase ends within ${TIME_TOLERANCE_MS} ms of turn ${i} (${turn.endMs} ms, "${turn.text}"):\n${lines}`);
      });
    });
  }
});
