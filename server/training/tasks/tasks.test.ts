import { describe, expect, it } from "vitest";
import { Drop } from "../drop-reasons";
import { TaskConfigError } from "../errors";
import { dataset, discarded, draft, formatOne, question, record, submitted } from "../test-helpers";
import { compileTask } from "./index";
import { parseTrainingTask } from "./schema";

const dropReason = (value: unknown) => (value instanceof Drop ? value.reason : value);

describe("text_classification (default)", () => {
  const settings = dataset(
    ["text", "note?"],
    [
      question.label("label", { pos: "Positive", neg: "Negative" }),
      question.multiLabel("tags", ["x", "y", "z"]),
      question.rating("stars", [1, 2, 3, 4, 5]),
      question.ranking("rank", ["a", "b"]),
    ],
  );
  const task = (extra: object) => ({ task: "text_classification", text: "text", ...extra });

  it("majority label; labels dict → keys are the label names", async () => {
    const r = record("r1", { text: "good" }, [submitted({ label: "pos" }), submitted({ label: "pos" }), submitted({ label: "neg" })]);
    const compiled = await compileTask(settings, parseTrainingTask(task({ label: "label" })));
    expect(compiled.format(r)).toEqual([{ text: "good", label: "pos" }]);
    expect(compiled.labels).toEqual({ names: ["pos", "neg"] });
    expect(compiled.dedup).toBe(true);
  });

  it("disagreement explodes into one sample per submitted answer", async () => {
    const r = record("r1", { text: "good" }, [submitted({ label: "pos" }), draft({ label: "neg" }), submitted({ label: "neg" }), submitted({ label: "pos" })]);
    expect(await formatOne(settings, task({ label: "label", label_strategy: "disagreement" }), r)).toEqual([
      { text: "good", label: "pos" },
      { text: "good", label: "neg" },
      { text: "good", label: "pos" },
    ]);
  });

  it("rating labels are the option's text, never shifted to a class index", async () => {
    const r = record("r1", { text: "ok" }, [submitted({ stars: 4 }), submitted({ stars: 5 })]);
    // default strategy mean: (4+5)/2 = 4.5 → 4 → "4"
    expect(await formatOne(settings, task({ label: "stars" }), r)).toEqual([{ text: "ok", label: "4" }]);
    expect(await formatOne(settings, task({ label: "stars", label_strategy: "max" }), r)).toEqual([{ text: "ok", label: "5" }]);
    const compiled = await compileTask(settings, parseTrainingTask(task({ label: "stars" })));
    expect(compiled.labels).toEqual({ names: ["1", "2", "3", "4", "5"] });
  });

  it("multi-label samples carry label lists", async () => {
    const r = record("r1", { text: "t" }, [submitted({ tags: ["x", "y"] }), submitted({ tags: ["y"] }), submitted({ tags: ["z", "y"] })]);
    // n=3 → threshold 2: y:3 → [y]
    expect(await formatOne(settings, task({ label: "tags" }), r)).toEqual([{ text: "t", label: ["y"] }]);
  });

  it("an empty multi-label answer is no label (dropped, as Argilla's explode drops it)", async () => {
    const r = record("r1", { text: "t" }, [submitted({ tags: [] })]);
    expect(dropReason(await formatOne(settings, task({ label: "tags" }), r))).toBe("missing_response");
    const each = { task: "text_classification", template: { text: "{text}" }, label: "tags", responses: "each_submitted" };
    expect(dropReason(await formatOne(settings, each, r))).toBe("missing_response");
  });

  it("drops records without submitted responses, without an answer, or with a missing optional field", async () => {
    const t = task({ label: "label" });
    expect(dropReason(await formatOne(settings, t, record("r1", { text: "t" })))).toBe("no_submitted_responses");
    expect(dropReason(await formatOne(settings, t, record("r1", { text: "t" }, [discarded({ label: "pos" })])))).toBe("no_submitted_responses");
    expect(dropReason(await formatOne(settings, t, record("r1", { text: "t" }, [submitted({ stars: 1 })])))).toBe("missing_response");
    const onNote = { task: "text_classification", text: "note", label: "label" };
    expect(dropReason(await formatOne(settings, onNote, record("r1", { text: "t", note: null }, [submitted({ label: "pos" })])))).toBe(
      "missing_field",
    );
    // absent from record.fields altogether (Argilla: KeyError)
    expect(dropReason(await formatOne(settings, onNote, record("r1", { text: "t" }, [submitted({ label: "pos" })])))).toBe("missing_field");
  });

  it("rejects ranking labels, unknown names and strategies that do not fit the question", async () => {
    const problems = async (t: object) =>
      ((await compileTask(settings, parseTrainingTask(t)).catch((e: unknown) => e)) as TaskConfigError).problems;
    expect(await problems(task({ label: "rank" }))).toEqual([
      'label: question "rank" is a ranking question; expected label_selection or multi_label_selection or rating',
    ]);
    expect(await problems({ task: "text_classification", text: "body", label: "nope" })).toEqual([
      'text: unknown field "body" (fields: text, note)',
      'label: unknown question "nope" (questions: label, tags, stars, rank)',
    ]);
    expect(await problems(task({ label: "label", label_strategy: "mean" }))).toEqual([
      'strategy "mean" does not apply to label_selection question "label" (use majority, disagreement)',
    ]);
  });
});

