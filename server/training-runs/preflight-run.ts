/**
 * The config form's answer before Start (tRPC `trainingRuns.preflight`): the request checked as
 * Start checks it (validateTrainingRequest), then the preflight checks on the dataset's first
 * records and the estimate from a prepare of the dataset (the same rows the job trains on, up to
 * PREPARE_RECORDS records; beyond that the example count is scaled to the dataset's size), with the
 * model's own tokenizer when the model is a folder that has one (else ~4 characters a token).
 */
import fs from "node:fs";
import path from "node:path";
import { listRecordsByIndexes } from "../db/records";
import type { ServiceDb } from "../services/prepare";
import { prepareDataset } from "../services/prepare";
import { prepareOptions } from "../services/prepare-options";
import { loadTokenizer, TokenizerLoadError } from "../services/tokenizers";
import { formatRecordsPage, type Row, type TrainingTask } from "../training";
import { ADAPTERS } from "../training/frameworks";
import { LabelSpace } from "../training/frameworks/labels";
import type { FrameworkAdapter } from "../training/frameworks/types";
import type { Sample } from "../training/tasks/types";
import { configNameFor } from "./configs";
import { estimateRun, type Estimate } from "./estimate";
import { approximateTokens, maxSequenceLength, preflightChecks, rowSequences, type PreflightCheck } from "./preflight";
import { trainCommand } from "./pins-build";
import { TrainingRequestError, validateTrainingRequest, type TrainingRequest } from "./validate";

/** Records whose rows the checks read (each finding links to them). */
export const CHECKED_RECORDS = 2_000;
/** Records the estimate's prepare reads; a larger dataset's example count is scaled up. */
export const PREPARE_RECORDS = 20_000;
/** Training rows tokenized for the mean tokens per sequence. */
const TOKENIZED_ROWS = 2_000;

export interface ModelFacts {
  /** Parameters counted from the weights' headers; null for a Hub id or an unreadable folder. */
  parameters: number | null;
  /** The tokenizer's folder, or why tokens are approximated. */
  tokenizer: { folder: string } | { approximate: string };
  maxLength: number | null;
}

export interface PreflightAnswer {
  refusal: { field: string; reason: string } | null;
  checks: PreflightCheck[];
  estimate: (Estimate & { device: string; extrapolated: boolean; tokensPerSequence: number }) | null;
  model: ModelFacts | null;
  /** Records the checks read, of the dataset's. */
  checked: { records: number; of: number };
  /** `studio train …` for the same job (task.json and config.json in the working folder). */
  command: string | null;
  taskError: string | null;
}

/** Runs in a long-work thread (server/long-work/jobs.ts): the prepare takes seconds of CPU on a large dataset. */
export async function preflightTraining(db: ServiceDb, request: TrainingRequest, signal?: AbortSignal): Promise<PreflightAnswer> {
  const none = { checks: [], estimate: null, model: null, checked: { records: 0, of: 0 }, command: null, taskError: null };
  let validated;
  try {
    validated = await validateTrainingRequest(db, request, { pathsFrom: "browser" });
  } catch (error) {
    if (error instanceof TrainingRequestError) return { ...none, refusal: { field: error.field, reason: error.reason } };
    throw error;
  }
  const { dataset, task, payload } = validated;
  const configName = configNameFor(payload.framework, task.task);
  const config = payload.config as Record<string, unknown>;
  const options = payload.options;
  const frameworkOptions = options.crossEncoder || config.cross_encoder === true ? { crossEncoder: true } : undefined;
  const command = trainCommand({ dir: "", datasetName: dataset.name, framework: payload.framework, model: payload.model, options, hasConfig: true });

  const model = await modelFacts(payload.model);
  const counter = "folder" in model.tokenizer ? await loadTokenizer(model.tokenizer.folder, { anyPath: true }).catch((error) => (error instanceof TokenizerLoadError ? null : Promise.reject(error))) : null;
  const countTokens = counter ? (text: string) => counter.count(text) : approximateTokens;
  if (!counter && "folder" in model.tokenizer) model.tokenizer = { approximate: "the model's tokenizer.json could not be loaded" };

  let checkedRecords;
  let prepared;
  try {
    const count = Math.min(dataset.recordCount, CHECKED_RECORDS);
    const records = await listRecordsByIndexes(db.pool, dataset.id, Array.from({ length: count }, (_, i) => i));
    checkedRecords = await formatRecordsPage(dataset.settings, task, records, { framework: payload.framework, filterBy: options.filterBy, frameworkOptions });
    prepared = (
      await prepareDataset(db, dataset, {
        ...prepareOptions({ ...options, framework: payload.framework, format: "jsonl" }, task),
        maxRecords: Math.min(options.maxRecords ?? Infinity, PREPARE_RECORDS),
        frameworkOptions,
        signal,
      })
    ).prepared;
  } catch (error) {
    // The task's own mistakes (an impossible split, a failing function) are the builder's to show.
    if (error instanceof Error && ["TaskConfigError", "PrepareError", "RecordFormattingError", "FormattingFunctionError"].includes(error.name)) {
      return { ...none, refusal: null, command, model, taskError: error.message };
    }
    throw error;
  }

  const labelsOf = rowLabels(task, payload.framework, checkedRecords.labels, frameworkOptions);
  const preparedLabels = rowLabels(task, payload.framework, prepared.meta.id2label ? Object.values(prepared.meta.id2label) : undefined, frameworkOptions);
  const tally = (rows: Row[]) => {
    const counts: Record<string, number> = {};
    for (const row of rows) for (const label of preparedLabels?.(row) ?? []) counts[label] = (counts[label] ?? 0) + 1;
    return counts;
  };
  const checks = preflightChecks({
    configName,
    config,
    records: checkedRecords.records.map(({ index, rows }) => ({ index, rows })),
    labelsOf,
    splitLabels: labelsOf ? { train: tally(prepared.train), test: prepared.test.length ? tally(prepared.test) : null } : undefined,
    countTokens,
    modelMaxLength: model.maxLength,
  });

  // Examples: the prepare's training rows, scaled when it read only part of a larger dataset.
  const read = prepared.meta.counts.records;
  const extrapolated = options.maxRecords === undefined && dataset.recordCount > PREPARE_RECORDS && read >= PREPARE_RECORDS;
  const trainExamples = extrapolated ? Math.round((prepared.train.length * dataset.recordCount) / read) : prepared.train.length;
  const maxLength = maxSequenceLength(config, model.maxLength);
  const every = Math.max(1, Math.ceil(prepared.train.length / TOKENIZED_ROWS));
  let sequences = 0;
  let tokens = 0;
  prepared.train.forEach((row, i) => {
    if (i % every !== 0) return;
    for (const [, text] of rowSequences(row)) {
      sequences++;
      const n = countTokens(text) + 2; // [CLS]/[SEP] or BOS/EOS
      tokens += maxLength === null ? n : Math.min(n, maxLength);
    }
  });
  const tokensPerSequence = sequences ? tokens / sequences : 0;
  const estimate = estimateRun({ configName, config, trainExamples, tokensPerSequence, parameters: model.parameters, device: "cpu" });
  return {
    refusal: null,
    checks,
    estimate: { ...estimate, device: "cpu", extrapolated, tokensPerSequence },
    model,
    checked: { records: checkedRecords.records.length, of: dataset.recordCount },
    command,
    taskError: null,
  };
}

