export const TEXT_STRATEGIES = ["disagreement"] as const;
export type TextStrategy = (typeof TEXT_STRATEGIES)[number];

/**
 * TextQuestion disagreement: one value per submitted answer, duplicates kept. (Argilla overwrites
 * the entry for each answer, so the last submitted answer wins and the others are silently lost.)
 */
export function unifyText(answers: readonly string[], _strategy: TextStrategy): string[] {
  return answers.slice();
}
