import { describe, expect, it } from "vitest";
import { tasksAvailableFor, frameworksFor, TASK_KINDS, DROP_REASONS, parseTrainingTask } from "~/server/training";
import type { DatasetSettings } from "~/server/feedback/schema";
import {
  DEFAULT_SPLIT,
  exampleFunction,
  firstTaskKind,
  initialTask,
  insertAt,
  modeOf,
  parseSettingsParams,
  parseTaskParam,
  referencedNames,
  setPath,
  splitInput,
  stateToSearchParams,
  type BuilderState,
} from "./builder-state";
import { indentEdit, newlineEdit } from "./code-editor";
import type { TrainingOptions } from "./types";

const preference: DatasetSettings = {
  fields: [
    { name: "prompt", title: "Prompt", required: true, type: "text", use_markdown: false },
    { name: "response-1", title: "Response 1", required: true, type: "text", use_markdown: true },
    { name: "response-2", title: "Response 2", required: true, type: "text", use_markdown: true },
  ],
  questions: [{ name: "preference", title: "Rank", required: true, type: "ranking", values: ["response-1", "response-2"] }],
  guidelines: null,
  metadata_properties: [],
  vectors_settings: null,
  allow_extra_metadata: true,
} as unknown as DatasetSettings;

const curated: DatasetSettings = {
  ...preference,
  fields: [
    { name: "instruction", title: "Instruction", required: true, type: "text", use_markdown: false },
    { name: "context", title: "Context", required: false, type: "text", use_markdown: false },
    { name: "response", title: "Response", required: true, type: "text", use_markdown: false },
  ],
  questions: [
    { name: "corrected-response", title: "Correct it", required: false, type: "text" },
    { name: "quality", title: "Quality", required: true, type: "rating", values: [1, 2, 3, 4, 5] },
  ],
} as unknown as DatasetSettings;

/** Like samples/support-chat: a field holding the conversation so far (JSON messages), a draft, a written reply. */
const supportChat: DatasetSettings = {
  ...preference,
  fields: [
    { name: "conversation", title: "Conversation", required: true, type: "text", use_markdown: false },
    { name: "draft-reply", title: "Draft reply", required: true, type: "text", use_markdown: true },
  ],
  questions: [
    { name: "ideal-reply", title: "Ideal reply", required: true, type: "text" },
    { name: "draft-quality", title: "Quality", required: true, type: "rating", values: [1, 2, 3, 4, 5] },
  ],
} as unknown as DatasetSettings;

function optionsFor(settings: DatasetSettings): TrainingOptions {
  return {
    ...tasksAvailableFor(settings),
    frameworks: Object.fromEntries(TASK_KINDS.map((kind) => [kind, frameworksFor(kind)])),
    dropReasons: DROP_REASONS,
  } as unknown as TrainingOptions;
}

describe("starting tasks", () => {
  it("a ranking dataset starts on DPO with best/worst of its ranking", () => {
    const options = optionsFor(preference);
    expect(firstTaskKind(options)).toBe("direct_preference_optimization");
    expect(initialTask("direct_preference_optimization", "template", options, preference)).toEqual({
      task: "direct_preference_optimization",
      mode: "template",
      template: { prompt: "{prompt}", chosen: { from_ranking: "preference", rank: "best" }, rejected: { from_ranking: "preference", rank: "worst" } },
    });
  });

  it("every available (task, mode) of a dataset gives a task the schema accepts", () => {
    for (const settings of [preference, curated, supportChat]) {
      const options = optionsFor(settings);
      for (const t of options.tasks) {
        for (const mode of ["default", "template", "function"] as const) {
          if (!t.modes[mode]?.available) continue;
          expect(() => parseTrainingTask(initialTask(t.task, mode, options, settings)), `${t.task} ${mode}`).not.toThrow();
        }
      }
    }
  });

  it("templates avoid optional fields and prefer a written correction, falling back to the field", () => {
    const options = optionsFor(curated);
    expect(initialTask("text_classification", "template", options, curated).template).toEqual({ text: "{instruction}\n\n{response}" });
    expect(initialTask("supervised_fine_tuning", "template", options, curated).template).toEqual({
      text: "### Instruction:\n{instruction}\n\n### Response:\n{corrected-response|response}",
    });
  });

  it("a chat starts from the conversation a field holds, then the written reply: real turns, not a transcript in one message", () => {
    expect(initialTask("chat_completion", "template", optionsFor(supportChat), supportChat).template).toEqual({
      messages: [{ from_field: "conversation" }, { role: "assistant", content: "{ideal-reply}" }],
    });
    // Without a written answer, the field beside the conversation is the reply; alone, the conversation is the chat.
    const noQuestion = { ...supportChat, questions: [supportChat.questions[1]!] } as DatasetSettings;
    expect(initialTask("chat_completion", "template", optionsFor(noQuestion), noQuestion).template).toEqual({
      messages: [{ from_field: "conversation" }, { role: "assistant", content: "{draft-reply}" }],
    });
    const alone = { ...noQuestion, fields: [{ ...supportChat.fields[0]!, name: "chat_messages" }] } as DatasetSettings;
    expect(initialTask("chat_completion", "template", optionsFor(alone), alone).template).toEqual({ messages: [{ from_field: "chat_messages" }] });
    // A dataset without such a field: its first field is the user's message.
    expect(initialTask("chat_completion", "template", optionsFor(curated), curated).template).toEqual({
      messages: [
        { role: "user", content: "{instruction}" },
        { role: "assistant", content: "{corrected-response|response}" },
      ],
    });
    for (const language of ["javascript", "typescript"] as const) {
      const source = exampleFunction("chat_completion", supportChat, optionsFor(supportChat), language);
      expect(source).toContain('JSON.parse(sample["conversation"]).map(');
      expect(source).toContain('return [...turns, [0, turns.length, "assistant", response]];');
    }
  });

  it("example functions use the dataset's names and skip empty optional fields", () => {
    const options = optionsFor(curated);
    const qa = exampleFunction("question_answering", curated, options, "javascript");
    expect(qa).toContain('if (sample["context"] == null) return null;');
    const dpo = exampleFunction("direct_preference_optimization", preference, optionsFor(preference), "typescript");
    expect(dpo).toContain('const ranking = sample["preference"].find((response: SampleResponse) => response.status === "submitted");');
    expect(dpo).toContain('return [sample["prompt"], sample[best] ?? best, sample[worst] ?? worst];');
    expect(dpo).toContain("function formatting_func(sample: Sample) {");
  });
});

