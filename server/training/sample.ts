/**
 * The record as Argilla 1.20+ hands it to a `formatting_func` (docs/argilla-semantics.md §3): one row of
 * `format_as("datasets")`. Built only on the formatting-function path.
 */
import type { DatasetSettings, QuestionSettings, RankingItem, ResponseValue, SpanItem, StoredRecord } from "../feedback/schema";
import { pythonJsonDumps } from "./python-json";

export interface SampleResponse {
  user_id: string | null;
  value: unknown;
  status: string;
}

export type ArgillaSample = Record<string, unknown>;

/** Column order: fields; per question `<q>`, `<q>-suggestion`, `<q>-suggestion-metadata`; external_id; metadata; vectors. */
export function toArgillaSample(settings: DatasetSettings, record: StoredRecord): ArgillaSample {
  const sample: ArgillaSample = {};
  for (const field of settings.fields) sample[field.name] = record.fields[field.name] ?? null;
  for (const question of settings.questions) {
    const answers: SampleResponse[] = [];
    // All statuses are included, as Argilla does; users filter `status` themselves.
    for (const response of record.responses) {
      const value = response.values[question.name];
      if (value === undefined || value === null) continue;
      answers.push({ user_id: response.userId, value: sampleValue(question, value, record), status: response.status });
    }
    sample[question.name] = answers;
    const suggestion = record.suggestions.find((s) => s.question === question.name);
    sample[`${question.name}-suggestion`] =
      suggestion && suggestion.value !== null ? sampleValue(question, suggestion.value, record, suggestion.score) : null;
    sample[`${question.name}-suggestion-metadata`] = suggestion
      ? { type: suggestion.type ?? null, score: suggestion.score ?? null, agent: suggestion.agent ?? null }
      : { type: null, score: null, agent: null };
  }
  sample.external_id = record.externalId ?? null;
  sample.metadata = pythonJsonDumps(record.metadata ?? {});
  if (settings.vectors_settings?.length) {
    const vectors: Record<string, number[] | null> = {};
    for (const v of settings.vectors_settings) vectors[v.name] = record.vectors?.[v.name] ?? null;
    sample.vectors = vectors;
  }
  return sample;
}

/** Ranking and span values become dicts of parallel lists, as `datasets` returns Sequence(struct) columns. */
function sampleValue(question: QuestionSettings, value: ResponseValue, record: StoredRecord, score?: unknown): unknown {
  if (question.type === "ranking") {
    const items = value as RankingItem[];
    return { rank: items.map((i) => i.rank), value: items.map((i) => i.value) };
  }
  if (question.type === "span") {
    const items = value as SpanItem[];
    const fieldText = Array.from(record.fields[question.field] ?? ""); // span offsets count code points, like Python
    const spans: Record<string, unknown[]> = {
      start: items.map((i) => i.start),
      end: items.map((i) => i.end),
      label: items.map((i) => i.label),
      text: items.map((i) => fieldText.slice(i.start, i.end).join("")),
    };
    if (score !== undefined) spans.score = items.map((_, k) => (Array.isArray(score) ? (score[k] ?? null) : (score ?? null)));
    return spans;
  }
  return value;
}
