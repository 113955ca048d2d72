import { describe, expect, it } from "vitest";
import { Drop } from "../drop-reasons";
import { RecordFormattingError, TaskConfigError } from "../errors";
import { dataset, discarded, draft, formatOne, question, ranking, record, submitted } from "../test-helpers";
import { compileTask } from "./index";
import { parseTrainingTask } from "./schema";

// A dolly-like dataset (SFT from corrected text) plus a ranking for preference pairs.
const settings = dataset(
  ["instruction", "context?", "response", "response-1", "response-2", "history?"],
  [
    question.text("new-instruction"),
    question.text("new-response"),
    question.ranking("preference", ["response-1", "response-2"]),
    question.ranking("free-ranking", ["apples", "pears", "plums"]),
    question.multiLabel("tags", ["x", "y", "z"]),
    question.rating("quality", [1, 2, 3, 4, 5]),
    question.label("label", ["a", "b"]),
  ],
);
const fields = { instruction: "Say hi", context: null, response: "hi", "response-1": "Hello!", "response-2": "Go away.", history: null };
const sft = (text: unknown, extra: object = {}) => ({ task: "supervised_fine_tuning", template: { text }, ...extra });
const dropOf = (value: unknown) => {
  expect(value).toBeInstanceOf(Drop);
  return { reason: (value as Drop).reason, detail: (value as Drop).detail };
};
const configErrorOf = async (task: unknown) => {
  const error = await compileTask(settings, parseTrainingTask(task)).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(TaskConfigError);
  return (error as TaskConfigError).problems;
};

describe("template strings", () => {
  it("fill {field} and {question} placeholders; {{ }} are literal braces", async () => {
    const r = record("r1", fields, [submitted({ "new-response": "Hi there" })]);
    expect(await formatOne(settings, sft("{{json}} {instruction} → {new-response}"), r)).toEqual([{ text: "{json} Say hi → Hi there" }]);
  });

  it("{a|b} falls back to b when a has no value: corrected text if present, else the field", async () => {
    const corrected = record("r1", fields, [submitted({ "new-response": "Hello, friend" })]);
    const uncorrected = record("r2", fields, [draft({ "new-response": "draft text" })]);
    const noResponses = record("r3", fields);
    const task = sft("{new-instruction|instruction}: {new-response|response}", { responses: "first_submitted" });
    expect(await formatOne(settings, task, corrected)).toEqual([{ text: "Say hi: Hello, friend" }]);
    // drafts do not count: both placeholders fall back to the fields
    expect(await formatOne(settings, task, uncorrected)).toEqual([{ text: "Say hi: hi" }]);
    expect(await formatOne(settings, task, noResponses)).toEqual([{ text: "Say hi: hi" }]);
  });

  it("first_of takes the first alternative whose placeholders all have values", async () => {
    const task = sft({ first_of: ["{instruction}\nContext: {context}\n{response}", "{instruction}\n{response}"] });
    expect(await formatOne(settings, task, record("r1", fields))).toEqual([{ text: "Say hi\nhi" }]);
    expect(await formatOne(settings, task, record("r2", { ...fields, context: "ctx" }))).toEqual([{ text: "Say hi\nContext: ctx\nhi" }]);
  });

  it("renders multi-label answers joined with ', ' and rankings in rank order", async () => {
    const r = record("r1", fields, [submitted({ tags: ["y", "x"], "free-ranking": ranking({ apples: 2, pears: 1, plums: 3 }), quality: 4 })]);
    const task = sft("{tags} | {free-ranking} | {quality}", { responses: "first_submitted" });
    expect(await formatOne(settings, task, r)).toEqual([{ text: "y, x | pears, apples, plums | 4" }]);
  });

  it("drops with the reason of the first missing value", async () => {
    expect(dropOf(await formatOne(settings, sft("{context}"), record("r1", fields)))).toEqual({
      reason: "missing_field",
      detail: 'field "context" is empty',
    });
    expect(dropOf(await formatOne(settings, sft("{new-response}"), record("r1", fields, [draft({ "new-response": "x" })])))).toEqual({
      reason: "no_submitted_responses",
      detail: 'the record has no submitted response (needed for "new-response")',
    });
    expect(dropOf(await formatOne(settings, sft("{new-response}"), record("r1", fields, [submitted({ label: "a" })])))).toEqual({
      reason: "missing_response",
      detail: 'no submitted answer to "new-response"',
    });
    // an empty string counts as missing
    expect(dropOf(await formatOne(settings, sft("{instruction}"), record("r1", { ...fields, instruction: "" }))).reason).toBe("missing_field");
  });

  it("reports every unknown name, ambiguity and syntax problem at compile time", async () => {
    const problems = await configErrorOf(sft("{nope} {instruction"));
    expect(problems).toEqual([
      'template.text: unknown placeholder "{nope}" (fields: instruction, context, response, response-1, response-2, history; questions: new-instruction, new-response, preference, free-ranking, tags, quality, label)',
      'template.text: unclosed "{" at position 7 (write "{{" for a literal brace)',
    ]);
    expect(await configErrorOf(sft("a } b"))).toEqual(['template.text: unmatched "}" at position 2 (write "}}" for a literal brace)']);
    const clash = dataset(["same"], [question.text("same")]);
    const error = await compileTask(clash, parseTrainingTask(sft("{same}"))).catch((e: unknown) => e);
    expect((error as TaskConfigError).problems).toEqual(['template.text: "{same}" is ambiguous: both a field and a question have that name']);
  });
});

