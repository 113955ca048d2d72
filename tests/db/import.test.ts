/** Import into a real PostgreSQL: counts, stored shapes, the one-transaction rule, and filters. */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import path from "node:path";
import { connect, type Database } from "../../server/db/client";
import { importFromPath } from "../../server/services/imports";
import { buildDatasetIndexes, datasetsLackingIndexes, facetsIndexName, searchIndexName } from "../../server/db/dataset-indexes";
import { countRecords, getRecord, listAnnotators, listRecords, streamRecords, type RecordScope } from "../../server/db/records";
import { deleteDataset, findDataset, getDataset, listDatasets } from "../../server/db/datasets";
import type { RecordCursor, RecordFilter } from "../../server/feedback/record-query";
import { makeTempDir, removeTempDirs, writeFiles, buildZip } from "../../server/feedback/test-helpers";

const U1 = "11111111-1111-4111-8111-111111111111";
const U2 = "22222222-2222-4222-8222-222222222222";
const U3 = "33333333-3333-4333-8333-333333333333";

const YAML = `allow_extra_metadata: true
fields:
- name: text
  required: true
  title: Text
  type: text
  use_markdown: false
guidelines: Pick one.
metadata_properties:
- name: source
  title: Source
  type: terms
  values:
  - web
  - mail
  visible_for_annotators: true
- max: 100000
  min: 0
  name: length
  title: Length
  type: integer
  visible_for_annotators: true
questions:
- description: null
  labels:
  - pos
  - neg
  name: label
  required: true
  title: Label
  type: label_selection
  visible_labels: null
vectors_settings: null
`;

const words = ["apple", "banana", "cherry", "delta", "echo"];

/** Row i: U1 always submits; U2 submits on even rows, drafts on odd ones; U3 discards every third row. */
function row(i: number): Record<string, unknown> {
  const responses = [{ user_id: U1, value: i % 2 ? "neg" : "pos", status: "submitted" }, { user_id: U2, value: "pos", status: i % 2 ? "draft" : "submitted" }];
  if (i % 3 === 0) responses.push({ user_id: U3, value: "neg", status: "discarded" });
  return {
    text: `record ${i} about ${words[i % words.length]}`,
    label: responses,
    "label-suggestion": i % 4 === 0 ? "pos" : null,
    "label-suggestion-metadata": i % 4 === 0 ? { type: "model", score: 0.9, agent: "clf-v1" } : { type: null, score: null, agent: null },
    external_id: `ext-${i}`,
    metadata: JSON.stringify({ source: i % 2 ? "mail" : "web", length: i }),
  };
}

async function writeExport(rows: number, mutate?: (lines: string[]) => void): Promise<string> {
  const dir = await makeTempDir("import-it-");
  const lines = Array.from({ length: rows }, (_, i) => JSON.stringify(row(i)));
  mutate?.(lines);
  await writeFiles(dir, { "argilla.yaml": YAML, "data/train.jsonl": lines.join("\n") + "\n" });
  return dir;
}

let db: Database;
beforeAll(() => {
  db = connect(inject("databaseUrl"));
});
afterAll(async () => {
  await db.close();
  await removeTempDirs();
});

