/**
 * Reads an export's dataset settings: `argilla.yaml` (Argilla 1.13+) or the legacy JSON
 * `argilla.cfg` (1.8–1.12), into the shared DatasetSettings shape, with errors that name the
 * file and the offending key path (`argilla.yaml: questions[0].labels: expected …`).
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { load as loadYaml, YAML11_SCHEMA, YAMLException } from "js-yaml";
import type { z } from "zod";
import { ImportError, describeValue, oneOf, quoteValue } from "./errors";
import { datasetSettingsSchema, type DatasetSettings } from "./schema";

/** Parse `argilla.yaml` text. `file` is the name shown in error messages. */
export function parseArgillaYaml(text: string, file = "argilla.yaml"): DatasetSettings {
  // Exports written by Argilla <= 1.13 can contain pickled UUIDs that a safe loader rejects;
  // Argilla's own DatasetConfig.from_yaml strips them with this same pattern before loading.
  const cleaned = stripBom(text).replace(/(\n\s*|)id: !!python\/object:uuid\.UUID\s+int: \d+/g, "");
  let raw: unknown;
  try {
    // PyYAML (which wrote the file) speaks YAML 1.1, so read it with the 1.1 schema.
    raw = loadYaml(cleaned, { schema: YAML11_SCHEMA, filename: file });
  } catch (error) {
    if (error instanceof YAMLException) {
      throw new ImportError({
        file,
        line: error.mark ? error.mark.line + 1 : undefined,
        problem: `invalid YAML (${error.reason})`,
        cause: error,
      });
    }
    throw error;
  }
  requireSettingsObject(raw, file);
  // Like from_yaml: older dumps carried `id` and a redundant `settings` block per field/question.
  for (const entry of [...listOrEmpty(raw.fields), ...listOrEmpty(raw.questions)]) {
    if (isPlainObject(entry)) {
      delete entry.id;
      delete entry.settings;
    }
  }
  return validateDatasetSettings(raw, file);
}

/** Parse a legacy `argilla.cfg` (JSON; fields, questions and guidelines only). */
export function parseArgillaCfg(text: string, file = "argilla.cfg"): DatasetSettings {
  let raw: unknown;
  try {
    raw = JSON.parse(stripBom(text));
  } catch (error) {
    throw new ImportError({ file, problem: `invalid JSON (${(error as Error).message})`, cause: error });
  }
  requireSettingsObject(raw, file);
  for (const field of listOrEmpty(raw.fields)) {
    if (isPlainObject(field)) convertLegacyField(field);
  }
  for (const question of listOrEmpty(raw.questions)) {
    if (isPlainObject(question)) convertLegacyQuestion(question);
  }
  // DeprecatedDatasetConfig only knew these three keys.
  return validateDatasetSettings({ fields: raw.fields, questions: raw.questions, guidelines: raw.guidelines }, file);
}

/** Read and parse a settings file from disk, choosing the format by its name. */
export async function readSettingsFile(filePath: string, displayName = path.basename(filePath)): Promise<DatasetSettings> {
  let text: string;
  try {
    text = await readFile(filePath, "utf8");
  } catch (error) {
    throw new ImportError({ file: displayName, problem: `cannot read the file (${(error as Error).message})`, cause: error });
  }
  return filePath.endsWith(".cfg") ? parseArgillaCfg(text, displayName) : parseArgillaYaml(text, displayName);
}

/**
 * Validate an already-loaded settings object against the shared zod schema, plus the checks
 * Argilla makes that the schema cannot express (unique names, span questions naming a field).
 */
export function validateDatasetSettings(raw: unknown, file: string): DatasetSettings {
  if (isPlainObject(raw)) {
    // Argilla's pydantic models default a missing title to name.capitalize().
    for (const entry of [...listOrEmpty(raw.fields), ...listOrEmpty(raw.questions)]) {
      if (isPlainObject(entry) && entry.title == null && typeof entry.name === "string") {
        entry.title = pythonCapitalize(entry.name);
      }
    }
  }
  const parsed = datasetSettingsSchema.safeParse(raw);
  if (!parsed.success) throw zodIssueToImportError(parsed.error.issues, raw, file);
  const settings = parsed.data;

  rejectDuplicateNames(settings.fields, "fields", "field", file);
  rejectDuplicateNames(settings.questions, "questions", "question", file);
  rejectDuplicateNames(settings.metadata_properties ?? [], "metadata_properties", "metadata property", file);
  rejectDuplicateNames(settings.vectors_settings ?? [], "vectors_settings", "vector", file);

  const fieldNames = settings.fields.map((f) => f.name);
  settings.questions.forEach((question, index) => {
    if (question.type === "span" && !fieldNames.includes(question.field)) {
      throw new ImportError({
        file,
        keyPath: `questions[${index}].field`,
        expected: `a field name, ${oneOf(fieldNames)}`,
        got: quoteValue(question.field),
      });
    }
  });
  return settings;
}

// ---------------------------------------------------------------------------------------------

function requireSettingsObject(raw: unknown, file: string): asserts raw is Record<string, unknown> {
  if (!isPlainObject(raw)) {
    throw new ImportError({ file, expected: "a mapping with fields and questions", got: describeValue(raw) });
  }
}

/** Drops the server-side keys of an argilla.cfg entry and returns its old `settings` block, if any. */
function takeLegacySettings(entry: Record<string, unknown>): Record<string, unknown> | null {
  delete entry.id;
  delete entry.inserted_at;
  delete entry.updated_at;
  const legacy = entry.settings;
  delete entry.settings;
  return isPlainObject(legacy) ? legacy : null;
}