describe("from_ranking", () => {
  const pair = { chosen: { from_ranking: "preference", rank: "best" }, rejected: { from_ranking: "preference", rank: "worst" } };
  const rm = (extra: object = {}) => ({ task: "reward_modeling", template: pair, ...extra });

  it("picks the best and worst items; values naming fields stand for the fields' texts", async () => {
    const r = record("r1", fields, [submitted({ preference: ranking({ "response-1": 1, "response-2": 2 }) })]);
    expect(await formatOne(settings, rm(), r)).toEqual([{ chosen: "Hello!", rejected: "Go away." }]);
    const flipped = record("r2", fields, [submitted({ preference: ranking({ "response-1": 2, "response-2": 1 }) })]);
    expect(await formatOne(settings, rm(), flipped)).toEqual([{ chosen: "Go away.", rejected: "Hello!" }]);
  });

  it("uses the ranked value itself when it names no field, and exact ranks", async () => {
    const r = record("r1", fields, [submitted({ "free-ranking": ranking({ apples: 3, pears: 1, plums: 2 }) })]);
    const task = {
      task: "direct_preference_optimization",
      template: {
        prompt: "{instruction}",
        chosen: { from_ranking: "free-ranking", rank: 2 },
        rejected: { from_ranking: "free-ranking", rank: "worst" },
      },
    };
    expect(await formatOne(settings, task, r)).toEqual([{ prompt: "Say hi", chosen: "plums", rejected: "apples" }]);
  });

  it("tied ranks make the pair ambiguous; a single ranked item gives chosen = rejected", async () => {
    const tie = record("r1", fields, [submitted({ preference: ranking({ "response-1": 1, "response-2": 1 }) })]);
    expect(dropOf(await formatOne(settings, rm(), tie))).toEqual({ reason: "ambiguous_ranking", detail: "2 items share rank 1" });
    const single = record("r2", fields, [submitted({ preference: ranking({ "response-1": 1, "response-2": null }) })]);
    expect(dropOf(await formatOne(settings, rm(), single)).reason).toBe("chosen_equals_rejected");
  });

  it("unified mode uses the ranking's strategy; each_submitted gives one pair per annotator", async () => {
    const r = record("r1", fields, [
      submitted({ preference: ranking({ "response-1": 1, "response-2": 2 }) }),
      submitted({ preference: ranking({ "response-1": 2, "response-2": 1 }) }),
      submitted({ preference: ranking({ "response-1": 1, "response-2": 2 }) }),
      discarded({ preference: ranking({ "response-1": 2, "response-2": 1 }) }),
    ]);
    // majority: (1,2) twice vs (2,1) once → response-1 best
    expect(await formatOne(settings, rm(), r)).toEqual([{ chosen: "Hello!", rejected: "Go away." }]);
    // min strategy: lexicographic min of rank sequences (1,2) < (2,1) → same pair
    expect(await formatOne(settings, rm({ strategies: { preference: "min" } }), r)).toEqual([{ chosen: "Hello!", rejected: "Go away." }]);
    // max → (2,1) → response-2 best
    expect(await formatOne(settings, rm({ strategies: { preference: "max" } }), r)).toEqual([{ chosen: "Go away.", rejected: "Hello!" }]);
    expect(await formatOne(settings, rm({ responses: "each_submitted" }), r)).toEqual([
      { chosen: "Hello!", rejected: "Go away." },
      { chosen: "Go away.", rejected: "Hello!" },
      { chosen: "Hello!", rejected: "Go away." },
    ]);
  });

  it("needs a ranking question", async () => {
    expect(await configErrorOf({ task: "reward_modeling", template: { chosen: { from_ranking: "label", rank: "best" }, rejected: "x" } })).toEqual([
      "template.chosen: from_ranking needs a ranking question; \"label\" is label_selection",
    ]);
  });
});

