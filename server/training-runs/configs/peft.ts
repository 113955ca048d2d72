/**
 * PEFT LoRA (peft 0.21 `LoraConfig` names), over the transformers classification settings or the
 * TRL SFT settings: trainer/studio_trainer/peft_config.py. Argilla's `lora_kwargs`: r 8, alpha 16,
 * dropout 0.1, target_modules null (PEFT's per-architecture default), bias none.
 */
import { z } from "zod";
import { advanced, basic, fraction, int, runnerConfig } from "./fields";
import { checkStepsOrEpochs } from "./trainer-arguments";
import { classificationSettings } from "./transformers";
import { sftSettings } from "./trl";

const loraSettings = {
  r: basic(int(1).default(8), "LoRA rank: the size of the low-rank update matrices."),
  lora_alpha: basic(int(1).default(16), "LoRA scaling (the update is scaled by alpha / r)."),
  lora_dropout: advanced(fraction().default(0.1), "Dropout on the LoRA layers' input."),
  target_modules: advanced(z.union([z.array(z.string().min(1)), z.string().min(1)]).nullable().default(null), "Modules that get adapters (names, or a regex); null: PEFT's default for the architecture."),
  bias: advanced(z.enum(["none", "all", "lora_only"]).default("none"), "Which biases are trained."),
  fan_in_fan_out: advanced(z.boolean().default(false), "For layers that store weights as (fan_in, fan_out), such as GPT-2's Conv1D."),
  modules_to_save: advanced(z.array(z.string().min(1)).nullable().default(null), "Modules trained fully and saved beside the adapter (PEFT adds a classifier head itself)."),
  init_lora_weights: advanced(z.boolean().default(true), "Initialise the adapters so that training starts from the base model."),
  use_rslora: advanced(z.boolean().default(false), "Rank-stabilised LoRA: scale by alpha / sqrt(r)."),
};

export const peftClassificationConfigSchema = runnerConfig({ ...classificationSettings, ...loraSettings }, { passThrough: true, check: checkStepsOrEpochs });

export const peftCausalLmConfigSchema = runnerConfig({ ...sftSettings, ...loraSettings }, { passThrough: true, check: checkStepsOrEpochs });
