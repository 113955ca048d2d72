/**
 * SetFit (setfit 1.2): trainer/studio_trainer/setfit_config.py. Defaults: Argilla's SetFit tab
 * (num_iterations 20, 1 epoch, batch 16, lr 2e-5, warmup 0.1, margin 0.25, samples_per_label 2),
 * corrected: `learning_rate` is `body_learning_rate` + `head_learning_rate` in 1.2, `use_amp`
 * defaults to false (it helps only on CUDA).
 */
import { z } from "zod";
import { advanced, atLeast, basic, int, positive, runnerConfig } from "./fields";
import { checkSingleProcess, numProcesses } from "./trainer-arguments";

export const setfitConfigSchema = runnerConfig(
  {
    num_iterations: basic(int(1).nullable().default(20), "Contrastive pairs generated per training row; null: pairs by sampling_strategy."),
    num_epochs: basic(int().default(1), "Epochs of the embedding (body) phase; ignored when max_steps > 0."),
    max_steps: basic(int().default(-1), "Steps of the body phase in all; > 0 overrides the epochs."),
    batch_size: basic(int(1).default(16), "Pairs per step of the body phase."),
    body_learning_rate: basic(positive().default(2e-5), "Learning rate of the sentence-transformer body (Argilla's learning_rate)."),
    head_learning_rate: advanced(positive().default(1e-2), "Learning rate of the classification head."),
    head_num_epochs: advanced(int(1).default(16), "Epochs of the head phase."),
    head_batch_size: advanced(int(1).default(2), "Rows per step of the head phase."),
    sampling_strategy: advanced(z.enum(["oversampling", "undersampling", "unique"]).default("oversampling"), "How contrastive pairs are drawn when num_iterations is null."),
    warmup_proportion: advanced(atLeast(0).default(0.1), "Share of the body's steps spent warming up the learning rate."),
    margin: advanced(z.number().default(0.25), "Margin of the contrastive loss."),
    samples_per_label: advanced(int(1).default(2), "Rows per label in each batch."),
    max_length: advanced(int(1).nullable().default(null), "Tokens kept per text; null: the model's maximum."),
    logging_steps: advanced(int(1).default(10), "Loss reported every this many steps."),
    save_steps: advanced(int(1).default(500), "A checkpoint every this many steps."),
    use_amp: advanced(z.boolean().default(false), "Mixed precision (CUDA only)."),
    use_differentiable_head: advanced(z.boolean().default(false), "A torch head trained end to end instead of scikit-learn's logistic regression."),
    multi_target_strategy: advanced(z.enum(["one-vs-rest", "multi-output", "classifier-chain"]).default("one-vs-rest"), "Multi-label: how the head predicts several labels."),
    // Arguments of setfit's TrainingArguments that pass through as they are (setfit_config.PASSTHROUGH).
    distance_metric_name: advanced(z.string().optional(), "Passed to setfit: the distance of the contrastive loss (e.g. cosine_distance)."),
    end_to_end: advanced(z.boolean().optional(), "Passed to setfit: train the body with a differentiable head too."),
    l2_weight: advanced(atLeast(0).optional(), "Passed to setfit: L2 weight of a differentiable head."),
    eval_max_steps: advanced(int().optional(), "Passed to setfit: steps of each evaluation (-1: all)."),
    num_processes: numProcesses("Training processes: 1 (SetFit trains in one process)."),
  },
  {
    passThrough: false,
    check(config, ctx) {
      checkSingleProcess(config, ctx, "SetFit trains in one process");
      if (config.max_steps <= 0 && config.num_epochs <= 0) ctx.addIssue({ code: "custom", path: ["max_steps"], message: "needs max_steps > 0 or num_epochs > 0" });
      if (config.use_differentiable_head && config.multi_target_strategy === "classifier-chain") {
        ctx.addIssue({ code: "custom", path: ["multi_target_strategy"], message: "a differentiable head supports one-vs-rest and multi-output only" });
      }
    },
  },
);
