/**
 * The runner configs: one zod schema per runner, the single source of the config form, of the
 * CLI's `--config` check and of the Python worker's validation (the JSON Schema generated from
 * these into trainer/studio_trainer/protocol/configs.schema.json, which the dataclasses are tested
 * against). `RUNNER_CONFIGS` lists which config each (framework, task) trains with, as the worker's
 * registry (trainer/studio_trainer/registry.py RUNNERS) does.
 */
import { z } from "zod";
import type { TaskKind } from "../../training/tasks/schema";
import type { SettingLevel } from "./fields";
import { onlineRlConfigSchema } from "./online-rl";
import { peftCausalLmConfigSchema, peftClassificationConfigSchema } from "./peft";
import { sentenceTransformersConfigSchema } from "./sentence-transformers";
import { setfitConfigSchema } from "./setfit";
import { spacyConfigSchema } from "./spacy";
import { transformersClassificationConfigSchema, transformersQuestionAnsweringConfigSchema } from "./transformers";
import { dpoConfigSchema, rewardConfigSchema, sftConfigSchema } from "./trl";

export { SETTING_LEVELS, WORKER_KEYS, type SettingLevel } from "./fields";

/** The frameworks the Python worker trains (the studio prepares rows for openai and spacy-transformers too). */
export const TRAINER_FRAMEWORKS = ["setfit", "transformers", "peft", "sentence-transformers", "spacy", "trl"] as const;
export type TrainerFramework = (typeof TRAINER_FRAMEWORKS)[number];

/** Each config by the name the Python dataclass declares as its SCHEMA_NAME. */
export const CONFIG_SCHEMAS = {
  setfit: setfitConfigSchema,
  "transformers-classification": transformersClassificationConfigSchema,
  "transformers-question-answering": transformersQuestionAnsweringConfigSchema,
  "peft-classification": peftClassificationConfigSchema,
  "peft-causal-lm": peftCausalLmConfigSchema,
  "sentence-transformers": sentenceTransformersConfigSchema,
  spacy: spacyConfigSchema,
  "trl-sft": sftConfigSchema,
  "trl-reward": rewardConfigSchema,
  "trl-dpo": dpoConfigSchema,
  "online-rl": onlineRlConfigSchema,
} as const;
export type ConfigName = keyof typeof CONFIG_SCHEMAS;
export type RunnerConfigSchema = (typeof CONFIG_SCHEMAS)[ConfigName];

/** framework → task → config: every pair the worker trains. */
export const RUNNER_CONFIGS: Record<TrainerFramework, Partial<Record<TaskKind, ConfigName>>> = {
  setfit: { text_classification: "setfit" },
  transformers: { text_classification: "transformers-classification", question_answering: "transformers-question-answering" },
  peft: { text_classification: "peft-classification", supervised_fine_tuning: "peft-causal-lm", chat_completion: "peft-causal-lm" },
  "sentence-transformers": { sentence_similarity: "sentence-transformers" },
  spacy: { text_classification: "spacy" },
  trl: {
    supervised_fine_tuning: "trl-sft",
    chat_completion: "trl-sft",
    reward_modeling: "trl-reward",
    direct_preference_optimization: "trl-dpo",
    proximal_policy_optimization: "online-rl",
  },
};

export class UnsupportedRunnerError extends Error {
  constructor(readonly framework: string, readonly task: string) {
    const tasks = Object.keys(RUNNER_CONFIGS[framework as TrainerFramework] ?? {});
    super(
      (TRAINER_FRAMEWORKS as readonly string[]).includes(framework)
        ? `${framework} does not train ${task} (it trains ${tasks.join(", ")})`
        : `${framework} is not a framework the studio trains with (choose one of ${TRAINER_FRAMEWORKS.join(", ")})`,
    );
    this.name = "UnsupportedRunnerError";
  }
}

export function configNameFor(framework: string, task: string): ConfigName {
  const name = RUNNER_CONFIGS[framework as TrainerFramework]?.[task as TaskKind];
  if (!name) throw new UnsupportedRunnerError(framework, task);
  return name;
}

/** The config schema of the runner that trains `task` with `framework`; throws UnsupportedRunnerError. */
export function configSchemaFor(framework: string, task: string): RunnerConfigSchema {
  return CONFIG_SCHEMAS[configNameFor(framework, task)];
}

/** A config's JSON Schema (2020-12) as a partial config is checked: settings with a default are optional. */
export function configJsonSchema(name: ConfigName): Record<string, unknown> {
  const { $schema: _, ...schema } = z.toJSONSchema(CONFIG_SCHEMAS[name], { io: "input", target: "draft-2020-12" }) as Record<string, unknown>;
  return schema;
}

/** The document written to trainer/studio_trainer/protocol/configs.schema.json (`npm run configs:schema`). */
export function configsSchemaDocument() {
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $comment: "Generated from server/training-runs/configs/ by `npm run configs:schema`; do not edit.",
    runners: Object.fromEntries(TRAINER_FRAMEWORKS.map((framework) => [framework, RUNNER_CONFIGS[framework]])),
    $defs: Object.fromEntries((Object.keys(CONFIG_SCHEMAS) as ConfigName[]).map((name) => [name, configJsonSchema(name)])),
  };
}

export interface ConfigSetting {
  name: string;
  level: SettingLevel;
  description: string;
  /** Absent for pass-through settings, which have none. */
  default?: unknown;
  schema: Record<string, unknown>;
}

/** What the config form needs for a framework and task: the JSON Schema, its settings by level, the defaults. */
export function configForm(framework: string, task: string) {
  const name = configNameFor(framework, task);
  const jsonSchema = configJsonSchema(name);
  const properties = jsonSchema.properties as Record<string, Record<string, unknown>>;
  const settings: ConfigSetting[] = Object.entries(properties).map(([setting, property]) => ({
    name: setting,
    level: property.level as SettingLevel,
    description: property.description as string,
    ...("default" in property ? { default: property.default } : {}),
    schema: property,
  }));
  return {
    name,
    jsonSchema,
    settings,
    defaults: CONFIG_SCHEMAS[name].parse({}) as Record<string, unknown>,
    /** Keys that are not settings pass through to the framework's own arguments class. */
    passThrough: jsonSchema.additionalProperties !== false,
  };
}
