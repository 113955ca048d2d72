/**
 * Incremental diagnostics over preview results or prepared rows: counts in/out/dropped by reason,
 * label distribution with balance warnings, duplicate and conflicting rows, train/test leakage
 * (identical inputs in both splits) and text-length histograms in characters (code points) over
 * fixed bins, and in tokens when a token counter is given. Memory grows with the distinct inputs
 * seen, nothing else.
 */
import { codePointLength } from "./code-points";
import { DROP_REASON_LIST, type DropReason } from "./drop-reasons";
import type { RecordResult } from "./format-records";
import type { PreparedData } from "./prepare-for-training";
import { ADAPTERS } from "./frameworks";
import { LabelSpace } from "./frameworks/labels";
import type { Framework, FrameworkAdapter, FrameworkOptions, Row, RowContext } from "./frameworks/types";
import type { TaskKind } from "./tasks/schema";
import type { Sample } from "./tasks/types";

/** Lower bounds of the length bins, in characters; the last bin is open-ended. */
export const LENGTH_BINS = [0, 1, 50, 100, 200, 500, 1000, 2000, 5000, 10000] as const;
/** Lower bounds of the token-count bins; the last bin is open-ended. */
export const TOKEN_BINS = [0, 1, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096] as const;
/** Token counts are taken on at most this many rows (every k-th row): a tokenizer costs ~30 µs a text. */
export const MAX_TOKENIZED_ROWS = 10_000;
/** A class with fewer rows than this fraction of the majority class is reported. */
export const MINORITY_CLASS_RATIO = 0.1;
/** Example excerpts listed per finding (duplicates, conflicts, leakage). */
export const MAX_EXAMPLES = 5;

/** Counts a text's tokens (special tokens left out), for token-length histograms. */
export interface TokenCounter {
  /** What the person chose, for display. */
  tokenizer: string;
  count(text: string): number;
}

export interface DiagnosticsOptions {
  task: TaskKind | { task: TaskKind };
  framework: Framework;
  /** Label names in id order (PreparedData.meta.id2label / FormattedPage.labels), to name ids in rows. */
  labels?: readonly string[];
  frameworkOptions?: FrameworkOptions;
  /** Token lengths of the texts as well, for every `every`-th row (default 1: each row). */
  tokens?: TokenCounter & { every?: number };
}

/** A row of a split, for leakage and per-split counts. */
export interface SplitRow {
  split: "train" | "test";
  row: Row;
}

export interface LengthHistogram {
  bins: { min: number; max: number | null; count: number }[];
  count: number;
  min: number;
  max: number;
  mean: number;
}

export interface DiagnosticsWarning {
  code: "single_class" | "minority_class" | "unused_label" | "duplicates" | "conflicting_labels" | "leakage" | "errors" | "most_dropped";
  message: string;
}

export interface DiagnosticsReport {
  records: { total: number; withRows: number; errors: number; dropped: Partial<Record<DropReason, number>> };
  rows: { total: number; train: number; test: number };
  labels?: Record<string, number>;
  /** Rows identical in input and label to an earlier row. */
  duplicates: { rows: number; examples: string[] };
  /** Inputs seen with different labels. */
  conflicts: { inputs: number; examples: string[] };
  /** Test rows whose input also appears in the train split. */
  leakage: { rows: number; examples: string[] };
  lengths: Record<string, LengthHistogram>;
  /** Token lengths per text column, over `rows` rows (every k-th row when there are many). */
  tokens?: { tokenizer: string; rows: number; lengths: Record<string, LengthHistogram> };
  warnings: DiagnosticsWarning[];
}

export interface Diagnostics {
  add(input: RecordResult | SplitRow): void;
  result(): DiagnosticsReport;
}

