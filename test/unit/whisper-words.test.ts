import * as assert from 'node:assert/strict';
import { cutIntoPieces } from '../../src/local/engine/pieces';
import { lexicalOf, phrasesFromWords, UNSCORED_CONFIDENCE, wordsFromSegment, wordsFromTokens } from '../../src/local/engine/whisper';
import { displayWords } from '../../src/local/recognition/display';

const RATE = 16000;

/** A tone burst of `ms` (speech stand-in) or silence. */
function audio(parts: { ms: number; loud: boolean }[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + (p.ms * RATE) / 1000, 0));
  let i = 0;
  for (const p of parts) {
    const n = (p.ms * RATE) / 1000;
    for (let k = 0; k < n; k++, i++) out[i] = p.loud ? Math.round(8000 * Math.sin((2 * Math.PI * 300 * k) / RATE)) : 0;
  }
  return out;
}

describe('whisper engine: pieces, words, phrases', function () {
  it('cuts a long channel into pieces of at most 29 s at its silences, and drops silent pieces', function () {
    // 20 s speech, 1 s pause, 20 s speech, 40 s silence, 5 s speech
    const samples = audio([
      { ms: 20_000, loud: true },
      { ms: 1_000, loud: false },
      { ms: 20_000, loud: true },
      { ms: 40_000, loud: false },
      { ms: 5_000, loud: true },
    ]);
    const pieces = cutIntoPieces(samples, { sampleRate: RATE });
    for (const p of pieces) assert.ok(p.end - p.start <= 29 * RATE, `piece of ${(p.end - p.start) / RATE} s`);
    // The first cut falls inside the pause (20–21 s).
    assert.ok(pieces[0]!.end > 20 * RATE && pieces[0]!.end < 21 * RATE, `cut at ${pieces[0]!.end / RATE} s`);
    // No piece is all silence; the last speech is covered.
    const covered = (t: number): boolean => pieces.some((p) => p.start <= t * RATE && t * RATE < p.end);
    for (const t of [1, 10, 25, 40, 83]) assert.ok(covered(t), `${t} s not covered`);
    assert.ok(!covered(60), 'the silence at 60 s was fed to the model');
  });

  it('a short channel is one piece; a silent one none', function () {
    assert.deepEqual(cutIntoPieces(audio([{ ms: 3000, loud: true }]), { sampleRate: RATE }), [{ start: 0, end: 3 * RATE }]);
    assert.deepEqual(cutIntoPieces(audio([{ ms: 3000, loud: false }]), { sampleRate: RATE }), []);
  });

  it('joins whisper tokens into words with display and lexical forms', function () {
    const words = wordsFromTokens([
      { text: ' Hello', startMs: 0, endMs: 300 },
      { text: ',', startMs: 300, endMs: 320 },
      { text: ' I', startMs: 400, endMs: 450 },
      { text: "'m", startMs: 450, endMs: 500 },
      { text: ' Chris', startMs: 500, endMs: 700 },
      { text: 'topher', startMs: 700, endMs: 900 },
      { text: '.', startMs: 900, endMs: 910 },
      { text: ' [BLANK_AUDIO]', startMs: 1000, endMs: 2000 },
      { text: ' -', startMs: 2000, endMs: 2010 },
    ]);
    assert.deepEqual(
      words.map((w) => [w.word, w.display, w.startMs, w.endMs]),
      [
        ['hello', 'Hello,', 0, 320],
        ["i'm", "I'm", 400, 500],
        ['christopher', 'Christopher.', 500, 910],
      ],
    );
    assert.ok(words.every((w) => w.confidence === UNSCORED_CONFIDENCE));
  });

  it('spreads a Parakeet segment over its words by length', function () {
    const words = wordsFromSegment({ text: ' Good morning!', startMs: 1000, endMs: 2100 });
    assert.deepEqual(words.map((w) => [w.word, w.display, w.startMs, w.endMs]), [['good', 'Good', 1000, 1367], ['morning', 'morning!', 1367, 2100]]);
  });

  it('makes phrases at sentence ends and pauses; display keeps whisper punctuation, filters profanity', function () {
    const words = wordsFromTokens([
      { text: ' Hi', startMs: 0, endMs: 200 },
      { text: '.', startMs: 200, endMs: 210 },
      { text: ' Damn', startMs: 300, endMs: 500 },
      { text: ' it', startMs: 500, endMs: 600 },
      { text: ' later', startMs: 2000, endMs: 2400 },
    ]);
    const phrases = phrasesFromWords(words);
    assert.deepEqual(phrases.map((p) => p.text), ['hi', 'damn it', 'later']);
    const display = displayWords(phrases[1]!.words, { punctuationMode: 'DictatedAndAutomatic', profanityFilterMode: 'Masked' });
    assert.deepEqual(display.map((w) => w.text), ['****', 'it']);
    assert.deepEqual(displayWords(phrases[0]!.words, { punctuationMode: 'None', profanityFilterMode: 'None' }).map((w) => w.text), ['Hi']);
    assert.equal(lexicalOf('“Don’t!”'), "don't");
  });
});