describe("text_classification (template)", () => {
  const settings = dataset(["title", "body"], [question.label("label", ["a", "b"])]);
  it("builds the text from a template and keeps the label question", async () => {
    const r = record("r1", { title: "T", body: "B" }, [submitted({ label: "b" }), submitted({ label: "a" }), submitted({ label: "b" })]);
    const t = { task: "text_classification", template: { text: "{title}: {body}" }, label: "label" };
    expect(await formatOne(settings, t, r)).toEqual([{ text: "T: B", label: "b" }]);
    const each = { ...t, responses: "each_submitted" };
    expect(await formatOne(settings, each, r)).toEqual([
      { text: "T: B", label: "b" },
      { text: "T: B", label: "a" },
      { text: "T: B", label: "b" },
    ]);
    expect((await compileTask(settings, parseTrainingTask(t))).dedup).toBe(false);
  });
});

describe("question_answering (default)", () => {
  const settings = dataset(["question", "context"], [question.text("answer")]);
  const t = { task: "question_answering", question: "question", context: "context", answer: "answer" };
  it("one sample per submitted answer (Argilla keeps only the last)", async () => {
    const r = record("r1", { question: "Q?", context: "C with x and y" }, [submitted({ answer: "x" }), submitted({ answer: "y" }), draft({ answer: "z" })]);
    expect(await formatOne(settings, t, r)).toEqual([
      { question: "Q?", context: "C with x and y", answer: "x" },
      { question: "Q?", context: "C with x and y", answer: "y" },
    ]);
  });
  it("a record without submitted answers is dropped (Argilla crashes with AttributeError)", async () => {
    expect(dropReason(await formatOne(settings, t, record("r1", { question: "Q", context: "C" }, [draft({ answer: "x" })])))).toBe(
      "no_submitted_responses",
    );
  });
  it("the answer must be a text question", async () => {
    const s = dataset(["question", "context"], [question.label("answer", ["x", "y"])]);
    const error = await compileTask(s, parseTrainingTask(t)).catch((e: unknown) => e);
    expect((error as TaskConfigError).problems).toEqual(['answer: question "answer" is a label_selection question; expected text']);
  });
});

