/**
 * Inter-annotator agreement for one record, computed in the browser from its responses. Only
 * submitted responses count: drafts are unfinished and discarded ones are not answers.
 * Pure functions (unit-tested in agreement.test.ts).
 */
import type { QuestionSettings, RankingItem, ResponseStatus, ResponseValue, SpanItem } from "~/server/feedback/schema";

export type AgreementLevel = "unanimous" | "majority" | "split" | "single" | "none";

export interface QuestionAgreement {
  level: AgreementLevel;
  /** Submitted answers to the question. */
  answers: number;
  /** How many answers hold the most common value. */
  topCount: number;
}

interface ResponseLike {
  status: ResponseStatus;
  values: Record<string, ResponseValue>;
}

/**
 * A key that is equal for values that mean the same answer: multi-labels are sets (order does
 * not matter), rankings are value→rank maps, spans are sets of (start, end, label).
 */
export function answerKey(value: ResponseValue): string {
  if (!Array.isArray(value)) return JSON.stringify(value);
  const items = (value as unknown[]).map((item) => {
    if (typeof item !== "object" || item === null) return JSON.stringify(item);
    const { value: option, rank, start, end, label } = item as Partial<RankingItem & SpanItem>;
    return JSON.stringify(rank !== undefined ? [option, rank] : start !== undefined ? [start, end, label] : item);
  });
  return JSON.stringify(items.sort());
}

export function questionAgreement(responses: readonly ResponseLike[], question: string): QuestionAgreement {
  const counts = new Map<string, number>();
  let answers = 0;
  for (const response of responses) {
    if (response.status !== "submitted") continue;
    const value = response.values[question];
    if (value === undefined || value === null) continue;
    answers++;
    const key = answerKey(value);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const topCount = Math.max(0, ...counts.values());
  let level: AgreementLevel;
  if (answers === 0) level = "none";
  else if (answers === 1) level = "single";
  else if (topCount === answers) level = "unanimous";
  else if (topCount * 2 > answers) level = "majority";
  else level = "split";
  return { level, answers, topCount };
}

/** Worst first: a record is as agreed as its least agreed question. */
const SEVERITY: AgreementLevel[] = ["split", "majority", "unanimous", "single", "none"];

/**
 * One level for a whole record (the list's badge). Free-text questions are left out: two
 * annotators rarely type identical text, so they would mark nearly every record "split".
 */
export function recordAgreement(responses: readonly ResponseLike[], questions: readonly Pick<QuestionSettings, "name" | "type">[]): AgreementLevel {
  const levels = new Set(questions.filter((q) => q.type !== "text").map((q) => questionAgreement(responses, q.name).level));
  return SEVERITY.find((level) => levels.has(level)) ?? "none";
}
