/** TrainingTask.for_proximal_policy_optimization(formatting_func) — plus templates. Sample: {query}. */
import { asText } from "./coerce";
import { declarativeTask } from "./declarative";
import { templateSlot, type TaskDefinition } from "./definition";
import { functionTask, type FunctionOutputContract } from "./formatting-function";
import { compileSpec } from "./template";
import type { ProximalPolicyOptimizationSample } from "./types";

const functionOutput: FunctionOutputContract<ProximalPolicyOptimizationSample, ProximalPolicyOptimizationSample> = {
  expected: "a string, or a list of strings",
  tuple: false,
  coerce: (item) => ({ query: asText(item, "query") }),
  collect: (items) => items,
};

export const proximalPolicyOptimization: TaskDefinition<"proximal_policy_optimization"> = {
  kind: "proximal_policy_optimization",
  title: "Proximal policy optimization (prompts)",
  async compile(task, dataset, options) {
    if (task.mode === "function") {
      return functionTask("proximal_policy_optimization", task.formatting_func, dataset.settings, functionOutput, options);
    }
    const problems: string[] = [];
    return declarativeTask(
      {
        kind: "proximal_policy_optimization",
        slots: { query: { kind: "text", spec: compileSpec(task.template.query, dataset, problems, "template.query") } },
        responses: task.responses,
        strategies: task.strategies ?? {},
        seed: task.seed,
        dedup: false,
        build: (v) => ({ query: v.query as string }),
      },
      dataset,
      problems,
    );
  },
  defaultSlots: null,
  templateSlots: (dataset) => [templateSlot("template.query", dataset, "The prompt the policy completes")],
};