describe("sentence_similarity (default)", () => {
  const settings = dataset(["a", "b", "c"], [question.label("label", ["entailment", "neutral", "contradiction"]), question.rating("sim", [1, 2, 3, 4, 5])]);
  const r = record("r1", { a: "A", b: "B", c: "C" }, [submitted({ label: "neutral", sim: 2 }), submitted({ label: "neutral", sim: 3 })]);

  it("pairs without a label", async () => {
    expect(await formatOne(settings, { task: "sentence_similarity", texts: ["a", "b"] }, r)).toEqual([{ texts: ["A", "B"] }]);
  });
  it("triplets", async () => {
    expect(await formatOne(settings, { task: "sentence_similarity", texts: ["a", "b", "c"] }, r)).toEqual([{ texts: ["A", "B", "C"] }]);
  });
  it("a label question gives class names (ids come from the option order)", async () => {
    const compiled = await compileTask(settings, parseTrainingTask({ task: "sentence_similarity", texts: ["a", "b"], label: "label" }));
    expect(compiled.format(r)).toEqual([{ texts: ["A", "B"], label: "neutral" }]);
    expect(compiled.labels).toEqual({ names: ["entailment", "neutral", "contradiction"] });
  });
  it("a rating gives a score: mean of 2 and 3 = 2.5 → 2", async () => {
    const compiled = await compileTask(settings, parseTrainingTask({ task: "sentence_similarity", texts: ["a", "b"], label: "sim" }));
    expect(compiled.format(r)).toEqual([{ texts: ["A", "B"], label: 2 }]);
    expect(compiled.labels).toBeUndefined();
  });
  it("templates build the texts", async () => {
    const t = { task: "sentence_similarity", template: { texts: ["{a} {b}", "{c}"] }, label: "label" };
    expect(await formatOne(settings, t, r)).toEqual([{ texts: ["A B", "C"], label: "neutral" }]);
  });
});

describe("generative tasks (templates)", () => {
  const settings = dataset(["prompt", "good", "bad"], [question.text("answer"), question.rating("q", [1, 2, 3])]);
  const r = record("r1", { prompt: "P", good: "G", bad: "B" }, [submitted({ answer: "A" })]);

  it("supervised_fine_tuning: text, or messages for TRL's conversational format", async () => {
    expect(await formatOne(settings, { task: "supervised_fine_tuning", template: { text: "{prompt} {answer}" } }, r)).toEqual([{ text: "P A" }]);
    const messages = [
      { role: "user", content: "{prompt}" },
      { role: "assistant", content: "{answer}" },
    ];
    expect(await formatOne(settings, { task: "supervised_fine_tuning", template: { messages } }, r)).toEqual([
      {
        messages: [
          { role: "user", content: "P" },
          { role: "assistant", content: "A" },
        ],
      },
    ]);
  });
  it("reward_modeling: chosen/rejected; identical texts are dropped", async () => {
    expect(await formatOne(settings, { task: "reward_modeling", template: { chosen: "{good}", rejected: "{bad}" } }, r)).toEqual([
      { chosen: "G", rejected: "B" },
    ]);
    const same = record("r2", { prompt: "P", good: "X", bad: "X" });
    expect(dropReason(await formatOne(settings, { task: "reward_modeling", template: { chosen: "{good}", rejected: "{bad}" } }, same))).toBe(
      "chosen_equals_rejected",
    );
  });
  it("proximal_policy_optimization: query", async () => {
    expect(await formatOne(settings, { task: "proximal_policy_optimization", template: { query: "Q: {prompt}" } }, r)).toEqual([{ query: "Q: P" }]);
  });
  it("direct_preference_optimization: prompt/chosen/rejected; identical texts are dropped", async () => {
    const t = { task: "direct_preference_optimization", template: { prompt: "{prompt}", chosen: "{answer}", rejected: "{bad}" } };
    expect(await formatOne(settings, t, r)).toEqual([{ prompt: "P", chosen: "A", rejected: "B" }]);
    const same = record("r2", { prompt: "P", good: "G", bad: "A" }, [submitted({ answer: "A" })]);
    expect(dropReason(await formatOne(settings, t, same))).toBe("chosen_equals_rejected");
  });
  it("chat_completion: messages", async () => {
    const t = { task: "chat_completion", template: { messages: [{ role: "user", content: "{prompt}" }, { role: "assistant", content: "{answer}" }] } };
    expect(await formatOne(settings, t, r)).toEqual([
      {
        messages: [
          { role: "user", content: "P" },
          { role: "assistant", content: "A" },
        ],
      },
    ]);
  });
});
