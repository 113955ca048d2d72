/**
 * What a person asks of a provider, checked before anything is queued or sent: a fine-tuning
 * request (shared by `studio finetune` and the `openai.start` procedure) and a chat with a
 * fine-tuned model (the playground). Refusals name the field (`hyperparameters.n_epochs: …`), as
 * training requests do (TrainingRequestError).
 */
import { z } from "zod";
import { DatasetNotFoundError, getDataset, type DatasetDetail } from "../db/datasets";
import { openaiFineTuneJob, openaiFineTunePayloadSchema, type OpenaiFineTuneResult } from "../jobs/kinds/openai-fine-tune";
import { getJob } from "../jobs/store";
import { runLongWork } from "../long-work/pool";
import type { ServiceDb } from "../services/prepare";
import { datasetNameSchema, prepareOptions } from "../services/prepare-options";
import { frameworksFor, parseTrainingTask, TaskParseError, type TrainingTask } from "../training";
import { TrainingRequestError, trainingOptionsSchema } from "../training-runs/validate";
import { describeProviderError, openProvider, providerExists } from "./provider";
import { exampleTokenLimit, type ChatValidation } from "./validate";

/** A fine-tuning request as the CLI and the browser give it. */
export const fineTuneRequestSchema = openaiFineTunePayloadSchema.omit({ datasetId: true, task: true, options: true }).extend({
  dataset: datasetNameSchema,
  /** The task JSON (an object, or its text); it must prepare for the `openai` framework. */
  task: z.unknown(),
  options: trainingOptionsSchema.default({}),
});
export type FineTuneRequest = z.input<typeof fineTuneRequestSchema>;

function fromIssue(issue: z.core.$ZodIssue): TrainingRequestError {
  const key = issue.code === "unrecognized_keys" ? issue.keys[0] : undefined;
  const field = [...issue.path.map(String), ...(key ? [key] : [])].join(".") || "request";
  return new TrainingRequestError(field, key ? "is not a setting the provider takes" : issue.message);
}

export async function validateFineTuneRequest(
  db: ServiceDb,
  request: FineTuneRequest,
): Promise<{ dataset: DatasetDetail; task: TrainingTask; payload: z.output<typeof openaiFineTunePayloadSchema> }> {
  const parsed = fineTuneRequestSchema.safeParse(request);
  if (!parsed.success) throw fromIssue(parsed.error.issues[0]!);
  const { dataset: name, task: rawTask, ...rest } = parsed.data;
  const dataset = await getDataset(db.pool, name).catch((error) => {
    throw error instanceof DatasetNotFoundError ? new TrainingRequestError("dataset", error.message) : error;
  });
  let task: TrainingTask;
  try {
    task = parseTrainingTask(rawTask);
  } catch (error) {
    if (error instanceof TaskParseError) throw new TrainingRequestError("task", error.message);
    throw error;
  }
  if (!frameworksFor(task).includes("openai")) throw new TrainingRequestError("task", `${task.task} cannot be prepared for OpenAI chat fine-tuning (chat_completion and text_classification can)`);
  if (!(await providerExists(db.pool, rest.provider))) throw new TrainingRequestError("provider", `no provider "${rest.provider}" in the settings (an admin adds it on the Secrets page)`);
  const payload = openaiFineTunePayloadSchema.safeParse({ ...rest, datasetId: dataset.id, task });
  if (!payload.success) throw fromIssue(payload.error.issues[0]!);
  return { dataset, task, payload: payload.data };
}

/**
 * What the job would upload, checked now: the dataset prepared for the `openai` framework as the
 * job prepares it (its training split), then the provider's rules. A whole dataset's prepare takes
 * seconds of CPU, so it runs in a long-work thread (pages keep being served) and stops when the
 * request is aborted. The request's own refusals come first, as TrainingRequestError.
 */
export async function checkFineTuneRows(db: ServiceDb & { url: string }, request: FineTuneRequest, signal?: AbortSignal): Promise<ChatValidation> {
  const { dataset, task, payload } = await validateFineTuneRequest(db, request);
  const options = prepareOptions({ ...payload.options, framework: "openai", format: "jsonl" }, task);
  try {
    return await runLongWork({ kind: "fine-tune-rows", dataset, options, tokenLimit: payload.maxTokensPerExample ?? exampleTokenLimit(payload.model) }, db.url, signal);
  } catch (error) {
    // Errors cross the thread by name and message.
    if ((error as Error).name === "PrepareError") throw new TrainingRequestError("task", (error as Error).message);
    throw error;
  }
}

/** Bounds of a playground chat: what one request may send and ask for. */
export const CHAT_LIMITS = { messages: 50, messageChars: 8000, maxTokens: 2048 } as const;

export const chatRequestSchema = z.object({
  /** The studio job that fine-tuned the model. */
  id: z.string().uuid(),
  messages: z
    .array(z.object({ role: z.enum(["system", "user", "assistant"]), content: z.string().min(1).max(CHAT_LIMITS.messageChars) }).strict())
    .min(1)
    .max(CHAT_LIMITS.messages),
  maxTokens: z.number().int().min(1).max(CHAT_LIMITS.maxTokens).default(256),
});
export type ChatRequest = z.input<typeof chatRequestSchema>;

/** A chat that cannot be sent: no such job, or no fine-tuned model yet. */
export class ChatJobError extends Error {
  constructor(
    readonly reason: "not_found" | "not_ready",
    message: string,
  ) {
    super(message);
  }
}

/** One chat completion from the job's fine-tuned model, at the job's provider. Provider errors are ProviderError-like text. */
export async function chatWithFineTunedModel(db: ServiceDb, request: z.output<typeof chatRequestSchema>): Promise<{ model: string; content: string; finishReason: string; usage: { prompt: number; completion: number } | null }> {
  const job = await getJob(db.pool, request.id);
  if (!job || job.kind !== openaiFineTuneJob.name) throw new ChatJobError("not_found", `No fine-tuning job ${request.id}`);
  const result = job.result as OpenaiFineTuneResult | null;
  if (job.state !== "succeeded" || !result?.fineTunedModel) throw new ChatJobError("not_ready", `fine-tuning job ${request.id} has no fine-tuned model (it is ${job.state})`);
  const provider = await openProvider(db.pool, result.provider);
  try {
    const completion = await provider.client.chat.completions.create({ model: result.fineTunedModel, messages: request.messages, max_completion_tokens: request.maxTokens });
    const choice = completion.choices[0];
    return {
      model: completion.model,
      content: choice?.message.content ?? "",
      finishReason: choice?.finish_reason ?? "stop",
      usage: completion.usage ? { prompt: completion.usage.prompt_tokens, completion: completion.usage.completion_tokens } : null,
    };
  } catch (error) {
    throw new Error(describeProviderError(error));
  }
}