describe("task JSON helpers", () => {
  it("modeOf infers the mode from the keys like the schema", () => {
    expect(modeOf({ formatting_func: {} })).toBe("function");
    expect(modeOf({ template: {} })).toBe("template");
    expect(modeOf({ text: "a" })).toBe("default");
    expect(modeOf({ mode: "template", formatting_func: {} })).toBe("template");
  });

  it("setPath copies and removes keys", () => {
    const task = { task: "x", template: { a: "1" } };
    const next = setPath(task, "template.b", "2");
    expect(next).toEqual({ task: "x", template: { a: "1", b: "2" } });
    expect(task.template).toEqual({ a: "1" });
    expect(setPath(next, "template.a", undefined)).toEqual({ task: "x", template: { b: "2" } });
  });

  it("referencedNames finds placeholders, fallbacks, rankings and label questions, not literal braces", () => {
    const names = referencedNames({
      task: "text_classification",
      label: "sentiment",
      template: { text: "{{literal}} {title|body} {first_of}", other: { from_ranking: "pref", rank: "best" } },
    });
    expect([...names].sort()).toEqual(["body", "first_of", "pref", "sentiment", "title"]);
  });

  it("insertAt inserts at the caret or replaces the selection", () => {
    expect(insertAt("ab", "{x}", 1)).toEqual({ text: "a{x}b", caret: 4 });
    expect(insertAt("abcd", "{x}", 1, 3)).toEqual({ text: "a{x}d", caret: 4 });
    expect(insertAt("ab", "{x}", 99)).toEqual({ text: "ab{x}", caret: 5 });
  });
});

describe("URL round trip", () => {
  const state: BuilderState = {
    task: { task: "direct_preference_optimization", mode: "function", formatting_func: { language: "javascript", source: "function f(s) { return null; }" } },
    framework: "trl",
    split: { trainSize: 0.7, testSize: 0.2, seed: 7, maxRecords: 50, statuses: ["submitted", "draft"] },
    crossEncoder: false,
    view: { mode: "sample", sampleSeed: 3 },
  };

  it("restores the task, framework, split, filter and view", () => {
    const params = new URLSearchParams(stateToSearchParams(state).toString());
    expect(parseTaskParam(params.get("task"), ["direct_preference_optimization"])).toEqual(state.task);
    expect(parseSettingsParams(params)).toEqual({ framework: "trl", split: state.split, crossEncoder: false, view: state.view });
  });

  it("ignores broken or foreign values", () => {
    expect(parseTaskParam("{not json", ["text_classification"])).toBeNull();
    expect(parseTaskParam(JSON.stringify({ task: "other" }), ["text_classification"])).toBeNull();
    const settings = parseSettingsParams(new URLSearchParams("train=7&test=-1&seed=1.5&max=0&status=bogus,draft&view=nope"));
    expect(settings.split).toEqual({ ...DEFAULT_SPLIT, statuses: ["draft"] });
    expect(settings.view.mode).toBe("page");
  });

  it("splitInput leaves out unset values", () => {
    expect(splitInput(DEFAULT_SPLIT)).toEqual({ trainSize: 0.8, seed: 42 });
    expect(splitInput(state.split)).toEqual({ trainSize: 0.7, testSize: 0.2, seed: 7, maxRecords: 50, filterBy: { responseStatus: ["submitted", "draft"] } });
  });
});

describe("code editor edits", () => {
  it("Tab inserts an indent at the caret and indents every selected line", () => {
    expect(indentEdit("ab", 1, 1, false)).toEqual({ text: "a  b", start: 3, end: 3 });
    expect(indentEdit("a\nb\nc", 0, 3, false)).toEqual({ text: "  a\n  b\nc", start: 2, end: 7 });
  });
  it("Shift+Tab outdents", () => {
    expect(indentEdit("  a\n  b", 2, 7, true)).toEqual({ text: "a\nb", start: 0, end: 3 });
    expect(indentEdit("a", 1, 1, true)).toEqual({ text: "a", start: 1, end: 1 });
  });
  it("Enter keeps the indentation, one more after an opening bracket", () => {
    expect(newlineEdit("  x", 3, 3)).toEqual({ text: "  x\n  ", start: 6, end: 6 });
    expect(newlineEdit("f() {", 5, 5)).toEqual({ text: "f() {\n  ", start: 8, end: 8 });
  });
});
