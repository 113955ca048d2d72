/** Builders for training tests: small datasets and records written inline, no fixtures. */
import {
  datasetSettingsSchema,
  type DatasetSettings,
  type FeedbackResponse,
  type QuestionSettings,
  type ResponseStatus,
  type ResponseValue,
  type StoredRecord,
} from "../feedback/schema";
import type { Drop } from "./drop-reasons";
import { compileTask } from "./tasks";
import { parseTrainingTask } from "./tasks/schema";
import type { Sample } from "./tasks/types";

type QuestionInput = Partial<QuestionSettings> & Pick<QuestionSettings, "name" | "type">;

export const question = {
  label: (name: string, labels: string[] | Record<string, string>): QuestionInput =>
    ({ name, type: "label_selection", labels }) as QuestionInput,
  multiLabel: (name: string, labels: string[] | Record<string, string>): QuestionInput =>
    ({ name, type: "multi_label_selection", labels }) as QuestionInput,
  rating: (name: string, values: number[]): QuestionInput => ({ name, type: "rating", values }) as QuestionInput,
  ranking: (name: string, values: string[] | Record<string, string>): QuestionInput => ({ name, type: "ranking", values }) as QuestionInput,
  text: (name: string): QuestionInput => ({ name, type: "text" }) as QuestionInput,
};

/** Settings with defaults filled by the real schema. A field name ending in "?" is optional. */
export function dataset(fields: string[], questions: QuestionInput[]): DatasetSettings {
  return datasetSettingsSchema.parse({
    fields: fields.map((f) => ({ name: f.replace(/\?$/, ""), title: f, required: !f.endsWith("?") })),
    questions: questions.map((q) => ({ title: q.name, ...q })),
  });
}

let nextUser = 0;
function response(status: ResponseStatus, values: Record<string, ResponseValue>, userId?: string | null): FeedbackResponse {
  return { userId: userId === undefined ? `user-${nextUser++}` : userId, status, values };
}
export const submitted = (values: Record<string, ResponseValue>, userId?: string | null) => response("submitted", values, userId);
export const draft = (values: Record<string, ResponseValue>, userId?: string | null) => response("draft", values, userId);
export const discarded = (values: Record<string, ResponseValue>, userId?: string | null) => response("discarded", values, userId);

/** A record; `index` defaults to the number in the id ("r12" → 12). */
export function record(
  id: string,
  fields: Record<string, string | null>,
  responses: FeedbackResponse[] = [],
  extra: Partial<StoredRecord> = {},
): StoredRecord {
  return {
    id,
    index: Number(id.replace(/\D/g, "")) || 0,
    fields,
    metadata: {},
    externalId: null,
    responses,
    suggestions: [],
    ...extra,
  };
}

/** Records arriving in pages, as the database streams them. */
export async function* pages(records: StoredRecord[], pageSize = 2): AsyncGenerator<StoredRecord> {
  for (let i = 0; i < records.length; i += pageSize) {
    await Promise.resolve(); // a page boundary
    yield* records.slice(i, i + pageSize);
  }
}

/** A ranking answer from value → rank, in the given item order. */
export function ranking(ranks: Record<string, number | null>): { value: string; rank: number | null }[] {
  return Object.entries(ranks).map(([value, rank]) => ({ value, rank }));
}

/** Always picks the candidate at `index` (a deterministic stand-in for the seeded tie-break). */
export const pickAt = (index: number) => (count: number) => Math.min(index, count - 1);


/** Compiles a task (JSON as a user writes it) and formats one record: samples or a drop. */
export async function formatOne(settings: DatasetSettings, task: unknown, r: StoredRecord): Promise<Sample[] | Drop> {
  const compiled = await compileTask(settings, parseTrainingTask(task));
  try {
    await compiled.prefetch?.([r]);
    return compiled.format(r);
  } finally {
    compiled.dispose();
  }
}
