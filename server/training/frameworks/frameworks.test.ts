import { describe, expect, it } from "vitest";
import { PrepareError, RecordFormattingError, TaskConfigError } from "../errors";
import { prepareForTraining, type PrepareInput } from "../prepare-for-training";
import { parseTrainingTask } from "../tasks/schema";
import { dataset, pages, question, ranking, record, submitted } from "../test-helpers";
import { codePointIndexOf } from "../code-points";
import { frameworksFor } from "./index";

const prepare = (input: Omit<PrepareInput, "task" | "records"> & { task: unknown; records: Parameters<typeof pages>[0] }) =>
  prepareForTraining({ ...input, task: parseTrainingTask(input.task), records: pages(input.records) });

const classification = dataset(
  ["text"],
  [
    question.label("label", { joy: "Joy", anger: "Anger", fear: "Fear" }),
    question.multiLabel("tags", ["python", "sql", "css", "git"]),
    question.rating("stars", [1, 2, 3]),
  ],
);
const classRecords = [
  record("r0", { text: "happy" }, [submitted({ label: "joy", tags: ["sql"], stars: 3 })]),
  record("r1", { text: "mad" }, [submitted({ label: "anger", tags: ["python", "sql"], stars: 1 })]),
];
const single = { task: "text_classification", text: "text", label: "label" };
const multi = { task: "text_classification", text: "text", label: "tags" };

describe("frameworksFor", () => {
  it("follows Argilla's task/framework matrix (plus TRL for chat completion)", () => {
    expect(frameworksFor("text_classification")).toEqual(["transformers", "peft", "setfit", "spacy", "spacy-transformers", "openai"]);
    expect(frameworksFor({ task: "question_answering" })).toEqual(["transformers"]);
    expect(frameworksFor("sentence_similarity")).toEqual(["sentence-transformers"]);
    expect(frameworksFor("supervised_fine_tuning")).toEqual(["trl", "peft"]);
    expect(frameworksFor("chat_completion")).toEqual(["openai", "trl", "peft"]);
  });
  it("a framework the task does not support is a clear error", async () => {
    await expect(prepare({ settings: classification, task: single, framework: "trl", records: classRecords })).rejects.toThrow(
      new TaskConfigError(["text_classification does not support the trl framework (supported: transformers, peft, setfit, spacy, spacy-transformers, openai)"]),
    );
  });
});

describe("transformers / peft text classification", () => {
  it("rows {id, text, label id}; label2id/id2label in option order, dict labels → keys", async () => {
    const out = await prepare({ settings: classification, task: single, framework: "transformers", records: classRecords });
    expect(out.train).toEqual([
      { id: "r0", text: "happy", label: 0 },
      { id: "r1", text: "mad", label: 1 },
    ]);
    expect(out.meta.label2id).toEqual({ joy: 0, anger: 1, fear: 2 });
    expect(out.meta.id2label).toEqual({ 0: "joy", 1: "anger", 2: "fear" });
    expect(out.meta.multiLabel).toBe(false);
    const peft = await prepare({ settings: classification, task: single, framework: "peft", records: classRecords });
    expect(peft.train).toEqual(out.train);
  });
  it("multi-label: label id lists plus binarized_label over ALL options (Argilla: only the used ones)", async () => {
    const out = await prepare({ settings: classification, task: multi, framework: "transformers", records: classRecords });
    // used labels are python, sql only; the width is still 4
    expect(out.train).toEqual([
      { id: "r0", text: "happy", label: [1], binarized_label: [0, 1, 0, 0] },
      { id: "r1", text: "mad", label: [0, 1], binarized_label: [1, 1, 0, 0] },
    ]);
    expect(out.meta.multiLabel).toBe(true);
  });
  it("rating labels map to their option's id (Argilla would take the value as an index: 3 → out of range)", async () => {
    const out = await prepare({ settings: classification, task: { ...single, label: "stars" }, framework: "transformers", records: classRecords });
    expect(out.train.map((r) => r.label)).toEqual([2, 0]); // "3" → id 2, "1" → id 0
    expect(out.meta.label2id).toEqual({ 1: 0, 2: 1, 3: 2 });
  });
  it("a rating mean that is not an option is dropped as invalid_label", async () => {
    const sparse = dataset(["text"], [question.rating("stars", [1, 3, 5])]);
    const records = [record("r0", { text: "a" }, [submitted({ stars: 1 }), submitted({ stars: 3 })]), record("r1", { text: "b" }, [submitted({ stars: 5 })])];
    // r0: mean (1+3)/2 = 2 → not in [1, 3, 5]
    const out = await prepare({ settings: sparse, task: { task: "text_classification", text: "text", label: "stars" }, framework: "transformers", records });
    expect(out.train).toEqual([{ id: "r1", text: "b", label: 2 }]);
    expect(out.meta.dropped.invalid_label).toEqual({ count: 1, recordIds: ["r0"] });
  });
  it("rows of a record with several samples get suffixed ids", async () => {
    const records = [record("r0", { text: "t" }, [submitted({ label: "joy" }), submitted({ label: "fear" })])];
    const out = await prepare({ settings: classification, task: { ...single, label_strategy: "disagreement" }, framework: "transformers", records });
    expect(out.train).toEqual([
      { id: "r0#0", text: "t", label: 0 },
      { id: "r0#1", text: "t", label: 2 },
    ]);
  });
});

