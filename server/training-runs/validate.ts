/**
 * The checks a training request passes before anything is queued, shared by `studio train` and the
 * `trainingRuns.start` procedure: what the worker would otherwise find only after the prepare and
 * the environment (minutes later), or never explain. Each refusal names the field it concerns
 * (`config.learning_rate`, `model`, `rewardModel`, …) and the reason.
 *
 * Paths: a request from the browser may name only folders under the allowed roots (and the training
 * jobs' folders under STUDIO_ARTIFACTS, where earlier jobs' models are), and its error
 * never says whether a path outside them exists; the CLI, run by a person with a shell, may name any
 * folder that person can read.
 */
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { DatasetNotFoundError, getDataset, type DatasetDetail } from "../db/datasets";
import { PathNotAllowedError } from "../feedback/path-roots";
import { getJob } from "../jobs/store";
import { trainingPayloadSchema } from "../jobs/kinds/training";
import { env } from "../env";
import { allowedRoots, resolveAllowedPath } from "../services/allowed-paths";
import type { ServiceDb } from "../services/prepare";
import { datasetNameSchema, prepareOptionsSchema } from "../services/prepare-options";
import { previewDataset } from "../services/preview";
import { frameworksFor, parseTrainingTask, type Framework, type TrainingTask } from "../training";
import { TaskParseError } from "../training/tasks/schema";
import { configNameFor, configSchemaFor, UnsupportedRunnerError } from "./configs";
import { shippedMiniLm } from "./preflight-models";

/** The prepare options a training request takes (the framework is the request's own, rows are JSON lines). */
export const trainingOptionsSchema = prepareOptionsSchema.omit({ framework: true, format: true });

/** A training request as the CLI and the browser give it, before any check that needs the database. */
export const trainingRequestSchema = z.object({
  dataset: datasetNameSchema,
  /** The task JSON (an object, or its text). */
  task: z.unknown(),
  framework: z.string().trim().min(1).max(100),
  /** A Hub id (`name` or `owner/name`), a local folder, or for spaCy `blank:<lang>`. */
  model: z.string().trim().min(1).max(1000),
  config: z.record(z.string().max(200), z.unknown()).default({}),
  options: trainingOptionsSchema.default({}),
  /** The id of a finished reward-modeling job, whose model scores PPO/GRPO/RLOO completions. */
  rewardModel: z.string().uuid().optional(),
});
export type TrainingRequest = z.input<typeof trainingRequestSchema>;

export class TrainingRequestError extends Error {
  constructor(
    /** The refused field: `dataset`, `task`, `framework`, `model`, `config.<setting>`, `options.<option>`, `rewardModel`. */
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
    this.name = "TrainingRequestError";
  }
}

export interface ValidatedTrainingRequest {
  dataset: DatasetDetail;
  task: TrainingTask;
  /** What the training job is queued with: the config parsed, its defaults filled in. */
  payload: z.output<typeof trainingPayloadSchema>;
}

/** Records the sample prepare reads (as the builder's preview does on a sample, never a scan). */
const SAMPLE_RECORDS = 200;

/** A Hub id is `name` or `owner/name` (huggingface_hub's repo id characters). */
const HUB_ID = /^[A-Za-z0-9][\w.-]*(\/[\w.-]+)?$/;
const SPACY_BLANK = /^blank:[a-z]{2,3}$/;

export async function validateTrainingRequest(
  db: ServiceDb,
  request: TrainingRequest,
  { pathsFrom }: { pathsFrom: "browser" | "cli" },
): Promise<ValidatedTrainingRequest> {
  const parsed = trainingRequestSchema.safeParse(request);
  if (!parsed.success) throw fromIssue(parsed.error.issues[0]!);
  const input = parsed.data;

  const dataset = await getDataset(db.pool, input.dataset).catch((error) => {
    throw error instanceof DatasetNotFoundError ? new TrainingRequestError("dataset", error.message) : error;
  });
  const task = parseTask(input.task);

  let configName;
  try {
    configName = configNameFor(input.framework, task.task);
  } catch (error) {
    if (error instanceof UnsupportedRunnerError) throw new TrainingRequestError("framework", error.message);
    throw error;
  }
  if (!frameworksFor(task).includes(input.framework as Framework)) {
    throw new TrainingRequestError("framework", `${task.task} cannot be prepared for ${input.framework}; choose one of ${frameworksFor(task).join(", ")}`);
  }
  const config = configSchemaFor(input.framework, task.task).safeParse(input.config);
  if (!config.success) throw fromIssue(config.error.issues[0]!, "config", `the ${configName} runner`);
  let settings = config.data as Record<string, unknown>;
  if (pathsFrom === "browser") settings = (await checkConfigPaths(settings, "config", "")) as Record<string, unknown>;

  const model = await checkModel(input.model, input.framework, pathsFrom);
  const rewardModel = await checkRewardModel(db, task, input.rewardModel);

  const crossEncoder = settings.cross_encoder === true || input.options.crossEncoder === true;
  const responseTemplate = typeof settings.response_template === "string" ? settings.response_template : null;
  if (task.task === "sentence_similarity" && crossEncoder) {
    if (await givesTriplets(db, dataset, task, input.options)) {
      throw new TrainingRequestError(
        settings.cross_encoder === true ? "config.cross_encoder" : "options.crossEncoder",
        "a cross-encoder scores pairs and cannot train on triplets, and this task gives 3 sentences per sample (use a bi-encoder, or 2 texts)",
      );
    }
  }
  if (responseTemplate !== null && task.task === "supervised_fine_tuning") {
    await checkResponseTemplate(db, dataset, task, input.framework as Framework, input.options, responseTemplate);
  }

  const payload = trainingPayloadSchema.safeParse({
    datasetId: dataset.id,
    task,
    framework: input.framework,
    model,
    config: settings,
    options: input.options,
    ...(rewardModel ? { rewardModel, rewardModelJob: input.rewardModel } : {}),
  });
  if (!payload.success) throw fromIssue(payload.error.issues[0]!);
  return { dataset, task, payload: payload.data };
}

