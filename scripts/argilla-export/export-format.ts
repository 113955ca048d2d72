/**
 * The Argilla 1.x FeedbackDataset export format (Hugging Face layout, 1.14+ columns), shared by
 * `scripts/make-samples.ts` (the shipped samples) and `bench/generate-dataset.ts` (benchmark data):
 * dataset settings as argilla.yaml holds them, an in-memory record model, and the conversion of a
 * record into one export row (JSON Lines / Parquet) exactly as `format_as("datasets")` lays it out.
 */
import { PyFloat, pyFloat, pyJsonDumps } from "./pyjson";
import { safeDump, type YamlValue } from "./yaml";

// ---------------------------------------------------------------------------------------------
// Settings (argilla.yaml)
// ---------------------------------------------------------------------------------------------

export interface FieldConfig {
  name: string;
  title: string;
  required: boolean;
  type: "text";
  use_markdown: boolean;
}

interface QuestionBase {
  name: string;
  title: string;
  description: string | null;
  required: boolean;
}
export type Labels = string[] | Record<string, string>;
export type QuestionConfig =
  | (QuestionBase & { type: "text"; use_markdown: boolean })
  | (QuestionBase & { type: "label_selection"; labels: Labels; visible_labels: number | null })
  | (QuestionBase & {
      type: "multi_label_selection";
      labels: Labels;
      visible_labels: number | null;
      labels_order: "natural" | "suggestion";
    })
  | (QuestionBase & { type: "rating"; values: number[] })
  | (QuestionBase & { type: "ranking"; values: Labels });

export type MetadataPropertyConfig =
  | { name: string; title: string; type: "terms"; values: string[] | null; visible_for_annotators: boolean }
  | { name: string; title: string; type: "integer"; min: number | null; max: number | null; visible_for_annotators: boolean }
  | { name: string; title: string; type: "float"; min: PyFloat | null; max: PyFloat | null; visible_for_annotators: boolean };

export interface DatasetConfig {
  fields: FieldConfig[];
  questions: QuestionConfig[];
  guidelines: string | null;
  metadata_properties: MetadataPropertyConfig[] | null;
  allow_extra_metadata: boolean;
  vectors_settings: null;
}

/** Python's str.capitalize(), Argilla's default title. */
const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1).toLowerCase();

export function textField(
  name: string,
  title?: string,
  opts: { required?: boolean; markdown?: boolean } = {},
): FieldConfig {
  return { name, title: title ?? capitalize(name), required: opts.required ?? true, type: "text", use_markdown: opts.markdown ?? false };
}

interface QuestionOpts {
  description?: string | null;
  required?: boolean;
}
const base = (name: string, title: string | undefined, o: QuestionOpts): QuestionBase => ({
  name,
  title: title ?? capitalize(name),
  description: o.description ?? null,
  required: o.required ?? true,
});

export const textQuestion = (name: string, title?: string, o: QuestionOpts & { markdown?: boolean } = {}): QuestionConfig => ({
  ...base(name, title, o),
  type: "text",
  use_markdown: o.markdown ?? false,
});
export const labelQuestion = (name: string, title: string | undefined, labels: Labels, o: QuestionOpts & { visibleLabels?: number } = {}): QuestionConfig => ({
  ...base(name, title, o),
  type: "label_selection",
  labels,
  visible_labels: o.visibleLabels ?? null,
});
export const multiLabelQuestion = (name: string, title: string | undefined, labels: Labels, o: QuestionOpts & { visibleLabels?: number } = {}): QuestionConfig => ({
  ...base(name, title, o),
  type: "multi_label_selection",
  labels,
  visible_labels: o.visibleLabels ?? null,
  labels_order: "natural",
});
export const ratingQuestion = (name: string, title: string | undefined, values: number[], o: QuestionOpts = {}): QuestionConfig => ({
  ...base(name, title, o),
  type: "rating",
  values,
});
export const rankingQuestion = (name: string, title: string | undefined, values: Labels, o: QuestionOpts = {}): QuestionConfig => ({
  ...base(name, title, o),
  type: "ranking",
  values,
});