describe("responses modes", () => {
  const r = record("r1", fields, [
    draft({ "new-response": "draft" }),
    submitted({ "new-response": "first", "new-instruction": "I1" }),
    submitted({ "new-response": "second" }),
    submitted({ "new-response": "first" }),
  ]);

  it("unified: a text question gives one sample per submitted answer, duplicates kept", async () => {
    expect(await formatOne(settings, sft("{new-response}"), r)).toEqual([{ text: "first" }, { text: "second" }, { text: "first" }]);
  });
  it("unified: several questions multiply (explode); unanswered ones are left to the template", async () => {
    // new-instruction has one answer, new-response three → three samples
    expect(await formatOne(settings, sft("{new-instruction}/{new-response}"), r)).toEqual([
      { text: "I1/first" },
      { text: "I1/second" },
      { text: "I1/first" },
    ]);
  });
  it("first_submitted: the first submitted answer to each question", async () => {
    expect(await formatOne(settings, sft("{new-response}", { responses: "first_submitted" }), r)).toEqual([{ text: "first" }]);
  });
  it("each_submitted: one sample per submitted response, skipping responses lacking a needed answer", async () => {
    expect(await formatOne(settings, sft("{new-instruction}: {new-response}", { responses: "each_submitted" }), r)).toEqual([
      { text: "I1: first" },
    ]);
    expect(await formatOne(settings, sft("{new-instruction|instruction}: {new-response}", { responses: "each_submitted" }), r)).toEqual([
      { text: "I1: first" },
      { text: "Say hi: second" },
      { text: "Say hi: first" },
    ]);
  });
  it("a template using only fields needs no responses", async () => {
    expect(await formatOne(settings, sft("{instruction}", { responses: "each_submitted" }), record("r9", fields))).toEqual([{ text: "Say hi" }]);
  });
  it("validates strategies against question types and the responses mode", async () => {
    expect(await configErrorOf(sft("{new-response}", { strategies: { "new-response": "majority", quality: "mean" } }))).toEqual([
      'strategy "majority" does not apply to text question "new-response" (use disagreement)',
      'strategies: "quality" is not a question the task uses',
    ]);
    expect(await configErrorOf(sft("{quality}", { responses: "first_submitted", strategies: { quality: "max" } }))).toEqual([
      'strategy for "quality": strategies apply only with responses "unified"',
    ]);
  });
});

describe("messages", () => {
  const chat = (messages: unknown[]) => ({ task: "chat_completion", template: { messages } });

  it("renders role/content messages and inserts a conversation held by a field", async () => {
    const history = JSON.stringify([
      { role: "user", content: "Hi" },
      { role: "assistant", content: "Hello" },
    ]);
    const r = record("r1", { ...fields, history }, [submitted({ "new-response": "Bye" })]);
    const task = chat([{ role: "system", content: "Be brief." }, { from_field: "history" }, { role: "user", content: "{instruction}" }, { role: "assistant", content: "{new-response}" }]);
    expect(await formatOne(settings, task, r)).toEqual([
      {
        messages: [
          { role: "system", content: "Be brief." },
          { role: "user", content: "Hi" },
          { role: "assistant", content: "Hello" },
          { role: "user", content: "Say hi" },
          { role: "assistant", content: "Bye" },
        ],
      },
    ]);
  });

  it("a conversation field with a bad role or bad JSON is an error naming the record", async () => {
    const compiled = await compileTask(settings, parseTrainingTask(chat([{ from_field: "history" }])));
    const badRole = record("r5", { ...fields, history: JSON.stringify([{ role: "bot", content: "x" }]) }, [], { externalId: "e5" });
    expect(() => compiled.format(badRole)).toThrow(`Role must be one of 'system', 'user', 'assistant' (got "bot")`);
    const badJson = record("r6", { ...fields, history: "not json" });
    expect(() => compiled.format(badJson)).toThrow('field "history" does not hold a JSON list of {role, content} messages');
    expect(dropOf(compiled.format(record("r7", fields))).reason).toBe("missing_field");
  });

  it("sample-level errors become RecordFormattingError naming the record in the pipeline", () => {
    expect(RecordFormattingError.of({ id: "r5", index: 5, externalId: "e5" }, "boom").message).toBe("Record #5 (id r5, external_id e5): boom");
  });
});
