import type { ResponseValue, StoredRecord } from "../../feedback/schema";

/**
 * The submitted answers to one question, in response order. Only `submitted` responses count
 * (draft and discarded are ignored by every Argilla strategy); responses that lack the question
 * are skipped — also for multi-label majority, where Argilla raises KeyError instead.
 */
export function submittedAnswers(record: StoredRecord, question: string): ResponseValue[] {
  const answers: ResponseValue[] = [];
  for (const response of record.responses) {
    if (response.status !== "submitted") continue;
    const value = response.values[question];
    if (value !== undefined && value !== null) answers.push(value);
  }
  return answers;
}

export function hasSubmittedResponse(record: StoredRecord): boolean {
  return record.responses.some((r) => r.status === "submitted");
}

/** Chooses one of `count` tied candidates (given in first-appearance order); must return 0..count-1. */
export type PickIndex = (count: number) => number;
