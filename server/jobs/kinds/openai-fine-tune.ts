/**
 * Fine-tuning a chat model at an OpenAI-compatible provider: the dataset's rows prepared for the
 * `openai` framework exactly as `studio prepare` writes them (prepared/train.jsonl, test.jsonl as
 * the validation file), checked by the provider's rules (server/openai/validate.ts), uploaded, the
 * provider's job created and followed to its end (server/openai/fine-tune.ts). The result names
 * the fine-tuned model, which the playground chats with. The provider's API key is opened from
 * its sealed row into the client's memory on each run; the payload holds only the provider's name.
 *
 * A light job: it waits on the provider and holds no CPU. A run whose worker died runs again and
 * re-attaches to the provider's job (provider.json); a run that fails on its own (a refused file,
 * a failed provider job) is a person's to look at and is not retried.
 */
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { PROVIDER_NAME } from "../../auth/secrets";
import { findDatasetById, DatasetNotFoundError } from "../../db/datasets";
import { openProvider } from "../../openai/provider";
import {
  createFineTuningJob,
  followFineTuningJob,
  readProviderState,
  uploadTrainingFile,
  writeProviderState,
  type FineTuneOutcome,
  type ProviderState,
} from "../../openai/fine-tune";
import { exampleTokenLimit, validateChatLines, validationSummary } from "../../openai/validate";
import { prepareDataset, WHOLE_DATASET_SANDBOX } from "../../services/prepare";
import { prepareOptions, prepareOptionsSchema } from "../../services/prepare-options";
import { preparedSummary, writePrepared } from "../../services/rows-out";
import { trainingTaskSchema } from "../../training/tasks/schema";
import { openJobEventRecorder } from "../../training-runs/job-events";
import { getJob } from "../store";
import { defineJobKind, JobFailure } from "../kind";
import { trainingJobDir } from "./training";

const auto = z.literal("auto");
/** The supervised method's hyperparameters, bounded as OpenAI documents them; "auto" lets the provider choose. */
export const hyperparametersSchema = z
  .object({
    n_epochs: z.union([z.number().int().min(1).max(50), auto]).optional(),
    batch_size: z.union([z.number().int().min(1).max(256), auto]).optional(),
    learning_rate_multiplier: z.union([z.number().gt(0).max(10), auto]).optional(),
  })
  .strict();

export const openaiFineTunePayloadSchema = z.object({
  datasetId: z.number().int().positive(),
  task: trainingTaskSchema,
  options: prepareOptionsSchema.omit({ framework: true, format: true }).default({}),
  /** The provider's name in the settings (never its key). */
  provider: z.string().regex(PROVIDER_NAME, "is lowercase letters, digits and _, starting with a letter"),
  /** The base model to fine-tune, as the provider names it. */
  model: z.string().trim().min(1).max(200).regex(/^[\w.:/-]+$/, "is letters, digits and . : / _ - only"),
  hyperparameters: hyperparametersSchema.default({}),
  /** Added to the fine-tuned model's name (OpenAI: at most 64 characters). */
  suffix: z.string().min(1).max(64).regex(/^[\w.-]+$/, "is letters, digits and . _ - only").optional(),
  seed: z.number().int().min(0).max(2_147_483_647).optional(),
  /** The most tokens an example may hold, where the base model's limit is not known to the studio. */
  maxTokensPerExample: z.number().int().positive().max(10_000_000).optional(),
  /** Seconds between polls of the provider. */
  pollSeconds: z.number().min(0.05).max(600).default(10),
});
export type OpenaiFineTunePayload = z.input<typeof openaiFineTunePayloadSchema>;

export interface OpenaiFineTuneResult extends FineTuneOutcome {
  provider: string;
  baseModel: string;
  trainingFile: string | null;
  validationFile: string | null;
  examples: { train: number; validation: number };
}

/** The file's lines as the validation reads them. */
function readLines(file: string): string[] {
  return fs.readFileSync(file, "utf8").split("\n");
}

