import type { Readable } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import { z } from "zod";

/*
 * The training worker's stdout events (one JSON object per line).
 *
 * One definition: trainer/studio_trainer/protocol/events.schema.json is the contract; Python validates its
 * example transcripts against it. This zod schema is its TypeScript mirror (zod gives the static types and
 * readable errors, which loading the JSON file at runtime would not). events.test.ts keeps the two one:
 * it converts this schema with z.toJSONSchema and asserts it means the same as the file (event names,
 * required fields, property types, enums, bounds, the time pattern), and parses the same transcripts.
 * Change the JSON file first, then this mirror; the test fails until they agree.
 */

// The file's top-level `time` pattern (its `format: date-time` is an annotation; the pattern is the check).
const time = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
const step = z.int().min(0);
const numbers = z.record(z.string(), z.number());
const relativePath = z.string().describe("relative to output_dir");

const started = z.strictObject({
  event: z.literal("started"),
  time,
  job_id: z.string().min(1),
  framework: z.string(),
  task: z.string(),
  device: z.string().describe('"cpu", or "cuda:<name> (bf16|fp16)"'),
  precision: z.enum(["fp32", "bf16", "fp16"]).optional(),
  resumed_from: z.string().nullable().optional().describe("checkpoint folder name the run continues from"),
  versions: z.looseObject({ python: z.string(), studio_trainer: z.string() }).catchall(z.string()),
});

const phase = z.strictObject({
  event: z.literal("phase"),
  time,
  phase: z.enum(["loading", "training", "embedding", "head", "evaluating", "saving"]),
});

const progress = z.strictObject({
  event: z.literal("progress"),
  time,
  step,
  max_steps: z.int().min(0),
  epoch: z.number().nullable(),
  rss_mb: z.number().min(0).optional(),
  gpu_mb: z.number().min(0).optional(),
});

const metrics = z.strictObject({
  event: z.literal("metrics"),
  time,
  step,
  // z.record has no minProperties: the refine checks it, the meta states it in the JSON Schema.
  values: numbers.refine((v) => Object.keys(v).length >= 1, "expected at least one value").meta({ minProperties: 1 }),
  split: z.enum(["train", "eval"]),
});

const checkpoint = z.strictObject({ event: z.literal("checkpoint"), time, step, path: relativePath });

const artifact = z.strictObject({
  event: z.literal("artifact"),
  time,
  kind: z.enum(["model", "card", "metrics", "adapter"]),
  path: relativePath,
});

const done = z.strictObject({
  event: z.literal("done"),
  time,
  status: z.enum(["succeeded", "cancelled"]),
  metrics: numbers,
  model_dir: z.string().nullable().describe("relative to output_dir; null when cancelled"),
  step: step.optional(),
});

const error = z.strictObject({
  event: z.literal("error"),
  time,
  message: z.string(),
  kind: z.enum(["invalid_job", "invalid_config", "invalid_data", "training"]).optional(),
  traceback: z.string().nullable(),
});

export const trainerEventSchema = z.discriminatedUnion("event", [
  started,
  phase,
  progress,
  metrics,
  checkpoint,
  artifact,
  done,
  error,
]);

export type TrainerEvent = z.infer<typeof trainerEventSchema>;
export type TrainerEventName = TrainerEvent["event"];
export const TRAINER_EVENT_NAMES = trainerEventSchema.options.map((o) => o.shape.event.value) as TrainerEventName[];

/** The longest piece of a refused line that an error message quotes (lines can hold tracebacks or paths). */
const QUOTED_PREFIX = 60;

function prefixOf(line: string): string {
  return JSON.stringify(line.length > QUOTED_PREFIX ? `${line.slice(0, QUOTED_PREFIX)}…` : line);
}

/** One stdout line of the worker that is not a valid event. */
export class TrainerEventError extends Error {
  override name = "TrainerEventError";
}

/** Parses one stdout line of the worker; throws TrainerEventError naming the event and the failing fields. */
export function parseEventLine(line: string): TrainerEvent {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new TrainerEventError(`trainer output line is not JSON: ${prefixOf(line)}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new TrainerEventError(`trainer output line is not a JSON object: ${prefixOf(line)}`);
  }
  const name = (value as { event?: unknown }).event;
  if (typeof name !== "string") {
    throw new TrainerEventError(`trainer event has no "event" name: ${prefixOf(line)}`);
  }
  if (!(TRAINER_EVENT_NAMES as string[]).includes(name)) {
    throw new TrainerEventError(
      `unknown trainer event ${JSON.stringify(name.slice(0, QUOTED_PREFIX))} (expected one of ${TRAINER_EVENT_NAMES.join(", ")})`,
    );
  }
  const parsed = trainerEventSchema.safeParse(value);
  if (!parsed.success) {
    // Zod's messages name the field and expected type, never the received value.
    const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "(event)"}: ${i.message}`);
    throw new TrainerEventError(`invalid trainer event "${name}": ${problems.join("; ")}`);
  }
  return parsed.data;
}

/**
 * Reads a worker's stdout: splits it into lines (chunks may end mid-line or mid-character; CRLF or LF; the
 * last line may lack its newline), parses each, and calls onEvent or onInvalid. Blank lines carry no event
 * and are skipped. Resolves when the stream ends; rejects on a stream error.
 */
export async function readEvents(
  stream: Readable,
  onEvent: (event: TrainerEvent) => void,
  onInvalid: (error: TrainerEventError, line: string) => void,
): Promise<void> {
  const decoder = new StringDecoder("utf8");
  let pending = "";
  const handle = (raw: string) => {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (line.trim() === "") return;
    let event: TrainerEvent;
    try {
      event = parseEventLine(line);
    } catch (e) {
      if (!(e instanceof TrainerEventError)) throw e;
      onInvalid(e, line);
      return;
    }
    onEvent(event);
  };
  for await (const chunk of stream) {
    pending += typeof chunk === "string" ? chunk : decoder.write(chunk as Buffer);
    const lines = pending.split("\n");
    pending = lines.pop()!;
    lines.forEach(handle);
  }
  handle(pending + decoder.end());
}
