/**
 * Building a training job's pins (./pins.ts) while it prepares: the dataset's content hash and
 * annotator count from PostgreSQL, the unification the task applies per question, the prepared
 * counts, and the `studio train` command that queues the same job again.
 */
import fs from "node:fs";
import path from "node:path";
import type pg from "pg";
import { metadataSortKey, sqlString } from "../db/dataset-indexes";
import type { DatasetDetail } from "../db/datasets";
import type { RecordSort } from "../feedback/record-query";
import type { DatasetSettings } from "../feedback/schema";
import type { PreparedMeta, TrainingTask } from "../training";
import { compileMessages, compileSpec, questionsOfSlot } from "../training/tasks/template";
import { indexDataset } from "../training/tasks/types";
import type { MessageSpec, TemplateSpec } from "../training/tasks/schema";
import { DEFAULT_STRATEGY } from "../training/unify";
import { PINS_FILE, type TrainingPins } from "./pins";

export interface DatasetContent {
  contentHash: string;
  records: number;
  annotators: number;
}

/**
 * The records a prepare reads: every record of the dataset, in the order it reads them (its sort;
 * filters and max_records apply after reading, and are pinned with the options).
 *
 * Content hash: sha256 over the concatenated per-record sha256 digests, in read order, of each record's
 * stored columns as PostgreSQL returns their text (idx, external id as JSON, fields, metadata,
 * responses, suggestions, joined by newlines; vectors are left out, no task reads them). The text of
 * a `json` column is the text stored at import, and `jsonb` prints canonically, so the hash is stable
 * for as long as the records are. One aggregate in PostgreSQL (~1–3 µs a record there), no rows sent.
 */
export async function readDatasetContent(db: Pick<pg.Pool, "query">, datasetId: number, sort?: RecordSort): Promise<DatasetContent> {
  if (!Number.isInteger(datasetId)) throw new Error("dataset id must be an integer");
  const direction = sort?.order === "desc" ? "DESC" : "ASC";
  const orderBy = !sort || sort.by === "index" ? `r.idx ${direction}` : `${metadataSortKey(sqlString(sort.by))} ${direction}, r.idx ${direction}`;
  const { rows } = await db.query<{ hash: string | null; records: number; annotators: number }>(
    `SELECT encode(sha256(coalesce(string_agg(sha256(convert_to(concat_ws(E'\\n', r.idx, coalesce(to_json(r.external_id)::text, 'null'),
              r.fields::text, r.metadata::text, r.responses::text, r.suggestions::text), 'UTF8')), ''::bytea ORDER BY ${orderBy}), ''::bytea)), 'hex') AS hash,
            count(*)::int AS records,
            (SELECT count(DISTINCT response ->> 0)::int FROM record a, json_array_elements(a.responses) response WHERE a.dataset_id = $1) AS annotators
     FROM record r WHERE r.dataset_id = $1`,
    [datasetId],
  );
  const row = rows[0]!;
  return { contentHash: row.hash!, records: row.records, annotators: row.annotators };
}

/**
 * The unification strategy per question the task reads: the task's own choice, else Argilla's
 * default for the question's type. A template whose responses are not unified reads each question
 * as that mode says (`first_submitted`, `each_submitted`); a formatting function unifies as it
 * likes, so it pins none.
 */
export function unificationOf(task: TrainingTask, settings: DatasetSettings): Record<string, string> {
  if (task.mode === "function") return {};
  const dataset = indexDataset(settings);
  const names = new Set<string>();
  if ("label" in task && task.label) names.add(task.label);
  if ("answer" in task && task.answer) names.add(task.answer);
  if (task.mode === "template") {
    const problems: string[] = [];
    for (const [slot, spec] of Object.entries(task.template as Record<string, unknown>)) {
      if (slot === "messages") questionsOfSlot({ kind: "messages", messages: compileMessages(spec as MessageSpec[], dataset, problems, slot) }, names);
      else if (Array.isArray(spec)) for (const item of spec as TemplateSpec[]) questionsOfSlot({ kind: "text", spec: compileSpec(item, dataset, problems, slot) }, names);
      else questionsOfSlot({ kind: "text", spec: compileSpec(spec as TemplateSpec, dataset, problems, slot) }, names);
    }
  }
  const responses = "responses" in task ? task.responses : "unified";
  const explicit: Record<string, string | undefined> = { ...("strategies" in task ? task.strategies : {}) };
  if ("label_strategy" in task && task.label_strategy && task.label) explicit[task.label] = task.label_strategy;
  const unification: Record<string, string> = {};
  for (const name of [...names].sort()) {
    const question = dataset.questions.get(name);
    if (!question || question.type === "span") continue;
    unification[name] = responses !== "unified" ? responses : (explicit[name] ?? DEFAULT_STRATEGY[question.type]);
  }
  return unification;
}

