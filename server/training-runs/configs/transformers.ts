/**
 * transformers (sequence classification and extractive QA): trainer/studio_trainer/transformers_config.py.
 * Any other TrainingArguments parameter passes through as it is.
 */
import { z } from "zod";
import { advanced, basic, int, runnerConfig } from "./fields";
import { checkStepsOrEpochs, trainerArguments } from "./trainer-arguments";

export const classificationSettings = {
  ...trainerArguments,
  max_length: basic(int(8).default(512), "Tokens kept per text (longer texts are truncated)."),
  threshold: advanced(z.number().gt(0, { error: "must lie in (0, 1)" }).lt(1, { error: "must lie in (0, 1)" }).default(0.5), "Multi-label: a label is predicted when its sigmoid exceeds this."),
};

export const transformersClassificationConfigSchema = runnerConfig(classificationSettings, { passThrough: true, check: checkStepsOrEpochs });

export const transformersQuestionAnsweringConfigSchema = runnerConfig(
  {
    ...trainerArguments,
    max_length: basic(int(8).default(384), "Tokens per question + context window."),
    doc_stride: advanced(int(0).default(128), "Tokens two windows of a long context overlap by."),
    max_answer_length: advanced(int(1).default(30), "The longest answer span predicted, in tokens."),
    n_best: advanced(int(1).default(20), "Start and end candidates considered per window."),
  },
  {
    passThrough: true,
    check(config, ctx) {
      checkStepsOrEpochs(config, ctx);
      if (config.doc_stride >= config.max_length) ctx.addIssue({ code: "custom", path: ["doc_stride"], message: "must be smaller than max_length" });
    },
  },
);
