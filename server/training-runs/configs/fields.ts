/**
 * The pieces every runner config is built from: a setting is a zod schema with its default, a
 * description and a level (`basic` settings come first in the config form, `advanced` ones sit
 * behind a toggle). The metadata travels into the JSON Schema (`description`, `level`), which is
 * what the Python worker validates against and what the form is generated from.
 */
import { z } from "zod";

export const SETTING_LEVELS = ["basic", "advanced"] as const;
export type SettingLevel = (typeof SETTING_LEVELS)[number];

export interface SettingMeta {
  description: string;
  level: SettingLevel;
}

export function basic<T extends z.ZodType>(schema: T, description: string): T {
  return schema.meta({ description, level: "basic" } satisfies SettingMeta);
}

export function advanced<T extends z.ZodType>(schema: T, description: string): T {
  return schema.meta({ description, level: "advanced" } satisfies SettingMeta);
}

/** Messages in the worker's words ("must be > 0"), so the CLI, the form and the log read the same. */
export const int = (min?: number) => {
  const integer = z.number({ error: "must be a number" }).int({ error: "must be an integer" });
  return min === undefined ? integer : integer.min(min, { error: `must be ≥ ${min}` });
};
export const positive = () => z.number({ error: "must be a number" }).gt(0, { error: "must be > 0" });
export const atLeast = (min: number) => z.number({ error: "must be a number" }).min(min, { error: `must be ≥ ${min}` });
export const fraction = () => z.number({ error: "must be a number" }).min(0, { error: "must lie in [0, 1)" }).lt(1, { error: "must lie in [0, 1)" });

/**
 * Keys the worker sets itself from job.json and the device (trainer/studio_trainer/config_base.py
 * WORKER_KEYS): a config may not set them.
 */
export const WORKER_KEYS: ReadonlySet<string> = new Set([
  "output_dir", "overwrite_output_dir", "use_cpu", "no_cuda", "bf16", "fp16", "report_to", "seed",
  "resume_from_checkpoint", "push_to_hub", "hub_token", "hub_model_id", "logging_dir", "disable_tqdm",
]);

/** Secrets travel in the worker's environment, never in a config (trainer/studio_trainer/job.py). */
const SECRET_HINTS = ["token", "password", "secret", "api_key"];
const NOT_SECRETS: ReadonlySet<string> = new Set(["eos_token", "pad_token", "stop_token", "stop_token_id"]);

/** Refuses the keys no config may hold; `data` is the raw config object. */
export function refuseOwnedKeys(data: Record<string, unknown>, ctx: z.RefinementCtx): void {
  for (const key of Object.keys(data)) {
    if (WORKER_KEYS.has(key)) {
      ctx.addIssue({ code: "custom", path: [key], message: "is set by the worker (from job.json and the device), not by the config" });
    } else if (!NOT_SECRETS.has(key) && SECRET_HINTS.some((hint) => key.toLowerCase().includes(hint))) {
      ctx.addIssue({ code: "custom", path: [key], message: "looks like a secret; secrets reach the worker through its environment, never a config" });
    }
  }
}

/**
 * One runner's config schema. Keys that are not its settings pass through to the framework's own
 * arguments class (TrainingArguments, SFTConfig, …) with `passThrough: true`, as Argilla's
 * `update_config` merged them (the worker checks them by name); otherwise they are refused.
 * `check` holds the rules between settings (the dataclass's `validate()`), on the parsed values.
 */
export function runnerConfig<Shape extends z.ZodRawShape>(
  shape: Shape,
  options: { passThrough: boolean; check?: (config: z.output<z.ZodObject<Shape>>, ctx: z.RefinementCtx) => void },
) {
  const object = z.object(shape);
  const open = options.passThrough ? object.catchall(z.unknown()) : object.strict();
  return open.superRefine((config, ctx) => {
    refuseOwnedKeys(config as Record<string, unknown>, ctx);
    options.check?.(config as z.output<z.ZodObject<Shape>>, ctx);
  });
}