function parseTask(task: unknown): TrainingTask {
  try {
    return parseTrainingTask(task);
  } catch (error) {
    if (error instanceof TaskParseError) throw new TrainingRequestError("task", error.message);
    throw error;
  }
}

/** The first zod issue as a field and a reason; `prefix` names the object the issue's path lies in. */
function fromIssue(issue: z.core.$ZodIssue, prefix?: string, runner?: string): TrainingRequestError {
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0]!;
    return new TrainingRequestError([prefix, ...issue.path, key].filter((part) => part !== undefined).join("."), `is not a setting of ${runner ?? "this object"}`);
  }
  const field = [prefix, ...issue.path.map(String)].filter((part) => part !== undefined).join(".") || "request";
  return new TrainingRequestError(field, issue.message);
}

/**
 * The model as the worker should get it: a Hub id as given, a folder as its real absolute path.
 * From the browser a folder must lie under the allowed roots, and a missing folder and one outside
 * get the same answer.
 */
async function checkModel(model: string, framework: string, pathsFrom: "browser" | "cli"): Promise<string> {
  if (framework === "spacy" && SPACY_BLANK.test(model)) return model;
  const looksLikePath = /^[.~/]/.test(model) || model.split("/").length > 2 || path.isAbsolute(model);
  if (pathsFrom === "browser") {
    if (!looksLikePath) {
      if (HUB_ID.test(model)) return model;
      throw new TrainingRequestError("model", "is neither a Hub id (name or owner/name) nor a folder path");
    }
    const real = await browserPath("model", model);
    if (!fs.statSync(real).isDirectory()) throw new TrainingRequestError("model", "is a file; a model is a folder (its config.json and weights)");
    return real;
  }
  const stat = fs.statSync(model, { throwIfNoEntry: false });
  if (stat) {
    if (!stat.isDirectory()) throw new TrainingRequestError("model", `${model} is a file; a model is a folder (its config.json and weights)`);
    return fs.realpathSync(model);
  }
  if (looksLikePath || !HUB_ID.test(model)) throw new TrainingRequestError("model", `no folder ${model}, and not a Hub id (name or owner/name)`);
  return model;
}

/**
 * The roots a browser's path may lie under: the allowed roots, STUDIO_ARTIFACTS (earlier jobs' models,
 * shared by remote workers), and the MiniLM the training environment ships, which the config form
 * offers wherever STUDIO_PYTHON puts that environment.
 */
async function browserRoots(): Promise<string[]> {
  const artifacts = env.STUDIO_ARTIFACTS;
  const miniLm = shippedMiniLm();
  return [
    ...(await allowedRoots()),
    ...(artifacts ? [await fs.promises.realpath(artifacts).catch(() => artifacts)] : []),
    ...("path" in miniLm ? [miniLm.path] : []),
  ];
}

/** The real path of a browser's path under browserRoots(), or a refusal naming `field` (the same for missing and outside). */
async function browserPath(field: string, requested: string): Promise<string> {
  try {
    return await resolveAllowedPath(requested, await browserRoots());
  } catch (error) {
    if (error instanceof PathNotAllowedError) throw new TrainingRequestError(field, error.message);
    throw error;
  }
}

/** A setting whose name says it holds a path (`chat_template_path`, `cache_dir`, `deepspeed`, `ref_model`, …). */
const PATH_SETTING = /(^|_)(path|dir|directory|file|folder|model|pipeline|deepspeed)$|_config$/;
/** A value that reads as a path (not a regex like `.*proj`, a template, or a Hub id): `/…`, `~…`, `./…`, `../…`, or a `..` segment. */
const LOOKS_LIKE_PATH = /^(\/|~|\.\.?\/)|(^|\/)\.\.(\/|$)/;

/**
 * From the browser, every path a config names (at any depth: pass-through settings reach the
 * framework's own arguments, which open files) must lie under the allowed roots, as a path import's
 * must; it is replaced by its real path, so the worker opens what was checked. A path setting may
 * hold a Hub id instead (`ref_model: "owner/name"`); a relative path is refused, since the worker
 * runs in the job's folder.
 */
