import { describe, expect, it } from "vitest";
import { CONFIG_SCHEMAS, type ConfigName } from "./configs";
import { maxSequenceLength, preflightChecks, rowSequences, truncatedToSame, type PreflightInput } from "./preflight";

const words = (text: string) => text.split(/\s+/).filter(Boolean).length;
const config = (name: ConfigName, values: Record<string, unknown> = {}) => CONFIG_SCHEMAS[name].parse(values) as Record<string, unknown>;
const run = (input: Partial<PreflightInput> & Pick<PreflightInput, "configName" | "records">) =>
  preflightChecks({ config: config(input.configName), countTokens: words, ...input });

describe("preflightChecks", () => {
  it("a prompt + completion longer than max_length names its records and the field", () => {
    const checks = run({
      configName: "trl-sft",
      config: config("trl-sft", { max_length: 8 }),
      records: [
        { index: 0, rows: [{ prompt: "one two three", completion: "four five" }] },
        { index: 4, rows: [{ prompt: "one two three four five", completion: "six seven eight nine ten" }] },
      ],
    });
    expect(checks).toEqual([expect.objectContaining({ code: "too_long", field: "max_length", records: [4], count: 1 })]);
    expect(checks[0]!.message).toMatch(/longer than 8 tokens \(longest: prompt \+ completion, 9 tokens\)/);
  });

  it("reward modeling says the long pairs are dropped", () => {
    const checks = run({ configName: "trl-reward", config: config("trl-reward", { max_length: 8 }), records: [{ index: 2, rows: [{ chosen: "a b c d e f g h i", rejected: "no" }] }] });
    expect(checks[0]).toMatchObject({ code: "pairs_dropped", records: [2] });
    expect(checks[0]!.message).toMatch(/drops these pairs/);
  });

  it("a response template in no row is an error; in some rows a warning naming the others", () => {
    const records = [
      { index: 0, rows: [{ text: "### Q: hi ### A: hello" }] },
      { index: 1, rows: [{ text: "no marker here" }] },
    ];
    const none = run({ configName: "trl-sft", config: config("trl-sft", { response_template: "### Answer:" }), records });
    expect(none).toEqual([expect.objectContaining({ code: "response_template_missing", severity: "error", field: "response_template", records: [0, 1] })]);
    const some = run({ configName: "trl-sft", config: config("trl-sft", { response_template: "### A:" }), records });
    expect(some).toEqual([expect.objectContaining({ severity: "warning", records: [1], count: 1 })]);
  });

  it("SetFit: a class with fewer examples than its pairs need; a test split without a class", () => {
    const records = [0, 1, 2, 3, 4].map((index) => ({ index, rows: [{ text: `t${index}`, label: index === 4 ? "rare" : "common" }] }));
    const checks = run({
      configName: "setfit",
      config: config("setfit", { max_length: 512 }),
      records,
      labelsOf: (row) => [row.label as string],
      splitLabels: { train: { common: 3, rare: 1 }, test: { common: 1 } },
    });
    expect(checks.map((c) => [c.code, c.records])).toEqual([
      ["class_too_small", [4]],
      ["test_split_missing_class", [4]],
    ]);
    expect(checks[0]!.message).toMatch(/class "rare" has 1 training example; SetFit's contrastive pairs need at least 2/);
  });

  it("no test split: no test-split check", () => {
    const checks = run({
      configName: "transformers-classification",
      records: [{ index: 0, rows: [{ text: "a", label: 0 }] }],
      labelsOf: () => ["x"],
      splitLabels: { train: { x: 5 }, test: null },
    });
    expect(checks).toEqual([]);
  });

  it("DPO: chosen and rejected that agree on everything max_length keeps are an error", () => {
    const row = { prompt: "p1 p2 ", chosen: "same same same good", rejected: "same same same bad" };
    expect(truncatedToSame(row, 5, words)).toBe(true);
    expect(truncatedToSame(row, 6, words)).toBe(false);
    const checks = run({ configName: "trl-dpo", config: config("trl-dpo", { max_length: 8 }), records: [{ index: 7, rows: [{ ...row, chosen: "s s s s s s s s good", rejected: "s s s s s s s s bad" }] }] });
    expect(checks.find((c) => c.code === "truncated_to_same")).toMatchObject({ severity: "error", records: [7] });
  });

  it("links at most 20 records and counts them all", () => {
    const records = Array.from({ length: 30 }, (_, index) => ({ index, rows: [{ text: "x y z w v u t s r q p" }] }));
    const [long] = run({ configName: "transformers-classification", config: config("transformers-classification", { max_length: 8 }), records });
    expect(long).toMatchObject({ count: 30 });
    expect(long!.records).toHaveLength(20);
  });
});

describe("the pieces", () => {
  it("rowSequences reads each row shape as the trainer does", () => {
    expect(rowSequences({ prompt: "a", chosen: "b", rejected: "c" })).toEqual([["prompt + chosen", "ab"], ["prompt + rejected", "ac"]]);
    expect(rowSequences({ messages: [{ role: "user", content: "hi" }, { role: "assistant", content: "yo" }] })).toEqual([["messages", "hi\nyo"]]);
    expect(rowSequences({ text: "t", label: 1 })).toEqual([["text", "t"]]);
    expect(rowSequences({ "sentence-1": "a", "sentence-2": "b", label: 0.5 })).toEqual([["sentence-1 + sentence-2", "a\nb"]]);
  });

  it("a null max_length means the model's maximum; a config without one has none", () => {
    expect(maxSequenceLength({ max_length: null }, 256)).toBe(256);
    expect(maxSequenceLength({ max_length: 64 }, 256)).toBe(64);
    expect(maxSequenceLength({ batch_size: 3 }, 256)).toBeNull();
  });
});