export function createDiagnostics(options: DiagnosticsOptions): Diagnostics {
  const kind = typeof options.task === "string" ? options.task : options.task.task;
  const adapter = ADAPTERS[kind][options.framework] as FrameworkAdapter<Sample> | undefined;
  if (!adapter) throw new Error(`${kind} does not support the ${options.framework} framework`);
  const ctx: RowContext = { labels: options.labels ? new LabelSpace(options.labels) : undefined, options: options.frameworkOptions ?? {} };

  const records = { total: 0, withRows: 0, errors: 0, dropped: {} as Partial<Record<DropReason, number>> };
  const rowCounts = { total: 0, train: 0, test: 0 };
  const labelCounts = new Map<string, number>();
  // One entry per distinct input: the labels it was seen with — one key (the common case, no Set
  // allocated) or several (a conflict) — and whether it occurs in the train split.
  const inputs = new Map<string, { labels: string | Set<string>; inTrain: boolean }>();
  const duplicates = { rows: 0, examples: [] as string[] };
  const testInputs: string[] = [];
  const lengths = new Map<string, LengthAccumulator>();
  const tokenLengths = new Map<string, LengthAccumulator>();
  const tokenEvery = Math.max(1, Math.floor(options.tokens?.every ?? 1));
  let tokenizedRows = 0;
  let hasLabels = false;

  function addRow(row: Row, split?: "train" | "test"): void {
    rowCounts.total++;
    const view = adapter!.view(row, ctx);
    const labelsKey = view.labels ? view.labels.join("\u0000") : "";
    if (view.labels) {
      hasLabels = true;
      for (const label of view.labels) labelCounts.set(label, (labelCounts.get(label) ?? 0) + 1);
    }
    // A duplicate repeats an earlier row's input AND labels; an input with several label sets is a conflict.
    const seen = inputs.get(view.input);
    let duplicate = false;
    if (seen === undefined) inputs.set(view.input, { labels: labelsKey, inTrain: split === "train" });
    else {
      if (typeof seen.labels === "string") {
        duplicate = seen.labels === labelsKey;
        if (!duplicate) seen.labels = new Set([seen.labels, labelsKey]);
      } else {
        duplicate = seen.labels.has(labelsKey);
        seen.labels.add(labelsKey);
      }
      if (split === "train") seen.inTrain = true;
    }
    if (duplicate) {
      duplicates.rows++;
      if (duplicates.examples.length < MAX_EXAMPLES) duplicates.examples.push(view.input);
    }
    if (split === "train") {
      rowCounts.train++;
    } else if (split === "test") {
      rowCounts.test++;
      testInputs.push(view.input);
    }
    for (const [column, text] of view.texts) accumulator(lengths, column, LENGTH_BINS).add(codePointLength(text));
    if (options.tokens && (rowCounts.total - 1) % tokenEvery === 0) {
      tokenizedRows++;
      for (const [column, text] of view.texts) accumulator(tokenLengths, column, TOKEN_BINS).add(options.tokens.count(text));
    }
  }

  return {
    add(input) {
      if ("split" in input) return addRow(input.row, input.split);
      records.total++;
      if (input.error !== undefined) records.errors++;
      if (input.dropped) records.dropped[input.dropped.reason] = (records.dropped[input.dropped.reason] ?? 0) + 1;
      if (input.rows.length > 0) records.withRows++;
      for (const row of input.rows) addRow(row);
    },
    result() {
      const leaked = testInputs.filter((input) => inputs.get(input)!.inTrain);
      const conflicts: string[] = [];
      for (const [input, seen] of inputs) if (typeof seen.labels !== "string") conflicts.push(input);
      return assembleReport(
        { ...records, dropped: { ...records.dropped } },
        {
          rows: { train: rowCounts.train, test: rowCounts.test, total: rowCounts.total },
          labels: hasLabels || ctx.labels ? labelCounts : undefined,
          labelNames: ctx.labels?.names,
          lengths: histograms(lengths),
          duplicates: { rows: duplicates.rows, texts: duplicates.examples },
          conflicts: { inputs: conflicts.length, texts: conflicts.slice(0, MAX_EXAMPLES) },
          leakage: { rows: leaked.length, texts: leaked.slice(0, MAX_EXAMPLES) },
        },
        options.tokens ? { tokenizer: options.tokens.tokenizer, rows: tokenizedRows, lengths: histograms(tokenLengths) } : undefined,
      );
    },
  };
}