async function checkConfigPaths(value: unknown, field: string, key: string): Promise<unknown> {
  if (Array.isArray(value)) return Promise.all(value.map((item, i) => checkConfigPaths(item, `${field}.${i}`, key)));
  if (value !== null && typeof value === "object") {
    const checked: Record<string, unknown> = {};
    for (const [name, item] of Object.entries(value)) checked[name] = await checkConfigPaths(item, `${field}.${name}`, name);
    return checked;
  }
  if (typeof value !== "string") return value;
  const looksLikePath = LOOKS_LIKE_PATH.test(value);
  if (!looksLikePath && !PATH_SETTING.test(key)) return value;
  if (!looksLikePath && HUB_ID.test(value) && !/(dir|directory|file|folder)$/.test(key)) return value;
  if (!path.isAbsolute(value)) throw new TrainingRequestError(field, "a path in a config must be absolute and lie under the allowed roots (STUDIO_IMPORT_ROOTS)");
  return browserPath(field, value);
}

/**
 * PPO, GRPO and RLOO score completions with the model of a finished reward-modeling job; other tasks
 * take none. Returns that model's folder.
 */
async function checkRewardModel(db: ServiceDb, task: TrainingTask, jobId: string | undefined): Promise<string | null> {
  if (task.task !== "proximal_policy_optimization") {
    if (jobId !== undefined) throw new TrainingRequestError("rewardModel", `only proximal_policy_optimization takes a reward model, not ${task.task}`);
    return null;
  }
  if (jobId === undefined) {
    throw new TrainingRequestError("rewardModel", "PPO, GRPO and RLOO need a reward model: the id of a finished reward_modeling training job");
  }
  const job = await getJob(db.pool, jobId);
  const payload = job?.payload as { task?: { task?: string } } | undefined;
  const result = job?.result as { modelDir?: string | null } | null | undefined;
  if (!job || job.kind !== "training" || payload?.task?.task !== "reward_modeling") {
    throw new TrainingRequestError("rewardModel", `${jobId} is not a reward_modeling training job`);
  }
  if (job.state !== "succeeded" || !result?.modelDir) {
    throw new TrainingRequestError("rewardModel", `reward-modeling job ${jobId} has not finished with a model (it is ${job.state})`);
  }
  if (!fs.statSync(result.modelDir, { throwIfNoEntry: false })?.isDirectory()) {
    throw new TrainingRequestError("rewardModel", `the model of reward-modeling job ${jobId} is gone from its folder`);
  }
  return result.modelDir;
}

/** The rows of a seeded sample of the dataset, formatted as the preview formats them. */
async function sampleRows(db: ServiceDb, dataset: DatasetDetail, task: TrainingTask, framework: Framework, options: z.output<typeof trainingOptionsSchema>) {
  const { formatted } = await previewDataset(db, dataset, {
    task,
    framework,
    filterBy: options.filterBy,
    mode: "sample",
    limit: SAMPLE_RECORDS,
    sampleSeed: options.seed ?? task.seed ?? 0,
  });
  return formatted.records.flatMap((record) => record.rows);
}

/**
 * Whether a similarity task gives triplets: by its shape where it declares its texts (default,
 * template), else (a formatting function) by the rows of a sample prepare.
 */
async function givesTriplets(db: ServiceDb, dataset: DatasetDetail, task: TrainingTask, options: z.output<typeof trainingOptionsSchema>): Promise<boolean> {
  if (task.task !== "sentence_similarity") return false;
  if (task.mode === "default") return task.texts.length === 3;
  if (task.mode === "template") return task.template.texts.length === 3;
  const rows = await sampleRows(db, dataset, task, "sentence-transformers", options);
  return rows.some((row) => "sentence-3" in row);
}

/**
 * A completion-only SFT setup whose response template is in no row would train on nothing: the
 * worker drops rows without it. Checked on a sample prepare, so it costs what a preview costs.
 */
async function checkResponseTemplate(
  db: ServiceDb,
  dataset: DatasetDetail,
  task: TrainingTask,
  framework: Framework,
  options: z.output<typeof trainingOptionsSchema>,
  template: string,
): Promise<void> {
  const rows = await sampleRows(db, dataset, task, framework, options);
  const texts = rows.filter((row) => typeof row.text === "string");
  if (rows.length > 0 && texts.length === 0) {
    throw new TrainingRequestError("config.response_template", "applies to text rows, and this task gives messages (use assistant_only_loss for chat rows)");
  }
  if (texts.length > 0 && !texts.some((row) => (row.text as string).includes(template))) {
    throw new TrainingRequestError(
      "config.response_template",
      `${JSON.stringify(template)} appears in none of the ${texts.length} rows prepared from a sample of ${Math.min(SAMPLE_RECORDS, dataset.recordCount)} records, so no row would be trained on`,
    );
  }
}
