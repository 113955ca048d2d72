/**
 * Turns one row of an Argilla FeedbackDataset export (a JSONL line or a Parquet row, the shape
 * `format_as("datasets")` produces, docs/argilla-semantics.md §6) into a normalised
 * FeedbackRecord, validating it against the dataset settings on the way.
 *
 * This is the import hot path (it runs once per record, millions of times), so everything that
 * depends only on the settings (column names, label Sets, per-type value readers) is prepared
 * once in createRowParser, and per-row work is plain loops over the row's own values.
 */
import { ImportError, describeValue, locateJsonError, oneOf, quoteValue } from "./errors";
import {
  RESPONSE_STATUSES,
  questionOptions,
  textProblem,
  type MetadataProperty,
  type DatasetSettings,
  type FeedbackRecord,
  type FeedbackResponse,
  type QuestionSettings,
  type RankingItem,
  type ResponseStatus,
  type ResponseValue,
  type SpanItem,
  type Suggestion,
} from "./schema";

/** Where a row came from; `line` for JSONL (1-based), `row` for Parquet (1-based). */
export interface RowLocation {
  file: string;
  line?: number;
  row?: number;
}

export interface RowParserOptions {
  /** Whether positions are JSONL lines or Parquet rows; default: from the file's extension. */
  positionKind?: "line" | "row";
  /** Settings file named in "declared in … but missing from the data"; default argilla.yaml. */
  settingsFile?: string;
}

/** Parses one raw export row; `position` is its 1-based line (JSONL) or row (Parquet). */
export type RowParser = (row: unknown, position: number) => FeedbackRecord;

/**
 * Build a parser for the rows of one data file. The first row it sees is also checked for
 * every declared column, so a mismatch between argilla.yaml and the data is reported once,
 * clearly, instead of as a wrong value on every row.
 */
export function createRowParser(settings: DatasetSettings, file: string, options: RowParserOptions = {}): RowParser {
  const positionKind = options.positionKind ?? (/\.parquet$/i.test(file) ? "row" : "line");
  const settingsFile = options.settingsFile ?? "argilla.yaml";
  const fields = settings.fields.map((f) => ({ name: f.name, required: f.required }));
  const questions = settings.questions.map(planQuestion);
  const vectors = (settings.vectors_settings ?? []).map((v) => ({ name: v.name, dimensions: v.dimensions }));
  const requiredColumns = [...fields.filter((f) => f.required).map((f) => f.name), ...questions.map((q) => q.name)];
  const metadataPlan = planMetadata(settings, settingsFile);
  let firstRowSeen = false;

  return function parseRow(row: unknown, position: number): FeedbackRecord {
    // The column being read, so a ValueProblem thrown deep inside can name it.
    let column: string | undefined;
    try {
      if (typeof row !== "object" || row === null || Array.isArray(row)) {
        throw new ValueProblem("a JSON object with one key per column", describeValue(row));
      }
      const data = row as Record<string, unknown>;
      if (!firstRowSeen) {
        requireDeclaredColumns(data, requiredColumns, settingsFile, file, positionKind, position);
        firstRowSeen = true;
      }

      const recordFields: Record<string, string | null> = {};
      for (let i = 0; i < fields.length; i++) {
        const field = fields[i]!;
        column = field.name;
        const value = data[field.name];
        if (typeof value === "string") recordFields[field.name] = storableText(value);
        else if (value == null && !field.required) recordFields[field.name] = null;
        else throw new ValueProblem(field.required ? "a string (the field is required)" : "a string or null", describeValue(value));
      }

      const merger = new ResponseMerger();
      const suggestions: Suggestion[] = [];
      for (let i = 0; i < questions.length; i++) {
        const question = questions[i]!;
        column = question.name;
        const responses = data[question.name];
        if (responses != null) readQuestionResponses(question, responses, merger);

        column = question.suggestionColumn;
        const suggested = data[question.suggestionColumn];
        if (suggested != null) {
          const value = question.readValue(suggested);
          column = question.suggestionMetadataColumn;
          suggestions.push(readSuggestion(question.name, value, data[question.suggestionMetadataColumn]));
        }
      }

      column = "external_id";
      const externalId = data.external_id;
      if (externalId != null && typeof externalId !== "string") throw new ValueProblem("a string or null", describeValue(externalId));
      if (typeof externalId === "string") storableText(externalId);

      column = "metadata";
      const metadata = readMetadata(data.metadata, metadataPlan);

      const record: FeedbackRecord = {
        fields: recordFields,
        metadata,
        externalId: (externalId as string | null | undefined) ?? null,
        responses: merger.responses,
        suggestions,
      };
      if (vectors.length > 0) {
        column = "vectors";
        record.vectors = readVectors(data.vectors, vectors);
      }
      return record;
    } catch (error) {
      if (error instanceof RangeError) {
        // A stack overflow or an impossible length deep inside a value: still a row problem.
        throw new ImportError({ file, [positionKind]: position, column, problem: "the value is too deeply nested or too large to read" });
      }
      if (!(error instanceof ValueProblem)) throw error;
      throw new ImportError({
        file,
        [positionKind]: position,
        column,
        expected: error.expected,
        got: error.got,
        problem: error.problem,
      });
    }
  };
}

