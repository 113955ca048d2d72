import { describe, expect, it } from "vitest";
import { codePointLength } from "./code-points";
import { createDiagnostics, diagnosePrepared, LENGTH_BINS, MAX_TOKENIZED_ROWS } from "./diagnostics";
import { formatRecords } from "./format-records";
import { prepareForTraining } from "./prepare-for-training";
import { parseTrainingTask } from "./tasks/schema";
import { dataset, question, record, submitted } from "./test-helpers";

const settings = dataset(["text"], [question.label("label", ["pos", "neg", "meh"])]);
const task = parseTrainingTask({ task: "text_classification", text: "text", label: "label" });
const labelled = (id: string, text: string, label: string) => record(id, { text }, [submitted({ label })]);

describe("createDiagnostics over preview results", () => {
  it("counts records in / with rows / dropped by reason, and the label distribution with balance warnings", async () => {
    const records = [
      ...Array.from({ length: 20 }, (_, i) => labelled(`r${i}`, `positive ${i}`, "pos")),
      labelled("r20", "negative", "neg"),
      record("r21", { text: "unlabelled" }),
    ];
    const page = await formatRecords(settings, task, records, { framework: "transformers" });
    const diagnostics = createDiagnostics({ task, framework: "transformers", labels: ["pos", "neg", "meh"] });
    for (const result of page) diagnostics.add(result);
    const report = diagnostics.result();
    expect(report.records).toEqual({ total: 22, withRows: 21, errors: 0, dropped: { no_submitted_responses: 1 } });
    expect(report.rows).toEqual({ total: 21, train: 0, test: 0 });
    // ids are named through the label list; unused labels show with 0
    expect(report.labels).toEqual({ pos: 20, neg: 1, meh: 0 });
    // neg: 1 < 10% of 20 → minority
    expect(report.warnings).toEqual([
      { code: "minority_class", message: 'Label "neg" has 1 rows, less than 10% of the majority label "pos" (20).' },
      { code: "unused_label", message: 'Label "meh" has no rows.' },
    ]);
  });

  it("warns about a single class", async () => {
    const page = await formatRecords(settings, task, [labelled("r0", "a", "pos"), labelled("r1", "b", "pos")], { framework: "spacy" });
    const diagnostics = createDiagnostics({ task: "text_classification", framework: "spacy" });
    page.forEach((r) => diagnostics.add(r));
    const report = diagnostics.result();
    expect(report.labels).toEqual({ pos: 2 });
    expect(report.warnings.map((w) => w.code)).toEqual(["single_class"]);
  });

  it("finds duplicate rows and inputs with conflicting labels", () => {
    const diagnostics = createDiagnostics({ task: "text_classification", framework: "setfit", labels: ["pos", "neg"] });
    const rows = [
      { text: "same", label: 0 },
      { text: "same", label: 0 },
      { text: "same", label: 1 },
      { text: "other", label: 1 },
    ];
    diagnostics.add({ recordId: "r0", index: 0, rows });
    const report = diagnostics.result();
    expect(report.duplicates).toEqual({ rows: 1, examples: ["same"] });
    expect(report.conflicts).toEqual({ inputs: 1, examples: ["same"] });
    expect(report.warnings.map((w) => w.code)).toEqual(["duplicates", "conflicting_labels"]);
  });

  it("histograms text lengths in code points over fixed bins", () => {
    const diagnostics = createDiagnostics({ task: "supervised_fine_tuning", framework: "trl" });
    const texts = ["", "🦉".repeat(49), "x".repeat(50), "x".repeat(150), "x".repeat(20000)];
    diagnostics.add({ recordId: "r0", index: 0, rows: texts.map((text, i) => ({ id: `r0#${i}`, text })) });
    const histogram = diagnostics.result().lengths.text!;
    expect(histogram.bins.map((b) => b.min)).toEqual([...LENGTH_BINS]);
    // 0 → [0,0]; 49 owls = 49 code points → [1,49]; 50 → [50,99]; 150 → [100,199]; 20000 → [10000, ∞)
    expect(histogram.bins.map((b) => b.count)).toEqual([1, 1, 1, 1, 0, 0, 0, 0, 0, 1]);
    expect(histogram.bins[1]).toEqual({ min: 1, max: 49, count: 1 });
    expect(histogram.bins.at(-1)).toEqual({ min: 10000, max: null, count: 1 });
    expect(histogram).toMatchObject({ count: 5, min: 0, max: 20000, mean: (0 + 49 + 50 + 150 + 20000) / 5 });
    expect(codePointLength("a🦉b")).toBe(3);
  });

  it("histograms token lengths with the given counter, on every k-th row", () => {
    const words = { tokenizer: "words", count: (text: string) => text.split(" ").length };
    const diagnostics = createDiagnostics({ task: "text_classification", framework: "setfit", tokens: { ...words, every: 2 } });
    const texts = ["one", "two words", "now three words", "and now four words", Array.from({ length: 20 }, () => "w").join(" ")];
    texts.forEach((text) => diagnostics.add({ split: "train", row: { text, label: "pos" } }));
    const report = diagnostics.result();
    // rows 0, 2 and 4: 1, 3 and 20 tokens; the character histogram still covers all 5 rows
    expect(report.tokens!.rows).toBe(3);
    expect(report.tokens!.tokenizer).toBe("words");
    const text = report.tokens!.lengths.text!;
    expect(text.bins.slice(0, 4)).toEqual([
      { min: 0, max: 0, count: 0 },
      { min: 1, max: 15, count: 2 },
      { min: 16, max: 31, count: 1 },
      { min: 32, max: 63, count: 0 },
    ]);
    expect([text.count, text.min, text.max, text.mean]).toEqual([3, 1, 20, 8]);
    expect(report.lengths.text!.count).toBe(5);
    expect(createDiagnostics({ task: "text_classification", framework: "setfit" }).result().tokens).toBeUndefined();
  });

  it("counts per-record errors", () => {
    const diagnostics = createDiagnostics({ task: "supervised_fine_tuning", framework: "trl" });
    diagnostics.add({ recordId: "r0", index: 0, rows: [], error: "formatting function threw" });
    expect(diagnostics.result().records).toEqual({ total: 1, withRows: 0, errors: 1, dropped: {} });
    expect(diagnostics.result().warnings).toEqual([{ code: "errors", message: "1 records could not be formatted (see their errors)." }]);
  });
});

