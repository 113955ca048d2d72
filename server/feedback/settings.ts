/**
 * Reads an export's dataset settings: `argilla.yaml` (Argilla 1.13+) or the legacy JSON
 * `argilla.cfg` (1.8–1.12), into the shared DatasetSettings shape, with errors that name the
 * file and the offending key path (`argilla.yaml: questions[0].labels: expected …`).
 *
 * A settings file is untrusted input read on the server's event loop, so its cost is bounded:
 * its size (MAX_SETTINGS_BYTES keeps the YAML parse near 100 ms even for the slowest YAML to
 * parse), its YAML aliases (MAX_SETTINGS_ALIASES), and what those aliases expand to
 * (MAX_EXPANDED_VALUES values, MAX_EXPANDED_CHARS characters, MAX_SETTINGS_DEPTH levels), checked
 * before anything walks the parsed value: js-yaml shares an aliased value instead of copying it,
 * so nine levels of ten aliases parse at once into a billion values that validation would visit.
 */
import { open } from "node:fs/promises";
import path from "node:path";
import { load as loadYaml, YAML11_SCHEMA, YAMLException } from "js-yaml";
import type { z } from "zod";
import { ImportError, describeValue, formatBytes, locateJsonError, oneOf, quoteValue } from "./errors";
import { datasetSettingsSchema, questionOptions, textProblem, type DatasetSettings } from "./schema";

/** A settings file larger than this is refused unread. Argilla's are a few KiB. */
export const MAX_SETTINGS_BYTES = 256 * 1024;
/** YAML aliases (`*name`) allowed in a settings file; Argilla's own (PyYAML) dumps have none. */
export const MAX_SETTINGS_ALIASES = 100;
/** Values (mappings, lists, scalars) a settings file may hold once its aliases are expanded. */
export const MAX_EXPANDED_VALUES = 200_000;
/** Characters of text a settings file may hold once its aliases are expanded. */
export const MAX_EXPANDED_CHARS = 4 * MAX_SETTINGS_BYTES;
/** Nesting depth of a settings file (js-yaml's own limit for YAML; JSON gets the same). */
export const MAX_SETTINGS_DEPTH = 100;

/** Parse `argilla.yaml` text. `file` is the name shown in error messages. */
export function parseArgillaYaml(text: string, file = "argilla.yaml"): DatasetSettings {
  rejectOversized(text.length, file);
  // Exports written by Argilla <= 1.13 can contain pickled UUIDs that a safe loader rejects;
  // Argilla's own DatasetConfig.from_yaml strips them with this pattern before loading (there
  // `\n\s*`, whose backtracking over a long run of blank lines is quadratic; `[ \t]*` is linear).
  const cleaned = stripBom(text).replace(/(?:\n[ \t]*)?id: !!python\/object:uuid\.UUID\s+int: \d+/g, "");
  let raw: unknown;
  try {
    // PyYAML (which wrote the file) speaks YAML 1.1, so read it with the 1.1 schema.
    raw = loadYaml(cleaned, { schema: YAML11_SCHEMA, filename: file, maxAliases: MAX_SETTINGS_ALIASES, maxDepth: MAX_SETTINGS_DEPTH });
  } catch (error) {
    if (error instanceof YAMLException) {
      throw new ImportError({
        file,
        line: error.mark ? error.mark.line + 1 : undefined,
        problem: `invalid YAML (${error.reason})`,
      });
    }
    throw new ImportError({ file, problem: "cannot be read as YAML (it is built in a way this reader cannot follow)" });
  }
  requireSettingsObject(raw, file);
  requireBoundedValues(raw, file);
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
  rejectOversized(text.length, file);
  const json = stripBom(text);
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    // JSON.parse's message quotes the file: say where it goes wrong instead.
    const { line, column, reason } = locateJsonError(json);
    throw new ImportError({ file, line, problem: `invalid JSON (column ${column}: ${reason})` });
  }
  requireSettingsObject(raw, file);
  requireBoundedValues(raw, file);
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
  let bytes: Buffer;
  try {
    bytes = await readAtMost(filePath, MAX_SETTINGS_BYTES + 1);
  } catch (error) {
    // The system's message names the absolute path: give its code only.
    throw new ImportError({ file: displayName, problem: `cannot read the file (${(error as NodeJS.ErrnoException).code ?? "read error"})` });
  }
  rejectOversized(bytes.length, displayName);
  const text = decodeUtf8(bytes, displayName);
  return filePath.endsWith(".cfg") ? parseArgillaCfg(text, displayName) : parseArgillaYaml(text, displayName);
}

