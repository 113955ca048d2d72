/**
 * sentence-transformers 6.3, bi-encoder and cross-encoder: trainer/studio_trainer/
 * sentence_transformers_config.py. Argilla's `.fit` defaults (1 epoch, lr 2e-5, weight decay 0.01,
 * batch 32) on the v6 trainer; warm-up 10 % of the steps (Argilla's 10,000 steps exceeded most runs).
 */
import { z } from "zod";
import { advanced, atLeast, basic, int, runnerConfig } from "./fields";
import { checkStepsOrEpochs, epochs, learningRate, trainerArguments } from "./trainer-arguments";

export const BI_ENCODER_LOSSES = ["auto", "mnrl", "cosent", "cosine_similarity", "angle", "contrastive", "softmax"] as const;
export const CROSS_ENCODER_LOSSES = ["auto", "bce", "cross_entropy"] as const;

export const sentenceTransformersConfigSchema = runnerConfig(
  {
    ...trainerArguments,
    learning_rate: learningRate(2e-5),
    num_train_epochs: epochs(1),
    per_device_train_batch_size: basic(int(1).default(32), "Training rows per step on each device (in-batch negatives grow with it)."),
    per_device_eval_batch_size: advanced(int(1).default(32), "Rows per step when evaluating."),
    weight_decay: advanced(atLeast(0).default(0.01), "AdamW weight decay."),
    warmup_steps: advanced(atLeast(0).default(0.1), "Learning-rate warm-up: steps, or a ratio of all steps when < 1."),
    cross_encoder: basic(z.boolean().default(false), "Train a cross-encoder (scores a pair in one pass) instead of a bi-encoder (embeds each text)."),
    loss: advanced(
      z.enum([...new Set([...BI_ENCODER_LOSSES, ...CROSS_ENCODER_LOSSES])] as [string, ...string[]]).default("auto"),
      "auto picks by the rows' shape: pairs → MNRL, scored pairs → CoSENT, 0/1 pairs → contrastive, class pairs → softmax, triplets → MNRL with a hard negative; cross-encoder: bce or cross_entropy.",
    ),
    max_seq_length: advanced(int(1).nullable().default(null), "Tokens kept per text; null: the model's maximum."),
    normalize_scores: advanced(z.boolean().default(true), "Scale ratings (e.g. 1–5) to 0..1 over the train split's range for the losses that need it."),
  },
  {
    passThrough: true,
    check(config, ctx) {
      checkStepsOrEpochs(config, ctx);
      const allowed: readonly string[] = config.cross_encoder ? CROSS_ENCODER_LOSSES : BI_ENCODER_LOSSES;
      if (!allowed.includes(config.loss)) {
        ctx.addIssue({ code: "custom", path: ["loss"], message: `for a ${config.cross_encoder ? "cross-encoder" : "bi-encoder"} must be one of ${allowed.join(", ")}` });
      }
    },
  },
);