/**
 * Diagnostics of prepared data: its split rows plus the record counts from its meta. With a token
 * counter, token lengths are taken on every k-th row, at most MAX_TOKENIZED_ROWS of them.
 */
export function diagnosePrepared(
  data: PreparedData,
  frameworkOptions?: FrameworkOptions,
  tokenCounter?: TokenCounter,
): DiagnosticsReport {
  const { meta } = data;
  const labels = meta.id2label ? Object.keys(meta.id2label).map((id) => meta.id2label![Number(id)]!) : undefined;
  const rows = data.train.length + data.test.length;
  const tokens = tokenCounter && { ...tokenCounter, every: Math.ceil(rows / MAX_TOKENIZED_ROWS) };
  const diagnostics = createDiagnostics({ task: meta.task, framework: meta.framework, labels, frameworkOptions, tokens });
  for (const row of data.train) diagnostics.add({ split: "train", row });
  for (const row of data.test) diagnostics.add({ split: "test", row });
  const report = diagnostics.result();
  report.records = recordCounts(meta);
  report.warnings = warningsFor(report);
  return report;
}

/**
 * What a pass over a prepare's rows tallies, for a report built without walking them again
 * (preparedReport): rows per split, rows per label, text-length histograms per column, and the
 * findings with the texts of their first examples (excerpted here).
 */
export interface RowTallies {
  rows: { train: number; test: number; total?: number };
  /** Rows per label name; undefined when the rows have no labels. */
  labels?: ReadonlyMap<string, number>;
  /** Every label of the label set, so unused ones show. */
  labelNames?: readonly string[];
  lengths: Record<string, LengthHistogram>;
  duplicates: { rows: number; texts: readonly string[] };
  conflicts: { inputs: number; texts: readonly string[] };
  leakage: { rows: number; texts: readonly string[] };
}

/** The diagnostics report of a prepare (its meta: record counts, label set) from tallies of its rows. */
export function preparedReport(meta: Pick<PreparedData["meta"], "counts" | "dropped" | "id2label">, tallies: RowTallies): DiagnosticsReport {
  const labelNames = tallies.labelNames ?? (meta.id2label ? Object.keys(meta.id2label).map((id) => meta.id2label![Number(id)]!) : undefined);
  return assembleReport(recordCounts(meta), { ...tallies, labelNames });
}

/** Text lengths as a histogram over `bins` (default LENGTH_BINS: characters). */
export function lengthHistogram(lengths: Iterable<number>, bins: readonly number[] = LENGTH_BINS): LengthHistogram {
  const acc = new LengthAccumulator(bins);
  for (const length of lengths) acc.add(length);
  return acc.histogram();
}

function assembleReport(records: DiagnosticsReport["records"], tallies: RowTallies, tokens?: DiagnosticsReport["tokens"]): DiagnosticsReport {
  const report: DiagnosticsReport = {
    records,
    rows: { total: tallies.rows.total ?? tallies.rows.train + tallies.rows.test, train: tallies.rows.train, test: tallies.rows.test },
    labels: tallies.labels ? labelDistribution(tallies.labels, tallies.labelNames) : undefined,
    duplicates: { rows: tallies.duplicates.rows, examples: tallies.duplicates.texts.map(excerpt) },
    conflicts: { inputs: tallies.conflicts.inputs, examples: tallies.conflicts.texts.slice(0, MAX_EXAMPLES).map(excerpt) },
    leakage: { rows: tallies.leakage.rows, examples: tallies.leakage.texts.slice(0, MAX_EXAMPLES).map(excerpt) },
    lengths: tallies.lengths,
    ...(tokens ? { tokens } : {}),
    warnings: [],
  };
  report.warnings = warningsFor(report);
  return report;
}

/** The report's record counts from a prepare's meta: records with rows are those not dropped. */
function recordCounts(meta: Pick<PreparedData["meta"], "counts" | "dropped">): DiagnosticsReport["records"] {
  const dropped: Partial<Record<DropReason, number>> = {};
  let droppedTotal = 0;
  for (const reason of DROP_REASON_LIST) {
    if (meta.dropped[reason].count === 0) continue;
    dropped[reason] = meta.dropped[reason].count;
    droppedTotal += meta.dropped[reason].count;
  }
  return { total: meta.counts.records, withRows: meta.counts.records - droppedTotal, errors: 0, dropped };
}

