/**
 * The FeedbackDataset model shared by import, storage, the records browser and training.
 * Settings mirror Argilla 1.x `argilla.yaml` (snake_case keys kept so a settings object
 * round-trips to the export format unchanged). Records are normalised: responses are merged
 * per user across questions, ranking values are lists of {value, rank}.
 */
import { z } from "zod";

export const fieldSchema = z.object({
  name: z.string().min(1),
  title: z.string(),
  required: z.boolean().default(true),
  type: z.literal("text").default("text"),
  use_markdown: z.boolean().default(false),
});
export type FieldSettings = z.infer<typeof fieldSchema>;

/** Labels are either a list of values or a value -> title map (Argilla accepts both). */
const labelsSchema = z.union([z.array(z.string()).min(1), z.record(z.string(), z.string())]);

const questionBase = {
  name: z.string().min(1),
  title: z.string(),
  description: z.string().nullable().default(null),
  required: z.boolean().default(true),
};

export const questionSchema = z.discriminatedUnion("type", [
  z.object({ ...questionBase, type: z.literal("text"), use_markdown: z.boolean().default(false) }),
  z.object({
    ...questionBase,
    type: z.literal("label_selection"),
    labels: labelsSchema,
    visible_labels: z.number().int().nullable().default(null),
  }),
  z.object({
    ...questionBase,
    type: z.literal("multi_label_selection"),
    labels: labelsSchema,
    visible_labels: z.number().int().nullable().default(null),
    labels_order: z.enum(["natural", "suggestion"]).default("natural"),
  }),
  z.object({ ...questionBase, type: z.literal("rating"), values: z.array(z.number().int()).min(1) }),
  z.object({ ...questionBase, type: z.literal("ranking"), values: labelsSchema }),
  z.object({
    ...questionBase,
    type: z.literal("span"),
    field: z.string(),
    labels: z.array(
      z.object({ value: z.string(), text: z.string().nullable().optional(), description: z.string().nullable().optional() }),
    ),
    allow_overlapping: z.boolean().default(false),
    visible_labels: z.number().int().nullable().default(null),
  }),
]);
export type QuestionSettings = z.infer<typeof questionSchema>;
export type QuestionType = QuestionSettings["type"];

export const metadataPropertySchema = z.discriminatedUnion("type", [
  z.object({
    name: z.string().min(1),
    title: z.string().optional(),
    visible_for_annotators: z.boolean().default(true),
    type: z.literal("terms"),
    values: z.array(z.string()).nullable().default(null),
  }),
  z.object({
    name: z.string().min(1),
    title: z.string().optional(),
    visible_for_annotators: z.boolean().default(true),
    type: z.literal("integer"),
    min: z.number().int().nullable().default(null),
    max: z.number().int().nullable().default(null),
  }),
  z.object({
    name: z.string().min(1),
    title: z.string().optional(),
    visible_for_annotators: z.boolean().default(true),
    type: z.literal("float"),
    min: z.number().nullable().default(null),
    max: z.number().nullable().default(null),
  }),
]);
export type MetadataProperty = z.infer<typeof metadataPropertySchema>;

export const vectorSettingsSchema = z.object({
  name: z.string().min(1),
  title: z.string().optional(),
  dimensions: z.number().int().positive(),
});

export const datasetSettingsSchema = z.object({
  fields: z.array(fieldSchema).min(1),
  questions: z.array(questionSchema).min(1),
  guidelines: z.string().nullable().default(null),
  metadata_properties: z.array(metadataPropertySchema).nullable().default(null),
  vectors_settings: z.array(vectorSettingsSchema).nullable().default(null),
  allow_extra_metadata: z.boolean().default(true),
});
export type DatasetSettings = z.infer<typeof datasetSettingsSchema>;

export const RESPONSE_STATUSES = ["submitted", "draft", "discarded"] as const;
export type ResponseStatus = (typeof RESPONSE_STATUSES)[number];
/** What a status filter may select: a response status, or "pending" (no response). */
export const STATUS_FILTERS = [...RESPONSE_STATUSES, "pending"] as const;
export type StatusFilter = (typeof STATUS_FILTERS)[number];

export interface RankingItem {
  value: string;
  rank: number | null;
}
export interface SpanItem {
  start: number;
  end: number;
  label: string;
}
/** text / label_selection: string; rating: number; multi_label_selection: string[]; ranking: RankingItem[]; span: SpanItem[] */
export type ResponseValue = string | number | string[] | RankingItem[] | SpanItem[];

export interface FeedbackResponse {
  /** Annotator id from the export (a UUID string), or null for Argilla's "user without id". */
  userId: string | null;
  status: ResponseStatus;
  /** question name -> value; a question the user did not answer is absent. */
  values: Record<string, ResponseValue>;
}

export interface Suggestion {
  question: string;
  value: ResponseValue;
  score: number | number[] | null;
  agent: string | null;
  type: "model" | "human" | null;
}

export interface FeedbackRecord {
  /** field name -> text; null (or absent) for a missing optional field. */
  fields: Record<string, string | null>;
  metadata: Record<string, unknown>;
  externalId: string | null;
  /** One per annotator, in first-appearance order. */
  responses: FeedbackResponse[];
  suggestions: Suggestion[];
  vectors?: Record<string, number[] | null>;
}

/** A stored record: a FeedbackRecord plus its position in the dataset (insertion order, 0-based). */
export interface StoredRecord extends FeedbackRecord {
  id: string;
  index: number;
}

/** Option values of a label/multi-label/ranking question in definition order (dict labels -> keys). */
export function questionOptions(question: QuestionSettings): (string | number)[] {
  switch (question.type) {
    case "label_selection":
    case "multi_label_selection":
      return Array.isArray(question.labels) ? question.labels : Object.keys(question.labels);
    case "ranking":
      return Array.isArray(question.values) ? question.values : Object.keys(question.values);
    case "rating":
      return question.values;
    case "span":
      return question.labels.map((l) => l.value);
    case "text":
      return [];
  }
}

/** String.prototype.isWellFormed: in Node 20, but newer (ES2024) than the project's TypeScript lib. */
type WellFormedCheck = { isWellFormed(): boolean };

/**
 * Why a string cannot be stored, or undefined when it can. PostgreSQL cannot hold U+0000 in text
 * or jsonb (nor turn a json "\u0000" into text), and a lone UTF-16 surrogate (JSON's "\ud800") is
 * not Unicode: such a string fails later, in the search index, a jsonb column or an export, so
 * the import refuses it. Two native scans, cheap enough for every string of every record.
 */
export function textProblem(text: string): string | undefined {
  if (text.includes("\0")) return "the text holds a NUL character (\\u0000), which the database cannot store";
  if (!(text as unknown as WellFormedCheck).isWellFormed()) return "the text holds a lone UTF-16 surrogate (such as \\ud800), which is not valid Unicode";
  return undefined;
}
