/**
 * TrainingTask.for_direct_preference_optimization(formatting_func) — plus templates.
 * Sample: {prompt, chosen, rejected}; chosen = rejected is dropped in every mode.
 */
import { asText, asTuple } from "./coerce";
import { declarativeTask } from "./declarative";
import { templateSlot, type TaskDefinition } from "./definition";
import { functionTask, type FunctionOutputContract } from "./formatting-function";
import { distinctChoices } from "./reward-modeling";
import { compileSpec } from "./template";
import type { DirectPreferenceOptimizationSample } from "./types";

const functionOutput: FunctionOutputContract<DirectPreferenceOptimizationSample, DirectPreferenceOptimizationSample> = {
  expected: "[prompt, chosen, rejected], or a list of them",
  tuple: true,
  coerce(item) {
    const [prompt, chosen, rejected] = asTuple(item, 3, "[prompt, chosen, rejected]");
    return { prompt: asText(prompt, "prompt"), chosen: asText(chosen, "chosen"), rejected: asText(rejected, "rejected") };
  },
  collect: (items) => items,
  check: distinctChoices,
};

export const directPreferenceOptimization: TaskDefinition<"direct_preference_optimization"> = {
  kind: "direct_preference_optimization",
  title: "Direct preference optimization",
  async compile(task, dataset, options) {
    if (task.mode === "function") {
      return functionTask("direct_preference_optimization", task.formatting_func, dataset.settings, functionOutput, options);
    }
    const problems: string[] = [];
    const { template } = task;
    return declarativeTask(
      {
        kind: "direct_preference_optimization",
        slots: {
          prompt: { kind: "text", spec: compileSpec(template.prompt, dataset, problems, "template.prompt") },
          chosen: { kind: "text", spec: compileSpec(template.chosen, dataset, problems, "template.chosen") },
          rejected: { kind: "text", spec: compileSpec(template.rejected, dataset, problems, "template.rejected") },
        },
        responses: task.responses,
        strategies: task.strategies ?? {},
        seed: task.seed,
        dedup: false,
        build: (v) => distinctChoices({ prompt: v.prompt as string, chosen: v.chosen as string, rejected: v.rejected as string }),
      },
      dataset,
      problems,
    );
  },
  defaultSlots: null,
  templateSlots: (dataset) => [
    templateSlot("template.prompt", dataset, "The prompt"),
    templateSlot("template.chosen", dataset, 'The preferred completion, e.g. {"from_ranking": "<ranking>", "rank": "best"}'),
    templateSlot("template.rejected", dataset, 'The rejected completion, e.g. {"from_ranking": "<ranking>", "rank": "worst"}'),
  ],
};
