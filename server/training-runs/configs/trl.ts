/**
 * TRL (trl 1.16): SFT, reward modeling and DPO, trainer/studio_trainer/{trl_common,sft_config,
 * reward_config,dpo_config}.py. Argilla's TRL defaults (1 epoch, logging every step) over TRL's own
 * learning rates; any other parameter of TRL's config class passes through.
 */
import { z } from "zod";
import { advanced, basic, int, positive, runnerConfig } from "./fields";
import { checkStepsOrEpochs, epochs, learningRate, trainerArguments } from "./trainer-arguments";

export const trlSettings = {
  ...trainerArguments,
  num_train_epochs: epochs(1),
  max_length: basic(int(8).nullable().default(1024), "Tokens kept per row; null: no limit."),
  gradient_checkpointing: advanced(z.boolean().nullable().default(null), "Recompute activations to save memory; null: on with CUDA, off on CPU."),
};

export const sftSettings = {
  ...trlSettings,
  learning_rate: learningRate(2e-5, " (TRL's SFTConfig default)"),
  packing: advanced(z.boolean().default(false), "Pack several rows into one sequence (exact only with FlashAttention)."),
  response_template: advanced(
    z.string().min(1).nullable().default(null),
    "Completion-only loss on text rows: each text is split at this string's first occurrence and only what follows is trained; rows without it are dropped.",
  ),
  assistant_only_loss: advanced(z.boolean().default(false), "On messages rows: train only on assistant turns (the chat template needs {% generation %} markers)."),
};

export const sftConfigSchema = runnerConfig(sftSettings, { passThrough: true, check: checkStepsOrEpochs });

export const rewardConfigSchema = runnerConfig(
  {
    ...trlSettings,
    learning_rate: learningRate(1e-4, " (TRL's RewardConfig default)"),
    max_length: basic(int(8).nullable().default(512), "Tokens per chosen or rejected text; longer pairs are DROPPED by TRL, not truncated."),
    center_rewards_coefficient: advanced(z.number().nullable().default(null), "Pushes the rewards' mean towards 0 (null: off)."),
  },
  { passThrough: true, check: checkStepsOrEpochs },
);

export const dpoConfigSchema = runnerConfig(
  {
    ...trlSettings,
    learning_rate: learningRate(1e-6, " (TRL's DPOConfig default)"),
    beta: basic(positive().default(0.1), "How far the policy may move from the reference model (higher: closer)."),
    loss_type: advanced(z.array(z.string().min(1)).min(1).nullable().default(null), "DPO loss types (null: TRL's [\"sigmoid\"])."),
  },
  { passThrough: true, check: checkStepsOrEpochs },
);
