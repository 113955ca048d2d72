import { describe, expect, it } from "vitest";
import { Drop } from "../drop-reasons";
import { formatRecordsPage } from "../format-records";
import { sandboxCacheStats } from "../sandbox";
import { RecordFormattingError } from "../errors";
import { dataset, draft, question, record, submitted } from "../test-helpers";
import { normaliseFunctionOutput } from "./formatting-function";
import { compileTask } from "./index";
import { parseTrainingTask } from "./schema";

describe("normaliseFunctionOutput (Argilla 1.20+ rules, JS tuples)", () => {
  const value = (v: unknown) => ({ kind: "value" as const, value: v });
  const generator = (items: unknown[]) => ({ kind: "generator" as const, items });

  it("null → nothing; [] → nothing; generator yielding null → skipped", () => {
    expect(normaliseFunctionOutput(value(null), true)).toEqual([]);
    expect(normaliseFunctionOutput(value([]), true)).toEqual([]);
    expect(normaliseFunctionOutput(generator([null, ["t", "a"], null]), true)).toEqual([["t", "a"]]);
  });
  it("a tuple-shaped array is ONE sample; an array of arrays is many", () => {
    expect(normaliseFunctionOutput(value(["text", "label"]), true)).toEqual([["text", "label"]]);
    expect(normaliseFunctionOutput(value(["text", ["l1", "l2"]]), true)).toEqual([["text", ["l1", "l2"]]]);
    expect(
      normaliseFunctionOutput(
        value([
          ["t1", "a"],
          ["t2", "b"],
        ]),
        true,
      ),
    ).toEqual([
      ["t1", "a"],
      ["t2", "b"],
    ]);
  });
  it("a generator yielding a list of tuples keeps only the first tuple of each (Argilla's rule)", () => {
    const yielded = [
      ["t1", "a"],
      ["t2", "b"],
    ];
    expect(normaliseFunctionOutput(generator([yielded, [["t3", "c"]]]), true)).toEqual([
      ["t1", "a"],
      ["t3", "c"],
    ]);
  });
  it("for non-tuple tasks an array is a list of samples", () => {
    expect(normaliseFunctionOutput(value(["a", "b"]), false)).toEqual(["a", "b"]);
    expect(normaliseFunctionOutput(value("a"), false)).toEqual(["a"]);
    expect(normaliseFunctionOutput(value({ "sentence-1": "x" }), false)).toEqual([{ "sentence-1": "x" }]);
    expect(normaliseFunctionOutput(value([["a", "b"], "c"]), false)).toEqual(["a", "c"]);
  });
});

// The real sandbox (QuickJS) runs every function below.
const settings = dataset(["text", "other"], [question.label("label", ["pos", "neg"]), question.text("answer")]);
const r = record("r3", { text: "good movie", other: "bad movie" }, [submitted({ label: "pos", answer: "A" }, "u1"), draft({ label: "neg" }, "u2")], {
  externalId: "ext-3",
});

async function run(task: unknown, rec = r) {
  const compiled = await compileTask(settings, parseTrainingTask(task));
  try {
    await compiled.prefetch!([rec]);
    return compiled.format(rec);
  } finally {
    compiled.dispose();
  }
}
const withFunction = (kind: string, source: string, extra: object = {}) => ({
  task: kind,
  formatting_func: { language: "javascript", source },
  ...extra,
});