describe("setfit", () => {
  it("rows {text, label id}; multi-label adds binarized_label", async () => {
    const out = await prepare({ settings: classification, task: single, framework: "setfit", records: classRecords });
    expect(out.train).toEqual([
      { text: "happy", label: 0 },
      { text: "mad", label: 1 },
    ]);
    const m = await prepare({ settings: classification, task: multi, framework: "setfit", records: classRecords });
    expect(m.train[1]).toEqual({ text: "mad", label: [0, 1], binarized_label: [1, 1, 0, 0] });
  });
});

describe("spaCy", () => {
  it("rows {text, cats} with every option as a key", async () => {
    const out = await prepare({ settings: classification, task: single, framework: "spacy", records: classRecords });
    expect(out.train[0]).toEqual({ text: "happy", cats: { joy: 1, anger: 0, fear: 0 } });
    const m = await prepare({ settings: classification, task: multi, framework: "spacy-transformers", records: classRecords });
    expect(m.train[1]).toEqual({ text: "mad", cats: { python: 1, sql: 1, css: 0, git: 0 } });
    expect(m.meta.multiLabel).toBe(true);
  });
});

describe("OpenAI", () => {
  const chatSettings = dataset(["q"], [question.text("a")]);
  const chatRecords = (n: number) => Array.from({ length: n }, (_, i) => record(`r${i}`, { q: `question ${i}` }, [submitted({ a: `answer ${i}` })]));
  const chat = (messages: unknown[]) => ({ task: "chat_completion", template: { messages } });
  const userAssistant = chat([
    { role: "user", content: "{q}" },
    { role: "assistant", content: "{a}" },
  ]);

  it("chat rows {messages} with at least 10 training examples", async () => {
    const out = await prepare({ settings: chatSettings, task: userAssistant, framework: "openai", records: chatRecords(10) });
    expect(out.train[0]).toEqual({
      messages: [
        { role: "user", content: "question 0" },
        { role: "assistant", content: "answer 0" },
      ],
    });
    expect(out.train).toHaveLength(10);
  });
  it("fewer than 10 training examples is a clear error (also after the split)", async () => {
    await expect(prepare({ settings: chatSettings, task: userAssistant, framework: "openai", records: chatRecords(9) })).rejects.toThrow(
      new PrepareError(
        "OpenAI fine-tuning needs at least 10 training examples; this task gives 9. Annotate more records, widen filter_by / max_records, or raise train_size.",
      ),
    );
    // 12 rows with train_size 0.8 → floor(9.6) = 9 train rows
    await expect(prepare({ settings: chatSettings, task: userAssistant, framework: "openai", records: chatRecords(12), trainSize: 0.8 })).rejects.toThrow(
      /gives 9/,
    );
  });
  it("an example without an assistant message is an error naming the record", async () => {
    const noAssistant = chat([{ role: "user", content: "{q}" }]);
    const error = await prepare({ settings: chatSettings, task: noAssistant, framework: "openai", records: chatRecords(10) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RecordFormattingError);
    expect((error as Error).message).toBe("Record #0 (id r0): each OpenAI training example needs at least one assistant message");
    // TRL accepts it
    const trl = await prepare({ settings: chatSettings, task: noAssistant, framework: "trl", records: chatRecords(1) });
    expect(trl.train).toEqual([{ messages: [{ role: "user", content: "question 0" }] }]);
  });
  it("text classification becomes user/assistant chats (Argilla writes the legacy prompt/completion format)", async () => {
    const records = Array.from({ length: 10 }, (_, i) => record(`r${i}`, { text: `t${i}` }, [submitted({ tags: i % 2 ? ["python", "git"] : ["css"] })]));
    const out = await prepare({ settings: classification, task: multi, framework: "openai", records });
    expect(out.train.slice(0, 2)).toEqual([
      { messages: [{ role: "user", content: "t0" }, { role: "assistant", content: "css" }] },
      { messages: [{ role: "user", content: "t1" }, { role: "assistant", content: "python, git" }] },
    ]);
  });
});

describe("transformers question answering", () => {
  const qa = dataset(["question", "context"], [question.text("answer")]);
  const task = { task: "question_answering", question: "question", context: "context", answer: "answer" };

  it("SQuAD rows; answer_start counts code points, so emoji before the answer count once", async () => {
    const context = "Fans sign with 🦉 and 🌿. Gallant received 47 patents.";
    // "Fans sign with " 15 + 🦉 + " and " 5 + 🌿 + ". " 2 + "Gallant received " 17 = 41 code points;
    // each emoji is 2 UTF-16 units, so indexOf says 43
    expect(context.indexOf("47 patents")).toBe(43);
    const out = await prepare({ settings: qa, task, framework: "transformers", records: [record("r0", { question: "How many?", context }, [submitted({ answer: "47 patents" })])] });
    expect(out.train).toEqual([{ id: "r0", question: "How many?", context, answers: { text: ["47 patents"], answer_start: [41] } }]);
    expect([...context].slice(41, 51).join("")).toBe("47 patents");
  });
  it("an answer not in the context is dropped; ids stay aligned (Argilla's id column breaks)", async () => {
    const records = [
      record("r0", { question: "Q0", context: "alpha beta" }, [submitted({ answer: "gamma" })]),
      record("r1", { question: "Q1", context: "alpha beta" }, [submitted({ answer: "beta" })]),
    ];
    const out = await prepare({ settings: qa, task, framework: "transformers", records });
    expect(out.train).toEqual([{ id: "r1", question: "Q1", context: "alpha beta", answers: { text: ["beta"], answer_start: [6] } }]);
    expect(out.meta.dropped.answer_not_in_context).toEqual({ count: 1, recordIds: ["r0"] });
  });
  it("codePointIndexOf", () => {
    expect(codePointIndexOf("a😀b😀c", "c")).toBe(4);
    expect(codePointIndexOf("abc", "x")).toBe(-1);
    expect(codePointIndexOf("abc", "a")).toBe(0);
  });
});

describe("sentence-transformers", () => {
  const snli = dataset(["premise", "hypothesis", "negative"], [question.label("label", ["entailment", "neutral", "contradiction"]), question.rating("sim", [0, 1, 2, 3, 4, 5])]);
  const records = [
    record("r0", { premise: "P0", hypothesis: "H0", negative: "N0" }, [submitted({ label: "contradiction", sim: 0 })]),
    record("r1", { premise: "P1", hypothesis: "H1", negative: "N1" }, [submitted({ label: "entailment", sim: 5 })]),
  ];
  const run = (task: object, crossEncoder = false) =>
    prepare({ settings: snli, task: { task: "sentence_similarity", ...task }, framework: "sentence-transformers", records, frameworkOptions: { crossEncoder } });

  it("pairs", async () => {
    expect((await run({ texts: ["premise", "hypothesis"] })).train[0]).toEqual({ "sentence-1": "P0", "sentence-2": "H0" });
  });
  it("triplets", async () => {
    expect((await run({ texts: ["premise", "hypothesis", "negative"] })).train[0]).toEqual({ "sentence-1": "P0", "sentence-2": "H0", "sentence-3": "N0" });
  });
  it("scored pairs from a rating; a score of 0 is kept as a label", async () => {
    expect((await run({ texts: ["premise", "hypothesis"], label: "sim" })).train).toEqual([
      { "sentence-1": "P0", "sentence-2": "H0", label: 0 },
      { "sentence-1": "P1", "sentence-2": "H1", label: 5 },
    ]);
  });
  it("class-labelled pairs: non-numeric labels become ids (Argilla's float() fails on 'entailment')", async () => {
    const out = await run({ texts: ["premise", "hypothesis"], label: "label" });
    expect(out.train.map((r) => r.label)).toEqual([2, 0]);
    expect(out.meta.id2label).toEqual({ 0: "entailment", 1: "neutral", 2: "contradiction" });
  });
  it("formatting functions: numeric labels are scores (no label set); string labels are classes with sorted ids", async () => {
    const scores = await run({ formatting_func: { source: "function f(s) { return {'sentence-1': s.premise, 'sentence-2': s.hypothesis, label: s.sim[0].value / 5}; }" } });
    expect(scores.train.map((r) => r.label)).toEqual([0, 1]);
    expect(scores.meta.label2id).toBeUndefined();
    const classes = await run({ formatting_func: { source: "function f(s) { return {'sentence-1': s.premise, 'sentence-2': s.hypothesis, label: s.label[0].value}; }" } });
    // sorted: contradiction 0, entailment 1
    expect(classes.train.map((r) => r.label)).toEqual([0, 1]);
    expect(classes.meta.id2label).toEqual({ 0: "contradiction", 1: "entailment" });
  });

  it("cross-encoders reject triplets with a clear error; pairs are fine", async () => {
    await expect(run({ texts: ["premise", "hypothesis", "negative"] }, true)).rejects.toThrow(
      "Record #0 (id r0): Cross-encoders don't support training with triplets, the dataset has `3` sentences per sample.",
    );
    expect((await run({ texts: ["premise", "hypothesis"], label: "sim" }, true)).train).toHaveLength(2);
  });
});

describe("TRL", () => {
  const settings = dataset(["prompt", "response-1", "response-2"], [question.ranking("preference", ["response-1", "response-2"]), question.text("fix")]);
  const records = [
    record("r0", { prompt: "P0", "response-1": "good", "response-2": "bad" }, [submitted({ preference: ranking({ "response-1": 1, "response-2": 2 }), fix: "better" })]),
    record("r1", { prompt: "P1", "response-1": "meh", "response-2": "great" }, [submitted({ preference: ranking({ "response-1": 2, "response-2": 1 }) })]),
  ];
  const pair = { chosen: { from_ranking: "preference", rank: "best" }, rejected: { from_ranking: "preference", rank: "worst" } };
  const run = (task: object) => prepare({ settings, task, framework: "trl", records });

  it("SFT {id, text}", async () => {
    expect((await run({ task: "supervised_fine_tuning", template: { text: "{prompt} {fix|response-1}" } })).train).toEqual([
      { id: "r0", text: "P0 better" },
      { id: "r1", text: "P1 meh" },
    ]);
  });
  it("SFT conversational {messages}", async () => {
    const task = { task: "supervised_fine_tuning", template: { messages: [{ role: "user", content: "{prompt}" }, { role: "assistant", content: "{response-1}" }] } };
    expect((await run(task)).train[0]).toEqual({ messages: [{ role: "user", content: "P0" }, { role: "assistant", content: "good" }] });
  });
  it("reward modeling {chosen, rejected} from a ranking", async () => {
    expect((await run({ task: "reward_modeling", template: pair })).train).toEqual([
      { chosen: "good", rejected: "bad" },
      { chosen: "great", rejected: "meh" },
    ]);
  });
  it("PPO {id, query}", async () => {
    expect((await run({ task: "proximal_policy_optimization", template: { query: "{prompt}" } })).train).toEqual([
      { id: "r0", query: "P0" },
      { id: "r1", query: "P1" },
    ]);
  });
  it("DPO {prompt, chosen, rejected}", async () => {
    expect((await run({ task: "direct_preference_optimization", template: { prompt: "{prompt}", ...pair } })).train).toEqual([
      { prompt: "P0", chosen: "good", rejected: "bad" },
      { prompt: "P1", chosen: "great", rejected: "meh" },
    ]);
  });
  it("chat {messages}", async () => {
    const task = { task: "chat_completion", template: { messages: [{ role: "user", content: "{prompt}" }, { role: "assistant", content: "{response-2}" }] } };
    expect((await prepare({ settings, task, framework: "trl", records })).train[1]).toEqual({
      messages: [{ role: "user", content: "P1" }, { role: "assistant", content: "great" }],
    });
  });
});