export const openaiFineTuneJob = defineJobKind({
  name: "openai-fine-tune",
  payload: openaiFineTunePayloadSchema,
  retry: { attempts: 3, delaySeconds: 5, backoff: true, retryFailures: false },
  weight: "light",
  datasetId: (payload) => payload.datasetId,
  async run(payload, { id, db, signal, progress, phase }): Promise<OpenaiFineTuneResult | null> {
    const dir = trainingJobDir(id);
    await fs.promises.mkdir(dir, { recursive: true });
    const provider = await openProvider(db.pool, payload.provider);
    const cancelRequested = async () => (await getJob(db.pool, id))?.cancelRequested ?? false;
    const state: ProviderState = readProviderState(dir) ?? { trainingFile: null, validationFile: null, providerJobId: null, lastEventId: null, checkpointIds: [] };
    const preparedDir = path.join(dir, "prepared");
    const trainFile = path.join(preparedDir, "train.jsonl");
    const testFile = path.join(preparedDir, "test.jsonl");

    if (!state.providerJobId) {
      await phase("preparing");
      const dataset = await findDatasetById(db.pool, payload.datasetId);
      if (!dataset) throw new DatasetNotFoundError(`#${payload.datasetId}`);
      const options = prepareOptions({ ...payload.options, framework: "openai", format: "jsonl" }, payload.task);
      const { prepared } = await prepareDataset(db, dataset, { ...options, sandbox: WHOLE_DATASET_SANDBOX, signal });
      await fs.promises.rm(preparedDir, { recursive: true, force: true });
      await writePrepared(preparedDir, prepared, "jsonl");

      await phase("validating");
      const tokenLimit = payload.maxTokensPerExample ?? exampleTokenLimit(payload.model);
      for (const file of [trainFile, ...(fs.existsSync(testFile) ? [testFile] : [])]) {
        const validation = validateChatLines(readLines(file), { tokenLimit });
        // A validation file may be small; only the training file needs the provider's minimum.
        const errors = file === testFile ? validation.errors.filter((error) => error.code !== "too_few_examples") : validation.errors;
        if (errors.length > 0) {
          const summary = validationSummary({ ...validation, errors });
          throw new JobFailure(`${path.basename(file)}: ${summary}`, errors.map((error) => error.message).join("\n"));
        }
      }

      await phase(`uploading to ${provider.name}`);
      state.trainingFile ??= await uploadTrainingFile(provider.client, trainFile, signal);
      if (fs.existsSync(testFile)) state.validationFile ??= await uploadTrainingFile(provider.client, testFile, signal);
      await writeProviderState(dir, state);
      if (signal.aborted && (await cancelRequested())) return null;

      await phase(`creating the fine-tuning job at ${provider.name}`);
      const job = await createFineTuningJob(
        provider.client,
        { model: payload.model, trainingFile: state.trainingFile, validationFile: state.validationFile, hyperparameters: payload.hyperparameters, suffix: payload.suffix, seed: payload.seed, studioJobId: id },
        signal,
      );
      state.providerJobId = job.id;
      await writeProviderState(dir, state);
      const { train, test } = preparedSummary(prepared);
      await fs.promises.writeFile(path.join(dir, "examples.json"), JSON.stringify({ train, validation: test }) + "\n");
    }

    const recorder = await openJobEventRecorder(db.pool, id);
    let outcome: FineTuneOutcome;
    try {
      outcome = await followFineTuningJob({
        client: provider.client,
        dir,
        state: state as ProviderState & { providerJobId: string },
        recorder,
        pollSeconds: payload.pollSeconds,
        signal,
        cancelRequested,
        onStatus: (job, message) => void phase(`${job.status.replace(/_/g, " ")} at ${provider.name}${message ? `: ${message}` : ""}`).catch(() => {}),
        onProgress: (step, total) => progress({ done: step, total, unit: "steps" }),
      });
    } finally {
      await recorder.close();
    }
    const examples = JSON.parse(await fs.promises.readFile(path.join(dir, "examples.json"), "utf8").catch(() => '{"train":0,"validation":0}')) as OpenaiFineTuneResult["examples"];
    return { ...outcome, provider: provider.name, baseModel: payload.model, trainingFile: state.trainingFile, validationFile: state.validationFile, examples };
  },
});
