/**
 * Which answers a template sees. A record yields one or more "answer sets" (question → value);
 * each set renders into one sample:
 *   - unified: each question unified with its strategy; a strategy returning several values
 *     (disagreement) multiplies the sets, like Argilla's explode;
 *   - first_submitted: the first submitted answer to each question, in response order;
 *   - each_submitted: one set per submitted response (that annotator's answers).
 */
import type { QuestionSettings, ResponseValue, StoredRecord } from "../../feedback/schema";
import { unifyRecord, type UnificationStrategy } from "../unify";
import type { ResponsesMode } from "./schema";

export type Answers = Readonly<Record<string, ResponseValue | undefined>>;

const NO_ANSWERS: Answers = Object.freeze({});

export interface SelectedQuestion {
  question: QuestionSettings;
  strategy: UnificationStrategy;
}

export function answerSets(record: StoredRecord, questions: readonly SelectedQuestion[], mode: ResponsesMode, seed: number): Answers[] {
  if (questions.length === 0) return [NO_ANSWERS];
  switch (mode) {
    case "each_submitted":
      return record.responses.filter((r) => r.status === "submitted").map((r) => r.values);
    case "first_submitted":
      return [firstSubmitted(record, questions)];
    case "unified":
      return unifiedSets(record, questions, seed);
  }
}

function firstSubmitted(record: StoredRecord, questions: readonly SelectedQuestion[]): Answers {
  const answers: Record<string, ResponseValue> = {};
  for (const { question } of questions) {
    for (const response of record.responses) {
      const value = response.status === "submitted" ? response.values[question.name] : undefined;
      if (value !== undefined && value !== null) {
        answers[question.name] = value;
        break;
      }
    }
  }
  return answers;
}

function unifiedSets(record: StoredRecord, questions: readonly SelectedQuestion[], seed: number): Answers[] {
  let sets: Record<string, ResponseValue>[] = [{}];
  for (const { question, strategy } of questions) {
    const values = unifyRecord(record, question, strategy, seed);
    if (values.length === 0) continue; // left unanswered: the slot reading it decides (drop or fallback)
    if (values.length === 1) {
      for (const set of sets) set[question.name] = values[0]!;
    } else {
      sets = sets.flatMap((set) => values.map((value) => ({ ...set, [question.name]: value })));
    }
  }
  return sets;
}
