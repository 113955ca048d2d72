import { describe, expect, it } from "vitest";
import { DROP_REASON_LIST, DROP_REASONS } from "./drop-reasons";
import { PrepareError, RecordFormattingError } from "./errors";
import { prepareForTraining, type PrepareInput } from "./prepare-for-training";
import { SampleSet } from "./sample-set";
import { parseTrainingTask } from "./tasks/schema";
import { dataset, discarded, draft, pages, question, record, submitted } from "./test-helpers";
import type { StoredRecord } from "../feedback/schema";

const settings = dataset(["text", "note?"], [question.label("label", ["a", "b", "c"]), question.text("comment")]);
const classify = parseTrainingTask({ task: "text_classification", text: "text", label: "label" });
const run = (records: StoredRecord[], extra: Partial<PrepareInput> = {}) =>
  prepareForTraining({ settings, task: classify, framework: "transformers", records: pages(records, 3), ...extra });

describe("prepareForTraining", () => {
  it("streams pages, counts records and rows, and lists every drop reason", async () => {
    const records = [
      record("r0", { text: "x" }, [submitted({ label: "a" })]),
      record("r1", { text: "y" }), // no responses
      record("r2", { text: "z" }, [draft({ label: "b" })]), // only a draft
      record("r3", { text: "w" }, [submitted({ comment: "hm" })]), // submitted, but no label
      record("r4", { text: "v" }, [submitted({ label: "c" })]),
    ];
    const out = await run(records);
    expect(out.train.map((r) => r.id)).toEqual(["r0", "r4"]);
    expect(out.test).toEqual([]);
    expect(out.meta.counts).toEqual({ records: 5, rows: 2, duplicates: 0, train: 2, test: 0 });
    expect(Object.keys(out.meta.dropped)).toEqual(DROP_REASON_LIST);
    expect(out.meta.dropped.no_submitted_responses).toEqual({ count: 2, recordIds: ["r1", "r2"] });
    expect(out.meta.dropped.missing_response).toEqual({ count: 1, recordIds: ["r3"] });
    expect(out.meta.task).toBe(classify);
    expect(out.meta.framework).toBe("transformers");
  });

  it("describes every drop reason for people", () => {
    for (const reason of DROP_REASON_LIST) expect(DROP_REASONS[reason].length).toBeGreaterThan(20);
  });

  it("removes exact duplicates on the defaults path (identical records collapse), keeping the first", async () => {
    const same = (id: string, label = "a") => record(id, { text: "same" }, [submitted({ label })]);
    const out = await run([same("r0"), same("r1"), same("r2", "b"), same("r3"), same("r4")]);
    // (same, a) ×4 → one row; (same, b) → one row
    expect(out.train).toEqual([
      { id: "r0", text: "same", label: 0 },
      { id: "r2", text: "same", label: 1 },
    ]);
    expect(out.meta.counts).toMatchObject({ records: 5, rows: 2, duplicates: 3 });
    // no record is "dropped" for being a duplicate: duplicates are counted on their own
    expect(DROP_REASON_LIST.every((r) => out.meta.dropped[r].count === 0)).toBe(true);
  });

  it("the duplicate set is exact: equal iff deeply equal, whatever the texts contain", () => {
    const samples = [
      { text: "a\u0000b", label: "c" },
      { text: "a", label: "b\u0000c" },
      { text: "a", label: "b" },
      { text: "\u0001\"a\"", label: "b" },
      { text: "", label: "b" },
      { text: "a", label: ["b"] },
      { text: "a", label: ["b", "c"] },
      { text: "a", label: ["b,c"] },
      { texts: ["1", "2"], label: 1 },
      { texts: ["1", "2"], label: "1" },
      { texts: ["1", "2"] },
    ];
    const set = new SampleSet();
    expect(samples.map((s) => set.add(s))).toEqual(samples.map(() => true));
    expect(samples.map((s) => set.add(structuredClone(s)))).toEqual(samples.map(() => false));
  });

  it("samples that share a text stay apart unless deeply equal", () => {
    const set = new SampleSet(); // these samples all share one bucket
    expect(set.add({ text: "x", label: "a" })).toBe(true);
    expect(set.add({ text: "y", label: "a" })).toBe(true);
    expect(set.add({ text: "y", label: ["a"] })).toBe(true);
    expect(set.add({ text: "y", label: "a" })).toBe(false);
    expect(set.add({ text: "y", label: ["a"] })).toBe(false);
    expect(set.add({ text: "x", label: "a" })).toBe(false);
  });

  it("disagreement rows of one record are deduplicated too (Argilla dedups after the explode)", async () => {
    const task = parseTrainingTask({ task: "text_classification", text: "text", label: "label", label_strategy: "disagreement" });
    const out = await run([record("r0", { text: "t" }, [submitted({ label: "a" }), submitted({ label: "b" }), submitted({ label: "a" })])], { task });
    expect(out.train).toEqual([
      { id: "r0#0", text: "t", label: 0 },
      { id: "r0#1", text: "t", label: 1 },
    ]);
    expect(out.meta.counts.duplicates).toBe(1);
  });

  it("keeps duplicates on the template and function paths", async () => {
    const task = parseTrainingTask({ task: "text_classification", template: { text: "{text}" }, label: "label" });
    const same = (id: string) => record(id, { text: "same" }, [submitted({ label: "a" })]);
    const out = await run([same("r0"), same("r1")], { task });
    expect(out.train).toHaveLength(2);
    expect(out.meta.counts.duplicates).toBe(0);
  });

  it("filter_by response status: any response with a status matches; pending = no responses", async () => {
    const records = [
      record("r0", { text: "t0" }, [submitted({ label: "a" })]),
      record("r1", { text: "t1" }, [discarded({ label: "b" }), submitted({ label: "b" })]),
      record("r2", { text: "t2" }, [draft({ label: "c" })]),
      record("r3", { text: "t3" }),
    ];
    const discardedOnly = await run(records, { filterBy: { responseStatus: ["discarded"] } });
    expect(discardedOnly.train.map((r) => r.id)).toEqual(["r1"]);
    expect(discardedOnly.meta.dropped.filtered_out).toEqual({ count: 3, recordIds: ["r0", "r2", "r3"] });
    const pending = await run(records, { filterBy: { responseStatus: ["pending", "submitted"] } });
    // r3 (pending) passes the filter but then has no submitted response
    expect(pending.meta.dropped.filtered_out.recordIds).toEqual(["r2"]);
    expect(pending.meta.dropped.no_submitted_responses.recordIds).toEqual(["r3"]);
  });

  it("max_records: the first N records after filtering, in stream order; the rest are counted", async () => {
    const records = Array.from({ length: 6 }, (_, i) => record(`r${i}`, { text: `t${i}` }, i === 1 ? [] : [submitted({ label: "a" })]));
    const out = await run(records, { maxRecords: 3, filterBy: { responseStatus: ["submitted"] } });
    // r1 is filtered out, so the first three that pass are r0, r2, r3
    expect(out.train.map((r) => r.id)).toEqual(["r0", "r2", "r3"]);
    expect(out.meta.dropped.over_max_records).toEqual({ count: 2, recordIds: ["r4", "r5"] });
    expect(out.meta.dropped.filtered_out.recordIds).toEqual(["r1"]);
    await expect(run(records, { maxRecords: -1 })).rejects.toThrow("max_records must be a non-negative integer, got -1");
  });

  it("lists the first 50 record ids per reason and counts all", async () => {
    const records = Array.from({ length: 60 }, (_, i) => record(`r${i}`, { text: `t${i}` }));
    records.push(record("r60", { text: "ok" }, [submitted({ label: "a" })]));
    const out = await run(records);
    expect(out.meta.dropped.no_submitted_responses.count).toBe(60);
    expect(out.meta.dropped.no_submitted_responses.recordIds).toHaveLength(50);
    expect(out.meta.dropped.no_submitted_responses.recordIds[49]).toBe("r49");
  });

  it("a missing optional field is dropped with its reason", async () => {
    const task = parseTrainingTask({ task: "text_classification", text: "note", label: "label" });
    const out = await run(
      [record("r0", { text: "t", note: null }, [submitted({ label: "a" })]), record("r1", { text: "t", note: "n" }, [submitted({ label: "b" })])],
      { task },
    );
    expect(out.train).toEqual([{ id: "r1", text: "n", label: 1 }]);
    expect(out.meta.dropped.missing_field.recordIds).toEqual(["r0"]);
  });

  it("ties: two runs give identical rows; another seed can differ", async () => {
    // 30 records with a 1:1 tie each → each record's winner comes from (seed, record id)
    const tied = Array.from({ length: 30 }, (_, i) => record(`r${i}`, { text: `t${i}` }, [submitted({ label: "a" }), submitted({ label: "b" })]));
    const withSeed = (seed: number) => run(tied, { task: parseTrainingTask({ task: "text_classification", text: "text", label: "label", seed }) });
    const first = await withSeed(42);
    expect((await withSeed(42)).train).toEqual(first.train);
    expect(new Set(first.train.map((r) => r.label))).toEqual(new Set([0, 1]));
    expect((await withSeed(7)).train).not.toEqual(first.train);
    // page size does not matter: records carry their own tie-break stream
    const onePage = await prepareForTraining({ settings, task: classify, framework: "transformers", records: tied });
    expect(onePage.train).toEqual(first.train);
  });

  it("splits with the split seed (default: the task seed), stratified by label", async () => {
    const records = Array.from({ length: 40 }, (_, i) => record(`r${i}`, { text: `t${i}` }, [submitted({ label: i < 30 ? "a" : "b" })]));
    const out = await run(records, { trainSize: 0.75 });
    expect(out.meta.counts).toMatchObject({ rows: 40, train: 30, test: 10 });
    // 30 a / 10 b, 25% test → 7.5 / 2.5 → largest remainder (ties by first group) → 8 a + 2 b
    expect(out.test.filter((r) => r.label === 0)).toHaveLength(8);
    expect(out.test.filter((r) => r.label === 1)).toHaveLength(2);
    expect((await run(records, { trainSize: 0.75 })).test).toEqual(out.test);
    expect((await run(records, { trainSize: 0.75, seed: 5 })).test).not.toEqual(out.test);
    await expect(run(records, { trainSize: 0 })).rejects.toThrow(PrepareError);
  });

  it("no rows at all is a clear error", async () => {
    await expect(run([])).rejects.toThrow("No records found in the dataset: import or add records first.");
    await expect(run([record("r0", { text: "t" })])).rejects.toThrow(
      "No training rows: all 1 records were dropped or were duplicates (no_submitted_responses: 1). Try a different filter_by / max_records, check the task's fields and questions, or annotate more records.",
    );
  });
});

