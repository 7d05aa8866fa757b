/**
 * Word error rate: the minimum number of word substitutions, deletions and insertions that turn the reference into
 * the hypothesis (Levenshtein distance over words), divided by the number of reference words. Both texts are
 * normalised first: lower case, punctuation stripped (apostrophes inside words kept), whitespace collapsed.
 */

export interface WordErrorRate {
  /** (substitutions + deletions + insertions) / refWords; 0 for two empty texts, Infinity for an empty reference only. */
  wer: number;
  substitutions: number;
  deletions: number;
  insertions: number;
  refWords: number;
}

/** Splits a text into normalised words. */
export function normalizeWords(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}' ]+/gu, ' ')
    .replace(/(^|\s)'+|'+(?=\s|$)/g, ' ')
    .split(/\s+/)
    .filter((w) => w.length > 0);
}

/** One step of an alignment of hypothesis words to reference words. */
export type AlignStep =
  | { op: 'match' | 'substitution'; ref: number; hyp: number }
  | { op: 'deletion'; ref: number }
  | { op: 'insertion'; hyp: number };

/**
 * The cheapest alignment (fewest substitutions + deletions + insertions) of normalised word lists, in order. Ties
 * prefer a match or substitution, then a deletion.
 */
export function alignWords(ref: readonly string[], hyp: readonly string[]): AlignStep[] {
  // cost[i][j]: edits turning ref[0..i) into hyp[0..j).
  const cost = Array.from({ length: ref.length + 1 }, (_, i) => {
    const row = new Uint32Array(hyp.length + 1);
    row[0] = i;
    return row;
  });
  for (let j = 0; j <= hyp.length; j++) cost[0][j] = j;
  for (let i = 1; i <= ref.length; i++) {
    for (let j = 1; j <= hyp.length; j++) {
      const diag = cost[i - 1][j - 1] + (ref[i - 1] === hyp[j - 1] ? 0 : 1);
      cost[i][j] = Math.min(diag, cost[i - 1][j] + 1, cost[i][j - 1] + 1);
    }
  }
  const steps: AlignStep[] = [];
  let i = ref.length;
  let j = hyp.length;
  while (i > 0 || j > 0) {
    if (i > 0 && j > 0 && cost[i][j] === cost[i - 1][j - 1] + (ref[i - 1] === hyp[j - 1] ? 0 : 1)) {
      steps.push({ op: ref[i - 1] === hyp[j - 1] ? 'match' : 'substitution', ref: --i, hyp: --j });
    } else if (i > 0 && cost[i][j] === cost[i - 1][j] + 1) {
      steps.push({ op: 'deletion', ref: --i });
    } else {
      steps.push({ op: 'insertion', hyp: --j });
    }
  }
  return steps.reverse();
}

/**
 * Whether each hypothesis word is right: true when the cheapest alignment matches it to the same reference word,
 * false for substitutions and insertions. Both texts are given as words (already normalised with `normalizeWords`).
 */
export function hypothesisWordsCorrect(ref: readonly string[], hyp: readonly string[]): boolean[] {
  const correct = new Array<boolean>(hyp.length).fill(false);
  for (const step of alignWords(ref, hyp)) if (step.op === 'match') correct[step.hyp] = true;
  return correct;
}

/** Computes the word error rate of `hypothesis` against `reference`. */
export function wordErrorRate(reference: string, hypothesis: string): WordErrorRate {
  const ref = normalizeWords(reference);
  const hyp = normalizeWords(hypothesis);
  const count = { match: 0, substitution: 0, deletion: 0, insertion: 0 };
  for (const step of alignWords(ref, hyp)) count[step.op]++;
  const { substitution: s, deletion: d, insertion: n } = count;
  const errors = s + d + n;
  return {
    wer: ref.length === 0 ? (errors === 0 ? 0 : Infinity) : errors / ref.length,
    substitutions: s,
    deletions: d,
    insertions: n,
    refWords: ref.length,
  };
}
