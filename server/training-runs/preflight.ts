/**
 * Preflight checks before Start: what would make a run train on less than the person thinks, each
 * naming the records it concerns (their numbers open in the records view). Pure: the caller gives
 * the formatted rows of the records checked, the prepare's split, a token counter and the parsed
 * config. Method-specific:
 * - a row (prompt + completion, a text, a chosen or rejected answer) longer than the max sequence
 *   length: truncated, or for reward modeling dropped by TRL;
 * - an SFT response template that appears in no row (or not in some: those rows are dropped);
 * - a class with fewer examples than the batch needs (SetFit pairs need 2 and samples_per_label);
 * - a test split left without a class the training split has;
 * - DPO chosen and rejected cut to the same text by truncation (they share everything the
 *   max length keeps).
 */
import type { Row } from "../training";
import type { ConfigName } from "./configs";

export type CheckSeverity = "error" | "warning";

export interface PreflightCheck {
  code: "too_long" | "pairs_dropped" | "response_template_missing" | "class_too_small" | "test_split_missing_class" | "truncated_to_same";
  severity: CheckSeverity;
  message: string;
  /** The config setting it concerns, for the form to show it beside that field. */
  field?: string;
  /** Record indexes (0-based; shown 1-based) concerned, the first MAX_LINKED of them. */
  records: number[];
  /** How many records it concerns in all. */
  count: number;
}

export const MAX_LINKED = 20;

export interface PreflightRecord {
  index: number;
  rows: Row[];
}

export interface PreflightInput {
  configName: ConfigName;
  /** The config with its defaults filled in. */
  config: Record<string, unknown>;
  /** The records checked with their formatted rows. */
  records: readonly PreflightRecord[];
  /** A row's label names (classification), for class counts; none: no class checks. */
  labelsOf?: (row: Row) => string[] | undefined;
  /** Label names per split of the prepare; test null: no test split. */
  splitLabels?: { train: Record<string, number>; test: Record<string, number> | null };
  /** Counts a text's tokens (the model's tokenizer, or an approximation). */
  countTokens: (text: string) => number;
  /** The model's own maximum, for configs whose max_length is null ("the model's maximum"). */
  modelMaxLength?: number | null;
}

/** The sequences one row makes, as the trainer reads them: [name, text]. */
export function rowSequences(row: Row): [string, string][] {
  const text = (value: unknown): string | null => (typeof value === "string" ? value : Array.isArray(value) ? messagesText(value) : null);
  if ("chosen" in row && "rejected" in row) {
    const prompt = text(row.prompt) ?? "";
    return [
      ["prompt + chosen", prompt + (text(row.chosen) ?? "")],
      ["prompt + rejected", prompt + (text(row.rejected) ?? "")],
    ];
  }
  if ("prompt" in row && "completion" in row) return [["prompt + completion", (text(row.prompt) ?? "") + (text(row.completion) ?? "")]];
  if (Array.isArray(row.messages)) return [["messages", messagesText(row.messages)]];
  if (typeof row.text === "string") return [["text", row.text]];
  const strings = Object.entries(row).filter((entry): entry is [string, string] => typeof entry[1] === "string" && entry[0] !== "label");
  return strings.length ? [[strings.map(([key]) => key).join(" + "), strings.map(([, value]) => value).join("\n")]] : [];
}

function messagesText(messages: unknown[]): string {
  return messages.map((message) => (typeof message === "object" && message !== null && typeof (message as { content?: unknown }).content === "string" ? (message as { content: string }).content : "")).join("\n");
}

/** The max sequence length a config keeps, or null for none. */
export function maxSequenceLength(config: Record<string, unknown>, modelMaxLength?: number | null): number | null {
  const value = config.max_length;
  if (typeof value === "number") return value;
  return "max_length" in config ? (modelMaxLength ?? null) : null;
}

function check(code: PreflightCheck["code"], severity: CheckSeverity, message: string, indexes: Iterable<number>, field?: string): PreflightCheck {
  const all = [...new Set(indexes)].sort((a, b) => a - b);
  return { code, severity, message, ...(field ? { field } : {}), records: all.slice(0, MAX_LINKED), count: all.length };
}

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;