/** The first `limit` bytes of a file (all of it when smaller), never more. */
async function readAtMost(filePath: string, limit: number): Promise<Buffer> {
  const handle = await open(filePath, "r");
  try {
    const buffer = Buffer.alloc(limit);
    let length = 0;
    while (length < limit) {
      const { bytesRead } = await handle.read(buffer, length, limit - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    return buffer.subarray(0, length);
  } finally {
    await handle.close();
  }
}

function rejectOversized(size: number, file: string): void {
  if (size > MAX_SETTINGS_BYTES) {
    throw new ImportError({ file, problem: `the settings file is larger than ${formatBytes(MAX_SETTINGS_BYTES)}, the limit for a settings file` });
  }
}

/** Strict UTF-8 (a byte order mark is dropped): invalid bytes are an error naming their line, never replaced. */
function decodeUtf8(bytes: Buffer, file: string): string {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  try {
    return decoder.decode(bytes);
  } catch {
    // Lines split on byte 0x0A, which never occurs inside a multi-byte UTF-8 sequence.
    let line = 1;
    for (let start = 0; start <= bytes.length; line++) {
      const newline = bytes.indexOf(0x0a, start);
      const end = newline === -1 ? bytes.length : newline;
      try {
        decoder.decode(bytes.subarray(start, end));
      } catch {
        break;
      }
      start = end + 1;
    }
    throw new ImportError({ file, line, problem: "the file is not valid UTF-8 text" });
  }
}

/**
 * Walks the loaded settings as validation will (an aliased value once per reference), within
 * MAX_EXPANDED_VALUES, MAX_EXPANDED_CHARS and MAX_SETTINGS_DEPTH, and checks every string and key
 * for text PostgreSQL cannot store (textProblem). Iterative: a cycle or a bomb stops at a limit.
 */
function requireBoundedValues(raw: Record<string, unknown>, file: string): void {
  interface Visit {
    value: unknown;
    key: PropertyKey | null;
    parent: Visit | null;
    depth: number;
  }
  const keyPathOf = (visit: Visit): string => {
    const keys: PropertyKey[] = [];
    for (let at: Visit | null = visit; at && at.key !== null; at = at.parent) keys.unshift(at.key);
    return keys.length > 6 ? `${formatKeyPath(keys.slice(0, 6))}…` : formatKeyPath(keys);
  };
  const stack: Visit[] = [{ value: raw, key: null, parent: null, depth: 0 }];
  let values = 0;
  let chars = 0;
  while (stack.length > 0) {
    const visit = stack.pop()!;
    const { value } = visit;
    if (++values > MAX_EXPANDED_VALUES) {
      throw new ImportError({ file, problem: `the settings hold more than ${MAX_EXPANDED_VALUES.toLocaleString("en")} values once their YAML aliases are expanded` });
    }
    if (typeof value === "string") {
      chars += value.length;
      if (chars > MAX_EXPANDED_CHARS) {
        throw new ImportError({ file, problem: `the settings hold more than ${formatBytes(MAX_EXPANDED_CHARS)} of text once their YAML aliases are expanded` });
      }
      const problem = textProblem(value);
      if (problem) throw new ImportError({ file, keyPath: keyPathOf(visit) || undefined, problem });
      continue;
    }
    if (typeof value !== "object" || value === null || !(Array.isArray(value) || Object.getPrototypeOf(value) === Object.prototype)) continue;
    if (visit.depth >= MAX_SETTINGS_DEPTH) {
      throw new ImportError({ file, keyPath: keyPathOf(visit) || undefined, problem: `the settings are nested deeper than ${MAX_SETTINGS_DEPTH} levels` });
    }
    const entries: [PropertyKey, unknown][] = Array.isArray(value) ? value.map((item, index) => [index, item]) : Object.entries(value);
    for (const [key, item] of entries) {
      if (typeof key === "string") {
        const problem = textProblem(key);
        if (problem) throw new ImportError({ file, keyPath: keyPathOf(visit) || undefined, problem: `a key: ${problem}` });
      }
      stack.push({ value: item, key, parent: visit, depth: visit.depth + 1 });
    }
  }
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

  settings.questions.forEach((question, index) => rejectDuplicateOptions(question, index, file));
  (settings.metadata_properties ?? []).forEach((property, index) => {
    if (property.type !== "terms" && property.min !== null && property.max !== null && property.min > property.max) {
      throw new ImportError({
        file,
        keyPath: `metadata_properties[${index}]`,
        problem: `min (${property.min}) is greater than max (${property.max})`,
      });
    }
  });

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
    // Only the type: this file may not be a settings file at all, and its content is not shown.
    throw new ImportError({ file, expected: "a mapping with fields and questions", got: typeOnly(raw) });
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

/** Argilla's option lists are unique (pydantic `unique_items`); a repeated one would make answers ambiguous. */
function rejectDuplicateOptions(question: DatasetSettings["questions"][number], index: number, file: string): void {
  const key = question.type === "rating" || question.type === "ranking" ? "values" : "labels";
  const raw = question.type === "rating" || question.type === "ranking" ? question.values : question.type === "text" ? null : question.labels;
  if (!Array.isArray(raw)) return; // text questions; a {value: title} mapping cannot repeat a value
  const firstIndex = new Map<string | number, number>();
  questionOptions(question).forEach((option, position) => {
    const previous = firstIndex.get(option);
    if (previous !== undefined) {
      throw new ImportError({
        file,
        keyPath: `questions[${index}].${key}[${position}]`,
        problem: `duplicate ${question.type === "rating" ? "value" : question.type === "ranking" ? "ranking value" : "label"} ${quoteValue(option)} (also ${key}[${previous}])`,
      });
    }
    firstIndex.set(option, position);
  });
}

/** `a string`, `a number`, `a list`: what a value is, without its content. */
function typeOnly(value: unknown): string {
  if (value === null || value === undefined) return "nothing";
  if (Array.isArray(value)) return "a list";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
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