describe("import into PostgreSQL", () => {
  it("stores records, one response per annotator, suggestions and metadata", async () => {
    const summary = await importFromPath(db.pool, await writeExport(30), { name: "it-basic" });
    // 30 rows × 2 responses + 10 rows (0,3,…,27) with a third = 70; suggestions on rows 0,4,…,28 = 8
    expect(summary).toMatchObject({ dataset: "it-basic", records: 30, responses: 70, suggestions: 8, annotators: 3 });
    const dataset = (await findDataset(db.pool, "it-basic"))!;
    expect(dataset.recordCount).toBe(30);
    expect(dataset.settings.questions[0].name).toBe("label");
    const record = (await getRecord(db.pool, dataset.id, 3))!;
    expect(record.fields.text).toBe("record 3 about delta");
    expect(record.metadata).toEqual({ source: "mail", length: 3 });
    expect(record.externalId).toBe("ext-3");
    expect(record.responses.map((r) => [r.userId, r.status, r.values.label])).toEqual([
      [U1, "submitted", "neg"],
      [U2, "draft", "pos"],
      [U3, "discarded", "neg"],
    ]);
    const withSuggestion = (await getRecord(db.pool, dataset.id, 4))!;
    expect(withSuggestion.suggestions).toEqual([{ question: "label", value: "pos", score: 0.9, agent: "clf-v1", type: "model" }]);
    expect((await listAnnotators(db.pool, dataset.id)).map((a) => [a.userId, a.responseCount])).toEqual([
      [U1, 30],
      [U2, 30],
      [U3, 10],
    ]);
  });

  it("imports a .zip that wraps the export in a folder", async () => {
    const zipDir = await makeTempDir("zip-it-");
    const lines = [0, 1, 2].map((i) => JSON.stringify(row(i))).join("\n");
    const zip = buildZip([
      { name: "my-export/argilla.yaml", data: Buffer.from(YAML) },
      { name: "my-export/data/train.jsonl", data: Buffer.from(lines) },
    ]);
    await writeFiles(zipDir, { "my-export.zip": zip });
    const summary = await importFromPath(db.pool, path.join(zipDir, "my-export.zip"));
    expect(summary).toMatchObject({ dataset: "my-export", records: 3 });
  });

  it("leaves nothing behind when a row is bad, and names file, line and column", async () => {
    const before = (await listDatasets(db.pool)).length;
    const counts = await db.pool.query("SELECT (SELECT count(*) FROM record) AS r, (SELECT count(*) FROM annotator) AS a");
    // 12,000 rows: more than two COPY batches are written before line 11,000 fails
    const dir = await writeExport(12_000, (lines) => {
      lines[10_999] = JSON.stringify({ ...row(10_999), label: [{ user_id: U1, value: "maybe", status: "submitted" }] });
    });
    await expect(importFromPath(db.pool, dir, { name: "it-bad" })).rejects.toThrow(/data\/train\.jsonl line 11000, column "label".*maybe/);
    expect((await listDatasets(db.pool)).length).toBe(before);
    expect(await findDataset(db.pool, "it-bad")).toBeNull();
    const after = await db.pool.query("SELECT (SELECT count(*) FROM record) AS r, (SELECT count(*) FROM annotator) AS a");
    expect(after.rows[0]).toEqual(counts.rows[0]);
  });

  it("refuses a second dataset with the same name without touching the first", async () => {
    await importFromPath(db.pool, await writeExport(5), { name: "it-dup" });
    await expect(importFromPath(db.pool, await writeExport(7), { name: "it-dup" })).rejects.toThrow(/already exists/);
    expect((await findDataset(db.pool, "it-dup"))!.recordCount).toBe(5);
  });

  it("deletes a dataset with all its rows", async () => {
    await importFromPath(db.pool, await writeExport(5), { name: "it-delete" });
    const { id, settings } = (await findDataset(db.pool, "it-delete"))!;
    await deleteDataset(db, "it-delete");
    const left = await db.pool.query(
      "SELECT (SELECT count(*) FROM record WHERE dataset_id = $1) + (SELECT count(*) FROM annotator WHERE dataset_id = $1) + (SELECT count(*) FROM record_search WHERE dataset_id = $1) + (SELECT count(*) FROM record_facet WHERE dataset_id = $1) AS n",
      [id],
    );
    expect(left.rows[0].n).toBe(0);
    expect((await db.pool.query("SELECT count(*)::int AS n FROM pg_indexes WHERE indexname LIKE $1", [`%\\_${id}`])).rows[0].n).toBe(0);
    // an index build that comes after the deletion (an import's background build) creates nothing
    await buildDatasetIndexes(db.pool, id, settings);
    expect((await db.pool.query("SELECT count(*)::int AS n FROM pg_indexes WHERE indexname LIKE $1", [`%\\_${id}`])).rows[0].n).toBe(0);
  });

  it("a name looked up, deleted and imported again means the new dataset at once", async () => {
    await importFromPath(db.pool, await writeExport(5), { name: "it-again" });
    const first = await getDataset(db.pool, "it-again"); // remembered
    expect(await getDataset(db.pool, "it-again")).toBe(first);
    await deleteDataset(db, "it-again");
    await expect(getDataset(db.pool, "it-again")).rejects.toThrow('No dataset named "it-again"');
    await importFromPath(db.bulk, await writeExport(7), { name: "it-again" }); // the other pool, as the server imports
    const second = await getDataset(db.pool, "it-again");
    expect(second.id).not.toBe(first.id);
    expect(second.recordCount).toBe(7);
  });
});

