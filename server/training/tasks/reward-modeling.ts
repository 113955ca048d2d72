/**
 * TrainingTask.for_reward_modeling(formatting_func) — plus templates (e.g. chosen/rejected picked
 * from a ranking question). Sample: {chosen, rejected}. A pair whose texts are equal is dropped
 * (chosen_equals_rejected) in every mode.
 */
import { drop, type Drop } from "../drop-reasons";
import { asText, asTuple } from "./coerce";
import { declarativeTask } from "./declarative";
import { templateSlot, type TaskDefinition } from "./definition";
import { functionTask, type FunctionOutputContract } from "./formatting-function";
import { compileSpec } from "./template";
import type { RewardModelingSample } from "./types";

/** Preference pairs must differ. */
export function distinctChoices<S extends { chosen: string; rejected: string }>(sample: S): S | Drop {
  return sample.chosen === sample.rejected ? drop("chosen_equals_rejected", "chosen and rejected are the same text") : sample;
}

/** [chosen, rejected] or [chosen, [rejected, ...]]: a list of rejected texts gives one pair each (Argilla stringifies the list). */
const functionOutput: FunctionOutputContract<{ chosen: string; rejected: string[] }, RewardModelingSample> = {
  expected: "[chosen, rejected] or [chosen, [rejected, ...]], or a list of them",
  tuple: true,
  coerce(item) {
    const [chosen, rejected] = asTuple(item, 2, "[chosen, rejected]");
    return {
      chosen: asText(chosen, "chosen"),
      rejected: Array.isArray(rejected) ? rejected.map((r) => asText(r, "rejected")) : [asText(rejected, "rejected")],
    };
  },
  collect: (items) => items.flatMap(({ chosen, rejected }) => rejected.map((r) => ({ chosen, rejected: r }))),
  check: distinctChoices,
};

export const rewardModeling: TaskDefinition<"reward_modeling"> = {
  kind: "reward_modeling",
  title: "Reward modeling",
  async compile(task, dataset, options) {
    if (task.mode === "function") {
      return functionTask("reward_modeling", task.formatting_func, dataset.settings, functionOutput, options);
    }
    const problems: string[] = [];
    return declarativeTask(
      {
        kind: "reward_modeling",
        slots: {
          chosen: { kind: "text", spec: compileSpec(task.template.chosen, dataset, problems, "template.chosen") },
          rejected: { kind: "text", spec: compileSpec(task.template.rejected, dataset, problems, "template.rejected") },
        },
        responses: task.responses,
        strategies: task.strategies ?? {},
        seed: task.seed,
        dedup: false,
        build: (v) => distinctChoices({ chosen: v.chosen as string, rejected: v.rejected as string }),
      },
      dataset,
      problems,
    );
  },
  defaultSlots: null,
  templateSlots: (dataset) => [
    templateSlot("template.chosen", dataset, 'The preferred text, e.g. {"from_ranking": "<ranking>", "rank": "best"}'),
    templateSlot("template.rejected", dataset, 'The rejected text, e.g. {"from_ranking": "<ranking>", "rank": "worst"}'),
  ],
};
