import type { PickIndex } from "./answers";

/**
 * The most frequent answer by key; a tie for the highest count is broken by `pick` over the tied
 * answers in first-appearance order (Argilla: `random.choice` over Counter insertion order).
 * Returns the first answer seen with the winning key.
 *
 * Records have a handful of annotators, so answers are counted at the index of their key's first
 * appearance with a linear search (no Map per record, which dominated on 100k-record datasets).
 */
export function majority<T>(answers: readonly T[], keyOf: (answer: T) => string | number, pick: PickIndex): T | undefined {
  const n = answers.length;
  if (n <= 1) return answers[0];
  const keys = answers.map(keyOf);
  const counts = new Array<number>(n).fill(0);
  let bestCount = 0;
  for (let i = 0; i < n; i++) {
    const first = keys.indexOf(keys[i]!);
    if (++counts[first]! > bestCount) bestCount = counts[first]!;
  }
  const tied = answers.filter((_, i) => counts[i] === bestCount);
  return tied.length === 1 ? tied[0] : tied[pick(tied.length)];
}
