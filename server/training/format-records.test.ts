import { describe, expect, it } from "vitest";
import type { StoredRecord } from "../feedback/schema";
import { formatRecords, formatRecordsPage } from "./format-records";
import { prepareForTraining } from "./prepare-for-training";
import { frameworksFor, type Framework } from "./frameworks";
import { parseTrainingTask, type TrainingTask } from "./tasks/schema";
import { dataset, draft, question, ranking, record, submitted } from "./test-helpers";

const settings = dataset(
  ["text", "context", "r1", "r2"],
  [question.label("label", ["a", "b"]), question.multiLabel("tags", ["x", "y"]), question.text("answer"), question.ranking("pref", ["r1", "r2"])],
);
const records: StoredRecord[] = [
  record("r0", { text: "t0", context: "the answer is 42", r1: "one", r2: "two" }, [
    submitted({ label: "a", tags: ["x"], answer: "42", pref: ranking({ r1: 1, r2: 2 }) }),
    submitted({ label: "b", tags: ["x", "y"], answer: "answer", pref: ranking({ r1: 2, r2: 1 }) }),
  ]),
  record("r1", { text: "t1", context: "nothing here", r1: "uno", r2: "dos" }, [submitted({ label: "b", tags: ["y"], answer: "missing", pref: ranking({ r1: 2, r2: 1 }) })]),
  record("r2", { text: "t2", context: "c", r1: "x", r2: "y" }, [draft({ label: "a" })]),
];
const chat = { messages: [{ role: "user", content: "{text}" }, { role: "assistant", content: "{answer}" }] };
const TASKS: Record<string, unknown> = {
  text_classification: { task: "text_classification", text: "text", label: "label", label_strategy: "disagreement" },
  question_answering: { task: "question_answering", question: "text", context: "context", answer: "answer" },
  sentence_similarity: { task: "sentence_similarity", texts: ["r1", "r2"], label: "label" },
  supervised_fine_tuning: { task: "supervised_fine_tuning", template: { text: "{text} {answer}" } },
  reward_modeling: { task: "reward_modeling", template: { chosen: { from_ranking: "pref", rank: "best" }, rejected: { from_ranking: "pref", rank: "worst" } }, responses: "each_submitted" },
  proximal_policy_optimization: { task: "proximal_policy_optimization", template: { query: "{text}" } },
  direct_preference_optimization: { task: "direct_preference_optimization", template: { prompt: "{text}", chosen: { from_ranking: "pref", rank: "best" }, rejected: { from_ranking: "pref", rank: "worst" } } },
  chat_completion: { task: "chat_completion", template: chat },
};

describe("formatRecords (preview)", () => {
  const cases = Object.entries(TASKS).flatMap(([kind, json]) => frameworksFor(kind as TrainingTask["task"]).map((fw) => [kind, fw, json] as const));

  // 12 records (OpenAI needs 10 examples), all texts distinct so that no duplicate is removed
  const many = Array.from({ length: 12 }, (_, i) => {
    const base = records[i % 3]!;
    const fields = Object.fromEntries(Object.entries(base.fields).map(([k, v]) => [k, `${v} ${i}`]));
    return { ...base, id: `p${i}`, index: i, fields };
  });

  it.each(cases)("%s / %s: the preview rows are exactly the rows training gets", async (_kind, framework, json) => {
    const task = parseTrainingTask(json);
    const preview = await formatRecords(settings, task, many, { framework: framework as Framework });
    expect(preview.map((r) => r.recordId)).toEqual(many.map((r) => r.id));
    const prepared = await prepareForTraining({ settings, task, framework: framework as Framework, records: many });
    expect(prepared.meta.counts.duplicates).toBe(0);
    expect(preview.flatMap((r) => r.rows)).toEqual(prepared.train);
    expect(preview.filter((r) => r.rows.length > 0).length).toBeGreaterThan(0);
  });

  it("reports drops with their detail, next to the record", async () => {
    const preview = await formatRecords(settings, parseTrainingTask(TASKS.question_answering), records, { framework: "transformers" });
    expect(preview.map((r) => r.dropped)).toEqual([
      undefined,
      { reason: "answer_not_in_context", detail: 'the answer "missing" is not in the context' },
      { reason: "no_submitted_responses", detail: 'the record has no submitted response (needed for "answer")' },
    ]);
    expect(preview[0]!.rows.map((r) => (r as { answers: unknown }).answers)).toEqual([
      { text: ["42"], answer_start: [14] },
      { text: ["answer"], answer_start: [4] },
    ]);
  });

  it("applies filter_by like prepare", async () => {
    const preview = await formatRecords(settings, parseTrainingTask(TASKS.proximal_policy_optimization), records, {
      framework: "trl",
      filterBy: { responseStatus: ["draft"] },
    });
    expect(preview.map((r) => r.dropped?.reason)).toEqual(["filtered_out", "filtered_out", undefined]);
    expect(preview[2]!.rows).toEqual([{ id: "r2", query: "t2" }]);
  });

  it("shows a formatting-function error next to its record and formats the others (real sandbox)", async () => {
    const task = parseTrainingTask({
      task: "supervised_fine_tuning",
      formatting_func: { language: "javascript", source: "function f(s) { if (s.text === 't1') throw new Error('nope'); return s.text; }" },
    });
    const preview = await formatRecords(settings, task, records, { framework: "trl" });
    expect(preview[0]!.rows).toEqual([{ id: "r0", text: "t0" }]);
    expect(preview[1]!.rows).toEqual([]);
    expect(preview[1]!.error).toMatch(/^formatting function threw on Record #1 \(id r1\): Error: nope/);
    expect(preview[2]!.rows).toEqual([{ id: "r2", text: "t2" }]);
  });

  it("returns the label names the ids refer to", async () => {
    const page = await formatRecordsPage(settings, parseTrainingTask(TASKS.text_classification), records, { framework: "transformers" });
    expect(page.labels).toEqual(["a", "b"]);
    expect(page.records[0]!.rows).toEqual([
      { id: "r0#0", text: "t0", label: 0 },
      { id: "r0#1", text: "t0", label: 1 },
    ]);
  });
});