describe("formatting functions per task (real sandbox)", () => {
  it("text classification: [text, label] tuples, users filter statuses themselves", async () => {
    const source = `function format(sample) {
      return sample.label.filter((r) => r.status === "submitted").map((r) => [sample.text, r.value]);
    }`;
    expect(await run(withFunction("text_classification", source))).toEqual([{ text: "good movie", label: "pos" }]);
  });
  it("text classification: numbers are coerced to strings, label lists make multi-label samples", async () => {
    expect(await run(withFunction("text_classification", "function f(s) { return [1, [2, 'x']]; }"))).toEqual([{ text: "1", label: ["2", "x"] }]);
  });
  it("TypeScript sources work", async () => {
    const source = `function f(sample: { text: string }): [string, string] { return [sample.text, "pos"]; }`;
    expect(await run({ task: "text_classification", formatting_func: { language: "typescript", source } })).toEqual([
      { text: "good movie", label: "pos" },
    ]);
  });
  it("generators: each yielded sample; yielded nulls skipped", async () => {
    const source = `function* f(s) { yield [s.text, "pos"]; yield null; yield [s.other, "neg"]; }`;
    expect(await run(withFunction("text_classification", source))).toEqual([
      { text: "good movie", label: "pos" },
      { text: "bad movie", label: "neg" },
    ]);
  });
  it("nothing returned → the record is dropped with function_returned_nothing", async () => {
    for (const body of ["return null;", "return [];", "return undefined;", "return (function*(){ yield null; })();"]) {
      const out = await run(withFunction("text_classification", `function f(s) { ${body} }`));
      expect(out).toBeInstanceOf(Drop);
      expect((out as Drop).reason).toBe("function_returned_nothing");
    }
  });
  it("question answering, sentence similarity, SFT, PPO, RM, DPO, chat", async () => {
    expect(await run(withFunction("question_answering", "function f(s) { return ['Q', s.text, 'good']; }"))).toEqual([
      { question: "Q", context: "good movie", answer: "good" },
    ]);
    expect(await run(withFunction("sentence_similarity", "function f(s) { return {'sentence-1': s.text, 'sentence-2': s.other, label: '0.5'}; }"))).toEqual([
      { texts: ["good movie", "bad movie"], label: 0.5 },
    ]);
    expect(await run(withFunction("supervised_fine_tuning", "function f(s) { return [s.text, s.other]; }"))).toEqual([
      { text: "good movie" },
      { text: "bad movie" },
    ]);
    expect(await run(withFunction("proximal_policy_optimization", "function f(s) { return s.text; }"))).toEqual([{ query: "good movie" }]);
    // a list of rejected texts gives one pair each (Argilla would stringify the list)
    expect(await run(withFunction("reward_modeling", "function f(s) { return [s.text, [s.other, 'meh']]; }"))).toEqual([
      { chosen: "good movie", rejected: "bad movie" },
      { chosen: "good movie", rejected: "meh" },
    ]);
    expect(await run(withFunction("direct_preference_optimization", "function f(s) { return ['P', s.text, s.other]; }"))).toEqual([
      { prompt: "P", chosen: "good movie", rejected: "bad movie" },
    ]);
  });
  it("sentence similarity: only the label is read as a number; sentences stay text", async () => {
    // Argilla's pydantic would turn the sentence "2023" into 2023.0
    expect(await run(withFunction("sentence_similarity", "function f(s) { return {'sentence-1': '2023', 'sentence-2': 'nan', label: 'entailment'}; }"))).toEqual([
      { texts: ["2023", "nan"], label: "entailment" },
    ]);
  });
  it("chat: tuples grouped by chat id, turns sorted numerically (10 after 2)", async () => {
    const source = `function f(s) {
      return [["c1", "10", "assistant", "ten"], ["c1", 2, "user", "two"], ["c2", 0, "user", "other chat"], ["c1", "1", "system", "one"]];
    }`;
    expect(await run(withFunction("chat_completion", source))).toEqual([
      {
        messages: [
          { role: "system", content: "one" },
          { role: "user", content: "two" },
          { role: "assistant", content: "ten" },
        ],
      },
      { messages: [{ role: "user", content: "other chat" }] },
    ]);
  });
  it("chosen = rejected is dropped for RM and DPO outputs too", async () => {
    const out = await run(withFunction("reward_modeling", "function f(s) { return [s.text, s.text]; }"));
    expect((out as Drop).reason).toBe("chosen_equals_rejected");
  });
});

