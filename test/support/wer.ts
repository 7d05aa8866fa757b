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

/** Computes the word error rate of `hypothesis` against `reference`. */
export function wordErrorRate(reference: string, hypothesis: string): WordErrorRate {
  const ref = normalizeWords(reference);
  const hyp = normalizeWords(hypothesis);
  // cost[j] / ops[j]: the cheapest alignment of ref[0..i) with hyp[0..j), and its edit counts.
  type Ops = { s: number; d: number; n: number };
  let prev: Ops[] = hyp.map((_, j) => ({ s: 0, d: 0, n: j + 1 }));
  prev.unshift({ s: 0, d: 0, n: 0 });
  const total = (o: Ops): number => o.s + o.d + o.n;
  for (let i = 1; i <= ref.length; i++) {
    const row: Ops[] = [{ s: 0, d: i, n: 0 }];
    for (let j = 1; j <= hyp.length; j++) {
      const diag = prev[j - 1];
      const match = ref[i - 1] === hyp[j - 1];
      const candidates: Ops[] = [
        match ? diag : { ...diag, s: diag.s + 1 },
        { ...prev[j], d: prev[j].d + 1 },
        { ...row[j - 1], n: row[j - 1].n + 1 },
      ];
      row.push(candidates.reduce((best, c) => (total(c) < total(best) ? c : best)));
    }
    prev = row;
  }
  const { s, d, n } = prev[hyp.length];
  const errors = s + d + n;
  return {
    wer: ref.length === 0 ? (errors === 0 ? 0 : Infinity) : errors / ref.length,
    substitutions: s,
    deletions: d,
    insertions: n,
    refWords: ref.length,
  };
}
