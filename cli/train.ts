/**
 * `studio train`: checks the request as the browser's Start does (server/training-runs/validate.ts), each
 * refusal naming its flag, then queues a training job (server/jobs/kinds/training.ts); with --wait,
 * runs it in this process (a worker with one heavy slot, the job taken by whichever worker claims it
 * first) and prints its phase and progress on stderr until it ends.
 */
import fs from "node:fs";
import { parseArgs } from "node:util";
import type { TrainingResult } from "../server/jobs/kinds/training";
import type { TrainingRequest } from "../server/training-runs/validate";
import type { Command } from "./context";
import { OPTION_FLAGS, PREPARE_FLAGS, prepareOptionsFromFlags, readTaskFile } from "./prepare";
import { runUntilEnd } from "./run-job";

const USAGE =
  "studio train --dataset NAME --task task.json --framework F --model M [--config cfg.json] [--reward-model JOB] [--train-size X] [--test-size X] [--seed N] [--max-records N] [--filter-by submitted,draft,discarded,pending] [--sort-by index|METADATA] [--cross-encoder] [--wait] [--json]";

/** The flag of each request field, to name it in an error (`--config: learning_rate: must be > 0`). */
const FLAGS: Record<string, string> = {
  ...OPTION_FLAGS,
  dataset: "--dataset",
  task: "--task",
  model: "--model",
  config: "--config",
  rewardModel: "--reward-model",
};

/** A refused field as the flag that gave it: `config.learning_rate` → `--config: learning_rate`. */
export function flagOf(field: string): string {
  const [head, ...rest] = field.split(".");
  const flag = head === "options" ? FLAGS[rest.shift()!] : FLAGS[head!];
  return [flag ?? head, ...rest].join(": ");
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new Error(`--config: ${file}: ${(error as Error).message}`);
  }
}

/** The request `studio train`'s flags give (the task and config files read here), locally or for a remote studio. */
export function trainingRequestFromFlags(args: string[]): { request: TrainingRequest; wait: boolean } {
  const { values } = parseArgs({
    args,
    options: {
      dataset: { type: "string" },
      task: { type: "string" },
      framework: { type: "string" },
      model: { type: "string" },
      config: { type: "string" },
      "reward-model": { type: "string" },
      ...PREPARE_FLAGS,
      "cross-encoder": { type: "boolean" },
      wait: { type: "boolean" },
      json: { type: "boolean" },
    },
  });
  for (const required of ["dataset", "task", "framework", "model"] as const) {
    if (!values[required]) throw new Error(`--${required} is required\nusage: ${USAGE}`);
  }
  const config = values.config === undefined ? undefined : readJson(values.config);
  return {
    request: {
      dataset: values.dataset!,
      task: readTaskFile(values.task!),
      framework: values.framework!,
      model: values.model!,
      config: config as Record<string, unknown> | undefined,
      rewardModel: values["reward-model"],
      options: prepareOptionsFromFlags(values) as TrainingRequest["options"],
    },
    wait: values.wait === true,
  };
}

/** A refusal (`<field>: <reason>`) as the flag that gave the field, with the usage. */
export function refusalOfFlags(field: string, reason: string): Error {
  return new Error(`${flagOf(field)}: ${reason}\nusage: ${USAGE}`);
}

export const commands: Record<string, Command> = {
  train: {
    usage: USAGE,
    async run(args, ctx) {
      const { request, wait } = trainingRequestFromFlags(args);
      const { trainingJob } = await import("../server/jobs/kinds/training");
      const { openDatabase } = await import("../server/db/client");
      const { JobQueue } = await import("../server/jobs/queue");
      const { TrainingRequestError, validateTrainingRequest } = await import("../server/training-runs/validate");
      const db = await openDatabase();
      try {
        let validated;
        try {
          validated = await validateTrainingRequest(db, request, { pathsFrom: "cli" });
        } catch (error) {
          if (error instanceof TrainingRequestError) throw refusalOfFlags(error.field, error.reason);
          throw error;
        }
        const queue = await JobQueue.open(db);
        try {
          const job = await queue.enqueue(trainingJob, validated.payload);
          if (!wait) {
            if (!ctx.json) ctx.out(`Queued training job ${job.id}: \`studio job ${job.id}\` shows it`);
            return { job: job.id, status: job.state };
          }
          const finished = await runUntilEnd(queue, job.id);
          const result = finished.result as TrainingResult | null;
          if (!ctx.json) {
            ctx.out(`${finished.id}: ${finished.state}${finished.error ? `: ${finished.error}` : ""}`);
            if (result) ctx.out(`metrics: ${JSON.stringify(result.metrics)}\nmodel: ${result.modelDir}`);
          }
          if (finished.state !== "succeeded") process.exitCode = 1;
          return { job: finished.id, status: finished.state, metrics: result?.metrics ?? {}, model_dir: result?.modelDir ?? null, ...(finished.error ? { error: finished.error } : {}) };
        } finally {
          await queue.close();
        }
      } finally {
        await db.close();
      }
    },
  },
};
