import type { PickIndex } from "./answers";

/**
 * The most frequent answer by key; a tie for the highest count is broken by `pick` over the tied
 * answers in first-appearance order (Argilla: `random.choice` over Counter insertion order).
 * Returns the first answer seen with the winning key.
 */
export function majority<T>(answers: readonly T[], keyOf: (answer: T) => string | number, pick: PickIndex): T | undefined {
  if (answers.length <= 1) return answers[0];
  const counts = new Map<string | number, { answer: T; count: number }>();
  let best = 0;
  for (const answer of answers) {
    const key = keyOf(answer);
    let entry = counts.get(key);
    if (entry) entry.count++;
    else counts.set(key, (entry = { answer, count: 1 }));
    if (entry.count > best) best = entry.count;
  }
  const tied: T[] = [];
  for (const entry of counts.values()) if (entry.count === best) tied.push(entry.answer);
  return tied.length === 1 ? tied[0] : tied[pick(tied.length)];
}