/** Convenience wrapper for one-off rows; use createRowParser for whole files. */
export function parseExportRow(row: Record<string, unknown>, settings: DatasetSettings, location: RowLocation): FeedbackRecord {
  const positionKind = location.row !== undefined ? "row" : "line";
  const parser = createRowParser(settings, location.file, { positionKind });
  return parser(row, (positionKind === "row" ? location.row : location.line) ?? 1);
}

// ---------------------------------------------------------------------------------------------
// Errors inside a row

/**
 * Thrown while reading a value and turned into an ImportError (with file, position and column)
 * by the row parser. Not an Error subclass on purpose: no stack trace to capture.
 */
class ValueProblem {
  constructor(
    readonly expected: string | undefined,
    readonly got: string | undefined,
    readonly problem?: string,
  ) {}
}

function requireDeclaredColumns(
  row: Record<string, unknown>,
  declared: readonly string[],
  settingsFile: string,
  file: string,
  positionKind: "line" | "row",
  position: number,
): void {
  const missing = declared.filter((name) => !(name in row));
  if (missing.length === 0) return;
  const others = missing.length > 1 ? ` (also missing: ${missing.slice(1).map((m) => JSON.stringify(m)).join(", ")})` : "";
  throw new ImportError({
    file,
    [positionKind]: position,
    column: missing[0],
    problem: `the column is declared in ${settingsFile} but missing from the data${others}`,
  });
}

// ---------------------------------------------------------------------------------------------
// Responses

interface QuestionPlan {
  name: string;
  suggestionColumn: string;
  suggestionMetadataColumn: string;
  /** Validates and normalises one response/suggestion value (never called with null). */
  readValue: (raw: unknown) => ResponseValue;
}

function planQuestion(question: QuestionSettings): QuestionPlan {
  return {
    name: question.name,
    suggestionColumn: `${question.name}-suggestion`,
    suggestionMetadataColumn: `${question.name}-suggestion-metadata`,
    readValue: valueReaderFor(question),
  };
}

const STATUS_SET: ReadonlySet<string> = new Set(RESPONSE_STATUSES);
const EXPECTED_STATUS = oneOf(RESPONSE_STATUSES);
const EXPECTED_RESPONSES = "a list of {user_id, value, status} (or the 1.13 layout {user_id: [...], value: [...], status: [...]})";

/**
 * Collects one response per annotator across all questions of a record, in first-appearance
 * order; the status comes from the first question the annotator appears in (like Argilla's
 * from_huggingface).
 *
 * Null user ids: all of them collapse into ONE "user without id" response per record, and in a
 * question with several null-user answers the first one is kept. Argilla additionally skips
 * every response after the first null-user one in that question, real users included; that is
 * a bug and deliberately NOT reproduced here (to be listed in docs/deviations.md).
 */
class ResponseMerger {
  readonly responses: FeedbackResponse[] = [];
  private readonly byUser = new Map<string | null, FeedbackResponse>();

