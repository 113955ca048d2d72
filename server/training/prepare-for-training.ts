/**
 * prepareForTraining: streams records (pages from the database, in the chosen order) through the
 * shared per-record pipeline, removes exact duplicates (defaults path, as Argilla), splits, and
 * reports every dropped record by reason. Only the output rows are held in memory.
 */
import type { DatasetSettings, StoredRecord } from "../feedback/schema";
import { DROP_REASON_LIST, Drop, type DropReason } from "./drop-reasons";
import { PrepareError, RecordFormattingError } from "./errors";
import { createPlan, isMultiLabelSample, matchesFilter, type FilterBy } from "./pipeline";
import type { LabelSpace } from "./frameworks/labels";
import type { Framework, FrameworkOptions, Row } from "./frameworks/types";
import { SampleSet } from "./sample-set";
import { resolveSplitSizes, splitRows, type SplitSizes } from "./split";
import type { SandboxOptions } from "./tasks/formatting-function";
import type { TrainingTask } from "./tasks/schema";
import type { Sample } from "./tasks/types";

export interface PrepareInput {
  settings: DatasetSettings;
  task: TrainingTask;
  framework: Framework;
  records: AsyncIterable<StoredRecord> | Iterable<StoredRecord>;
  /** Fraction of rows for training, in (0, 1]; default 1 (no test split). */
  trainSize?: number;
  /** Fraction for the test split; default 1 - trainSize. */
  testSize?: number;
  /** Split seed; defaults to the task's seed. */
  seed?: number;
  filterBy?: FilterBy;
  /** Use only the first N records that pass the filter, in stream order. */
  maxRecords?: number;
  sandbox?: SandboxOptions;
  frameworkOptions?: FrameworkOptions;
}

export interface DroppedRecords {
  count: number;
  /** The first 50 record ids. */
  recordIds: string[];
}

export interface PreparedMeta {
  framework: Framework;
  task: TrainingTask;
  label2id?: Record<string, number>;
  id2label?: Record<number, string>;
  multiLabel?: boolean;
  counts: { records: number; rows: number; duplicates: number; train: number; test: number };
  dropped: Record<DropReason, DroppedRecords>;
}

export interface PreparedData {
  train: Row[];
  test: Row[];
  meta: PreparedMeta;
}

const MAX_LISTED_IDS = 50;
/** Records per round trip to the formatting function's worker thread. */
const FUNCTION_BATCH_SIZE = 256;

export async function prepareForTraining(input: PrepareInput): Promise<PreparedData> {
  const sizes = resolveSplitSizes(input.trainSize, input.testSize);
  const maxRecords = input.maxRecords;
  if (maxRecords !== undefined && (!Number.isInteger(maxRecords) || maxRecords < 0)) {
    throw new PrepareError(`max_records must be a non-negative integer, got ${maxRecords}`);
  }
  const plan = await createPlan(input);
  try {
    const tally = createPrepareTally();
    const { counts, noteDrop } = tally;
    const seen = plan.task.dedup ? new SampleSet() : undefined;
    const consistency = input.task.mode === "function" ? new ConsistencyCheck() : undefined;
    const openLabels = plan.task.labels !== undefined && plan.task.labels.names === null;
    let labels = openLabels ? undefined : plan.labelSpace(() => []);
    let multiLabel: boolean | undefined;
    const rows: Row[] = [];
    const deferred: { record: StoredRecord; samples: (Sample | undefined)[] }[] = [];

    const addRows = (record: StoredRecord, samples: (Sample | undefined)[]) => {
      const result = plan.rows(record, samples, labels);
      if (result instanceof Drop) return noteDrop(result.reason, record.id);
      for (const row of result) {
        consistency?.row(record, row);
        rows.push(row);
      }
    };

    const addSamples = (record: StoredRecord) => {
      const samples: (Sample | undefined)[] | Drop = plan.samples(record);
      if (samples instanceof Drop) return noteDrop(samples.reason, record.id);
      if (samples.length > 0) multiLabel ??= isMultiLabelSample(samples[0]!);
      if (consistency) for (const sample of samples) consistency.sample(record, sample!);
      if (seen) counts.duplicates += removeDuplicates(samples, seen);
      if (openLabels) deferred.push({ record, samples });
      else addRows(record, samples);
    };
    // A formatting function runs in worker threads, a batch of records per round trip; the
    // records are then handled in stream order as before. Prepare stops at the first failing
    // record, so the workers need not run the rest of its batch. While they format one batch, this
    // thread reads (and decodes) the next.
    const batched = plan.task.prefetch !== undefined;
    let batch: StoredRecord[] = [];
    let formatting: { records: StoredRecord[]; done: Promise<void> } | undefined;
    const finishFormatting = async () => {
      const running = formatting;
      formatting = undefined;
      if (!running) return;
      await running.done;
      for (const record of running.records) addSamples(record);
    };
    const flush = async () => {
      await finishFormatting();
      const records = batch;
      batch = [];
      formatting = { records, done: plan.prefetch(records, { stopAtFirstError: true }) };
      formatting.done.catch(() => {}); // awaited by finishFormatting; the prepare may end (throw) first
    };

    let accepted = 0;
    for await (const record of input.records) {
      counts.records++;
      if (!matchesFilter(record, input.filterBy)) {
        noteDrop("filtered_out", record.id);
        continue;
      }
      if (maxRecords !== undefined && accepted >= maxRecords) {
        noteDrop("over_max_records", record.id);
        continue;
      }
      accepted++;
      if (!batched) addSamples(record);
      else if (batch.push(record) >= FUNCTION_BATCH_SIZE) await flush();
    }
    if (batch.length > 0) await flush();
    await finishFormatting();

    if (openLabels) {
      labels = plan.labelSpace(() => deferred.flatMap((d) => d.samples.filter((s): s is Sample => s !== undefined)));
      if (plan.task.kind === "text_classification" && deferred.length > 0 && (labels?.names.length ?? 0) < 2) {
        throw new PrepareError(
          `The formatting function returned ${labels ? `a single label (${labels.names[0]})` : "no label"}; a classifier needs at least two (pass "labels" to fix the label set).`,
        );
      }
      for (const { record, samples } of deferred) addRows(record, samples);
    }
    return splitPrepared(rows, tally, {
      input,
      sizes,
      labels,
      multiLabel,
      stratifyKey: plan.task.kind === "text_classification" ? plan.adapter.stratifyKey : undefined,
      checkSplit: plan.adapter.checkSplit,
    });
  } finally {
    plan.dispose();
  }
}

