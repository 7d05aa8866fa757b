import * as assert from 'node:assert/strict';
import { hypothesisWordsCorrect, normalizeWords, wordErrorRate } from '../support/wer';

describe('wordErrorRate', () => {
  it('is 0 for the same words, whatever the case and punctuation', () => {
    const r = wordErrorRate('Thank you for calling. How can I help you today?', 'thank you for calling how can i help you today');
    assert.deepEqual(r, { wer: 0, substitutions: 0, deletions: 0, insertions: 0, refWords: 10 });
  });

  it('counts substitutions, deletions and insertions separately', () => {
    assert.deepEqual(wordErrorRate('the cat sat on the mat', 'the bat sat on mat'), {
      wer: 2 / 6, substitutions: 1, deletions: 1, insertions: 0, refWords: 6,
    });
    assert.deepEqual(wordErrorRate('yes it is', 'yes yes it is okay'), {
      wer: 2 / 3, substitutions: 0, deletions: 0, insertions: 2, refWords: 3,
    });
  });

  it('takes the cheapest alignment (a shifted sentence is one deletion plus one insertion, not all substitutions)', () => {
    const r = wordErrorRate('one two three four five', 'two three four five six');
    assert.equal(r.substitutions + r.deletions + r.insertions, 2);
    assert.equal(r.wer, 0.4);
  });

  it('can exceed 1 when the hypothesis is much longer', () => {
    assert.equal(wordErrorRate('hello', 'oh hello there my friend').wer, 4);
  });

  it('handles empty texts', () => {
    assert.equal(wordErrorRate('', '').wer, 0);
    assert.equal(wordErrorRate('', 'noise').wer, Infinity);
    assert.deepEqual(wordErrorRate('two words', ''), { wer: 1, substitutions: 0, deletions: 2, insertions: 0, refWords: 2 });
  });
});

describe('normalizeWords', () => {
  it('lower-cases, strips punctuation and keeps apostrophes inside words', () => {
    assert.deepEqual(normalizeWords("No, that's all.  'Thank you' -- Goodbye!"), ['no', "that's", 'all', 'thank', 'you', 'goodbye']);
  });
});

describe('word alignment', () => {
  it('marks each hypothesis word right or wrong (substitutions and insertions are wrong)', () => {
    const ref = normalizeWords('thank you for calling customer service');
    const hyp = normalizeWords('thank you four calling the customer service');
    assert.deepEqual(hypothesisWordsCorrect(ref, hyp), [true, true, false, true, false, true, true]);
    assert.deepEqual(hypothesisWordsCorrect(ref, []), []);
    assert.deepEqual(hypothesisWordsCorrect([], ['extra']), [false]);
  });
});