function labelDistribution(counts: ReadonlyMap<string, number>, names: readonly string[] | undefined): Record<string, number> {
  const distribution: Record<string, number> = {};
  for (const name of names ?? []) distribution[name] = 0; // every label, so unused ones show
  for (const [name, count] of counts) distribution[name] = count;
  return distribution;
}

function warningsFor(report: DiagnosticsReport): DiagnosticsWarning[] {
  const warnings: DiagnosticsWarning[] = [];
  if (report.labels) {
    const entries = Object.entries(report.labels);
    const used = entries.filter(([, n]) => n > 0);
    const [majorityName, majority] = used.reduce<[string, number]>((best, e) => (e[1] > best[1] ? e : best), ["", 0]);
    if (used.length === 1) {
      warnings.push({ code: "single_class", message: `Every row has the label "${used[0]![0]}": a classifier needs at least two classes.` });
    }
    for (const [name, count] of used) {
      if (count < MINORITY_CLASS_RATIO * majority) {
        warnings.push({
          code: "minority_class",
          message: `Label "${name}" has ${count} rows, less than ${MINORITY_CLASS_RATIO * 100}% of the majority label "${majorityName}" (${majority}).`,
        });
      }
    }
    for (const [name, count] of entries) {
      if (count === 0) warnings.push({ code: "unused_label", message: `Label "${name}" has no rows.` });
    }
  }
  if (report.duplicates.rows > 0) {
    warnings.push({ code: "duplicates", message: `${report.duplicates.rows} rows repeat an earlier row exactly.` });
  }
  if (report.conflicts.inputs > 0) {
    warnings.push({ code: "conflicting_labels", message: `${report.conflicts.inputs} inputs appear with different labels.` });
  }
  if (report.leakage.rows > 0) {
    warnings.push({ code: "leakage", message: `${report.leakage.rows} test rows have an input that is also in the train split.` });
  }
  if (report.records.errors > 0) {
    warnings.push({ code: "errors", message: `${report.records.errors} records could not be formatted (see their errors).` });
  }
  const droppedTotal = Object.values(report.records.dropped).reduce((a, b) => a + (b ?? 0), 0);
  if (report.records.total > 0 && droppedTotal * 2 > report.records.total) {
    warnings.push({ code: "most_dropped", message: `${droppedTotal} of ${report.records.total} records were dropped.` });
  }
  return warnings;
}

function accumulator(byColumn: Map<string, LengthAccumulator>, column: string, bins: readonly number[]): LengthAccumulator {
  let acc = byColumn.get(column);
  if (!acc) byColumn.set(column, (acc = new LengthAccumulator(bins)));
  return acc;
}

function histograms(byColumn: Map<string, LengthAccumulator>): Record<string, LengthHistogram> {
  return Object.fromEntries([...byColumn].map(([column, acc]) => [column, acc.histogram()]));
}

class LengthAccumulator {
  private readonly counts: number[];
  private count = 0;
  private sum = 0;
  private min = Infinity;
  private max = 0;

  constructor(private readonly bins: readonly number[]) {
    this.counts = new Array<number>(bins.length).fill(0);
  }

  add(length: number): void {
    let bin = this.bins.length - 1;
    while (this.bins[bin]! > length) bin--;
    this.counts[bin]!++;
    this.count++;
    this.sum += length;
    if (length < this.min) this.min = length;
    if (length > this.max) this.max = length;
  }

  histogram(): LengthHistogram {
    return {
      bins: this.bins.map((min, i) => ({ min, max: i + 1 < this.bins.length ? this.bins[i + 1]! - 1 : null, count: this.counts[i]! })),
      count: this.count,
      min: this.count ? this.min : 0,
      max: this.max,
      mean: this.count ? this.sum / this.count : 0,
    };
  }
}

function excerpt(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
