/**
 * Preview support: the rows prepareForTraining would produce for a page of records (before the
 * global duplicate removal and the split), computed by the same per-record pipeline. Cost is
 * proportional to the page, never to the dataset.
 */
import type { DatasetSettings, StoredRecord } from "../feedback/schema";
import { Drop, type DropReason } from "./drop-reasons";
import { RecordFormattingError } from "./errors";
import { createPlan, FILTERED_OUT, matchesFilter, type FilterBy } from "./pipeline";
import type { Framework, FrameworkOptions, Row } from "./frameworks/types";
import type { SandboxOptions } from "./tasks/formatting-function";
import type { TrainingTask } from "./tasks/schema";
import type { Sample } from "./tasks/types";

export interface FormatRecordsOptions {
  framework: Framework;
  filterBy?: FilterBy;
  sandbox?: SandboxOptions;
  frameworkOptions?: FrameworkOptions;
}

export interface RecordResult {
  recordId: string;
  index: number;
  rows: Row[];
  dropped?: { reason: DropReason; detail: string };
  /** A per-record error (formatting function failed or returned something invalid). */
  error?: string;
}

export interface FormattedPage {
  records: RecordResult[];
  /** Label names in id order, when the task has a label set (ids in rows refer to it). */
  labels?: string[];
}

/**
 * Formats a page of records. When a formatting function defines the labels (no `labels` in the
 * task), ids are assigned over the labels this page uses; prepareForTraining assigns them over the
 * whole dataset — the only case where preview ids can differ (the label names never do).
 */
export async function formatRecordsPage(
  settings: DatasetSettings,
  task: TrainingTask,
  records: readonly StoredRecord[],
  options: FormatRecordsOptions,
): Promise<FormattedPage> {
  // The live preview reuses a loaded formatting function across requests.
  const plan = await createPlan({ settings, task, ...options, sandbox: { cache: true, ...options.sandbox } });
  try {
    await plan.prefetch(records.filter((record) => matchesFilter(record, options.filterBy)));
    const results: RecordResult[] = [];
    const samplesByRecord: (Sample[] | undefined)[] = [];
    for (const record of records) {
      const result: RecordResult = { recordId: record.id, index: record.index, rows: [] };
      results.push(result);
      samplesByRecord.push(undefined);
      if (!matchesFilter(record, options.filterBy)) {
        result.dropped = { reason: FILTERED_OUT.reason, detail: FILTERED_OUT.detail };
        continue;
      }
      const samples = guarded(result, () => plan.samples(record));
      if (samples instanceof Drop) result.dropped = { reason: samples.reason, detail: samples.detail };
      else samplesByRecord[samplesByRecord.length - 1] = samples;
    }
    const labels = plan.labelSpace(() => samplesByRecord.flatMap((s) => s ?? []));
    records.forEach((record, i) => {
      const samples = samplesByRecord[i];
      if (!samples) return;
      const result = results[i]!;
      const rows = guarded(result, () => plan.rows(record, samples, labels));
      if (rows instanceof Drop) result.dropped = { reason: rows.reason, detail: rows.detail };
      else if (rows) result.rows = rows;
    });
    return { records: results, labels: labels ? [...labels.names] : undefined };
  } finally {
    plan.dispose();
  }
}

/** Just the per-record results (see formatRecordsPage for the label names). */
export async function formatRecords(
  settings: DatasetSettings,
  task: TrainingTask,
  records: readonly StoredRecord[],
  options: FormatRecordsOptions,
): Promise<RecordResult[]> {
  return (await formatRecordsPage(settings, task, records, options)).records;
}

/** Records a per-record error on the result instead of failing the page. */
function guarded<T>(result: RecordResult, work: () => T): T | undefined {
  try {
    return work();
  } catch (error) {
    if (!(error instanceof RecordFormattingError)) throw error;
    result.error = error.detail;
    return undefined;
  }
}
