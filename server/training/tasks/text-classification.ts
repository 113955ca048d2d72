/**
 * TrainingTask.for_text_classification(text, label, label_strategy | formatting_func).
 * Sample: {text, label} — label names as strings (option values), a list for multi-label.
 * Ranking questions are not accepted as labels: since Argilla 1.20 their unified value is a
 * ranking, which Argilla's own ClassLabel encoding cannot use.
 */
import { questionOptions, type QuestionType, type ResponseValue } from "../../feedback/schema";
import { asText, asTuple } from "./coerce";
import { declarativeTask } from "./declarative";
import { fieldNames, questionNames, templateSlot, type SlotInfo, type TaskDefinition } from "./definition";
import { functionTask, type FunctionOutputContract } from "./formatting-function";
import { answerSlot, compileSpec, fieldSlot, type CompiledSlot } from "./template";
import type { DatasetIndex, TextClassificationSample } from "./types";

const CLASSIFICATION_LABEL_TYPES: readonly QuestionType[] = ["label_selection", "multi_label_selection", "rating"];

const functionOutput: FunctionOutputContract<TextClassificationSample, TextClassificationSample> = {
  expected: "[text, label] or [text, [label, ...]], or a list of them",
  tuple: true,
  coerce(item) {
    const [text, label] = asTuple(item, 2, "[text, label]");
    return {
      text: asText(text, "text"),
      label: Array.isArray(label) ? label.map((l) => asText(l, "label")) : asText(label, "label"),
    };
  },
  collect: (items) => items,
};

/** A unified label answer as label name(s): ratings become their option text ("4"), never a class index. */
export function labelNames(value: ResponseValue): string | string[] {
  return Array.isArray(value) ? (value as string[]).map(String) : String(value);
}

const labelSlotInfo = (dataset: DatasetIndex): SlotInfo => ({
  slot: "label",
  accepts: "question",
  required: true,
  candidates: questionNames(dataset, CLASSIFICATION_LABEL_TYPES),
  description: "The label question (label, multi-label or rating)",
});

export const textClassification: TaskDefinition<"text_classification"> = {
  kind: "text_classification",
  title: "Text classification",
  async compile(task, dataset, options) {
    if (task.mode === "function") {
      return functionTask("text_classification", task.formatting_func, dataset.settings, functionOutput, {
        ...options,
        labels: { names: task.labels ?? null },
      });
    }
    const problems: string[] = [];
    const text: CompiledSlot =
      task.mode === "default"
        ? fieldSlot(task.text, dataset, problems, "text")
        : { kind: "text", spec: compileSpec(task.template.text, dataset, problems, "template.text") };
    const label = answerSlot(task.label, dataset, problems, "label", CLASSIFICATION_LABEL_TYPES);
    const labelQuestion = label?.kind === "answer" ? label.question : undefined;
    return declarativeTask(
      {
        kind: "text_classification",
        slots: { text, label },
        responses: task.mode === "default" ? "unified" : task.responses,
        strategies: { ...(task.mode === "template" ? task.strategies : {}), ...(task.label_strategy && { [task.label]: task.label_strategy }) },
        seed: task.seed,
        dedup: task.mode === "default",
        labels: { names: labelQuestion ? questionOptions(labelQuestion).map(String) : null },
        build: (v) => ({ text: v.text as string, label: labelNames(v.label as ResponseValue) }),
      },
      dataset,
      problems,
    );
  },
  defaultSlots: (dataset) => [
    { slot: "text", accepts: "field", required: true, candidates: fieldNames(dataset), description: "The text to classify" },
    labelSlotInfo(dataset),
  ],
  templateSlots: (dataset) => [
    templateSlot("template.text", dataset, "The text to classify, built from fields and responses"),
    labelSlotInfo(dataset),
  ],
};
