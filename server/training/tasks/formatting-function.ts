/**
 * Function mode: the user's function runs in the sandbox on Argilla's `sample` (see ../sample.ts)
 * and its result is normalised and coerced the way Argilla 1.20+ does (docs/argilla-semantics.md
 * §4), adapted to JavaScript, which has no tuples:
 *   - null/undefined → nothing;
 *   - a generator → its yielded items, as a list;
 *   - a list → each element normalised, keeping only the first item of each (Argilla's rule,
 *     including "a yielded list of tuples keeps its first tuple");
 *   - for tasks whose sample is a tuple (e.g. [text, label]): an array whose first element is not
 *     an array is ONE sample (a tuple); an array of arrays is a list of samples;
 *   - anything else → one item.
 * Each item is then validated and coerced by the task's contract; a violation is an error naming
 * the record (the preview shows it next to the record; prepare stops on it).
 *
 * The function runs in a worker thread (../sandbox), so it cannot run inside the synchronous
 * format(record): callers first hand a batch of records to prefetch(), which formats them all in
 * one round trip, and format(record) then picks up each record's result.
 */
import type { DatasetSettings, StoredRecord } from "../../feedback/schema";
import { createFormattingSandbox, FormattingFunctionError, type CallOutcome, type FormattingResult, type SandboxLimits } from "../sandbox";
import { drop, keepOrFirstDrop, type Drop } from "../drop-reasons";
import { InvalidSampleError, RecordFormattingError, recordLabel } from "../errors";
import { toArgillaSample } from "../sample";
import type { FormattingFunc } from "./schema";
import type { CompiledTask, LabelSpec, Sample } from "./types";
import type { TaskKind } from "./schema";

export type { SandboxLimits } from "../sandbox";
export type SandboxOptions = {
  limits?: SandboxLimits;
  /** Reuse the loaded function across requests (the live preview); see ../sandbox/cache.ts. */
  cache?: boolean;
  /** CPU time the function may use in this request, all records together (default: ../sandbox SANDBOX_LIMITS). */
  cpuBudgetMs?: number;
  /** Aborting stops the function's work for this request at once (e.g. the client went away). */
  signal?: AbortSignal;
};

/** What a task accepts from a formatting function. */
export interface FunctionOutputContract<T, S> {
  /** The accepted shape, for error messages (e.g. "[text, label] or a list of them"). */
  expected: string;
  /** The task's sample is a tuple, so arrays of scalars are one sample. */
  tuple: boolean;
  /** One normalised item → a typed value; throws InvalidSampleError saying what is wrong. */
  coerce(item: unknown): T;
  /** All coerced items of one record → samples (identity unless the task groups or expands). */
  collect(items: T[]): S[];
  /** Per-sample task rule applied in every mode (e.g. chosen ≠ rejected). */
  check?(sample: S): S | Drop;
}

export function normaliseFunctionOutput(result: FormattingResult, tuple: boolean): unknown[] {
  return result.kind === "generator" ? firstOfEach(result.items, tuple) : normaliseValue(result.value, tuple);
}

function normaliseValue(value: unknown, tuple: boolean): unknown[] {
  if (value === null || value === undefined) return [];
  if (Array.isArray(value) && !(tuple && value.length > 0 && !Array.isArray(value[0]))) return firstOfEach(value, tuple);
  return [value];
}

function firstOfEach(items: readonly unknown[], tuple: boolean): unknown[] {
  const out: unknown[] = [];
  for (const item of items) {
    const normalised = normaliseValue(item, tuple);
    if (normalised.length > 0) out.push(normalised[0]);
  }
  return out;
}

export interface FunctionTaskOptions {
  sandbox?: SandboxOptions;
}

export async function functionTask<T, S extends Sample>(
  kind: TaskKind,
  func: FormattingFunc,
  settings: DatasetSettings,
  contract: FunctionOutputContract<T, S>,
  options: FunctionTaskOptions & { labels?: LabelSpec },
): Promise<CompiledTask<S>> {
  const sandbox = await createFormattingSandbox(func.source, {
    language: func.language,
    limits: options.sandbox?.limits,
    functionName: func.function_name,
    cache: options.sandbox?.cache,
    cpuBudgetMs: options.sandbox?.cpuBudgetMs,
    signal: options.sandbox?.signal,
  });
  /** Results of prefetched records, taken (and forgotten) by format(). */
  const prefetched = new Map<StoredRecord, CallOutcome>();

  const prefetch = async (records: readonly StoredRecord[], prefetchOptions: { stopAtFirstError?: boolean } = {}): Promise<void> => {
    const inputs = records.map((record) => ({ sample: toArgillaSample(settings, record), recordLabel: recordLabel(record) }));
    const outcomes = await sandbox.callMany(inputs, prefetchOptions);
    records.forEach((record, i) => prefetched.set(record, outcomes[i]!));
  };

  const format = (record: StoredRecord): S[] | Drop => {
    const outcome = prefetched.get(record);
    if (!outcome) throw new Error(`${recordLabel(record)} was not prefetched: call prefetch() with a batch of records before format() in function mode`);
    prefetched.delete(record);
    if (!outcome.ok) throw RecordFormattingError.of(record, describeFunctionError(outcome.error));
    const items = normaliseFunctionOutput(outcome.result, contract.tuple);
    if (items.length === 0) return drop("function_returned_nothing", "the formatting function returned nothing");
    let coerced: T[];
    try {
      coerced = items.map((item) => contract.coerce(item));
    } catch (error) {
      if (!(error instanceof InvalidSampleError)) throw error;
      throw RecordFormattingError.of(record, `the formatting function must return ${contract.expected}: ${error.message}`);
    }
    return keepOrFirstDrop(contract.collect(coerced), (sample) => (contract.check ? contract.check(sample) : sample));
  };
  return {
    kind,
    format,
    prefetch,
    dedup: false,
    labels: options.labels,
    dispose: () => {
      prefetched.clear();
      sandbox.dispose();
    },
  };
}

/** The sandbox's FormattingFunctionError messages are written for the user and name the record already. */
function describeFunctionError(error: unknown): string {
  if (error instanceof FormattingFunctionError) return error.message;
  return `formatting function failed: ${error instanceof Error ? error.message : String(error)}`;
}