describe("per-record errors name the record", () => {
  const errorOf = async (task: unknown) => {
    const error = await run(task).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RecordFormattingError);
    const e = error as RecordFormattingError;
    expect(e.recordId).toBe("r3");
    return e.message;
  };

  it("a function that throws", async () => {
    expect(await errorOf(withFunction("text_classification", "function f(s) { return s.missing.x; }"))).toMatch(
      /^formatting function threw on Record #3 \(id r3, external_id ext-3\): TypeError/,
    );
  });
  it("a list [text, label] is a tuple in JS, but a wrong arity is invalid output", async () => {
    expect(await errorOf(withFunction("text_classification", "function f(s) { return [s.text]; }"))).toBe(
      'Record #3 (id r3, external_id ext-3): the formatting function must return [text, label] or [text, [label, ...]], or a list of them: expected [text, label], got ["good movie"]',
    );
  });
  it("booleans and objects are not coerced to text", async () => {
    expect(await errorOf(withFunction("supervised_fine_tuning", "function f(s) { return true; }"))).toContain("text must be a string, got true");
    expect(await errorOf(withFunction("supervised_fine_tuning", "function f(s) { return {text: 'x'}; }"))).toContain(
      'text must be a string, got {"text":"x"}',
    );
  });
  it("chat roles are validated with Argilla's message", async () => {
    expect(await errorOf(withFunction("chat_completion", "function f(s) { return ['c', 0, 'bot', 'hi']; }"))).toContain(
      "Role must be one of 'system', 'user', 'assistant'",
    );
  });
  it("sentence similarity shapes use Argilla's messages", async () => {
    expect(await errorOf(withFunction("sentence_similarity", "function f(s) { return {sentence: 'a', label: 1}; }"))).toContain(
      "Datasets containing a `sentence` and a `label` should be transformed to contain triplets",
    );
    expect(await errorOf(withFunction("sentence_similarity", "function f(s) { return {'sentence-1': 'a'}; }"))).toContain(
      "Labeled datasets must contain a pair of `sentence-1` and `sentence-2`",
    );
  });
  it("a timeout", async () => {
    const task = parseTrainingTask(withFunction("supervised_fine_tuning", "function f(s) { for (;;) {} }"));
    const compiled = await compileTask(settings, task, { sandbox: { limits: { timeoutMs: 50 } } });
    try {
      await compiled.prefetch!([r]);
      expect(() => compiled.format(r)).toThrow(/formatting function timed out after 50 ms on Record #3/);
    } finally {
      compiled.dispose();
    }
  });
});

describe("the live preview reuses the loaded function (real sandbox)", () => {
  const counting = (extra = "") =>
    parseTrainingTask(withFunction("supervised_fine_tuning", `let n = 0; function f(s) { n += 1; ${extra} return s.text + " #" + n; }`));
  const texts = (page: Awaited<ReturnType<typeof formatRecordsPage>>) => page.records.map((rec) => rec.error ?? rec.rows.map((row) => (row as { text: string }).text));

  it("serves a second preview request with the same source from the sandbox cache", async () => {
    const task = counting();
    expect(texts(await formatRecordsPage(settings, task, [r], { framework: "trl" }))).toEqual([["good movie #1"]]);
    const before = sandboxCacheStats();
    // The same function: no compile, no new wasm instance; its module state carries over, as in Python.
    expect(texts(await formatRecordsPage(settings, task, [r], { framework: "trl" }))).toEqual([["good movie #2"]]);
    expect(sandboxCacheStats().hits).toBe(before.hits + 1);
  });

  it("drops the cached function once it hits a limit", async () => {
    const task = parseTrainingTask(withFunction("supervised_fine_tuning", "let n = 0; function f(s) { n += 1; if (n === 2) for (;;) {} return s.text + ' #' + n; }"));
    const options = { framework: "trl" as const, sandbox: { limits: { timeoutMs: 100 } } };
    expect(texts(await formatRecordsPage(settings, task, [r], options))).toEqual([["good movie #1"]]);
    expect(texts(await formatRecordsPage(settings, task, [r], options))).toEqual([expect.stringMatching(/timed out after 100 ms on Record #3/)]);
    const misses = sandboxCacheStats().misses;
    expect(texts(await formatRecordsPage(settings, task, [r], options))).toEqual([["good movie #1"]]); // a fresh sandbox
    expect(sandboxCacheStats().misses).toBe(misses + 1);
  });
});