describe("prepareForTraining with formatting functions (real sandbox)", () => {
  const fnTask = (source: string, extra: object = {}) =>
    parseTrainingTask({ task: "text_classification", formatting_func: { language: "javascript", source }, ...extra });
  const records = [
    record("r0", { text: "t0" }, [submitted({ label: "b" })]),
    record("r1", { text: "t1" }, [submitted({ label: "a" })]),
    record("r2", { text: "t2" }, [submitted({ label: "c" })]),
  ];
  const firstLabel = "function f(s) { const r = s.label.find((x) => x.status === 'submitted'); return r ? [s.text, r.value] : null; }";

  it("without `labels`, ids follow the sorted labels the function returns", async () => {
    const out = await run(records.slice(0, 2), { task: fnTask(firstLabel) });
    expect(out.meta.label2id).toEqual({ a: 0, b: 1 });
    expect(out.train).toEqual([
      { id: "r0", text: "t0", label: 1 },
      { id: "r1", text: "t1", label: 0 },
    ]);
  });
  it("`labels` fixes the label set and its order; other labels are invalid_label", async () => {
    const out = await run(records, { task: fnTask(firstLabel, { labels: ["b", "a"] }) });
    expect(out.meta.label2id).toEqual({ b: 0, a: 1 });
    expect(out.train.map((r) => r.label)).toEqual([0, 1]);
    expect(out.meta.dropped.invalid_label.recordIds).toEqual(["r2"]);
  });
  it("a single distinct label is an error (a classifier needs two)", async () => {
    await expect(run(records, { task: fnTask("function f(s) { return [s.text, 'only']; }") })).rejects.toThrow(
      'The formatting function returned a single label (only); a classifier needs at least two (pass "labels" to fix the label set).',
    );
  });
  it("mixed single- and multi-label outputs are an error naming the record", async () => {
    const mixed = "function f(s) { return s.text === 't1' ? [s.text, ['a', 'b']] : [s.text, 'a']; }";
    const error = await run(records, { task: fnTask(mixed) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RecordFormattingError);
    expect((error as Error).message).toBe("Record #1 (id r1): the label is a list of labels, but earlier samples have a single label; all samples must agree");
  });
  it("a function error stops prepare and names the record", async () => {
    const failing = "function f(s) { if (s.text === 't2') throw new Error('bad record'); return [s.text, 'a']; }";
    await expect(run(records, { task: fnTask(failing, { labels: ["a", "b"] }) })).rejects.toThrow(
      /formatting function threw on Record #2 \(id r2\): Error: bad record/,
    );
  });
  it("records the function returns nothing for are counted", async () => {
    const out = await run(records, { task: fnTask("function f(s) { return s.text === 't1' ? null : [s.text, s.text]; }") });
    expect(out.meta.dropped.function_returned_nothing).toEqual({ count: 1, recordIds: ["r1"] });
    expect(out.meta.counts.duplicates).toBe(0);
  });
});
