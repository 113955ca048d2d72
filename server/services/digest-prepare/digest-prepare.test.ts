/**
 * Digest diagnostics must report exactly what prepareForTraining + diagnosePrepared report on the
 * same records: every label and rating strategy, frameworks, splits, filters, max_records, ties,
 * duplicates, conflicts, leakage, missing texts and answers, invalid labels, no rows at all.
 */
import { describe, expect, it } from "vitest";
import type { DatasetSettings, StoredRecord } from "../../feedback/schema";
import { diagnosePrepared } from "../../training/diagnostics";
import { createDigestPrepare, digestPositions, IrregularDigestError, type DigestPrepareInput } from "./digest-prepare";
import { DigestWriter, HAS_RESPONSE, readDigestBlock, STATUS_BITS, textKey, type RecordDigest } from "../../feedback/record-digest";
import { PrepareError } from "../../training/errors";
import { prepareForTraining } from "../../training/prepare-for-training";
import { createRng } from "../../training/random";
import { parseTrainingTask } from "../../training/tasks/schema";
import { dataset, discarded, draft, question, record, submitted } from "../../training/test-helpers";

const SETTINGS = dataset(["text", "other?"], [question.label("topic", ["a", "b", "c"]), question.rating("score", [1, 2, 3, 4, 5]), question.text("note")]);

