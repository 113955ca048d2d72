/**
 * `studio train`: queues a training job (server/jobs/kinds/training.ts) on a dataset; with --wait,
 * runs it in this process (a worker with one heavy slot, the job taken by whichever worker claims it
 * first) and prints its phase and progress on stderr until it ends.
 */
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import type { TrainingResult } from "../server/jobs/kinds/training";
import type { Command } from "./context";
import { readTaskFile } from "./prepare";
import { runUntilEnd } from "./run-job";

const USAGE =
  "studio train --dataset NAME --task task.json --framework F --model M [--config cfg.json] [--train-size X] [--test-size X] [--seed N] [--wait] [--json]";

/** The flag of each payload field, to name it in an error. */
const FLAGS: Record<string, string> = { trainSize: "--train-size", testSize: "--test-size", seed: "--seed", framework: "--framework", model: "--model", config: "--config", task: "--task" };

function number(value: string | undefined): number | undefined {
  return value === undefined ? undefined : value.trim() === "" ? Number.NaN : Number(value);
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`);
  }
}

export const commands: Record<string, Command> = {
  train: {
    usage: USAGE,
    async run(args, ctx) {
      const { values } = parseArgs({
        args,
        options: {
          dataset: { type: "string" },
          task: { type: "string" },
          framework: { type: "string" },
          model: { type: "string" },
          config: { type: "string" },
          "train-size": { type: "string" },
          "test-size": { type: "string" },
          seed: { type: "string" },
          wait: { type: "boolean" },
          json: { type: "boolean" },
        },
      });
      for (const required of ["dataset", "task", "framework", "model"] as const) {
        if (!values[required]) throw new Error(`--${required} is required\nusage: ${USAGE}`);
      }
      const { trainingJob } = await import("../server/jobs/kinds/training");
      const { openDatabase } = await import("../server/db/client");
      const { getDataset } = await import("../server/db/datasets");
      const { JobQueue } = await import("../server/jobs/queue");
      // A model given as a local folder travels as its absolute path (the worker runs in the job's folder).
      const model = fs.existsSync(values.model!) ? path.resolve(values.model!) : values.model!;
      const db = await openDatabase();
      try {
        const dataset = await getDataset(db.pool, values.dataset!);
        const parsed = trainingJob.payload.safeParse({
          datasetId: dataset.id,
          task: readTaskFile(values.task!),
          framework: values.framework,
          model,
          config: values.config === undefined ? undefined : readJson(values.config),
          options: { trainSize: number(values["train-size"]), testSize: number(values["test-size"]), seed: number(values.seed) },
        });
        if (!parsed.success) {
          const issue = parsed.error.issues[0]!;
          const field = String(issue.path[0] === "options" ? issue.path[1] : issue.path[0]);
          throw new Error(`${FLAGS[field] ?? field}: ${issue.message}\nusage: ${USAGE}`);
        }
        const queue = await JobQueue.open(db);
        try {
          const job = await queue.enqueue(trainingJob, parsed.data);
          if (!values.wait) {
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
