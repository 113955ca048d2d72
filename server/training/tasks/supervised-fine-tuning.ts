/**
 * TrainingTask.for_supervised_fine_tuning(formatting_func) — plus templates.
 * Sample: {text}, or {messages} for TRL's conversational format (template.messages).
 */
import { asText } from "./coerce";
import { declarativeTask } from "./declarative";
import { templateSlot, type TaskDefinition } from "./definition";
import { functionTask, type FunctionOutputContract } from "./formatting-function";
import { compileMessages, compileSpec, type CompiledSlot } from "./template";
import type { ChatMessage, SupervisedFineTuningSample } from "./types";

const functionOutput: FunctionOutputContract<SupervisedFineTuningSample, SupervisedFineTuningSample> = {
  expected: "a string, or a list of strings",
  tuple: false,
  coerce: (item) => ({ text: asText(item, "text") }),
  collect: (items) => items,
};

export const supervisedFineTuning: TaskDefinition<"supervised_fine_tuning"> = {
  kind: "supervised_fine_tuning",
  title: "Supervised fine-tuning",
  async compile(task, dataset, options) {
    if (task.mode === "function") {
      return functionTask("supervised_fine_tuning", task.formatting_func, dataset.settings, functionOutput, options);
    }
    const problems: string[] = [];
    const { template } = task;
    const slot: CompiledSlot =
      "text" in template
        ? { kind: "text", spec: compileSpec(template.text, dataset, problems, "template.text") }
        : { kind: "messages", messages: compileMessages(template.messages, dataset, problems, "template.messages") };
    return declarativeTask(
      {
        kind: "supervised_fine_tuning",
        slots: { value: slot },
        responses: task.responses,
        strategies: task.strategies ?? {},
        seed: task.seed,
        dedup: false,
        build: (v) => ("text" in template ? { text: v.value as string } : { messages: v.value as ChatMessage[] }),
      },
      dataset,
      problems,
    );
  },
  defaultSlots: null,
  templateSlots: (dataset) => [
    templateSlot("template.text", dataset, 'The training text, e.g. "### Instruction: {instruction}\\n### Response: {response}"'),
    { ...templateSlot("template.messages", dataset, "Or a conversation (TRL conversational format)"), accepts: "messages", required: false },
  ],
};