describe("record pages and filters", () => {
  let datasetId: number;
  let dataset: RecordScope;
  beforeAll(async () => {
    await importFromPath(db.pool, await writeExport(60), { name: "it-filters" });
    dataset = (await findDataset(db.pool, "it-filters"))!;
    datasetId = dataset.id;
  });

  const indexes = async (query: Parameters<typeof listRecords>[2]) => (await listRecords(db.pool, dataset, query)).records.map((r) => r.index);

  it("pages with a keyset cursor in insertion order", async () => {
    const first = await listRecords(db.pool, dataset, { limit: 25 });
    expect(first.records.map((r) => r.index)).toEqual(Array.from({ length: 25 }, (_, i) => i));
    const second = await listRecords(db.pool, dataset, { limit: 25, cursor: first.nextCursor });
    expect(second.records[0].index).toBe(25);
    const third = await listRecords(db.pool, dataset, { limit: 25, cursor: second.nextCursor });
    expect(third.records.map((r) => r.index).at(-1)).toBe(59);
    expect(third.nextCursor).toBeNull();
  });

  it("filters by annotator and status", async () => {
    const annotators = await listAnnotators(db.pool, datasetId);
    const u2 = annotators.find((a) => a.userId === U2)!.id;
    const u3 = annotators.find((a) => a.userId === U3)!.id;
    expect(await indexes({ limit: 5, filter: { annotators: [u2], annotatorStatus: "draft" } })).toEqual([1, 3, 5, 7, 9]);
    expect(await countRecords(db.pool, dataset, { annotators: [u3] })).toEqual({ count: 20, capped: false });
    expect((await countRecords(db.pool, dataset, { annotators: [u3], annotatorStatus: "submitted" })).count).toBe(0);
    // several annotators: a response by any of them with the status
    expect((await countRecords(db.pool, dataset, { annotators: [u2, u3], annotatorStatus: "discarded" })).count).toBe(20);
    expect((await countRecords(db.pool, dataset, { annotators: [u2, u3], annotatorStatus: "draft" })).count).toBe(30);
    expect((await countRecords(db.pool, dataset, { annotatorStatus: "discarded" })).count).toBe(20);
  });

  it("returns each record with its responses in export order and its suggestions", async () => {
    const [first] = (await listRecords(db.pool, dataset, { limit: 1 })).records;
    expect(first.responses.map((r) => [r.userId, r.status, r.values])).toEqual([
      [U1, "submitted", { label: "pos" }],
      [U2, "submitted", { label: "pos" }],
      [U3, "discarded", { label: "neg" }],
    ]);
    expect(first.suggestions).toEqual([{ question: "label", value: "pos", score: 0.9, agent: "clf-v1", type: "model" }]);
  });

  it("filters by response status per question, suggestion, metadata and text", async () => {
    expect((await countRecords(db.pool, dataset, { questionStatus: [{ question: "label", status: "discarded" }] })).count).toBe(20);
    expect((await countRecords(db.pool, dataset, { questionStatus: [{ status: "pending" }] })).count).toBe(0);
    expect((await countRecords(db.pool, dataset, { suggestion: true })).count).toBe(15);
    expect((await countRecords(db.pool, dataset, { suggestion: false })).count).toBe(45);
    expect((await countRecords(db.pool, dataset, { suggestion: "label" })).count).toBe(15);
    expect((await countRecords(db.pool, dataset, { suggestion: "other" })).count).toBe(0);
    expect((await countRecords(db.pool, dataset, { questionStatus: [{ question: "label", status: "pending" }] })).count).toBe(0);
    expect((await countRecords(db.pool, dataset, { questionStatus: [{ question: "label", status: "draft" }] })).count).toBe(30);
    // a terms filter value matches a number stored as a number
    expect(await indexes({ limit: 3, filter: { metadataTerms: { length: ["12"] } } })).toEqual([12]);
    expect(await indexes({ limit: 10, filter: { metadataRange: { length: { min: 57 } } } })).toEqual([57, 58, 59]);
    expect(await indexes({ limit: 3, filter: { metadataTerms: { source: ["mail"] } } })).toEqual([1, 3, 5]);
    expect(await indexes({ limit: 10, filter: { metadataRange: { length: { min: 10, max: 12 } } } })).toEqual([10, 11, 12]);
    expect(await indexes({ limit: 3, filter: { search: "cherry" } })).toEqual([2, 7, 12]);
    expect(await indexes({ limit: 3, filter: { search: "cherry", metadataTerms: { source: ["mail"] } } })).toEqual([7, 17, 27]);
    // the match count, alone and with other filters, capped
    expect(await countRecords(db.pool, dataset, { search: "cherry" })).toEqual({ count: 12, capped: false });
    expect(await countRecords(db.pool, dataset, { search: "cherry", metadataTerms: { source: ["mail"] } }, 5)).toEqual({ count: 5, capped: true });
    expect(await countRecords(db.pool, dataset, { search: "cherry", metadataTerms: { source: ["mail"] } })).toEqual({ count: 6, capped: false });
  });

  it("reads the side tables once they are filled, with the same results as before", async () => {
    expect(dataset.sideTablesReady).toBe(true);
    const vectors = await db.pool.query("SELECT count(*)::int AS n FROM record_search WHERE dataset_id = $1", [datasetId]);
    expect(vectors.rows[0].n).toBe(60);
    // 15 of 60 records have a suggestion: at most a quarter, so listed; 20 discarded are not
    expect(dataset.rareFacets).toEqual(expect.arrayContaining(["g", "g:label"]));
    expect(dataset.rareFacets).not.toContain("q:label:discarded");
    const unfilled: RecordScope = { id: datasetId, sideTablesReady: false, rareFacets: [] };
    const pagesThrough = async (scope: RecordScope, filter: RecordFilter, order: "asc" | "desc") => {
      const seen: number[] = [];
      let cursor: RecordCursor | null = null;
      do {
        const page = await listRecords(db.pool, scope, { limit: 4, filter, cursor, sort: { by: "index", order } });
        seen.push(...page.records.map((r) => r.index));
        cursor = page.nextCursor;
      } while (cursor);
      return seen;
    };
    const filters: RecordFilter[] = [
      { search: "cherry" },
      { search: "cherry", metadataTerms: { source: ["mail"] } },
      { search: '"no such words"' },
      { suggestion: true },
      { suggestion: "label", search: "cherry" },
      { suggestion: "label", questionStatus: [{ question: "label", status: "discarded" }] },
      { suggestion: false },
    ];
    for (const filter of filters) {
      for (const order of ["asc", "desc"] as const) {
        const expected = await pagesThrough(unfilled, filter, order);
        expect(await pagesThrough(dataset, filter, order)).toEqual(expected);
      }
      expect(await countRecords(db.pool, dataset, filter)).toEqual(await countRecords(db.pool, unfilled, filter));
    }
    expect(await pagesThrough(dataset, { suggestion: true }, "asc")).toHaveLength(15);
  });

  it("sorts by a metadata value with a stable keyset, both directions", async () => {
    const desc = await listRecords(db.pool, dataset, { limit: 4, sort: { by: "length", order: "desc" } });
    expect(desc.records.map((r) => r.index)).toEqual([59, 58, 57, 56]);
    const next = await listRecords(db.pool, dataset, { limit: 2, sort: { by: "length", order: "desc" }, cursor: desc.nextCursor });
    expect(next.records.map((r) => r.index)).toEqual([55, 54]);
    const bySource = await listRecords(db.pool, dataset, { limit: 31, sort: { by: "source", order: "asc" } });
    // "mail" < "web": the 30 odd rows first, then the first even one
    expect(bySource.records.map((r) => r.index).slice(29)).toEqual([59, 0]);
  });

  it("streams every record in sort order, with its responses, in one binary COPY", async () => {
    const seen: number[] = [];
    let first: Awaited<ReturnType<typeof getRecord>> = null;
    for await (const r of streamRecords(db.pool, datasetId, { sort: { by: "source", order: "desc" } })) {
      seen.push(r.index);
      first ??= r;
    }
    // "web" (even rows) before "mail" (odd rows), each in index order descending
    expect(seen).toEqual([...Array.from({ length: 30 }, (_, i) => 58 - i * 2), ...Array.from({ length: 30 }, (_, i) => 59 - i * 2)]);
    expect(first).toEqual(await getRecord(db.pool, datasetId, 58));
    const inOrder: number[] = [];
    for await (const r of streamRecords(db.pool, datasetId)) inOrder.push(r.index);
    expect(inOrder).toEqual(Array.from({ length: 60 }, (_, i) => i));
    // a property name with a quote is a literal, not SQL; no record has it, so index order
    const byQuoted: number[] = [];
    for await (const r of streamRecords(db.pool, datasetId, { sort: { by: "it's", order: "asc" } })) byQuoted.push(r.index);
    expect(byQuoted).toEqual(inOrder);
  });

  it("streams only fields and responses when asked, in the same order", async () => {
    const whole: Awaited<ReturnType<typeof getRecord>>[] = [];
    for await (const r of streamRecords(db.pool, datasetId, { sort: { by: "source", order: "desc" } })) whole.push(r);
    let k = 0;
    for await (const r of streamRecords(db.pool, datasetId, { sort: { by: "source", order: "desc" }, parts: "fields-and-responses" })) {
      const { metadata: _m, suggestions: _s, vectors: _v, ...rest } = whole[k++]!;
      expect(r).toEqual({ ...rest, metadata: {}, suggestions: [] });
    }
    expect(k).toBe(60);
    expect(Object.keys(whole[0]!.metadata)).toContain("source"); // the full read does carry them
  });

  it("finds a dataset that lacks its indexes (the start-up pass queues it a job) and rebuilds them", async () => {
    const exists = async (name: string) => (await db.pool.query("SELECT to_regclass($1) IS NOT NULL AS e", [name])).rows[0].e;
    await db.pool.query(`DROP INDEX ${facetsIndexName(datasetId)}`);
    await db.pool.query(`DROP INDEX ${searchIndexName(datasetId)}`);
    // as a dataset imported before the side tables: none of their rows, and not ready
    await db.pool.query("DELETE FROM record_search WHERE dataset_id = $1", [datasetId]);
    await db.pool.query("DELETE FROM record_facet WHERE dataset_id = $1", [datasetId]);
    await db.pool.query("UPDATE dataset SET side_tables_ready = false, rare_facets = '{}' WHERE id = $1", [datasetId]);
    expect(await datasetsLackingIndexes(db.pool)).toContain(datasetId);
    await buildDatasetIndexes(db.pool, datasetId, (await findDataset(db.pool, "it-filters"))!.settings);
    expect(await datasetsLackingIndexes(db.pool)).not.toContain(datasetId);
    expect(await exists(facetsIndexName(datasetId))).toBe(true);
    expect(await exists(searchIndexName(datasetId))).toBe(true);
    expect((await findDataset(db.pool, "it-filters"))!).toMatchObject({ sideTablesReady: true, rareFacets: dataset.rareFacets });
    expect(await countRecords(db.pool, dataset, { search: "cherry" })).toEqual({ count: 12, capped: false });
  });

  it("stops a stream when its signal aborts, and the pool keeps serving", async () => {
    const controller = new AbortController();
    const read = async () => {
      for await (const r of streamRecords(db.pool, datasetId, { signal: controller.signal })) if (r.index === 2) controller.abort(new Error("moved on"));
    };
    await expect(read()).rejects.toThrow("moved on");
    await expect(streamRecords(db.pool, datasetId, { signal: controller.signal }).next()).rejects.toThrow("moved on");
    expect((await listRecords(db.pool, dataset, { limit: 2 })).records.map((r) => r.index)).toEqual([0, 1]);
  });

  it("frees the connection when a consumer stops a stream early", async () => {
    for (let i = 0; i < 12; i++) {
      for await (const r of streamRecords(db.pool, datasetId)) if (r.index === 3) break;
    }
    expect((await listRecords(db.pool, dataset, { limit: 2 })).records.map((r) => r.index)).toEqual([0, 1]);
  });
});