/** argilla.cfg 1.8–1.10 kept the type (and options) in a `settings` block; move them up. */
function convertLegacyField(field: Record<string, unknown>): void {
  const legacy = takeLegacySettings(field);
  if (!legacy) return;
  if (legacy.type !== undefined) field.type = legacy.type;
  if (legacy.use_markdown !== undefined) field.use_markdown = legacy.use_markdown;
}

function convertLegacyQuestion(question: Record<string, unknown>): void {
  const legacy = takeLegacySettings(question);
  if (!legacy) return;
  if (legacy.type !== undefined) question.type = legacy.type;
  const options = Array.isArray(legacy.options) ? legacy.options.filter(isPlainObject) : [];
  if (question.type === "rating" || question.type === "ranking") {
    question.values = options.map((option) => option.value);
  } else if (question.type === "label_selection" || question.type === "multi_label_selection") {
    // Same rule as Argilla: a plain list when every option's text equals its value.
    question.labels = options.every((option) => option.value === option.text)
      ? options.map((option) => option.value)
      : Object.fromEntries(options.map((option) => [option.value, option.text]));
    const visible = legacy.visible_labels ?? legacy.visible_options;
    if (visible !== undefined) question.visible_labels = visible;
  }
  if (legacy.use_markdown !== undefined && question.type === "text") question.use_markdown = legacy.use_markdown;
}

function rejectDuplicateNames(entries: readonly { name: string }[], key: string, what: string, file: string): void {
  const firstIndex = new Map<string, number>();
  entries.forEach((entry, index) => {
    const previous = firstIndex.get(entry.name);
    if (previous !== undefined) {
      throw new ImportError({
        file,
        keyPath: `${key}[${index}].name`,
        problem: `duplicate ${what} name ${JSON.stringify(entry.name)} (also ${key}[${previous}])`,
      });
    }
    firstIndex.set(entry.name, index);
  });
}

type ZodIssue = z.core.$ZodIssue;

function zodIssueToImportError(issues: readonly ZodIssue[], raw: unknown, file: string): ImportError {
  const issue = issues[0]!;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? "s" : ""})` : "";
  const { path: issuePath, expected, got, problem } = explainIssue(issue, raw, []);
  return new ImportError({
    file,
    keyPath: formatKeyPath(issuePath) || undefined,
    expected,
    got: got === undefined ? undefined : got + more,
    problem: problem === undefined ? undefined : problem + more,
  });
}

interface IssueExplanation {
  path: PropertyKey[];
  expected?: string;
  got?: string;
  problem?: string;
}

function explainIssue(issue: ZodIssue, raw: unknown, prefix: PropertyKey[]): IssueExplanation {
  const issuePath = [...prefix, ...issue.path];
  const actual = valueAt(raw, issuePath);
  switch (issue.code) {
    case "invalid_type":
      return { path: issuePath, expected: describeZodType(issue.expected), got: describeValue(actual) };
    case "invalid_value":
      return { path: issuePath, expected: oneOf(issue.values.map(String)), got: quoteValue(actual) };
    case "invalid_union": {
      // A bad discriminator (`type`); zod lists the valid ones in `options` (untyped in v4).
      const discriminatorOptions = (issue as { options?: unknown[] }).options;
      if (Array.isArray(discriminatorOptions)) {
        return { path: issuePath, expected: oneOf(discriminatorOptions.map(String)), got: quoteValue(actual) };
      }
      // A branch that failed deeper inside the value got further: report its first problem.
      const deeper = issue.errors.map((branch) => branch[0]).find((first) => first && first.path.length > 0);
      if (deeper) return explainIssue(deeper, raw, issuePath);
      const alternatives = issue.errors
        .map((branch) => (branch[0]?.code === "invalid_type" ? describeZodType(branch[0].expected) : undefined))
        .filter((text): text is string => text !== undefined);
      return {
        path: issuePath,
        expected: alternatives.length ? [...new Set(alternatives)].join(" or ") : "a valid value",
        got: describeValue(actual),
      };
    }
    case "too_small":
      if (issue.origin === "array") return { path: issuePath, expected: `at least ${issue.minimum} item(s)`, got: describeValue(actual) };
      if (issue.origin === "string") return { path: issuePath, expected: "a non-empty string", got: describeValue(actual) };
      return { path: issuePath, expected: `a number >= ${issue.minimum}`, got: describeValue(actual) };
    default:
      return { path: issuePath, problem: issue.message };
  }
}

function describeZodType(expected: string): string {
  switch (expected) {
    case "array":
      return "a list";
    case "record":
    case "object":
      return "a mapping";
    case "string":
      return "a string";
    case "boolean":
      return "true or false";
    case "int":
      return "an integer";
    default:
      return `a ${expected}`;
  }
}

/** ["questions", 0, "labels"] -> "questions[0].labels" */
function formatKeyPath(keys: readonly PropertyKey[]): string {
  let text = "";
  for (const key of keys) {
    if (typeof key === "number") text += `[${key}]`;
    else text += text ? `.${String(key)}` : String(key);
  }
  return text;
}

function valueAt(root: unknown, keys: readonly PropertyKey[]): unknown {
  let current = root;
  for (const key of keys) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function listOrEmpty(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Python's str.capitalize(): first character upper-cased, the rest lower-cased. */
function pythonCapitalize(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1).toLowerCase();
}
