/**
 * Unification of a record's submitted answers to one question into the value(s) used for training
 * (Argilla 1.29 `compute_unified_responses`, as pure functions: nothing is stored on the record and
 * repeated calls never accumulate). Each strategy returns a list: [] = no value (the record is
 * dropped by the caller), one value, or — for disagreement — one value per submitted answer.
 */
import type { QuestionSettings, QuestionType, RankingItem, ResponseValue, StoredRecord } from "../../feedback/schema";
import { derivedRng, randomIndex } from "../random";
import { submittedAnswers, type PickIndex } from "./answers";
import { LABEL_STRATEGIES, unifyLabel, type LabelStrategy } from "./label";
import { MULTI_LABEL_STRATEGIES, unifyMultiLabel, type MultiLabelStrategy } from "./multi-label";
import { RANKING_STRATEGIES, unifyRanking, type RankingStrategy } from "./ranking";
import { RATING_STRATEGIES, unifyRating, type RatingStrategy } from "./rating";
import { TEXT_STRATEGIES, unifyText, type TextStrategy } from "./text";

export { hasSubmittedResponse, submittedAnswers, type PickIndex } from "./answers";
export { roundHalfEven, compareRankSequences } from "./ranking";

export const UNIFICATION_STRATEGIES = ["majority", "mean", "min", "max", "disagreement"] as const;
export type UnificationStrategy = (typeof UNIFICATION_STRATEGIES)[number];

export type UnifiableQuestionType = Exclude<QuestionType, "span">;

/** Strategies per question type (span questions cannot be unified, as in Argilla). */
export const STRATEGIES_BY_TYPE: Record<UnifiableQuestionType, readonly UnificationStrategy[]> = {
  label_selection: LABEL_STRATEGIES,
  multi_label_selection: MULTI_LABEL_STRATEGIES,
  rating: RATING_STRATEGIES,
  ranking: RANKING_STRATEGIES,
  text: TEXT_STRATEGIES,
};

/** Defaults of Argilla's TrainingTask unification wrappers (rating → mean, not compute_unified_responses' majority). */
export const DEFAULT_STRATEGY: Record<UnifiableQuestionType, UnificationStrategy> = {
  label_selection: "majority",
  multi_label_selection: "majority",
  rating: "mean",
  ranking: "majority",
  text: "disagreement",
};

export function strategiesFor(question: QuestionSettings): readonly UnificationStrategy[] {
  return question.type === "span" ? [] : STRATEGIES_BY_TYPE[question.type];
}

export function isStrategyFor(question: QuestionSettings, strategy: string): strategy is UnificationStrategy {
  return (strategiesFor(question) as readonly string[]).includes(strategy);
}

/** Unify already-collected submitted answers (in response order). */
export function unifyAnswers(
  question: QuestionSettings,
  strategy: UnificationStrategy,
  answers: readonly ResponseValue[],
  pick: PickIndex,
): ResponseValue[] {
  switch (question.type) {
    case "label_selection":
      return unifyLabel(answers as string[], strategy as LabelStrategy, pick);
    case "multi_label_selection":
      // A scalar answer counts as a one-label list, as in Argilla.
      return unifyMultiLabel(answers.map(asLabelList), strategy as MultiLabelStrategy, pick);
    case "rating":
      return unifyRating(answers.map(Number), strategy as RatingStrategy, pick);
    case "ranking":
      return unifyRanking(answers as RankingItem[][], strategy as RankingStrategy, pick);
    case "text":
      return unifyText(answers as string[], strategy as TextStrategy);
    case "span":
      throw new Error(`Question ${question.name} (span) cannot be unified`);
  }
}

function asLabelList(value: ResponseValue): string[] {
  return Array.isArray(value) ? (value as string[]) : [String(value)];
}

/**
 * Unify one question of one record. Ties are broken by a generator derived from (seed, record id,
 * question name), created only when a tie actually occurs.
 */
export function unifyRecord(
  record: StoredRecord,
  question: QuestionSettings,
  strategy: UnificationStrategy,
  seed: number,
): ResponseValue[] {
  // (An inline arrow, not a named const: tsx's keepNames would wrap a named one on every call.)
  return unifyAnswers(question, strategy, submittedAnswers(record, question.name), (count) =>
    randomIndex(derivedRng(seed, `${record.id}\u0000${question.name}`), count),
  );
}