  add(question: QuestionPlan, userId: unknown, rawValue: unknown, status: unknown): void {
    if (userId === undefined) userId = null;
    if (userId !== null && typeof userId !== "string") throw new ValueProblem("user_id to be a string or null", describeValue(userId));
    if (userId !== null) storableText(userId);
    if (typeof status !== "string" || !STATUS_SET.has(status)) {
      throw new ValueProblem(`status to be ${EXPECTED_STATUS}`, quoteValue(status));
    }
    let response = this.byUser.get(userId);
    if (response === undefined) {
      response = { userId, status: status as ResponseStatus, values: {} };
      this.byUser.set(userId, response);
      this.responses.push(response);
    } else if (userId === null && question.name in response.values) {
      return; // a second "user without id" answer to the same question: keep the first
    }
    // A null value means this annotator did not answer this question: not added.
    if (rawValue != null) response.values[question.name] = question.readValue(rawValue);
  }
}

function readQuestionResponses(question: QuestionPlan, column: unknown, merger: ResponseMerger): void {
  if (Array.isArray(column)) {
    // 1.14+: [{user_id, value, status}, ...]
    for (let i = 0; i < column.length; i++) {
      const response = column[i];
      if (typeof response !== "object" || response === null || Array.isArray(response)) {
        throw new ValueProblem(EXPECTED_RESPONSES, `${describeValue(response)} as item ${i}`);
      }
      const r = response as Record<string, unknown>;
      merger.add(question, r.user_id, r.value, r.status);
    }
    return;
  }
  if (typeof column === "object" && column !== null) {
    // 1.13: {user_id: [...], value: [...], status: [...]}, one slot per response.
    const { user_id: userIds, value: values, status: statuses } = column as Record<string, unknown>;
    if (!Array.isArray(userIds) || !Array.isArray(values) || !Array.isArray(statuses)) {
      throw new ValueProblem(EXPECTED_RESPONSES, describeValue(column));
    }
    if (userIds.length !== values.length || values.length !== statuses.length) {
      throw new ValueProblem(
        "user_id, value and status lists of the same length",
        `lengths ${userIds.length}, ${values.length} and ${statuses.length}`,
      );
    }
    for (let i = 0; i < values.length; i++) merger.add(question, userIds[i], values[i], statuses[i]);
    return;
  }
  throw new ValueProblem(EXPECTED_RESPONSES, describeValue(column));
}

// ---------------------------------------------------------------------------------------------
// Values, per question type

function valueReaderFor(question: QuestionSettings): (raw: unknown) => ResponseValue {
  switch (question.type) {
    case "text":
      return readText;
    case "label_selection": {
      const isLabel = optionChecker(question);
      return (raw) => isLabel(raw);
    }
    case "multi_label_selection": {
      const isLabel = optionChecker(question);
      return (raw) => {
        if (!Array.isArray(raw)) throw new ValueProblem("a list of labels", describeValue(raw));
        for (let i = 0; i < raw.length; i++) isLabel(raw[i]);
        return raw as string[];
      };
    }
    case "rating": {
      const allowed = new Set(question.values);
      const expected = oneOf(question.values);
      return (raw) => {
        if (typeof raw !== "number" || !Number.isInteger(raw)) throw new ValueProblem("integer", describeValue(raw));
        if (!allowed.has(raw)) throw new ValueProblem(expected, quoteValue(raw));
        return raw;
      };
    }
    case "ranking": {
      const isOption = optionChecker(question);
      return (raw) => readRanking(raw, isOption);
    }
    case "span": {
      const isLabel = optionChecker(question);
      return (raw) => readSpans(raw, isLabel);
    }
  }
}

function readText(raw: unknown): string {
  if (typeof raw !== "string") throw new ValueProblem("a string", describeValue(raw));
  return storableText(raw);
}

/** Passes text through, or throws what makes it unstorable (a NUL, a lone surrogate: textProblem). */
function storableText(text: string): string {
  const problem = textProblem(text);
  if (problem !== undefined) throw new ValueProblem(undefined, undefined, problem);
  return text;
}