/** The flags of `studio train` per prepare option (the names `studio prepare` uses). */
const OPTION_FLAGS: Record<string, (value: unknown) => string | null> = {
  trainSize: (v) => `--train-size ${v}`,
  testSize: (v) => `--test-size ${v}`,
  seed: (v) => `--seed ${v}`,
  maxRecords: (v) => `--max-records ${v}`,
  filterBy: (v) => {
    const statuses = (v as { responseStatus?: string[] }).responseStatus;
    return statuses?.length ? `--filter-by ${statuses.join(",")}` : null;
  },
  sortBy: (v) => `--sort-by ${shellWord(String(v))}`,
  crossEncoder: (v) => (v ? "--cross-encoder" : null),
};

function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The files the command names (task.json, config.json), written beside pins.json in the job's folder. */
export const TASK_FILE = "task.json";
export const CONFIG_FILE = "config.json";

export function trainCommand(job: {
  dir: string;
  datasetName: string;
  framework: string;
  model: string;
  options: Record<string, unknown>;
  hasConfig: boolean;
  rewardModelJob?: string;
}): string {
  const words = [
    "studio train",
    `--dataset ${shellWord(job.datasetName)}`,
    `--task ${shellWord(path.join(job.dir, TASK_FILE))}`,
    `--framework ${job.framework}`,
    `--model ${shellWord(job.model)}`,
    ...(job.hasConfig ? [`--config ${shellWord(path.join(job.dir, CONFIG_FILE))}`] : []),
    ...(job.rewardModelJob ? [`--reward-model ${job.rewardModelJob}`] : []),
  ];
  for (const [option, value] of Object.entries(job.options)) {
    const flag = value === undefined ? null : OPTION_FLAGS[option]?.(value);
    if (flag) words.push(flag);
  }
  return words.join(" ");
}

export interface PinsInput {
  dir: string;
  dataset: DatasetDetail;
  content: DatasetContent;
  task: TrainingTask;
  /** The prepare options as the job was given them (framework and format are the job's own). */
  options: Record<string, unknown>;
  framework: string;
  model: string;
  config: Record<string, unknown>;
  /** PPO/GRPO/RLOO: the reward-modeling job whose model scores completions. */
  rewardModelJob?: string;
  seed: number;
  meta: PreparedMeta;
}

export function buildPins(input: PinsInput): TrainingPins {
  const dropped: TrainingPins["prepared"]["dropped"] = {};
  for (const [reason, records] of Object.entries(input.meta.dropped) as [keyof PreparedMeta["dropped"], { count: number }][]) {
    if (records.count > 0) dropped[reason] = records.count;
  }
  const options = { ...input.options, seed: input.seed };
  return {
    version: 1,
    dataset: { id: input.dataset.id, name: input.dataset.name, ...input.content },
    task: input.task,
    unification: unificationOf(input.task, input.dataset.settings),
    options,
    framework: input.framework,
    model: input.model,
    config: input.config,
    seed: input.seed,
    prepared: { train: input.meta.counts.train, test: input.meta.counts.test, dropped },
    versions: null,
    command: trainCommand({ dir: input.dir, datasetName: input.dataset.name, framework: input.framework, model: input.model, options, hasConfig: Object.keys(input.config).length > 0, rewardModelJob: input.rewardModelJob }),
  };
}

/** Writes pins.json, task.json and config.json (the files its command names), each whole or not at all. */
export async function writePins(dir: string, pins: TrainingPins): Promise<void> {
  await writeJsonAtomically(path.join(dir, TASK_FILE), pins.task);
  if (Object.keys(pins.config).length > 0) await writeJsonAtomically(path.join(dir, CONFIG_FILE), pins.config);
  await writeJsonAtomically(path.join(dir, PINS_FILE), pins);
}

/** The job's pins.json, or null when its prepare never finished. */
export function readPins(dir: string): TrainingPins | null {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, PINS_FILE), "utf8")) as TrainingPins;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

async function writeJsonAtomically(file: string, value: unknown): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  await fs.promises.writeFile(temporary, JSON.stringify(value, null, 2) + "\n");
  await fs.promises.rename(temporary, file);
}
