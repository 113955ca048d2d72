/**
 * TrainingTask.for_sentence_similarity(texts, label?, label_strategy | formatting_func).
 * Sample: {texts: [2 or 3 texts], label?}. A label question gives a class name (mapped to its id
 * in option order by the framework); a rating question gives the unified rating as a number.
 * (Argilla turns label strings into numbers and fails on non-numeric labels such as "entailment".)
 */
import { questionOptions, type QuestionType } from "../../feedback/schema";
import { InvalidSampleError } from "../errors";
import { asNumber, asText, describeValue } from "./coerce";
import { declarativeTask } from "./declarative";
import { fieldNames, questionNames, templateSlot, type SlotInfo, type TaskDefinition } from "./definition";
import { functionTask, type FunctionOutputContract } from "./formatting-function";
import { answerSlot, compileSpec, fieldSpec, type CompiledSlot, type CompiledSpec } from "./template";
import type { DatasetIndex, SentenceSimilaritySample } from "./types";

const SIMILARITY_LABEL_TYPES: readonly QuestionType[] = ["label_selection", "rating"];

const SAMPLE_KEYS = new Set(["sentence-1", "sentence-2", "sentence-3", "label"]);

const functionOutput: FunctionOutputContract<SentenceSimilaritySample, SentenceSimilaritySample> = {
  expected: '{"sentence-1", "sentence-2"[, "sentence-3"][, "label"]}, or a list of them',
  tuple: false,
  coerce(item) {
    if (typeof item !== "object" || item === null || Array.isArray(item)) {
      throw new InvalidSampleError(`expected an object, got ${describeValue(item)}`);
    }
    const dict = item as Record<string, unknown>;
    if ("sentence" in dict && "label" in dict) {
      throw new InvalidSampleError(
        "Datasets containing a `sentence` and a `label` should be transformed to contain triplets of `sentence-1`, `sentence-2`, `sentence-3` and `label`.",
      );
    }
    if (!("sentence-1" in dict && "sentence-2" in dict) || Object.keys(dict).some((k) => !SAMPLE_KEYS.has(k))) {
      throw new InvalidSampleError(
        "Labeled datasets must contain a pair of `sentence-1` and `sentence-2` or triplets `sentence-1`, `sentence-2`, `sentence-3` and an optional `label`.",
      );
    }
    const texts = ["sentence-1", "sentence-2", "sentence-3"].filter((k) => k in dict).map((k) => asText(dict[k], k));
    if (!("label" in dict)) return { texts };
    // Only the label is read as a number (Argilla tries float() on every value, sentences included).
    const label = asNumber(dict.label) ?? (typeof dict.label === "string" ? dict.label : undefined);
    if (label === undefined) throw new InvalidSampleError(`label must be a number or a string, got ${describeValue(dict.label)}`);
    return { texts, label };
  },
  collect: (items) => items,
};

export const sentenceSimilarity: TaskDefinition<"sentence_similarity"> = {
  kind: "sentence_similarity",
  title: "Sentence similarity",
  async compile(task, dataset, options) {
    if (task.mode === "function") {
      return functionTask("sentence_similarity", task.formatting_func, dataset.settings, functionOutput, {
        ...options,
        labels: { names: null },
      });
    }
    const problems: string[] = [];
    const specs: CompiledSpec[] =
      task.mode === "default"
        ? task.texts.map((name, i) => fieldSpec(name, dataset, problems, `texts[${i}]`))
        : task.template.texts.map((spec, i) => compileSpec(spec, dataset, problems, `template.texts[${i}]`));
    const label = task.label === undefined ? undefined : answerSlot(task.label, dataset, problems, "label", SIMILARITY_LABEL_TYPES);
    const labelQuestion = label?.kind === "answer" ? label.question : undefined;
    const slots: Record<string, CompiledSlot | undefined> = { texts: { kind: "texts", specs }, label };
    return declarativeTask(
      {
        kind: "sentence_similarity",
        slots,
        responses: task.mode === "default" ? "unified" : task.responses,
        strategies: { ...(task.mode === "template" ? task.strategies : {}), ...(task.label && task.label_strategy && { [task.label]: task.label_strategy }) },
        seed: task.seed,
        dedup: task.mode === "default",
        // Label questions are classes (ids in option order); ratings are scores and need no label set.
        labels: labelQuestion?.type === "label_selection" ? { names: questionOptions(labelQuestion).map(String) } : undefined,
        build: (v) => (v.label === undefined ? { texts: v.texts as string[] } : { texts: v.texts as string[], label: v.label as string | number }),
      },
      dataset,
      problems,
    );
  },
  defaultSlots: (dataset) => [
    {
      slot: "texts",
      accepts: "fields",
      required: true,
      candidates: fieldNames(dataset),
      count: { min: 2, max: 3 },
      description: "Two fields (pairs) or three (anchor, positive, negative)",
    },
    labelSlotInfo(dataset),
  ],
  templateSlots: (dataset) => [
    { ...templateSlot("template.texts", dataset, "Two or three texts"), accepts: "templates", count: { min: 2, max: 3 } },
    labelSlotInfo(dataset),
  ],
};

function labelSlotInfo(dataset: DatasetIndex): SlotInfo {
  return {
    slot: "label",
    accepts: "question",
    required: false,
    candidates: questionNames(dataset, SIMILARITY_LABEL_TYPES),
    description: "Optional: a label question (class ids) or a rating question (similarity score)",
  };
}
