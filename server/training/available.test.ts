import { describe, expect, it } from "vitest";
import { tasksAvailableFor } from "./available";
import { dataset, question } from "./test-helpers";

describe("tasksAvailableFor", () => {
  it("a text-classification dataset: defaults for classification, not for QA (no text question)", () => {
    const options = tasksAvailableFor(dataset(["text"], [question.label("label", ["a", "b"]), question.rating("stars", [1, 2, 3])]));
    const byTask = Object.fromEntries(options.tasks.map((t) => [t.task, t]));
    expect(Object.keys(byTask)).toEqual([
      "text_classification",
      "question_answering",
      "sentence_similarity",
      "supervised_fine_tuning",
      "reward_modeling",
      "proximal_policy_optimization",
      "direct_preference_optimization",
      "chat_completion",
    ]);
    const classification = byTask.text_classification!;
    expect(classification.frameworks).toEqual(["transformers", "peft", "setfit", "spacy", "spacy-transformers", "openai"]);
    expect(classification.modes.default).toEqual({
      available: true,
      slots: [
        { slot: "text", accepts: "field", required: true, candidates: ["text"], description: "The text to classify" },
        { slot: "label", accepts: "question", required: true, candidates: ["label", "stars"], description: "The label question (label, multi-label or rating)" },
      ],
    });
    expect(byTask.question_answering!.modes.default).toMatchObject({
      available: false,
      reason: "answer needs a question (A text question whose responses are answer spans copied from the context); the dataset has 0",
    });
    // sentence similarity needs two text fields
    expect(byTask.sentence_similarity!.modes.default).toMatchObject({ available: false, reason: expect.stringContaining("texts needs 2 fields") });
    // generative tasks have no defaults; templates and functions are always possible
    expect(byTask.supervised_fine_tuning!.modes.default).toBeNull();
    expect(byTask.supervised_fine_tuning!.modes.template.available).toBe(true);
    expect(byTask.chat_completion!.frameworks).toEqual(["openai", "trl", "peft"]);
    expect(options.tasks.every((t) => t.modes.function.available)).toBe(true);
    expect(options.placeholders).toEqual(["text", "label", "stars"]);
    expect(options.strategies).toEqual({
      label: { options: ["majority", "disagreement"], default: "majority" },
      stars: { options: ["majority", "mean", "min", "max", "disagreement"], default: "mean" },
    });
  });

  it("a preference dataset offers rankings for chosen/rejected slots", () => {
    const options = tasksAvailableFor(dataset(["prompt", "response-1", "response-2"], [question.ranking("preference", ["response-1", "response-2"])]));
    expect(options.rankings).toEqual(["preference"]);
    const rm = options.tasks.find((t) => t.task === "reward_modeling")!;
    expect(rm.modes.template.slots.map((s) => [s.slot, s.accepts])).toEqual([
      ["template.chosen", "template"],
      ["template.rejected", "template"],
    ]);
    expect(rm.modes.template.slots[0]!.candidates).toEqual(["prompt", "response-1", "response-2", "preference"]);
    // ranking questions are not classification labels
    expect(options.tasks.find((t) => t.task === "text_classification")!.modes.default).toMatchObject({ available: false });
  });
});
