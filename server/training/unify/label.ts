import type { PickIndex } from "./answers";
import { majority } from "./majority";

export const LABEL_STRATEGIES = ["majority", "disagreement"] as const;
export type LabelStrategy = (typeof LABEL_STRATEGIES)[number];

/** LabelQuestion: majority → the most common label (seeded tie-break); disagreement → every answer, duplicates kept. */
export function unifyLabel(answers: readonly string[], strategy: LabelStrategy, pick: PickIndex): string[] {
  if (strategy === "disagreement") return answers.slice();
  const winner = majority(answers, (a) => a, pick);
  return winner === undefined ? [] : [winner];
}