describe("diagnosePrepared", () => {
  it("reports train/test leakage: identical inputs in both splits", async () => {
    // the same text with two labels survives dedup as two rows; a split can put one on each side
    const records = Array.from({ length: 20 }, (_, i) =>
      record(`r${i}`, { text: `text ${i % 10}` }, [submitted({ label: i < 10 ? "pos" : "neg" })]),
    );
    const prepared = await prepareForTraining({ settings, task, framework: "transformers", records, trainSize: 0.5 });
    const report = diagnosePrepared(prepared);
    expect(report.rows).toEqual({ total: 20, train: 10, test: 10 });
    const testInputs = new Set(prepared.test.map((r) => r.text));
    const expectedLeaks = prepared.test.filter((r) => prepared.train.some((t) => t.text === r.text)).length;
    expect(expectedLeaks).toBeGreaterThan(0);
    expect(testInputs.size).toBeGreaterThan(0);
    expect(report.leakage.rows).toBe(expectedLeaks);
    expect(report.warnings.map((w) => w.code)).toContain("leakage");
    expect(report.conflicts.inputs).toBe(10);
    expect(report.records).toEqual({ total: 20, withRows: 20, errors: 0, dropped: {} });
  });

  it("tokenizes at most MAX_TOKENIZED_ROWS rows, evenly spaced", async () => {
    const records = Array.from({ length: 25_000 }, (_, i) => labelled(`r${i}`, `text number ${i}`, i % 2 ? "pos" : "neg"));
    const prepared = await prepareForTraining({ settings, task, framework: "transformers", records });
    let calls = 0;
    const report = diagnosePrepared(prepared, undefined, { tokenizer: "words", count: (t) => (calls++, t.split(" ").length) });
    // every 3rd of 25,000 rows (ceil(25,000 / 10,000) = 3): rows 0, 3, …, 24,999
    expect(MAX_TOKENIZED_ROWS).toBe(10_000);
    expect(report.tokens!.rows).toBe(8_334);
    expect(calls).toBe(8_334);
    expect(report.tokens!.lengths.text!.max).toBe(3);
  });

  it("takes record counts and drops from the prepared meta", async () => {
    const records = [labelled("r0", "a", "pos"), labelled("r1", "b", "neg"), record("r2", { text: "c" }), record("r3", { text: "d" }), record("r4", { text: "e" })];
    const report = diagnosePrepared(await prepareForTraining({ settings, task, framework: "transformers", records }));
    expect(report.records).toEqual({ total: 5, withRows: 2, errors: 0, dropped: { no_submitted_responses: 3 } });
    expect(report.warnings.map((w) => w.code)).toEqual(["unused_label", "most_dropped"]);
  });
});