/** Returns a function that passes a value through if it is one of the question's options. */
function optionChecker(question: QuestionSettings): (raw: unknown) => string {
  const options = questionOptions(question).map(String);
  const allowed = new Set(options);
  const expected = oneOf(options);
  return (raw) => {
    if (typeof raw !== "string" || !allowed.has(raw)) throw new ValueProblem(expected, quoteValue(raw));
    return raw;
  };
}

/** `{rank: [...], value: [...]}` (how `datasets` returns it) or `[{rank, value}, ...]`. */
function readRanking(raw: unknown, isOption: (raw: unknown) => string): RankingItem[] {
  const items: RankingItem[] = [];
  if (Array.isArray(raw)) {
    for (let i = 0; i < raw.length; i++) {
      const item = raw[i];
      if (typeof item !== "object" || item === null) throw new ValueProblem("ranking items {rank, value}", describeValue(item));
      const { rank, value } = item as Record<string, unknown>;
      items.push({ value: isOption(value), rank: readRank(rank) });
    }
    return items;
  }
  if (typeof raw === "object" && raw !== null) {
    const { rank: ranks, value: values } = raw as Record<string, unknown>;
    if (!Array.isArray(values) || (ranks != null && !Array.isArray(ranks))) {
      throw new ValueProblem("a ranking {rank: [...], value: [...]}", describeValue(raw));
    }
    if (Array.isArray(ranks) && ranks.length !== values.length) {
      throw new ValueProblem("rank and value lists of the same length", `lengths ${ranks.length} and ${values.length}`);
    }
    for (let i = 0; i < values.length; i++) {
      items.push({ value: isOption(values[i]), rank: readRank(Array.isArray(ranks) ? ranks[i] : null) });
    }
    return items;
  }
  throw new ValueProblem("a ranking {rank: [...], value: [...]} or [{rank, value}, ...]", describeValue(raw));
}

function readRank(rank: unknown): number | null {
  if (rank == null) return null;
  if (typeof rank !== "number" || !Number.isInteger(rank) || rank < 1) {
    throw new ValueProblem("rank to be an integer >= 1 or null", describeValue(rank));
  }
  return rank;
}

/** `{start: [...], end: [...], label: [...], text: [...]}` or `[{start, end, label}, ...]`; text is dropped. */
function readSpans(raw: unknown, isLabel: (raw: unknown) => string): SpanItem[] {
  const spans: SpanItem[] = [];
  if (Array.isArray(raw)) {
    for (let i = 0; i < raw.length; i++) {
      const item = raw[i];
      if (typeof item !== "object" || item === null) throw new ValueProblem("span items {start, end, label}", describeValue(item));
      const { start, end, label } = item as Record<string, unknown>;
      spans.push(makeSpan(start, end, label, isLabel));
    }
    return spans;
  }
  if (typeof raw === "object" && raw !== null) {
    const { start: starts, end: ends, label: labels } = raw as Record<string, unknown>;
    if (!Array.isArray(starts) || !Array.isArray(ends) || !Array.isArray(labels)) {
      throw new ValueProblem("spans {start: [...], end: [...], label: [...]}", describeValue(raw));
    }
    if (starts.length !== ends.length || ends.length !== labels.length) {
      throw new ValueProblem("start, end and label lists of the same length", `lengths ${starts.length}, ${ends.length} and ${labels.length}`);
    }
    for (let i = 0; i < starts.length; i++) spans.push(makeSpan(starts[i], ends[i], labels[i], isLabel));
    return spans;
  }
  throw new ValueProblem("spans {start: [...], end: [...], label: [...]} or [{start, end, label}, ...]", describeValue(raw));
}

function makeSpan(start: unknown, end: unknown, label: unknown, isLabel: (raw: unknown) => string): SpanItem {
  if (typeof start !== "number" || !Number.isInteger(start) || start < 0) {
    throw new ValueProblem("span start to be an integer >= 0", describeValue(start));
  }
  if (typeof end !== "number" || !Number.isInteger(end) || end <= start) {
    throw new ValueProblem(`span end to be an integer > start (${start})`, describeValue(end));
  }
  return { start, end, label: isLabel(label) };
}

// ---------------------------------------------------------------------------------------------
// Suggestions, metadata, vectors

