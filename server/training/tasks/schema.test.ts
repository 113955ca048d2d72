import { describe, expect, it } from "vitest";
import { parseTrainingTask, TaskParseError, trainingTaskJsonSchema } from "./schema";

const fn = { language: "javascript", source: "function f(sample) { return null; }" };

/** One task per (task, mode): the JSON a user writes. */
const EXAMPLE_TASKS = {
  "text_classification/default": { task: "text_classification", text: "text", label: "label", label_strategy: "majority", seed: 42 },
  "text_classification/template": {
    task: "text_classification",
    template: { text: "{title}\n\n{question}" },
    label: "tags",
    label_strategy: "majority",
  },
  "text_classification/function": { task: "text_classification", formatting_func: fn, labels: ["negative", "positive"] },
  "question_answering/default": { task: "question_answering", question: "question", context: "context", answer: "answer" },
  "question_answering/template": {
    task: "question_answering",
    template: { question: "{question}", context: "{context}", answer: "{answer}" },
    responses: "each_submitted",
  },
  "question_answering/function": { task: "question_answering", formatting_func: fn },
  "sentence_similarity/default": { task: "sentence_similarity", texts: ["premise", "hypothesis"], label: "similarity", label_strategy: "mean" },
  "sentence_similarity/template": { task: "sentence_similarity", template: { texts: ["{premise}", "{hypothesis}"] }, label: "label" },
  "sentence_similarity/function": { task: "sentence_similarity", formatting_func: fn },
  "supervised_fine_tuning/template": {
    task: "supervised_fine_tuning",
    template: { text: "### Instruction: {new-instruction|original-instruction}\n### Response: {new-response|original-response}" },
    responses: "first_submitted",
  },
  "supervised_fine_tuning/function": { task: "supervised_fine_tuning", formatting_func: fn },
  "reward_modeling/template": {
    task: "reward_modeling",
    template: { chosen: { from_ranking: "preference", rank: "best" }, rejected: { from_ranking: "preference", rank: "worst" } },
    strategies: { preference: "majority" },
  },
  "reward_modeling/function": { task: "reward_modeling", formatting_func: fn },
  "proximal_policy_optimization/template": { task: "proximal_policy_optimization", template: { query: "{prompt}" } },
  "proximal_policy_optimization/function": { task: "proximal_policy_optimization", formatting_func: fn },
  "direct_preference_optimization/template": {
    task: "direct_preference_optimization",
    template: {
      prompt: "{prompt}",
      chosen: { from_ranking: "preference", rank: "best" },
      rejected: { from_ranking: "preference", rank: "worst" },
    },
    responses: "each_submitted",
  },
  "direct_preference_optimization/function": { task: "direct_preference_optimization", formatting_func: fn },
  "chat_completion/template": {
    task: "chat_completion",
    template: {
      messages: [
        { role: "system", content: "Answer using this documentation:\n{context}" },
        { role: "user", content: "{user-message}" },
        { role: "assistant", content: "{response}" },
      ],
    },
  },
  "chat_completion/function": { task: "chat_completion", formatting_func: { ...fn, language: "typescript" } },
} as const;

describe("parseTrainingTask", () => {
  it.each(Object.entries(EXAMPLE_TASKS))("parses %s and fills version, seed, mode and defaults", (key, json) => {
    const task = parseTrainingTask(json);
    const [kind, mode] = key.split("/");
    expect(task.task).toBe(kind);
    expect(task.mode).toBe(mode);
    expect(task.version).toBe(1);
    expect(typeof task.seed).toBe("number");
    if (task.mode === "template") expect(task.responses).toMatch(/unified|first_submitted|each_submitted/);
  });

  it("accepts a JSON string and keeps explicit values", () => {
    const task = parseTrainingTask(JSON.stringify({ version: 1, task: "text_classification", text: "t", label: "l", seed: 7 }));
    expect(task).toEqual({ version: 1, task: "text_classification", mode: "default", seed: 7, text: "t", label: "l" });
  });

  it("defaults: seed 42, responses unified, language javascript", () => {
    const task = parseTrainingTask({ task: "proximal_policy_optimization", template: { query: "{q}" } });
    expect(task).toMatchObject({ seed: 42, responses: "unified" });
    const f = parseTrainingTask({ task: "proximal_policy_optimization", formatting_func: { source: "x" } });
    expect(f.mode === "function" && f.formatting_func.language).toBe("javascript");
  });

  const errorOf = (json: unknown) => {
    try {
      parseTrainingTask(json);
    } catch (error) {
      expect(error).toBeInstanceOf(TaskParseError);
      return (error as Error).message;
    }
    throw new Error("expected a parse error");
  };

  it("rejects a formatting function mixed with parameters, as Argilla does", () => {
    expect(errorOf({ task: "text_classification", text: "t", label: "l", formatting_func: fn })).toContain(
      "`formatting_func` is already defined, so you cannot define `text`, `label`",
    );
  });
  it("explains that generative tasks have no defaults", () => {
    expect(errorOf({ task: "supervised_fine_tuning" })).toContain(
      "supervised_fine_tuning has no default definition (Argilla requires a formatting_func): give a `template` or a `formatting_func`.",
    );
  });
  it("names the path of each problem", () => {
    expect(errorOf({ task: "text_classification", text: "t" })).toMatch(/expected string, received undefined\s+→ at label/);
    expect(errorOf({ task: "nope" })).toMatch(/Invalid discriminator value.*\s+→ at task/);
    expect(errorOf({ version: 2, task: "text_classification", text: "t", label: "l" })).toMatch(
      /Unsupported task version: this studio reads version 1\s+→ at version/,
    );
    expect(errorOf({ task: "text_classification", text: "t", label: "l", label_strategy: "average" })).toMatch(/→ at label_strategy/);
    expect(errorOf({ task: "sentence_similarity", texts: ["a"] })).toMatch(/→ at texts/);
    expect(errorOf({ task: "chat_completion", template: { messages: [{ role: "bot", content: "x" }] } })).toMatch(
      /A message is \{"role": "system" \| "user" \| "assistant", "content": <template>\} or \{"from_field": "<field>"\}\s+→ at template.messages\[0\]/,
    );
    expect(errorOf({ task: "reward_modeling", template: { chosen: { from_ranking: "p", rank: 0 }, rejected: "x" } })).toMatch(
      /→ at template.chosen/,
    );
    expect(errorOf({ task: "text_classification", text: "t", label: "l", extra: 1 })).toMatch(/Unrecognized key: "extra"/);
    expect(errorOf("{not json")).toMatch(/^Task is not valid JSON/);
  });
});

describe("trainingTaskJsonSchema", () => {
  it("is a JSON Schema of every task and mode, for rendering forms", () => {
    const schema = trainingTaskJsonSchema() as unknown as { oneOf: { oneOf: { properties: { task: { const: string }; mode: { const: string } } }[] }[] };
    const variants = schema.oneOf.flatMap((t) => t.oneOf.map((m) => `${m.properties.task.const}/${m.properties.mode.const}`));
    expect(variants.sort()).toEqual(Object.keys(EXAMPLE_TASKS).sort());
    expect(JSON.stringify(trainingTaskJsonSchema())).toContain("falls back to b when a has no value");
  });
});
