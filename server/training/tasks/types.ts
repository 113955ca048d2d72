import type { DatasetSettings, FieldSettings, QuestionSettings, StoredRecord } from "../../feedback/schema";
import type { Drop } from "../drop-reasons";
import type { ChatRole, TaskKind } from "./schema";

export interface ChatMessage {
  role: ChatRole;
  content: string;
}

/** The canonical output of each task, before a framework shapes it into rows (Argilla's intermediate dicts). */
export interface TextClassificationSample {
  text: string;
  /** Label name(s): option values as strings. A list means multi-label. */
  label: string | string[];
}
export interface QuestionAnsweringSample {
  question: string;
  context: string;
  answer: string;
}
export interface SentenceSimilaritySample {
  texts: string[];
  /** A score (number) or a class name (string, mapped to its id by the framework). */
  label?: number | string;
}
export type SupervisedFineTuningSample = { text: string } | { messages: ChatMessage[] };
export interface RewardModelingSample {
  chosen: string;
  rejected: string;
}
export interface ProximalPolicyOptimizationSample {
  query: string;
}
export interface DirectPreferenceOptimizationSample {
  prompt: string;
  chosen: string;
  rejected: string;
}
export interface ChatCompletionSample {
  messages: ChatMessage[];
}

export interface SampleByTask {
  text_classification: TextClassificationSample;
  question_answering: QuestionAnsweringSample;
  sentence_similarity: SentenceSimilaritySample;
  supervised_fine_tuning: SupervisedFineTuningSample;
  reward_modeling: RewardModelingSample;
  proximal_policy_optimization: ProximalPolicyOptimizationSample;
  direct_preference_optimization: DirectPreferenceOptimizationSample;
  chat_completion: ChatCompletionSample;
}
export type Sample = SampleByTask[TaskKind];

/** Fields and questions by name, built once per task compilation. */
export interface DatasetIndex {
  settings: DatasetSettings;
  fields: Map<string, FieldSettings>;
  questions: Map<string, QuestionSettings>;
}

export function indexDataset(settings: DatasetSettings): DatasetIndex {
  return {
    settings,
    fields: new Map(settings.fields.map((f) => [f.name, f])),
    questions: new Map(settings.questions.map((q) => [q.name, q])),
  };
}

/** Where the label set of a classification-like task comes from. */
export interface LabelSpec {
  /** Fixed label names in id order (question options or the task's `labels`); null = the labels the samples use, sorted. */
  names: string[] | null;
}

/** A task compiled for one dataset: formats one record at a time (synchronously, no I/O). */
export interface CompiledTask<S = Sample> {
  kind: TaskKind;
  /** Samples for the record, or why it was dropped. Throws RecordFormattingError / InvalidSampleError. */
  format(record: StoredRecord): S[] | Drop;
  /**
   * Function mode only: runs the formatting function (in its worker thread) on a batch of records,
   * which format() must then be called on. With stopAtFirstError, records after the first failing
   * one are not run (their format() throws).
   */
  prefetch?(records: readonly StoredRecord[], options?: { stopAtFirstError?: boolean }): Promise<void>;
  /** Argilla removes exact duplicate samples on its defaults path only. */
  dedup: boolean;
  labels?: LabelSpec;
  dispose(): void;
}
