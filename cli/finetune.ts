/**
 * `studio finetune`: fine-tunes a chat model at an OpenAI-compatible provider from a dataset's chat
 * rows. Checks the request as the browser's Start does (server/openai/requests.ts), each refusal
 * naming its flag, then queues an openai-fine-tune job; with --wait, follows it to its end (running
 * it in this process when no worker is live) and prints the fine-tuned model id. --seed is the
 * run's one seed: the train/test split's and the provider's.
 */
import { parseArgs } from "node:util";
import type { OpenaiFineTuneResult } from "../server/jobs/kinds/openai-fine-tune";
import type { FineTuneRequest } from "../server/openai/requests";
import type { Command } from "./context";
import { OPTION_FLAGS, PREPARE_FLAGS, prepareOptionsFromFlags, readTaskFile } from "./prepare";
import { runUntilEnd } from "./run-job";

const USAGE =
  "studio finetune --dataset NAME --task task.json --provider NAME --model BASE_MODEL [--n-epochs N|auto] [--batch-size N|auto] [--learning-rate-multiplier X|auto] [--suffix S] [--seed N] [--max-tokens-per-example N] [--train-size X] [--test-size X] [--max-records N] [--filter-by submitted,draft,discarded,pending] [--sort-by index|METADATA] [--wait] [--json]";

const FLAGS: Record<string, string> = {
  ...OPTION_FLAGS,
  dataset: "--dataset",
  task: "--task",
  provider: "--provider",
  model: "--model",
  suffix: "--suffix",
  seed: "--seed",
  maxTokensPerExample: "--max-tokens-per-example",
  n_epochs: "--n-epochs",
  batch_size: "--batch-size",
  learning_rate_multiplier: "--learning-rate-multiplier",
};

/** A refused field as its flag: `hyperparameters.n_epochs` → `--n-epochs`, `options.testSize` → `--test-size`. */
function flagOf(field: string): string {
  const [head, ...rest] = field.split(".");
  const named = head === "options" || head === "hyperparameters" ? rest.shift()! : head!;
  return [FLAGS[named] ?? named, ...rest].join(": ");
}

/** A number flag, or "auto"; NaN (refused by the schema, naming the flag) when it is neither. */
function numberOrAuto(text: string | undefined): number | "auto" | undefined {
  if (text === undefined || text === "auto") return text;
  return text.trim() === "" ? Number.NaN : Number(text);
}

export const commands: Record<string, Command> = {
  finetune: {
    usage: USAGE,
    async run(args, ctx) {
      const { values } = parseArgs({
        args,
        options: {
          dataset: { type: "string" },
          task: { type: "string" },
          provider: { type: "string" },
          model: { type: "string" },
          "n-epochs": { type: "string" },
          "batch-size": { type: "string" },
          "learning-rate-multiplier": { type: "string" },
          suffix: { type: "string" },
          "max-tokens-per-example": { type: "string" },
          "poll-seconds": { type: "string" },
          ...PREPARE_FLAGS,
          wait: { type: "boolean" },
          json: { type: "boolean" },
        },
      });
      for (const required of ["dataset", "task", "provider", "model"] as const) {
        if (!values[required]) throw new Error(`--${required} is required\nusage: ${USAGE}`);
      }
      const { openDatabase } = await import("../server/db/client");
      const { JobQueue } = await import("../server/jobs/queue");
      const { openaiFineTuneJob } = await import("../server/jobs/kinds/openai-fine-tune");
      const { validateFineTuneRequest } = await import("../server/openai/requests");
      const { TrainingRequestError } = await import("../server/training-runs/validate");
      const hyperparameters = Object.fromEntries(
        Object.entries({ n_epochs: values["n-epochs"], batch_size: values["batch-size"], learning_rate_multiplier: values["learning-rate-multiplier"] })
          .filter(([, value]) => value !== undefined)
          .map(([key, value]) => [key, numberOrAuto(value)]),
      );
      const { crossEncoder: _crossEncoder, ...options } = prepareOptionsFromFlags(values);
      const number = (text: string | undefined) => (text === undefined ? undefined : Number(text));
      const request: FineTuneRequest = {
        dataset: values.dataset!,
        task: readTaskFile(values.task!),
        provider: values.provider!,
        model: values.model!,
        hyperparameters,
        suffix: values.suffix,
        seed: number(values.seed),
        maxTokensPerExample: number(values["max-tokens-per-example"]),
        ...(values["poll-seconds"] !== undefined ? { pollSeconds: Number(values["poll-seconds"]) } : {}),
        options: options as FineTuneRequest["options"],
      };
      const db = await openDatabase();
      try {
        let validated;
        try {
          validated = await validateFineTuneRequest(db, request);
        } catch (error) {
          if (error instanceof TrainingRequestError) throw new Error(`${flagOf(error.field)}: ${error.reason}\nusage: ${USAGE}`);
          throw error;
        }
        const queue = await JobQueue.open(db);
        try {
          const job = await queue.enqueue(openaiFineTuneJob, validated.payload);
          if (!values.wait) {
            if (!ctx.json) ctx.out(`Queued fine-tuning job ${job.id}: \`studio job ${job.id}\` shows it`);
            return { job: job.id, status: job.state };
          }
          const finished = await runUntilEnd(queue, job.id);
          const result = finished.result as OpenaiFineTuneResult | null;
          if (!ctx.json) {
            ctx.out(`${finished.id}: ${finished.state}${finished.error ? `: ${finished.error}` : ""}`);
            if (result?.fineTunedModel) ctx.out(`fine-tuned model: ${result.fineTunedModel}\nmetrics: ${JSON.stringify(result.metrics)}`);
          }
          if (finished.state !== "succeeded") process.exitCode = 1;
          return {
            job: finished.id,
            status: finished.state,
            fine_tuned_model: result?.fineTunedModel ?? null,
            provider_job: result?.providerJobId ?? null,
            metrics: result?.metrics ?? {},
            ...(finished.error ? { error: finished.error } : {}),
          };
        } finally {
          await queue.close();
        }
      } finally {
        await db.close();
      }
    },
  },
};