export const termsProperty = (name: string, title: string, values: string[] | null): MetadataPropertyConfig => ({
  name, title, type: "terms", values, visible_for_annotators: true,
});
export const integerProperty = (name: string, title: string, min: number | null, max: number | null): MetadataPropertyConfig => ({
  name, title, type: "integer", min, max, visible_for_annotators: true,
});
export const floatProperty = (name: string, title: string, min: number | null, max: number | null): MetadataPropertyConfig => ({
  name, title, type: "float",
  min: min === null ? null : pyFloat(min),
  max: max === null ? null : pyFloat(max),
  visible_for_annotators: true,
});

export function datasetConfig(c: {
  fields: FieldConfig[];
  questions: QuestionConfig[];
  guidelines?: string | null;
  metadataProperties?: MetadataPropertyConfig[];
  allowExtraMetadata?: boolean;
}): DatasetConfig {
  const names = new Set<string>();
  for (const n of [...c.fields.map((f) => f.name), ...c.questions.map((q) => q.name)]) {
    if (names.has(n)) throw new Error(`duplicate field/question name ${n}`);
    names.add(n);
  }
  return {
    fields: c.fields,
    questions: c.questions,
    guidelines: c.guidelines ?? null,
    metadata_properties: c.metadataProperties?.length ? c.metadataProperties : null,
    allow_extra_metadata: c.allowExtraMetadata ?? true,
    vectors_settings: null,
  };
}

/** argilla.yaml text, as `DatasetConfig.to_yaml()` (yaml.safe_dump) writes it. */
export function configToYaml(config: DatasetConfig): string {
  return safeDump(config as unknown as { [key: string]: YamlValue });
}

/** Option values of a label / multi-label / ranking question (dict labels: keys). */
export const optionValues = (labels: Labels): string[] => (Array.isArray(labels) ? labels : Object.keys(labels));

// ---------------------------------------------------------------------------------------------
// Records
// ---------------------------------------------------------------------------------------------

export type ResponseStatus = "submitted" | "draft" | "discarded";
/** Ranking answers as Argilla holds them: one {value, rank} per option. */
export type RankingAnswer = { value: string; rank: number }[];
export type AnswerValue = string | number | string[] | RankingAnswer;

export interface ExportResponse {
  user_id: string | null;
  status: ResponseStatus;
  /** question name -> value; questions the user did not answer are absent */
  values: Record<string, AnswerValue>;
}

export interface ExportSuggestion {
  value: AnswerValue;
  type: "model" | "human" | null;
  score: number | number[] | null;
  agent: string | null;
}

export interface ExportRecord {
  fields: Record<string, string | null>;
  responses: ExportResponse[];
  suggestions?: Record<string, ExportSuggestion>;
  external_id?: string | null;
  /** serialised with Python json.dumps; wrap float values in PyFloat */
  metadata?: Record<string, unknown>;
}

export const NO_SUGGESTION_METADATA = Object.freeze({ type: null, score: null, agent: null });

/** Column names in export order. */
export function exportColumns(config: DatasetConfig): string[] {
  const cols = config.fields.map((f) => f.name);
  for (const q of config.questions) cols.push(q.name, `${q.name}-suggestion`, `${q.name}-suggestion-metadata`);
  cols.push("external_id", "metadata");
  return cols;
}

function exportValue(type: QuestionConfig["type"], value: AnswerValue): unknown {
  if (type === "ranking") {
    const items = value as RankingAnswer;
    return { rank: items.map((i) => i.rank), value: items.map((i) => i.value) };
  }
  return value;
}

/** One export row (column order = exportColumns) as `format_as("datasets")` builds it. */
export function toExportRow(config: DatasetConfig, rec: ExportRecord): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const f of config.fields) row[f.name] = rec.fields[f.name] ?? null;
  for (const q of config.questions) {
    const answers: unknown[] = [];
    for (const r of rec.responses) {
      const v = r.values[q.name];
      if (v === undefined) continue;
      answers.push({ user_id: r.user_id, value: exportValue(q.type, v), status: r.status });
    }
    row[q.name] = answers;
    const s = rec.suggestions?.[q.name];
    row[`${q.name}-suggestion`] = s ? exportValue(q.type, s.value) : null;
    row[`${q.name}-suggestion-metadata`] = s ? { type: s.type, score: s.score, agent: s.agent } : NO_SUGGESTION_METADATA;
  }
  row.external_id = rec.external_id ?? null;
  row.metadata = rec.metadata && Object.keys(rec.metadata).length ? pyJsonDumps(rec.metadata) : "{}";
  return row;
}