export function preflightChecks(input: PreflightInput): PreflightCheck[] {
  const checks: PreflightCheck[] = [];
  const { config, configName } = input;
  const rowsWithRecord = input.records.flatMap((record) => record.rows.map((row) => ({ index: record.index, row })));

  // Sequence lengths (question answering slides windows over long contexts: nothing is lost).
  const maxLength = configName === "transformers-question-answering" || configName === "spacy" ? null : maxSequenceLength(config, input.modelMaxLength);
  if (maxLength !== null) {
    const long = new Set<number>();
    const same = new Set<number>();
    let longest = 0;
    let what = "";
    for (const { index, row } of rowsWithRecord) {
      for (const [name, text] of rowSequences(row)) {
        const tokens = input.countTokens(text);
        if (tokens > maxLength) {
          long.add(index);
          if (tokens > longest) [longest, what] = [tokens, name];
        }
      }
      if (configName === "trl-dpo" && truncatedToSame(row, maxLength, input.countTokens)) same.add(index);
    }
    if (long.size) {
      const dropped = configName === "trl-reward";
      checks.push(
        check(
          dropped ? "pairs_dropped" : "too_long",
          "warning",
          dropped
            ? `${plural(long.size, "record")} with a chosen or rejected text longer than max_length ${maxLength} tokens (longest ${longest}): TRL drops these pairs`
            : `${plural(long.size, "record")} with a row longer than ${maxLength} tokens (longest: ${what}, ${longest} tokens): the rest is cut off`,
          long,
          "max_length",
        ),
      );
    }
    if (same.size) {
      checks.push(
        check(
          "truncated_to_same",
          "error",
          `${plural(same.size, "record")}: chosen and rejected agree on their first ${maxLength} tokens with the prompt, so truncation cuts them to the same text and DPO learns nothing from them`,
          same,
          "max_length",
        ),
      );
    }
  }

  // A completion-only template must be in the rows: TRL drops rows without it.
  const template = typeof config.response_template === "string" ? config.response_template : null;
  if (template !== null) {
    const texts = rowsWithRecord.filter(({ row }) => typeof row.text === "string");
    const without = texts.filter(({ row }) => !(row.text as string).includes(template)).map(({ index }) => index);
    if (texts.length && without.length === texts.length) {
      checks.push(check("response_template_missing", "error", `the response template ${JSON.stringify(template)} appears in none of the ${plural(texts.length, "row")}: nothing would be trained`, without, "response_template"));
    } else if (without.length) {
      checks.push(check("response_template_missing", "warning", `the response template ${JSON.stringify(template)} is missing from ${plural(without.length, "row")}: they are dropped`, without, "response_template"));
    }
  }

  // Classes: per label, its records; too few for the batch; none left in the test split.
  if (input.labelsOf) {
    const recordsByLabel = new Map<string, Set<number>>();
    const rowsByLabel = new Map<string, number>();
    for (const { index, row } of rowsWithRecord) {
      for (const label of input.labelsOf(row) ?? []) {
        recordsByLabel.set(label, (recordsByLabel.get(label) ?? new Set()).add(index));
        rowsByLabel.set(label, (rowsByLabel.get(label) ?? 0) + 1);
      }
    }
    const counts = input.splitLabels?.train ?? Object.fromEntries(rowsByLabel);
    const needed = examplesNeeded(configName, config);
    for (const [label, count] of Object.entries(counts)) {
      if (count < needed.count) {
        checks.push(check("class_too_small", "warning", `class ${JSON.stringify(label)} has ${plural(count, "training example")}; ${needed.why}`, recordsByLabel.get(label) ?? [], needed.field));
      }
    }
    const test = input.splitLabels?.test;
    if (test && Object.values(test).some((n) => n > 0)) {
      for (const label of Object.keys(input.splitLabels!.train)) {
        if (!test[label]) {
          checks.push(check("test_split_missing_class", "warning", `the test split has no example of class ${JSON.stringify(label)}: its metrics cannot be measured (give more rows to the test split, or more examples of it)`, recordsByLabel.get(label) ?? []));
        }
      }
    }
  }
  return checks;
}

/** How many training examples a class needs, by runner, and why. */
function examplesNeeded(configName: ConfigName, config: Record<string, unknown>): { count: number; why: string; field?: string } {
  if (configName === "setfit") {
    const perLabel = typeof config.samples_per_label === "number" ? config.samples_per_label : 2;
    return { count: Math.max(2, perLabel), why: `SetFit's contrastive pairs need at least ${Math.max(2, perLabel)} (samples_per_label ${perLabel}, and 2 for a positive pair)`, field: "samples_per_label" };
  }
  return { count: 2, why: "a class needs at least 2 to be learned from more than one example", field: undefined };
}

/**
 * DPO: both answers keep at most maxLength tokens with the prompt; when prompt + the answers'
 * common beginning already fills that, both are cut to the same text.
 */
export function truncatedToSame(row: Row, maxLength: number, countTokens: (text: string) => number): boolean {
  if (typeof row.chosen !== "string" || typeof row.rejected !== "string" || row.chosen === row.rejected) return false;
  const prompt = typeof row.prompt === "string" ? row.prompt : "";
  const chosen = row.chosen;
  const rejected = row.rejected;
  let common = 0;
  while (common < chosen.length && common < rejected.length && chosen[common] === rejected[common]) common++;
  if (common === 0) return false;
  return countTokens(prompt + chosen.slice(0, common)) >= maxLength;
}

/** When no tokenizer is at hand: about 4 characters a token (English, BPE/WordPiece). */
export const approximateTokens = (text: string): number => Math.ceil(text.length / 4);
