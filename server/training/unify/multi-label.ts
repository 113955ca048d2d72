import type { PickIndex } from "./answers";

export const MULTI_LABEL_STRATEGIES = ["majority", "disagreement"] as const;
export type MultiLabelStrategy = (typeof MULTI_LABEL_STRATEGIES)[number];

/**
 * MultiLabelQuestion. majority (Argilla 1.20+): count each label once per occurrence over the
 * submitted answers; keep labels reaching floor(n/2)+1 in first-appearance order; if none does,
 * one label picked (seeded) among every label mentioned; nothing mentioned → no value (Argilla:
 * IndexError). disagreement → each answer's list.
 */
export function unifyMultiLabel(answers: readonly string[][], strategy: MultiLabelStrategy, pick: PickIndex): string[][] {
  if (strategy === "disagreement") return answers.slice();
  const counts = new Map<string, number>();
  for (const answer of answers) for (const label of answer) counts.set(label, (counts.get(label) ?? 0) + 1);
  if (counts.size === 0) return [];
  const threshold = Math.floor(answers.length / 2) + 1;
  const kept: string[] = [];
  for (const [label, count] of counts) if (count >= threshold) kept.push(label);
  if (kept.length > 0) return [kept];
  const mentioned = [...counts.keys()];
  return [[mentioned[pick(mentioned.length)]!]];
}
