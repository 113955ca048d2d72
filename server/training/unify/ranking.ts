import type { RankingItem } from "../../feedback/schema";
import type { PickIndex } from "./answers";
import { majority } from "./majority";

export const RANKING_STRATEGIES = ["majority", "mean", "min", "max", "disagreement"] as const;
export type RankingStrategy = (typeof RANKING_STRATEGIES)[number];

/**
 * RankingQuestion (Argilla 1.20+ semantics; every result is a ranking, i.e. a list of {value, rank}).
 * - majority: identical rankings counted as ordered (rank, value) sequences — item order matters;
 * - max / min: the first answer whose rank sequence is the lexicographic max / min;
 * - mean: per value, the mean rank rounded half-to-even (Python round), sorted ascending, stable;
 * - disagreement (documented by Argilla, missing from its code): every answer.
 */
export function unifyRanking(answers: readonly RankingItem[][], strategy: RankingStrategy, pick: PickIndex): RankingItem[][] {
  if (answers.length === 0) return [];
  switch (strategy) {
    case "disagreement":
      return answers.slice();
    case "majority":
      return [majority(answers, rankingKey, pick)!];
    case "max":
      return [extremeByRanks(answers, 1)];
    case "min":
      return [extremeByRanks(answers, -1)];
    case "mean":
      return [meanRanking(answers)];
  }
}

function rankingKey(items: RankingItem[]): string {
  let key = "";
  for (const item of items) key += `${item.rank}\u0001${item.value}\u0002`;
  return key;
}

/**
 * Python tuple order over the rank sequences. A null rank (Argilla: TypeError) sorts after every
 * number; a shorter sequence that is a prefix of a longer one is smaller.
 */
export function compareRankSequences(a: RankingItem[], b: RankingItem[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i]!.rank ?? Infinity;
    const y = b[i]!.rank ?? Infinity;
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

function extremeByRanks(answers: readonly RankingItem[][], direction: 1 | -1): RankingItem[] {
  let best = answers[0]!;
  for (let i = 1; i < answers.length; i++) {
    if (compareRankSequences(answers[i]!, best) * direction > 0) best = answers[i]!; // strict: the first extreme wins
  }
  return best;
}

function meanRanking(answers: readonly RankingItem[][]): RankingItem[] {
  const totals = new Map<string, { sum: number; count: number }>();
  for (const answer of answers) {
    for (const item of answer) {
      let total = totals.get(item.value);
      if (!total) totals.set(item.value, (total = { sum: 0, count: 0 }));
      if (item.rank === null) continue; // an unranked item contributes nothing to its mean
      total.sum += item.rank;
      total.count++;
    }
  }
  const items: RankingItem[] = [];
  for (const [value, { sum, count }] of totals) items.push({ value, rank: count === 0 ? null : roundHalfEven(sum, count) });
  // Array.prototype.sort is stable: equal ranks keep first-appearance order, as in Python's sorted().
  return items.sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity));
}

/** round(numerator / denominator) with ties to even, in exact integer arithmetic: 5/2 → 2, 3/2 → 2, 7/2 → 4. */
export function roundHalfEven(numerator: number, denominator: number): number {
  const quotient = Math.floor(numerator / denominator);
  const twiceRemainder = 2 * (numerator - quotient * denominator);
  if (twiceRemainder > denominator) return quotient + 1;
  if (twiceRemainder < denominator) return quotient;
  return quotient % 2 === 0 ? quotient : quotient + 1;
}
