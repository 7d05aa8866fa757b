import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { parseResult, parseResultText, TranscriptParseError } from '../../src/core/result';
import { buildResultFile } from '../../src/local/recognition/result-file';
import { fixturePath, loadTranscript } from '../fixtures/results';

/** Asserts that `fn` throws a TranscriptParseError whose message is exactly `message`. */
function assertParseError(fn: () => unknown, message: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof TranscriptParseError, `not a TranscriptParseError: ${String(err)}`);
    assert.equal(err.message, message);
    return true;
  });
}

describe('parseResult', () => {
  it('reads a stereo call (2024-11-15): both channels sorted by time, float ticks rounded, display words', () => {
    const t = loadTranscript('stereo-call.json');
    assert.equal(t.durationMs, 30_000);
    assert.deepEqual(t.channels, [0, 1]);
    assert.equal(t.timestamp, '2026-11-25T01:00:00Z');
    assert.deepEqual(
      t.phrases.map((p) => [p.channel, p.startMs, p.endMs]),
      [
        [0, 500, 2000],
        [0, 2800, 4000],
        [1, 4500, 5800],
        [0, 6000, 9000],
        [1, 8800, 10_000],
        [1, 11_000, 14_000],
        [0, 12_500, 13_000],
        [1, 16_000, 25_000],
      ],
    );
    const first = t.phrases[0];
    assert.equal(first.text, 'Hello, thank you for calling.');
    assert.equal(first.lexical, 'hello thank you for calling');
    assert.equal(first.confidence, 0.93);
    // displayWords win over words; 9499999.6 ticks is 950 ms.
    assert.deepEqual(
      first.words.map((w) => [w.text, w.startMs, w.endMs]),
      [
        ['Hello,', 500, 900],
        ['thank', 950, 1200],
        ['you', 1200, 1400],
        ['for', 1400, 1600],
        ['calling.', 1600, 2000],
      ],
    );
    assert.deepEqual(t.phrases[1].words, [], 'a phrase without word timings has no words');
    assert.deepEqual(
      t.combined.map((c) => c.channel),
      [0, 1],
    );
    assert.match(t.combined[1].text, /^Hi, my card was declined\./);
  });

  it('skips phrases that were not recognised (NoMatch) and phrases without alternatives', () => {
    const t = parseResult({
      recognizedPhrases: [
        { recognitionStatus: 'NoMatch', channel: 0, offsetInTicks: 0, durationInTicks: 10_000_000, nBest: [{ display: 'x' }] },
        { recognitionStatus: 'Success', channel: 0, offsetInTicks: 0, durationInTicks: 10_000_000, nBest: [] },
        { channel: 1, offsetInTicks: 20_000_000, durationInTicks: 10_000_000 },
        { channel: 1, offsetInTicks: 30_000_000, durationInTicks: 10_000_000, nBest: [{ lexical: 'kept' }] },
      ],
    });
    assert.deepEqual(
      t.phrases.map((p) => [p.channel, p.startMs, p.text]),
      [[1, 3000, 'kept']],
    );
    assert.deepEqual(t.channels, [1]);
    assert.equal(t.durationMs, undefined);
    assert.equal(t.source, '');
  });

  it('reads diarized mono: channel 0, speakers kept', () => {
    const t = loadTranscript('diarized-mono.json');
    assert.deepEqual(t.channels, [0]);
    assert.deepEqual(
      t.phrases.map((p) => [p.speaker, p.startMs]),
      [
        [1, 0],
        [3, 1200],
        [2, 3000],
        [1, 3000],
        [2, 6000],
      ],
    );
  });

  it('reads the damage the local service found (warnings), skipping malformed entries; none without', () => {
    const message = 'Only 0:23 of 0:42 could be decoded: the file ends early';
    const written = buildResultFile({
      source: 'file:///calls/half.wav',
      durationMs: 23_437,
      warnings: [{ code: 'AudioTruncated', message }],
      channels: [],
      wordLevelTimestamps: false,
      displayFormWordLevelTimestamps: false,
      punctuationMode: 'DictatedAndAutomatic',
      profanityFilterMode: 'Masked',
    });
    assert.deepEqual(written.warnings, [{ code: 'AudioTruncated', message }]);
    assert.deepEqual(parseResult(written).warnings, [message]);
    assert.deepEqual(parseResult({ ...written, warnings: [42, { code: 'X' }, { message: '' }, { code: 'AudioSilent', message: 'silent' }] }).warnings, ['silent']);
    assert.equal(parseResult({ ...written, warnings: 'none' }).warnings, undefined);
    const clean = buildResultFile({ source: 'x', durationMs: 1, warnings: [], channels: [], wordLevelTimestamps: false, displayFormWordLevelTimestamps: false, punctuationMode: 'None', profanityFilterMode: 'None' });
    assert.equal('warnings' in clean, false, 'no empty list: an undamaged result is as before');
    assert.equal(loadTranscript('stereo-call.json').warnings, undefined);
  });

  it('reads an empty result (silence) as a transcript without phrases', () => {
    const t = loadTranscript('empty.json');
    assert.deepEqual(t.phrases, []);
    assert.deepEqual(t.channels, []);
    assert.equal(t.durationMs, 5000);
  });

  it('reads v3.2 results from ISO 8601 offsets and durations only', () => {
    const t = loadTranscript('v32.json');
    assert.equal(t.durationMs, 62_345);
    assert.deepEqual(
      t.phrases.map((p) => [p.channel, p.startMs, p.endMs, p.text]),
      [
        [0, 1001, 2201, 'Hello there.'],
        [1, 60_000, 62_345, 'Hi.'],
      ],
    );
    assert.deepEqual(
      t.phrases[0].words.map((w) => [w.text, w.startMs, w.endMs, w.confidence]),
      [
        ['hello', 1001, 1501, 0.9],
        ['there', 1600, 2200, 0.8],
      ],
    );
  });

  it('falls back from durationMilliseconds to durationInTicks to the ISO duration', () => {
    const base = { recognizedPhrases: [] };
    assert.equal(parseResult({ ...base, durationMilliseconds: 1234, durationInTicks: 99, duration: 'PT9S' }).durationMs, 1234);
    assert.equal(parseResult({ ...base, durationInTicks: 12_345_678.9, duration: 'PT9S' }).durationMs, 1235);
    assert.equal(parseResult({ ...base, duration: 'PT9S' }).durationMs, 9000);
  });

  it('falls back to ISO offsets where ticks are missing or not numbers', () => {
    const t = parseResult({
      recognizedPhrases: [{ offsetInTicks: '5', offset: 'PT2S', durationInTicks: 5_000_000, nBest: [{ display: 'Hi.' }] }],
    });
    assert.deepEqual([t.phrases[0].startMs, t.phrases[0].endMs, t.phrases[0].channel], [2000, 2500, 0]);
  });

  it('never fails on missing optional fields', () => {
    const t = parseResult({ recognizedPhrases: [{ offset: 'PT1S', duration: 'PT1S', nBest: [{}] }] });
    assert.deepEqual(t.phrases[0], {
      channel: 0,
      speaker: undefined,
      locale: undefined,
      startMs: 1000,
      endMs: 2000,
      text: '',
      lexical: '',
      confidence: undefined,
      words: [],
    });
    assert.deepEqual(t.combined, []);
  });

  it('reads what the local service writes (a stereo result built from engine utterances)', () => {
    const utterance = (startMs: number, words: string[]) => ({
      startMs,
      endMs: startMs + words.length * 300,
      text: words.join(' '),
      confidence: 0.8,
      words: words.map((word, i) => ({ word, startMs: startMs + i * 300, endMs: startMs + i * 300 + 250, confidence: 0.8 })),
    });
    const file = buildResultFile({
      source: 'call.wav',
      durationMs: 65_432,
      channels: [
        { channel: 1, utterances: [utterance(1234, ['hi', 'there'])] },
        { channel: 0, utterances: [utterance(61_001, ['bye']), utterance(500, ['hello', 'world'])] },
      ],
      wordLevelTimestamps: true,
      displayFormWordLevelTimestamps: false,
      punctuationMode: 'None',
      profanityFilterMode: 'None',
    });
    const t = parseResultText(JSON.stringify(file), 'contenturl_0.json');
    assert.equal(t.durationMs, 65_432);
    assert.deepEqual(
      t.phrases.map((p) => [p.channel, p.startMs, p.endMs, p.lexical]),
      [
        [0, 500, 1100, 'hello world'],
        [1, 1234, 1834, 'hi there'],
        [0, 61_001, 61_301, 'bye'],
      ],
    );
    assert.deepEqual(
      t.phrases[1].words.map((w) => [w.text, w.startMs, w.endMs]),
      [
        ['hi', 1234, 1484],
        ['there', 1534, 1784],
      ],
    );
  });

  it('says what is wrong and where in a malformed file', () => {
    assertParseError(() => parseResult([]), 'not a transcription result: expected a JSON object, got an array');
    assertParseError(() => parseResult('text'), 'not a transcription result: expected a JSON object, got a string');
    assertParseError(() => parseResult({ source: 'a.wav' }), 'recognizedPhrases: expected an array, got nothing');
    assertParseError(
      () => parseResult({ recognizedPhrases: [{ offset: 'PT1S', duration: 'PT1S', nBest: [{}] }, 3] }),
      'recognizedPhrases[1]: expected an object, got 3',
    );
    assertParseError(
      () => parseResult({ recognizedPhrases: [{ offset: 'soon', duration: 'PT1S', nBest: [{}] }] }),
      'recognizedPhrases[0].offset: not an ISO 8601 duration: "soon"',
    );
    assertParseError(
      () => parseResult({ recognizedPhrases: [{ offset: 'PT1S', nBest: [{}] }] }),
      'recognizedPhrases[0]: no duration',
    );
    assertParseError(
      () => parseResult({ recognizedPhrases: [{ offset: 'PT1S', duration: 'PT1S', channel: 'left', nBest: [{}] }] }),
      'recognizedPhrases[0].channel: expected a non-negative integer, got a string',
    );
    assertParseError(
      () => parseResult({ recognizedPhrases: [{ offset: 'PT1S', duration: 'PT1S', speaker: -1, nBest: [{}] }] }),
      'recognizedPhrases[0].speaker: expected a non-negative integer, got -1',
    );
    assertParseError(
      () => parseResult({ recognizedPhrases: [{ offsetInTicks: -5, duration: 'PT1S', nBest: [{}] }] }),
      'recognizedPhrases[0].offsetInTicks: expected a number of ticks >= 0, got -5',
    );
    assertParseError(
      () => parseResult({ recognizedPhrases: [{ offset: 'PT1S', duration: 'PT1S', nBest: {} }] }),
      'recognizedPhrases[0].nBest: expected an array, got an object',
    );
    assertParseError(
      () => parseResult({ recognizedPhrases: [{ offset: 'PT1S', duration: 'PT1S', nBest: [{ words: [{ word: 'hi', offset: 'PT1S' }] }] }] }),
      'recognizedPhrases[0].nBest[0].words[0]: no duration',
    );
  });

  it('names the file in errors of broken fixture files', () => {
    assertParseError(
      () => loadTranscript('phrase-without-offset.json'),
      'phrase-without-offset.json: recognizedPhrases[1]: no offset',
    );
    assertParseError(
      () => loadTranscript('wrong-types.json'),
      'wrong-types.json: recognizedPhrases: expected an array, got an object',
    );
    assert.throws(
      () => loadTranscript('not-json.json'),
      (err: unknown) => err instanceof TranscriptParseError && /^not-json\.json: not valid JSON \(.+\)$/.test(err.message),
    );
    const noName = () => parseResultText(readFileSync(fixturePath('not-json.json'), 'utf8'));
    assert.throws(noName, (err: unknown) => err instanceof TranscriptParseError && err.message.startsWith('not valid JSON ('));
  });
});
