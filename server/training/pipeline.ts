/**
 * The per-record path shared by prepareForTraining and the preview (formatRecords), so that the
 * preview shows exactly what training gets: filter → task samples → framework rows.
 */
import type { DatasetSettings, StatusFilter, StoredRecord } from "../feedback/schema";
import { drop, keepOrFirstDrop, type Drop } from "./drop-reasons";
import { InvalidSampleError, RecordFormattingError, TaskConfigError } from "./errors";
import { ADAPTERS, frameworksFor } from "./frameworks";
import { LabelSpace, resolveLabelSpace } from "./frameworks/labels";
import type { Framework, FrameworkAdapter, FrameworkOptions, Row, RowContext } from "./frameworks/types";
import { compileTask } from "./tasks";
import type { SandboxOptions } from "./tasks/formatting-function";
import type { TrainingTask } from "./tasks/schema";
import type { CompiledTask, Sample } from "./tasks/types";

export interface FilterBy {
  /** A record matches a status if any of its responses has it; "pending" = the record has no responses. */
  responseStatus?: StatusFilter[];
}

export interface PlanInput {
  settings: DatasetSettings;
  task: TrainingTask;
  framework: Framework;
  sandbox?: SandboxOptions;
  frameworkOptions?: FrameworkOptions;
}

export interface Plan {
  task: CompiledTask<Sample>;
  adapter: FrameworkAdapter<Sample>;
  options: FrameworkOptions;
  /** Samples of a record, or why it is dropped. Throws RecordFormattingError naming the record. */
  samples(record: StoredRecord): Sample[] | Drop;
  /** Runs a formatting function on a batch of records before samples() is called on them (no-op in the other modes). */
  prefetch(records: readonly StoredRecord[], options?: { stopAtFirstError?: boolean }): Promise<void>;
  /** The label set, resolving an open one (function mode without `labels`) from the samples. */
  labelSpace(samples: () => Iterable<Sample>): LabelSpace | undefined;
  /**
   * Rows of a record's samples; `undefined` entries (removed duplicates) keep their position so
   * row ids stay stable. Returns a drop when no sample gives a row.
   */
  rows(record: StoredRecord, samples: readonly (Sample | undefined)[], labels: LabelSpace | undefined): Row[] | Drop;
  dispose(): void;
}

export async function createPlan(input: PlanInput): Promise<Plan> {
  const adapter = ADAPTERS[input.task.task][input.framework] as FrameworkAdapter<Sample> | undefined;
  if (!adapter) {
    throw new TaskConfigError([
      `${input.task.task} does not support the ${input.framework} framework (supported: ${frameworksFor(input.task).join(", ")})`,
    ]);
  }
  const task = (await compileTask(input.settings, input.task, { sandbox: input.sandbox })) as CompiledTask<Sample>;
  const options = input.frameworkOptions ?? {};

  return {
    task,
    adapter,
    options,
    samples: (record) => withRecord(record, () => task.format(record)),
    prefetch: async (records, prefetchOptions) => {
      if (task.prefetch && records.length > 0) await task.prefetch(records, prefetchOptions);
    },
    labelSpace: (samples) => (task.labels ? resolveLabelSpace(task.labels, () => labelNames(samples())) : undefined),
    rows(record, samples, labels) {
      const ctx: RowContext = { labels, options };
      return withRecord(record, () =>
        keepOrFirstDrop(samples, (sample, k) =>
          sample === undefined ? undefined : adapter.toRow(sample, samples.length === 1 ? record.id : `${record.id}#${k}`, ctx),
        ),
      );
    },
    dispose: () => task.dispose(),
  };
}

/** Runs per-record work, turning sample-level errors into errors that name the record. */
function withRecord<T>(record: StoredRecord, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof InvalidSampleError) throw RecordFormattingError.of(record, error.message);
    throw error;
  }
}

/** String labels used by samples (for open label sets); numeric labels are scores, not classes. */
function* labelNames(samples: Iterable<Sample>): Iterable<string> {
  for (const sample of samples) {
    const label = (sample as { label?: unknown }).label;
    if (typeof label === "string") yield label;
    else if (Array.isArray(label)) yield* label as string[];
  }
}

export function isMultiLabelSample(sample: Sample): boolean {
  return Array.isArray((sample as { label?: unknown }).label);
}

export function matchesFilter(record: StoredRecord, filter: FilterBy | undefined): boolean {
  const statuses = filter?.responseStatus;
  if (!statuses || statuses.length === 0) return true;
  if (record.responses.length === 0) return statuses.includes("pending");
  return record.responses.some((r) => statuses.includes(r.status));
}

export const FILTERED_OUT = drop("filtered_out", "no response has a status selected by filter_by");