const SUGGESTION_TYPES: ReadonlySet<unknown> = new Set(["model", "human", null, undefined]);

function readSuggestion(question: string, value: ResponseValue, rawMetadata: unknown): Suggestion {
  if (rawMetadata == null) return { question, value, score: null, agent: null, type: null };
  if (typeof rawMetadata !== "object" || Array.isArray(rawMetadata)) {
    throw new ValueProblem("{type, score, agent} or null", describeValue(rawMetadata));
  }
  const { type, score, agent } = rawMetadata as Record<string, unknown>;
  if (!SUGGESTION_TYPES.has(type)) throw new ValueProblem("type to be one of [model, human] or null", quoteValue(type));
  if (agent != null && typeof agent !== "string") throw new ValueProblem("agent to be a string or null", describeValue(agent));
  if (typeof agent === "string") storableText(agent);
  return { question, value, score: readScore(score), agent: (agent as string | null | undefined) ?? null, type: (type as Suggestion["type"]) ?? null };
}

/** A suggestion score: a number, or (1.28+, multi-label/ranking/span) a list of numbers. NaN and infinities are not scores. */
function readScore(score: unknown): number | number[] | null {
  if (score == null) return null;
  if (Number.isFinite(score)) return score as number;
  if (Array.isArray(score) && score.every((s) => Number.isFinite(s))) return score as number[];
  throw new ValueProblem("score to be a number, a list of numbers or null", describeValue(score));
}

const NO_METADATA = "{}";

/** Metadata values nested deeper than this are refused (they would overflow the stack when stored). */
export const MAX_METADATA_DEPTH = 100;

/** How a record's metadata is checked, prepared once per file from the settings. */
interface MetadataPlan {
  /** property name -> checks a non-null value (throws a ValueProblem) */
  properties: Map<string, (value: unknown) => void>;
  /** allow_extra_metadata: keys that are no property are kept (any JSON) or refused. */
  allowExtra: boolean;
  /** For the error when an extra key is refused. */
  refuseExtra: (key: string) => ValueProblem;
}

/**
 * Argilla 1.x checks each metadata value against its property: terms must be one of the
 * property's values (a string, or a list of them), integer an integer and float a number, both
 * within min and max; null is always allowed; a key that is no property is refused when
 * allow_extra_metadata is false.
 */
function planMetadata(settings: DatasetSettings, settingsFile: string): MetadataPlan {
  const properties = new Map<string, (value: unknown) => void>();
  for (const property of settings.metadata_properties ?? []) properties.set(property.name, metadataChecker(property));
  return {
    properties,
    allowExtra: settings.allow_extra_metadata,
    refuseExtra: (key) =>
      new ValueProblem(undefined, undefined, `metadata ${quoteValue(key)} is not a metadata property of the dataset, and ${settingsFile} sets allow_extra_metadata: false`),
  };
}

function metadataChecker(property: MetadataProperty): (value: unknown) => void {
  const name = JSON.stringify(property.name);
  if (property.type === "terms") {
    const allowed = property.values === null ? null : new Set(property.values);
    const expected = `metadata ${name} to be ${allowed === null ? "a string" : oneOf(property.values!)}`;
    const checkTerm = (term: unknown) => {
      if (typeof term !== "string") throw new ValueProblem(expected, describeValue(term));
      if (allowed === null) storableText(term);
      else if (!allowed.has(term)) throw new ValueProblem(expected, quoteValue(term));
    };
    return (value) => {
      if (Array.isArray(value)) for (let i = 0; i < value.length; i++) checkTerm(value[i]);
      else checkTerm(value);
    };
  }
  const { min, max } = property;
  const kind = property.type === "integer" ? "an integer" : "a number";
  const range = min !== null && max !== null ? ` from ${min} to ${max}` : min !== null ? ` >= ${min}` : max !== null ? ` <= ${max}` : "";
  const expected = `metadata ${name} to be ${kind}${range}`;
  const isKind = property.type === "integer" ? Number.isInteger : Number.isFinite;
  return (value) => {
    if (!isKind(value)) throw new ValueProblem(expected, describeValue(value));
    if ((min !== null && (value as number) < min) || (max !== null && (value as number) > max)) throw new ValueProblem(expected, quoteValue(value));
  };
}

