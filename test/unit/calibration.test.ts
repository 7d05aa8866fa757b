import * as assert from 'node:assert/strict';
import { calibrate, calibrateUtterances, fitCalibration } from '../../src/local/engine/calibration';
import { PocketsphinxEngine } from '../../src/local/engine/pocketsphinx';

/** Words whose rightness follows a known curve: P(right | score s) = `p(s)`, scores spread evenly over 0..1. */
function words(p: (s: number) => number, n = 2000): { confidence: number; correct: boolean }[] {
  return Array.from({ length: n }, (_, i) => {
    const confidence = (i + 0.5) / n;
    // Deterministic: of every 20 words with about the same score, round(20·p) are right.
    return { confidence, correct: i % 20 < Math.round(20 * p(confidence)) };
  });
}

describe('confidence calibration', () => {
  it('fits a monotone map that recovers how often words are right', () => {
    // Like pocketsphinx: most words are right even at low raw scores; only the lowest are mostly wrong.
    const truth = (s: number): number => Math.min(0.95, 0.2 + 2 * s);
    const fitted = fitCalibration(words(truth));
    assert.equal(fitted.raw[0], 0);
    assert.equal(fitted.raw[fitted.raw.length - 1], 1);
    for (let k = 1; k < fitted.raw.length; k++) {
      assert.ok(fitted.raw[k]! > fitted.raw[k - 1]!, 'knots increase');
      assert.ok(fitted.correct[k]! >= fitted.correct[k - 1]!, 'P(right) never decreases');
    }
    for (const s of [0.02, 0.06, 0.2, 0.3, 0.6, 0.9]) assert.ok(Math.abs(calibrate(fitted, s) - truth(s)) <= 0.1, `at ${s}: ${calibrate(fitted, s)} vs ${truth(s)}`);
  });

  it('interpolates between knots and holds the end values', () => {
    const map = { raw: [0, 0.2, 1], correct: [0.1, 0.5, 0.9] };
    assert.equal(calibrate(map, 0), 0.1);
    assert.equal(calibrate(map, 0.1), 0.3);
    assert.equal(calibrate(map, 0.6), 0.7);
    assert.equal(calibrate(map, 1), 0.9);
  });

  it('calibrates every word of an utterance and makes its confidence their mean', () => {
    const map = { raw: [0, 1], correct: [0.5, 1], measuredOn: 'test' };
    const [u] = calibrateUtterances(map, [
      { startMs: 0, endMs: 1000, text: 'a b', confidence: 0.25, words: [{ word: 'a', startMs: 0, endMs: 500, confidence: 0 }, { word: 'b', startMs: 500, endMs: 1000, confidence: 0.5 }] },
    ]);
    assert.deepEqual(u!.words.map((w) => w.confidence), [0.5, 0.75]);
    assert.equal(u!.confidence, 0.625);
  });

  it('ships a measured map for pocketsphinx that is monotone over 0..1', () => {
    const map = new PocketsphinxEngine().confidenceCalibration;
    assert.ok(map, 'pocketsphinx has a calibration');
    assert.equal(map.raw[0], 0);
    assert.equal(map.raw[map.raw.length - 1], 1);
    assert.equal(map.raw.length, map.correct.length);
    for (let k = 1; k < map.raw.length; k++) assert.ok(map.correct[k]! >= map.correct[k - 1]! && map.raw[k]! > map.raw[k - 1]!);
  });
});