/** Checks a record against the settings (labels, rating values, required fields); throws on error. */
export function validateRecord(config: DatasetConfig, rec: ExportRecord, where = "record"): void {
  for (const f of config.fields) {
    const v = rec.fields[f.name];
    if (f.required && (v === null || v === undefined || v === "")) throw new Error(`${where}: required field ${f.name} missing`);
  }
  for (const k of Object.keys(rec.fields)) {
    if (!config.fields.some((f) => f.name === k)) throw new Error(`${where}: unknown field ${k}`);
  }
  const check = (q: QuestionConfig, v: AnswerValue, what: string) => {
    const bad = (msg: string) => new Error(`${where}: ${what} for ${q.name}: ${msg} (${JSON.stringify(v)})`);
    switch (q.type) {
      case "text":
        if (typeof v !== "string" || !v) throw bad("expected non-empty text");
        break;
      case "label_selection":
        if (typeof v !== "string" || !optionValues(q.labels).includes(v)) throw bad("unknown label");
        break;
      case "multi_label_selection":
        if (!Array.isArray(v) || !v.length || new Set(v as unknown[]).size !== v.length) throw bad("bad labels");
        for (const x of v as unknown[]) if (typeof x !== "string" || !optionValues(q.labels).includes(x)) throw bad("unknown label");
        break;
      case "rating":
        if (typeof v !== "number" || !q.values.includes(v)) throw bad("bad rating");
        break;
      case "ranking": {
        const opts = optionValues(q.values);
        const items = v as RankingAnswer;
        if (!Array.isArray(items) || items.length !== opts.length || items.some((i, k) => i.value !== opts[k] || !Number.isInteger(i.rank) || i.rank < 1 || i.rank > opts.length)) throw bad("bad ranking");
        break;
      }
    }
  };
  const users = new Set<string | null>();
  for (const r of rec.responses) {
    if (users.has(r.user_id)) throw new Error(`${where}: duplicate response by ${r.user_id}`);
    users.add(r.user_id);
    for (const [name, v] of Object.entries(r.values)) {
      const q = config.questions.find((x) => x.name === name);
      if (!q) throw new Error(`${where}: response to unknown question ${name}`);
      check(q, v, "response");
    }
  }
  for (const [name, s] of Object.entries(rec.suggestions ?? {})) {
    const q = config.questions.find((x) => x.name === name);
    if (!q) throw new Error(`${where}: suggestion for unknown question ${name}`);
    check(q, s.value, "suggestion");
    const listScore = q.type === "multi_label_selection" || q.type === "ranking";
    if (s.score !== null && Array.isArray(s.score) !== listScore) throw new Error(`${where}: suggestion score shape for ${name}`);
  }
  if (rec.metadata && config.metadata_properties) {
    for (const p of config.metadata_properties) {
      const raw = rec.metadata[p.name];
      if (raw === undefined) continue;
      const v = raw instanceof PyFloat ? raw.value : raw;
      if (p.type === "terms" && (typeof v !== "string" || (p.values && !p.values.includes(v)))) throw new Error(`${where}: metadata ${p.name}=${String(v)}`);
      if (p.type === "integer" && (!Number.isInteger(v) || (p.min !== null && (v as number) < p.min) || (p.max !== null && (v as number) > p.max))) throw new Error(`${where}: metadata ${p.name}=${String(v)}`);
      if (p.type === "float" && (typeof v !== "number" || (p.min !== null && v < p.min.value) || (p.max !== null && v > p.max.value))) throw new Error(`${where}: metadata ${p.name}=${String(v)}`);
    }
  }
}