/** The metadata column: a JSON string (Python json.dumps output), an object, or null; checked against the plan. */
function readMetadata(raw: unknown, plan: MetadataPlan): Record<string, unknown> {
  if (raw == null || raw === NO_METADATA) return {};
  let metadata: Record<string, unknown>;
  if (typeof raw === "string") {
    const parsed = parsePythonJson(raw);
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw new ValueProblem("a JSON object", describeValue(parsed));
    }
    metadata = parsed as Record<string, unknown>;
  } else if (typeof raw === "object" && !Array.isArray(raw)) {
    metadata = raw as Record<string, unknown>;
  } else {
    throw new ValueProblem("a JSON object string or null", describeValue(raw));
  }
  for (const key of Object.keys(metadata)) {
    const problem = textProblem(key);
    if (problem !== undefined) throw new ValueProblem(undefined, undefined, `a metadata key: ${problem}`);
    const value = metadata[key];
    const check = plan.properties.get(key);
    if (check !== undefined) {
      if (value != null) check(value);
    } else if (!plan.allowExtra) {
      throw plan.refuseExtra(key);
    } else {
      requireStorableJson(value, key, 1);
    }
  }
  return metadata;
}

/** Free-form metadata: every string and key storable (textProblem), at most MAX_METADATA_DEPTH deep. */
function requireStorableJson(value: unknown, key: string, depth: number): void {
  if (typeof value === "string") {
    const problem = textProblem(value);
    if (problem !== undefined) throw new ValueProblem(undefined, undefined, `metadata ${quoteValue(key)}: ${problem}`);
    return;
  }
  if (typeof value !== "object" || value === null) return;
  if (depth > MAX_METADATA_DEPTH) {
    throw new ValueProblem(undefined, undefined, `metadata ${quoteValue(key)} is nested deeper than ${MAX_METADATA_DEPTH} levels`);
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) requireStorableJson(value[i], key, depth + 1);
    return;
  }
  for (const inner of Object.keys(value)) {
    const problem = textProblem(inner);
    if (problem !== undefined) throw new ValueProblem(undefined, undefined, `metadata ${quoteValue(key)}, a key inside it: ${problem}`);
    requireStorableJson((value as Record<string, unknown>)[inner], key, depth + 1);
  }
}

/**
 * json.dumps output is JSON except that it writes NaN / Infinity for such floats. Those are
 * turned into null (JSON has no way to hold them); strings are left untouched.
 */
function parsePythonJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const repaired = text.replace(/"(?:[^"\\]|\\.)*"|-?\bInfinity\b|\bNaN\b/g, (token) => (token.startsWith('"') ? token : "null"));
    if (repaired !== text) {
      try {
        return JSON.parse(repaired);
      } catch {
        // fall through to the original error
      }
    }
    // JSON.parse's message quotes the text: say where it goes wrong instead.
    const { line, column, reason } = locateJsonError(text);
    const where = line > 1 ? `line ${line}, column ${column}` : `character ${column}`;
    throw new ValueProblem(undefined, undefined, `invalid JSON in the metadata string (at ${where}: ${reason})`);
  }
}

function readVectors(raw: unknown, configured: readonly { name: string; dimensions: number }[]): Record<string, number[] | null> {
  const vectors: Record<string, number[] | null> = {};
  if (raw != null && (typeof raw !== "object" || Array.isArray(raw))) {
    throw new ValueProblem("{vector name: list of numbers}", describeValue(raw));
  }
  const byName = (raw ?? {}) as Record<string, unknown>;
  for (const { name, dimensions } of configured) {
    const vector = byName[name];
    if (vector == null) {
      vectors[name] = null;
      continue;
    }
    if (!Array.isArray(vector) || vector.length !== dimensions || !vector.every((x) => Number.isFinite(x))) {
      throw new ValueProblem(`vector ${JSON.stringify(name)} to be a list of ${dimensions} numbers`, describeValue(vector));
    }
    vectors[name] = vector as number[];
  }
  return vectors;
}