/** A prepare's record counts and its dropped records by reason (a count and the first MAX_LISTED_IDS record ids of each). */
export interface PrepareTally {
  counts: PreparedMeta["counts"];
  dropped: Record<DropReason, DroppedRecords>;
  noteDrop(reason: DropReason, recordId: string): void;
}

export function createPrepareTally(): PrepareTally {
  const dropped = Object.fromEntries(DROP_REASON_LIST.map((r) => [r, { count: 0, recordIds: [] }])) as unknown as Record<DropReason, DroppedRecords>;
  return {
    counts: { records: 0, rows: 0, duplicates: 0, train: 0, test: 0 },
    dropped,
    noteDrop(reason, recordId) {
      const entry = dropped[reason];
      entry.count++;
      if (entry.recordIds.length < MAX_LISTED_IDS) entry.recordIds.push(recordId);
    },
  };
}

/**
 * The end of every prepare, whatever gave its rows (records here, or the digests of
 * server/services/digest-prepare, which split row numbers): no rows is an error naming the drops;
 * then the split and the meta.
 */
export function splitPrepared<T>(
  items: T[],
  tally: PrepareTally,
  end: {
    input: Pick<PrepareInput, "framework" | "task" | "seed">;
    sizes: SplitSizes;
    labels: LabelSpace | undefined;
    multiLabel: boolean | undefined;
    stratifyKey?: (item: T) => string;
    checkSplit?: (train: T[], test: T[]) => void;
  },
): { train: T[]; test: T[]; meta: PreparedMeta } {
  const { counts, dropped } = tally;
  if (items.length === 0) throw new PrepareError(noRowsMessage(counts.records, dropped));
  const { train, test } = splitRows(items, { sizes: end.sizes, seed: end.input.seed ?? end.input.task.seed, stratifyKey: end.stratifyKey });
  end.checkSplit?.(train, test);
  Object.assign(counts, { rows: items.length, train: train.length, test: test.length });
  return { train, test, meta: buildMeta(end.input, end.labels, end.multiLabel, counts, dropped) };
}

/** Argilla's drop_duplicates: identical samples (deep equality) after the first are removed in place. */
function removeDuplicates(samples: (Sample | undefined)[], seen: SampleSet): number {
  let removed = 0;
  for (let k = 0; k < samples.length; k++) {
    if (!seen.add(samples[k])) {
      samples[k] = undefined;
      removed++;
    }
  }
  return removed;
}

function buildMeta(
  input: Pick<PrepareInput, "framework" | "task">,
  labels: LabelSpace | undefined,
  multiLabel: boolean | undefined,
  counts: PreparedMeta["counts"],
  dropped: PreparedMeta["dropped"],
): PreparedMeta {
  const meta: PreparedMeta = { framework: input.framework, task: input.task, counts, dropped };
  if (labels) {
    meta.label2id = labels.label2id();
    meta.id2label = labels.id2label();
  }
  if (input.task.task === "text_classification") meta.multiLabel = multiLabel ?? false;
  return meta;
}

function noRowsMessage(records: number, dropped: Record<DropReason, DroppedRecords>): string {
  if (records === 0) return "No records found in the dataset: import or add records first.";
  const reasons = DROP_REASON_LIST.filter((r) => dropped[r].count > 0).map((r) => `${r}: ${dropped[r].count}`);
  return (
    `No training rows: all ${records} records were dropped or were duplicates (${reasons.join(", ") || "duplicates"}). ` +
    "Try a different filter_by / max_records, check the task's fields and questions, or annotate more records."
  );
}

/**
 * Function outputs can change shape from record to record; training data cannot. Names the first
 * record whose label kind (single / list / number) or columns differ from the first sample's.
 */
class ConsistencyCheck {
  private labelKind?: string;
  private columns?: string[];

  sample(record: StoredRecord, sample: Sample): void {
    const label = (sample as { label?: unknown }).label;
    if (label === undefined) return;
    const kind = Array.isArray(label) ? "a list of labels" : typeof label === "number" ? "a number" : "a single label";
    this.labelKind ??= kind;
    if (kind !== this.labelKind) {
      throw RecordFormattingError.of(record, `the label is ${kind}, but earlier samples have ${this.labelKind}; all samples must agree`);
    }
  }

  row(record: StoredRecord, row: Row): void {
    const columns = Object.keys(row);
    this.columns ??= columns;
    if (columns.length !== this.columns.length || columns.some((c, i) => c !== this.columns![i])) {
      throw RecordFormattingError.of(
        record,
        `the row has columns (${columns.join(", ")}) but earlier rows have (${this.columns.join(", ")}); all samples must have the same format`,
      );
    }
  }
}
