import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { CONFIG_SCHEMAS, configForm, configSchemaFor, RUNNER_CONFIGS, TRAINER_FRAMEWORKS, UnsupportedRunnerError, type ConfigName } from "./index";
import { CONFIGS_SCHEMA_FILE, configsSchemaText } from "./write-json-schema";

function refusal(framework: string, task: string, config: unknown) {
  const result = configSchemaFor(framework, task).safeParse(config);
  return result.success ? null : result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
}

describe("runner config schemas", () => {
  it("the JSON Schema in the Python package is the one generated from these (npm run configs:schema)", () => {
    expect(fs.readFileSync(CONFIGS_SCHEMA_FILE, "utf8")).toBe(configsSchemaText());
  });

  it("every setting has a description and a level, and every config parses {} to its defaults", () => {
    for (const name of Object.keys(CONFIG_SCHEMAS) as ConfigName[]) {
      const defaults = CONFIG_SCHEMAS[name].parse({});
      const framework = TRAINER_FRAMEWORKS.find((f) => Object.values(RUNNER_CONFIGS[f]).includes(name))!;
      const task = Object.entries(RUNNER_CONFIGS[framework]).find(([, n]) => n === name)![0];
      const form = configForm(framework, task);
      expect(form.defaults).toEqual(defaults);
      for (const setting of form.settings) {
        expect(["basic", "advanced"]).toContain(setting.level);
        expect(setting.description.length).toBeGreaterThan(10);
        if ("default" in setting) expect(defaults[setting.name as keyof typeof defaults]).toEqual(setting.default);
      }
    }
  });

  it("defaults are Argilla's, corrected to the installed versions", () => {
    expect(configForm("setfit", "text_classification").defaults).toMatchObject({ num_iterations: 20, num_epochs: 1, batch_size: 16, body_learning_rate: 2e-5, use_amp: false });
    expect(configForm("transformers", "text_classification").defaults).toMatchObject({ learning_rate: 5e-5, num_train_epochs: 3, per_device_train_batch_size: 8, max_length: 512 });
    expect(configForm("transformers", "question_answering").defaults).toMatchObject({ max_length: 384, doc_stride: 128 });
    expect(configForm("peft", "supervised_fine_tuning").defaults).toMatchObject({ r: 8, lora_alpha: 16, lora_dropout: 0.1, learning_rate: 2e-5, num_train_epochs: 1 });
    expect(configForm("sentence-transformers", "sentence_similarity").defaults).toMatchObject({ learning_rate: 2e-5, per_device_train_batch_size: 32, warmup_steps: 0.1, loss: "auto" });
    expect(configForm("spacy", "text_classification").defaults).toMatchObject({ max_steps: 20000, max_epochs: 0, patience: 1600, eval_frequency: 200 });
    expect(configForm("trl", "reward_modeling").defaults).toMatchObject({ learning_rate: 1e-4, max_length: 512 });
    expect(configForm("trl", "direct_preference_optimization").defaults).toMatchObject({ learning_rate: 1e-6, beta: 0.1 });
    expect(configForm("trl", "proximal_policy_optimization").defaults).toMatchObject({ algorithm: "ppo", learning_rate: 3e-6, response_length: 53, num_generations: 2 });
  });

  it("the form's basic settings are the ones a person sets first", () => {
    const basic = configForm("transformers", "text_classification").settings.filter((s) => s.level === "basic").map((s) => s.name);
    expect(basic).toEqual(expect.arrayContaining(["learning_rate", "num_train_epochs", "max_steps", "per_device_train_batch_size"]));
    expect(basic).not.toContain("save_steps");
    expect(configForm("peft", "text_classification").settings.find((s) => s.name === "r")?.level).toBe("basic");
  });

  it("refuses a learning rate ≤ 0, nothing to train, batch sizes < 1, wrong types, and names the setting", () => {
    expect(refusal("transformers", "text_classification", { learning_rate: 0 })).toEqual(["learning_rate: must be > 0"]);
    expect(refusal("trl", "supervised_fine_tuning", { learning_rate: -1e-5 })).toEqual(["learning_rate: must be > 0"]);
    expect(refusal("setfit", "text_classification", { body_learning_rate: 0 })).toEqual(["body_learning_rate: must be > 0"]);
    expect(refusal("transformers", "text_classification", { max_steps: -1, num_train_epochs: 0 })).toEqual(["max_steps: needs max_steps > 0 or num_train_epochs > 0"]);
    expect(refusal("setfit", "text_classification", { num_epochs: 0 })).toEqual(["max_steps: needs max_steps > 0 or num_epochs > 0"]);
    expect(refusal("spacy", "text_classification", { max_steps: 0 })).toEqual(["max_steps: needs max_steps > 0 or max_epochs > 0"]);
    expect(refusal("sentence-transformers", "sentence_similarity", { per_device_train_batch_size: 0 })).toEqual(["per_device_train_batch_size: must be ≥ 1"]);
    expect(refusal("transformers", "text_classification", { learning_rate: "fast" })).toEqual(["learning_rate: must be a number"]);
    expect(refusal("transformers", "text_classification", { max_steps: 2.5 })).toEqual(["max_steps: must be an integer"]);
  });

  it("refuses the rules between settings, as the dataclasses' validate() does", () => {
    expect(refusal("transformers", "question_answering", { max_length: 128, doc_stride: 128 })).toEqual(["doc_stride: must be smaller than max_length"]);
    expect(refusal("sentence-transformers", "sentence_similarity", { cross_encoder: true, loss: "mnrl" })).toEqual(["loss: for a cross-encoder must be one of auto, bce, cross_entropy"]);
    expect(refusal("trl", "proximal_policy_optimization", { per_device_train_batch_size: 8, num_mini_batches: 3 })).toEqual(["num_mini_batches: per_device_train_batch_size must be a multiple of num_mini_batches"]);
    expect(refusal("trl", "proximal_policy_optimization", { algorithm: "grpo", num_generations: 3 })).toEqual([
      "num_generations: must divide per_device_train_batch_size × gradient_accumulation_steps (each prompt's completions are generated together)",
    ]);
    expect(refusal("trl", "proximal_policy_optimization", { algorithm: "rloo", num_generations: 4, per_device_eval_batch_size: 2 })).toEqual(["num_generations: must divide per_device_eval_batch_size"]);
    expect(refusal("trl", "proximal_policy_optimization", { algorithm: "ppo", num_generations: 3 })).toBeNull();
    expect(refusal("setfit", "text_classification", { use_differentiable_head: true, multi_target_strategy: "classifier-chain" })).toHaveLength(1);
    expect(refusal("trl", "direct_preference_optimization", { beta: 0 })).toEqual(["beta: must be > 0"]);
    expect(refusal("peft", "text_classification", { lora_dropout: 1 })).toEqual(["lora_dropout: must lie in [0, 1)"]);
  });

  it("keys the worker owns and secrets are refused; other keys pass through only where the framework takes them", () => {
    expect(refusal("transformers", "text_classification", { output_dir: "/elsewhere" })).toEqual(["output_dir: is set by the worker (from job.json and the device), not by the config"]);
    expect(refusal("trl", "supervised_fine_tuning", { hub_token: "hf_x" })![0]).toMatch(/^hub_token: is set by the worker/);
    expect(refusal("trl", "supervised_fine_tuning", { my_api_key: "x" })).toEqual(["my_api_key: looks like a secret; secrets reach the worker through its environment, never a config"]);
    expect(configSchemaFor("trl", "direct_preference_optimization").parse({ label_smoothing: 0.1 })).toMatchObject({ label_smoothing: 0.1, beta: 0.1 });
    expect(refusal("spacy", "text_classification", { label_smoothing: 0.1 })).not.toBeNull();
    expect(refusal("trl", "proximal_policy_optimization", { whiten_rewards: true })).not.toBeNull();
    expect(configSchemaFor("setfit", "text_classification").parse({ l2_weight: 0.01 })).toMatchObject({ l2_weight: 0.01 });
  });

  it("only the pairs the worker trains have a config", () => {
    expect(() => configSchemaFor("setfit", "question_answering")).toThrow(UnsupportedRunnerError);
    expect(() => configSchemaFor("setfit", "question_answering")).toThrow("setfit does not train question_answering (it trains text_classification)");
    expect(() => configSchemaFor("openai", "chat_completion")).toThrow(/openai is not a framework the studio trains with/);
    expect(configSchemaFor("peft", "chat_completion")).toBe(CONFIG_SCHEMAS["peft-causal-lm"]);
  });
});