/** A row's label names through the framework's adapter (what diagnostics read), or undefined for unlabeled tasks. */
function rowLabels(task: TrainingTask, framework: string, labels: readonly string[] | undefined, options: { crossEncoder?: boolean } | undefined) {
  if (task.task !== "text_classification") return undefined;
  const adapter = ADAPTERS[task.task][framework as keyof (typeof ADAPTERS)["text_classification"]] as FrameworkAdapter<Sample> | undefined;
  if (!adapter) return undefined;
  const ctx = { labels: labels ? new LabelSpace(labels) : undefined, options: options ?? {} };
  return (row: Row) => adapter.view(row, ctx).labels;
}

/**
 * What the estimate needs of a model: its parameters (from the safetensors headers: a few KB
 * read, no weights), its tokenizer and its maximum length. A Hub id has none of these here.
 */
export async function modelFacts(model: string): Promise<ModelFacts> {
  const stat = path.isAbsolute(model) ? await fs.promises.stat(model).catch(() => null) : null;
  if (!stat?.isDirectory()) return { parameters: null, tokenizer: { approximate: "a Hub id's tokenizer is not on this machine" }, maxLength: null };
  const files = await fs.promises.readdir(model);
  let parameters: number | null = null;
  for (const file of files.filter((name) => name.endsWith(".safetensors"))) {
    const count = await safetensorsParameters(path.join(model, file));
    if (count !== null) parameters = (parameters ?? 0) + count;
  }
  const json = async (name: string): Promise<Record<string, unknown>> => JSON.parse(await fs.promises.readFile(path.join(model, name), "utf8").catch(() => "{}")) as Record<string, unknown>;
  const [tokenizerConfig, modelConfig] = await Promise.all([json("tokenizer_config.json"), json("config.json")]);
  const declared = [tokenizerConfig.model_max_length, modelConfig.max_position_embeddings].find((value): value is number => typeof value === "number" && value > 0 && value < 1e6);
  return {
    parameters,
    tokenizer: files.includes("tokenizer.json") ? { folder: model } : { approximate: "the model folder has no tokenizer.json" },
    maxLength: declared ?? null,
  };
}

/** The parameters a .safetensors file holds, from its JSON header (8-byte length, then the header). */
export async function safetensorsParameters(file: string): Promise<number | null> {
  const handle = await fs.promises.open(file, "r").catch(() => null);
  if (!handle) return null;
  try {
    const head = Buffer.alloc(8);
    await handle.read(head, 0, 8, 0);
    const length = Number(head.readBigUInt64LE(0));
    if (length <= 0 || length > 100 * 1024 * 1024) return null;
    const header = Buffer.alloc(length);
    await handle.read(header, 0, length, 8);
    const tensors = JSON.parse(header.toString("utf8")) as Record<string, { shape?: number[] }>;
    let total = 0;
    for (const [name, tensor] of Object.entries(tensors)) if (name !== "__metadata__" && tensor.shape) total += tensor.shape.reduce((a, b) => a * b, 1);
    return total;
  } catch {
    return null;
  } finally {
    await handle.close();
  }
}