/** Records with repeated texts (duplicates, conflicts, leakage), missing texts, every status, ties and null answers. */
function records(count: number, seed: number): StoredRecord[] {
  const random = createRng(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const texts = ["alpha", "beta", "gamma", "délta ✓", "epsilon", "zeta", "eta", "theta"];
  return Array.from({ length: count }, (_, i) => {
    const roll = random();
    const text = roll < 0.05 ? null : roll < 0.08 ? "" : random() < 0.6 ? pick(texts) : `text ${Math.floor(random() * count)}`;
    const responses = Array.from({ length: Math.floor(random() * 4) }, () => {
      const values = {
        ...(random() < 0.9 ? { topic: pick(["a", "b", "c"]) } : {}),
        ...(random() < 0.9 ? { score: pick([1, 2, 3, 4, 5]) } : { score: null as never }),
        note: "n",
      };
      return pick([submitted, submitted, submitted, draft, discarded])(values);
    });
    return record(String(i), { text, other: "o" }, responses);
  });
}

/** The digests the import writes for the records, read back for one field and question. */
function digestsOf(settings: DatasetSettings, recs: StoredRecord[], field: string, questionName: string): RecordDigest[] {
  const writer = new DigestWriter(settings);
  recs.forEach((r) => writer.add(r.index, r));
  const positions = { field: settings.fields.findIndex((f) => f.name === field), question: settings.questions.findIndex((q) => q.name === questionName) };
  const digests: RecordDigest[] = [];
  for (const block of writer.end()) {
    const parts = [block.idx, block.statuses, block.textKeys, block.textLengths, block.answerCounts, block.answers];
    const starts = parts.map((_, i) => parts.slice(0, i).reduce((sum, p) => sum + p.length, 0));
    const [idx, statuses, textKeys, textLengths, answerCounts, answers] = starts as [number, number, number, number, number, number];
    readDigestBlock(Buffer.concat(parts), { records: block.records, idx, statuses, textKeys, textLengths, answerCounts, answers }, settings.fields.length, positions, (d) =>
      digests.push({ ...d, options: [...d.options] }),
    );
  }
  return digests;
}

type Case = Omit<DigestPrepareInput, "settings" | "task" | "recordCount"> & { task: Record<string, unknown> };

async function both(c: Case, recs: StoredRecord[], settings = SETTINGS) {
  const task = parseTrainingTask(c.task);
  const input: Omit<DigestPrepareInput, "recordCount"> = { settings, task, framework: c.framework, trainSize: c.trainSize, testSize: c.testSize, seed: c.seed, filterBy: c.filterBy, maxRecords: c.maxRecords };
  let fullPrepared: unknown;
  const full = await prepareForTraining({ ...input, records: recs }).then(
    (prepared) => {
      fullPrepared = prepared;
      return { report: diagnosePrepared(prepared), meta: prepared.meta };
    },
    (error: Error) => error,
  );
  const fromDigest = await (async () => {
    const digest = await createDigestPrepare({ ...input, recordCount: recs.length });
    for (const d of digestsOf(settings, recs, c.task.text as string, c.task.label as string)) digest.add(d);
    const result = digest.report();
    const report = result.report((idx) => recs[idx]!.fields.text as string);
    // The prepared rows must be a prepare's rows.
    const prepared = digest.prepared((idx) => recs[idx]!.fields.text as string);
    expect(prepared).toEqual(fullPrepared);
    return { report, meta: result.meta };
  })().catch((error: Error) => error);
  return { full, fromDigest };
}

const STRATEGIES = { topic: ["majority", "disagreement"], score: ["majority", "mean", "min", "max", "disagreement"] } as const;

describe("digest diagnostics", () => {
  const recs = records(400, 7);

  for (const [label, strategies] of Object.entries(STRATEGIES)) {
    for (const strategy of strategies) {
      for (const framework of ["transformers", "setfit", "spacy"] as const) {
        it(`${label} ${strategy}, ${framework}: the same report and meta as a prepare`, async () => {
          for (const split of [{}, { trainSize: 0.8 }, { trainSize: 0.5, testSize: 0.3, seed: 3 }]) {
            const { full, fromDigest } = await both({ task: { task: "text_classification", text: "text", label, label_strategy: strategy, seed: 11 }, framework, ...split }, recs);
            expect(full).not.toBeInstanceOf(Error);
            expect(fromDigest).toEqual(full);
          }
        });
      }
    }
  }

  it("the report does show what it checks: drops, conflicts, leakage, ties", async () => {
    const { full, fromDigest } = await both({ task: { task: "text_classification", text: "text", label: "topic", seed: 5 }, framework: "transformers", trainSize: 0.7 }, recs);
    expect(fromDigest).toEqual(full);
    const { report } = fromDigest as Exclude<typeof fromDigest, Error>;
    expect(Object.keys(report.records.dropped).sort()).toEqual(["missing_field", "missing_response", "no_submitted_responses"]);
    expect(report.conflicts.inputs).toBeGreaterThan(0);
    expect(report.conflicts.examples.length).toBeGreaterThan(0);
    expect(report.leakage.rows).toBeGreaterThan(0);
    expect(report.lengths.text!.count).toBe(report.rows.total);
  });

  it("filter_by, max_records and the default strategy", async () => {
    for (const filterBy of [{ responseStatus: ["submitted" as const] }, { responseStatus: ["draft" as const, "pending" as const] }, { responseStatus: ["discarded" as const] }]) {
      for (const maxRecords of [undefined, 37]) {
        for (const label of ["topic", "score"]) {
          const { full, fromDigest } = await both({ task: { task: "text_classification", text: "text", label }, framework: "transformers", trainSize: 0.75, filterBy, maxRecords }, recs);
          expect(fromDigest).toEqual(full);
        }
      }
    }
  });

  it("invalid labels: a rating mean that is no option drops the record", async () => {
    const gaps = dataset(["text"], [question.rating("score", [1, 3, 5])]);
    const rated = Array.from({ length: 60 }, (_, i) =>
      record(String(i), { text: `t${i % 45}` }, [submitted({ score: [1, 3, 5][i % 3]! }), submitted({ score: [1, 3, 5][(i >> 1) % 3]! })]),
    );
    const { full, fromDigest } = await both({ task: { task: "text_classification", text: "text", label: "score", label_strategy: "mean" }, framework: "transformers", trainSize: 0.8 }, rated, gaps);
    expect(fromDigest).toEqual(full);
    expect((full as { report: { records: { dropped: Record<string, number> } } }).report.records.dropped.invalid_label).toBeGreaterThan(0);
  });

  it("no rows: the same error as a prepare", async () => {
    const none = records(30, 2).map((r) => ({ ...r, responses: r.responses.filter((resp) => resp.status !== "submitted") }));
    const { full, fromDigest } = await both({ task: { task: "text_classification", text: "text", label: "topic" }, framework: "transformers" }, none);
    expect(full).toBeInstanceOf(PrepareError);
    expect(fromDigest).toBeInstanceOf(PrepareError);
    expect((fromDigest as Error).message).toBe((full as Error).message);
  });

  it("an answer that is no option: the digest refuses, so the records are read", async () => {
    const odd = [record("0", { text: "x" }, [submitted({ topic: "zzz" })])];
    const { fromDigest } = await both({ task: { task: "text_classification", text: "text", label: "topic" }, framework: "transformers" }, odd);
    expect(fromDigest).toBeInstanceOf(IrregularDigestError);
  });

  it("serves only default classification on a label or rating question, for row-per-text frameworks", () => {
    const task = (t: Record<string, unknown>) => parseTrainingTask(t);
    expect(digestPositions(SETTINGS, task({ task: "text_classification", text: "text", label: "topic" }), "transformers")).toEqual({ field: 0, question: 0 });
    expect(digestPositions(SETTINGS, task({ task: "text_classification", text: "other", label: "score" }), "spacy")).toEqual({ field: 1, question: 1 });
    expect(digestPositions(SETTINGS, task({ task: "text_classification", text: "text", label: "topic" }), "openai")).toBeNull();
    expect(digestPositions(SETTINGS, task({ task: "text_classification", template: { text: "{text}" }, label: "topic" }), "transformers")).toBeNull();
    const multi = dataset(["text"], [question.multiLabel("tags", ["x", "y"])]);
    expect(digestPositions(multi, task({ task: "text_classification", text: "text", label: "tags" }), "transformers")).toBeNull();
  });

  it("text keys: 53-bit integers, equal for equal texts, different for near ones", () => {
    const keys = ["", "a", "b", "ab", "ba", "délta ✓", "délta ✓ ", "🎉"].map(textKey);
    for (const key of keys) expect(Number.isSafeInteger(key) && key >= 0).toBe(true);
    expect(new Set(keys).size).toBe(keys.length);
    expect(textKey("délta ✓")).toBe(keys[5]);
  });

  it("two different texts with the same key: prepared() refuses rather than merge them", async () => {
    const settings = dataset(["text"], [question.label("topic", ["a", "b"])]);
    const task = parseTrainingTask({ task: "text_classification", text: "text", label: "topic" });
    const digest = await createDigestPrepare({ settings, task, framework: "transformers", recordCount: 2 });
    // Both records claim key 7: as if their texts collided.
    for (const idx of [0, 1]) digest.add({ idx, statuses: HAS_RESPONSE | STATUS_BITS.submitted, textKey: 7, textLength: 1, options: [idx], irregular: false });
    expect(() => digest.prepared((idx) => ["x", "y"][idx]!)).toThrow(IrregularDigestError);
    expect(digest.prepared(() => "same").train).toHaveLength(2);
  });
});
