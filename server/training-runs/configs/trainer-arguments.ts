/**
 * The settings shared by every runner built on a transformers `Trainer` (transformers, PEFT, TRL,
 * sentence-transformers): trainer/studio_trainer/config_base.py `TrainerConfig`. Defaults: Argilla's
 * TrainingArguments tab (batch 8, lr 5e-5, weight decay 0, 3 epochs, logging every step), corrected
 * for transformers 5 (`eval_strategy`, `warmup_steps` as a ratio when < 1, no `warmup_ratio`).
 */
import { z } from "zod";
import { advanced, atLeast, basic, int, positive } from "./fields";

/** The two defaults each runner sets its own. */
export const learningRate = (value: number, source = "") => basic(positive().default(value), `The initial learning rate of the optimizer${source}.`);
export const epochs = (value: number) => basic(atLeast(0).default(value), "Passes over the training rows; ignored when max_steps > 0.");

export const trainerArguments = {
  learning_rate: learningRate(5e-5),
  num_train_epochs: epochs(3),
  max_steps: basic(int().default(-1), "Optimizer steps in all; > 0 overrides the epochs (-1: use the epochs)."),
  per_device_train_batch_size: basic(int(1).default(8), "Training rows per step on each device."),
  per_device_eval_batch_size: advanced(int(1).default(8), "Rows per step when evaluating."),
  gradient_accumulation_steps: advanced(int(1).default(1), "Batches whose gradients add up before one optimizer step (effective batch = batch size × this × devices)."),
  weight_decay: advanced(atLeast(0).default(0), "AdamW weight decay."),
  warmup_steps: advanced(atLeast(0).default(0), "Learning-rate warm-up: steps, or a ratio of all steps when < 1."),
  max_grad_norm: advanced(atLeast(0).default(1), "Gradients are clipped to this norm (0: no clipping)."),
  lr_scheduler_type: advanced(z.string().min(1).default("linear"), "The learning-rate schedule (transformers' SchedulerType: linear, cosine, constant, constant_with_warmup, …)."),
  logging_steps: advanced(int(1).default(1), "Loss and learning rate are reported every this many steps."),
  save_steps: advanced(int(1).default(500), "A checkpoint (for cancel and resume) every this many steps."),
  save_total_limit: advanced(int(1).nullable().default(2), "Checkpoints kept (older ones are deleted); null keeps all."),
  eval_steps: advanced(int(1).nullable().default(null), "Evaluate on the test split every this many steps; null: only at the end."),
  evaluate_before_training: advanced(z.boolean().default(false), "Evaluate once before the first step, so the curves start from the untrained model."),
  num_processes: numProcesses("Training processes in this machine (accelerate launch): one per GPU, at most the GPUs it shows; without CUDA, CPU processes (gloo). The batch size is per process."),
};

/** `num_processes`: above 1 the worker becomes `accelerate launch` (trainer/studio_trainer/distributed.py). */
export function numProcesses(description: string) {
  return advanced(int(1).default(1), description);
}

/** A runner that trains in one process refuses `num_processes` > 1 (config_base.refuse_processes says the same). */
export function checkSingleProcess(config: { num_processes: number }, ctx: z.RefinementCtx, why: string): void {
  if (config.num_processes > 1) ctx.addIssue({ code: "custom", path: ["num_processes"], message: `must be 1: ${why}` });
}

/** Neither max_steps > 0 nor epochs > 0 leaves nothing to train. */
export function checkStepsOrEpochs(config: { max_steps: number; num_train_epochs: number }, ctx: z.RefinementCtx): void {
  if (config.max_steps <= 0 && config.num_train_epochs <= 0) {
    ctx.addIssue({ code: "custom", path: ["max_steps"], message: "needs max_steps > 0 or num_train_epochs > 0" });
  }
}
