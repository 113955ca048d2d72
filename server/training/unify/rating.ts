import type { PickIndex } from "./answers";
import { majority } from "./majority";

export const RATING_STRATEGIES = ["majority", "mean", "min", "max", "disagreement"] as const;
export type RatingStrategy = (typeof RATING_STRATEGIES)[number];

/**
 * RatingQuestion. Every strategy returns numbers (Argilla returns the raw int for majority and a
 * decimal string for the others). mean truncates toward zero like Python's int(sum/len): 4.5 → 4.
 * disagreement (documented by Argilla, missing from its code) → every answer.
 */
export function unifyRating(answers: readonly number[], strategy: RatingStrategy, pick: PickIndex): number[] {
  if (answers.length === 0) return [];
  switch (strategy) {
    case "disagreement":
      return answers.slice();
    case "majority":
      return [majority(answers, (a) => a, pick)!];
    case "mean": {
      let sum = 0;
      for (const a of answers) sum += a;
      return [Math.trunc(sum / answers.length)];
    }
    case "min":
      return [Math.min(...answers)];
    case "max":
      return [Math.max(...answers)];
  }
}
