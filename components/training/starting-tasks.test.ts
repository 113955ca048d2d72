import { describe, expect, it } from "vitest";
import { tasksAvailableFor, frameworksFor, TASK_KINDS, DROP_REASONS, parseTrainingTask } from "~/server/training";
import type { DatasetSettings } from "~/server/feedback/schema";
import { exampleFunction } from "./example-functions";
import { firstTaskKind, initialTask } from "./starting-tasks";
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
