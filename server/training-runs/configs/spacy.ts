/**
 * spaCy textcat (spaCy 3.8): trainer/studio_trainer/spacy_config.py. Argilla's spaCy tab
 * (max_steps 20000, max_epochs 0 = no epoch limit, patience 1600, eval_frequency 200) with
 * `init_config(optimize="efficiency")`, whose textcat is the bag-of-words TextCatBOW.v3.
 */
import { z } from "zod";
import { advanced, basic, fraction, int, positive, runnerConfig } from "./fields";
import { checkSingleProcess, numProcesses } from "./trainer-arguments";

export const spacyConfigSchema = runnerConfig(
  {
    max_steps: basic(int().default(20000), "Optimizer steps in all (0: no limit, then max_epochs must be set)."),
    max_epochs: basic(int().default(0), "Passes over the training rows (0: no limit)."),
    batch_size: basic(int(1).default(32), "Documents per step."),
    learning_rate: basic(positive().default(0.001), "Adam's learning rate."),
    patience: advanced(int(0).default(1600), "Stop after this many steps without a better score (0: never)."),
    eval_frequency: advanced(int(1).default(200), "Evaluate on the test split every this many steps."),
    dropout: advanced(fraction().default(0.1), "Dropout rate during training."),
    architecture: advanced(z.enum(["bow", "ensemble"]).default("bow"), "bow: spacy.TextCatBOW.v3 (fast); ensemble: spacy.TextCatEnsemble.v2 (spaCy's default)."),
    threshold: advanced(z.number().min(0).max(1).default(0.5), "textcat_multilabel: a label is predicted when its score exceeds this."),
    save_steps: advanced(int(1).default(1000), "A checkpoint (the pipeline) every this many steps."),
    num_processes: numProcesses("Training processes: 1 (spaCy trains in one process)."),
  },
  {
    passThrough: false,
    check(config, ctx) {
      checkSingleProcess(config, ctx, "spaCy trains in one process");
      if (config.max_steps <= 0 && config.max_epochs <= 0) ctx.addIssue({ code: "custom", path: ["max_steps"], message: "needs max_steps > 0 or max_epochs > 0" });
    },
  },
);
