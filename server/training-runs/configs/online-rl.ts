/**
 * Online RL for the task proximal_policy_optimization: trainer/studio_trainer/ppo_config.py.
 * `ppo` runs trl 1.12.0's `trl.experimental.ppo.PPOTrainer` (the overlay; PPO left TRL in 1.13),
 * `grpo` and `rloo` current TRL's GRPOTrainer / RLOOTrainer; all three score completions with a
 * reward model from an earlier reward-modeling job. TRL's defaults, with Argilla's one epoch.
 */
import { z } from "zod";
import { advanced, basic, int, positive, runnerConfig } from "./fields";
import { checkSingleProcess, checkStepsOrEpochs, epochs, learningRate, trainerArguments } from "./trainer-arguments";

export const ONLINE_RL_ALGORITHMS = ["ppo", "grpo", "rloo"] as const;

export const onlineRlConfigSchema = runnerConfig(
  {
    ...trainerArguments,
    algorithm: basic(
      z.enum(ONLINE_RL_ALGORITHMS).default("ppo"),
      "ppo: classic RLHF (policy, frozen reference, value model); grpo: no value model, group-relative rewards over num_generations completions (less memory); rloo: leave-one-out baseline.",
    ),
    learning_rate: learningRate(3e-6, " (TRL's PPO default)"),
    num_train_epochs: epochs(1),
    max_prompt_length: advanced(int(1).default(128), "Tokens kept per query."),
    response_length: basic(int(1).default(53), "Tokens generated per query (GRPO/RLOO: max_completion_length)."),
    temperature: advanced(positive().default(0.7), "Sampling temperature of the generations."),
    total_episodes: advanced(int(1).nullable().default(null), "PPO: queries in all; null: epochs × rows (or max_steps × batch)."),
    num_ppo_epochs: advanced(int(1).default(4), "PPO: optimisation epochs per batch of generations."),
    num_mini_batches: advanced(int(1).default(1), "PPO: mini-batches per batch (the batch size must divide by it)."),
    kl_coef: advanced(z.number().min(0).default(0.05), "Weight of the KL penalty against the reference model."),
    num_generations: advanced(int(2).default(2), "GRPO/RLOO: completions per prompt."),
    gradient_checkpointing: advanced(z.boolean().nullable().default(null), "Recompute activations to save memory; null: on with CUDA, off on CPU."),
  },
  {
    passThrough: false,
    check(config, ctx) {
      checkStepsOrEpochs(config, ctx);
      if (config.algorithm === "ppo") checkSingleProcess(config, ctx, "PPO (trl 1.12) trains in one process here; grpo and rloo take several");
      if (config.algorithm === "ppo" && config.per_device_train_batch_size % config.num_mini_batches) {
        ctx.addIssue({ code: "custom", path: ["num_mini_batches"], message: "per_device_train_batch_size must be a multiple of num_mini_batches" });
      }
      // GRPO/RLOO generate whole groups: TRL refuses a generation batch (batch × accumulation) or an
      // eval batch that num_generations does not divide, but only once the model is loaded.
      if (config.algorithm !== "ppo") {
        if ((config.per_device_train_batch_size * config.gradient_accumulation_steps) % config.num_generations) {
          ctx.addIssue({ code: "custom", path: ["num_generations"], message: "must divide per_device_train_batch_size × gradient_accumulation_steps (each prompt's completions are generated together)" });
        } else if (config.per_device_eval_batch_size % config.num_generations) {
          ctx.addIssue({ code: "custom", path: ["num_generations"], message: "must divide per_device_eval_batch_size" });
        }
      }
    },
  },
);
