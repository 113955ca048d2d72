/**
 * Hostile and careless exports against a real PostgreSQL: a YAML alias bomb fails fast without
 * stalling the event loop, text the database cannot store is refused at import with its line,
 * and a dataset that breaks its index build or its digests fails alone (each is its own job).
 *
 * Which datasets lack indexes or digests is asked of every dataset in the database, so these tests
 * run in a schema of their own: copies of the studio's tables, found first through the pool's
 * search_path.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import pg from "pg";
import { importFromPath } from "../../server/services/imports";
import { importDataset } from "../../server/db/import-dataset";
import { MAX_SETTINGS_BYTES, parseArgillaYaml } from "../../server/feedback/settings";
import type { FeedbackRecord } from "../../server/feedback/schema";
import { buildDatasetIndexes, datasetsLackingIndexes, facetsIndexName, searchIndexName } from "../../server/db/dataset-indexes";
import { datasetsLackingDigests, digestDataset } from "../../server/db/record-digest";
import { makeTempDir, removeTempDirs, writeFiles } from "../../server/feedback/test-helpers";

const SCHEMA = `hostile_${process.pid}`;
const TABLES = ["dataset", "annotator", "record", "record_search", "record_facet", "record_digest"];
const U1 = "11111111-1111-4111-8111-111111111111";

const YAML = `allow_extra_metadata: true
fields:
- name: text
  required: true
  title: Text
  type: text
  use_markdown: false
guidelines: Pick one.
metadata_properties:
- name: stars
  title: Stars
  type: integer
  min: 1
  max: 5
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

function line(i: number, overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({
    text: `record ${i} about apples`,
    label: [{ user_id: U1, value: i % 2 ? "neg" : "pos", status: "submitted" }],
    "label-suggestion": null,
    "label-suggestion-metadata": { type: null, score: null, agent: null },
    external_id: `ext-${i}`,
    metadata: JSON.stringify({ stars: (i % 5) + 1 }),
    ...overrides,
  });
}

async function writeExport(files: { yaml?: string; lines?: string[] } = {}): Promise<string> {
  const dir = await makeTempDir("hostile-");
  const lines = files.lines ?? Array.from({ length: 20 }, (_, i) => line(i));
  await writeFiles(dir, { "argilla.yaml": files.yaml ?? YAML, "data/train.jsonl": lines.join("\n") + "\n" });
  return dir;
}

/** Nine levels of ten aliases under `guidelines` (the issue's bomb): a billion strings expanded. */
function aliasBomb(): string {
  const levels = ['l0: &l0 "lol"'];
  for (let level = 1; level <= 9; level++) levels.push(`l${level}: &l${level} [${Array(10).fill(`*l${level - 1}`).join(", ")}]`);
  return YAML.replace("guidelines: Pick one.", `${levels.join("\n")}\nguidelines: *l9`);
}

/** The longest gap between ticks of a 10 ms timer while `run` runs: how long the event loop was held. */
async function longestEventLoopGap(run: () => Promise<unknown>): Promise<{ gapMs: number; outcome: unknown }> {
  let last = performance.now();
  let gapMs = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    gapMs = Math.max(gapMs, now - last);
    last = now;
  }, 10);
  const outcome = await run().catch((error: unknown) => error);
  gapMs = Math.max(gapMs, performance.now() - last);
  clearInterval(timer);
  return { gapMs, outcome };
}

let admin: pg.Pool;
let pool: pg.Pool;
beforeAll(async () => {
  const url = inject("databaseUrl");
  admin = new pg.Pool({ connectionString: url, max: 1 });
  await admin.query(`CREATE SCHEMA ${SCHEMA}`);
  for (const table of TABLES) await admin.query(`CREATE TABLE ${SCHEMA}.${table} (LIKE public.${table} INCLUDING ALL)`);
  pool = new pg.Pool({ connectionString: url, max: 4, options: `-c search_path=${SCHEMA},public` });
});
afterAll(async () => {
  await pool?.end();
  await admin?.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
  await admin?.end();
  await removeTempDirs();
});

const datasetCount = async () => (await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM dataset")).rows[0]!.n;

describe("a YAML alias bomb", () => {
  it("fails fast, naming argilla.yaml, while the event loop keeps answering", async () => {
    const dir = await writeExport({ yaml: aliasBomb() });
    const { gapMs, outcome } = await longestEventLoopGap(() => importFromPath(pool, dir, { name: "bomb" }));
    expect((outcome as Error).message).toBe("argilla.yaml: the settings hold more than 200,000 values once their YAML aliases are expanded");
    expect(gapMs).toBeLessThan(1000);
    expect(await datasetCount()).toBe(0);
  });

  it("a settings file of the allowed size built to be slow to parse does not hold the loop either", async () => {
    const flowMaps = `${YAML}slow: [${"{a: 1},".repeat(Math.floor((MAX_SETTINGS_BYTES - YAML.length - 20) / 7))}{}]\n`;
    expect(flowMaps.length).toBeLessThanOrEqual(MAX_SETTINGS_BYTES);
    const dir = await writeExport({ yaml: flowMaps });
    const { gapMs, outcome } = await longestEventLoopGap(() => importFromPath(pool, dir, { name: "slow" }));
    expect(outcome).toMatchObject({ dataset: "slow", records: 20 }); // unknown keys are ignored, as by Argilla
    expect(gapMs).toBeLessThan(1000);
  });
});

describe("text PostgreSQL cannot store is refused at import, with its line", () => {
  const lines = (bad: number, overrides: Record<string, unknown>) => Array.from({ length: 20 }, (_, i) => line(i, i === bad - 1 ? overrides : {}));

  it.each([
    ["a NUL in a field", { text: "nul \u0000 here" }, 'data/train.jsonl line 15, column "text": the text holds a NUL character (\\u0000), which the database cannot store'],
    ["a lone surrogate in a field", { text: "lone \ud800" }, 'data/train.jsonl line 15, column "text": the text holds a lone UTF-16 surrogate (such as \\ud800), which is not valid Unicode'],
    [
      "a NUL in metadata (it came back from COPY as line 1)",
      { metadata: JSON.stringify({ note: "\u0000" }) },
      'data/train.jsonl line 15, column "metadata": metadata "note": the text holds a NUL character (\\u0000), which the database cannot store',
    ],
    ["metadata outside its property's range", { metadata: JSON.stringify({ stars: 99 }) }, 'data/train.jsonl line 15, column "metadata": expected metadata "stars" to be an integer from 1 to 5, got 99'],
  ])("%s", async (_what, overrides, message) => {
    const before = await datasetCount();
    await expect(importFromPath(pool, await writeExport({ lines: lines(15, overrides) }), { name: "refused" })).rejects.toThrow(message);
    expect(await datasetCount()).toBe(before);
  });

  it("a record the database still rejects is named by its own line, not the line inside its JSON value", async () => {
    // Past the row parser (which refuses it), as a caller of importDataset could hand it over.
    async function* records() {
      for (let i = 0; i < 20; i++) {
        const record: FeedbackRecord = { fields: { text: `record ${i}` }, metadata: i === 14 ? { note: "\u0000" } : {}, externalId: null, responses: [], suggestions: [] };
        yield { record, file: "data/train.jsonl", line: i + 1 };
      }
    }
    const input = { name: "rejected", source: "export", settings: parseArgillaYaml(YAML), records: records() };
    await expect(importDataset(pool, input)).rejects.toThrow(/^data\/train\.jsonl line 15: the database rejected this record: /);
  });
});

describe("what the start-up passes build, one dataset at a time (each its own job, see tests/jobs)", () => {
  const exists = async (name: string) => (await pool.query("SELECT to_regclass($1) IS NOT NULL AS e", [name])).rows[0].e as boolean;
  const idOf = async (name: string) => (await pool.query<{ id: number }>("SELECT id FROM dataset WHERE name = $1", [name])).rows[0]!.id;
  const settingsOf = async (id: number) => (await pool.query("SELECT settings FROM dataset WHERE id = $1", [id])).rows[0].settings;

  it("indexes: a dataset with a NUL that an older import let in fails alone; the other gets its indexes", async () => {
    for (const name of ["idx-broken", "idx-fine"]) await importFromPath(pool, await writeExport(), { name, indexes: "later" });
    const broken = await idOf("idx-broken");
    const fine = await idOf("idx-fine");
    // What imports let in before: json keeps "\u0000" as an escape, and the search vector cannot be built from it.
    await pool.query(`UPDATE record SET fields = '{"text": "nul \\u0000 here"}'::json WHERE dataset_id = $1 AND idx = 3`, [broken]);
    expect(await datasetsLackingIndexes(pool)).toEqual([broken, fine]);
    await expect(buildDatasetIndexes(pool, broken, await settingsOf(broken))).rejects.toThrow(/^unsupported Unicode escape sequence$/);
    await buildDatasetIndexes(pool, fine, await settingsOf(fine));
    expect(await exists(searchIndexName(fine))).toBe(true);
    expect(await exists(facetsIndexName(fine))).toBe(true);
    expect((await pool.query("SELECT side_tables_ready FROM dataset WHERE id = $1", [fine])).rows[0].side_tables_ready).toBe(true);
    expect(await exists(searchIndexName(broken))).toBe(false);
    expect((await pool.query("SELECT count(*)::int AS n FROM record_search WHERE dataset_id = $1", [fine])).rows[0].n).toBe(20);
    expect(await datasetsLackingIndexes(pool)).toEqual([broken]);
  });

  it("digests: a dataset whose records cannot be digested fails alone, rolled back; the other gets its digests", async () => {
    for (const name of ["dg-broken", "dg-fine"]) await importFromPath(pool, await writeExport(), { name, indexes: "later" });
    const broken = await idOf("dg-broken");
    const fine = await idOf("dg-fine");
    // As datasets imported before digests existed, one of them holding a record no digest can read.
    await pool.query("DELETE FROM record_digest WHERE dataset_id = ANY($1::int[])", [[broken, fine]]);
    await pool.query("UPDATE dataset SET digest_ready = false WHERE id = ANY($1::int[])", [[broken, fine]]);
    await pool.query(`UPDATE record SET responses = '"not a list"'::json WHERE dataset_id = $1 AND idx = 3`, [broken]);
    expect(await datasetsLackingDigests(pool)).toEqual([broken, fine]);
    await expect(digestDataset(pool, { id: broken, settings: await settingsOf(broken) })).rejects.toThrow();
    await digestDataset(pool, { id: fine, settings: await settingsOf(fine) });
    const ready = await pool.query<{ id: number; digest_ready: boolean }>("SELECT id, digest_ready FROM dataset WHERE id = ANY($1::int[]) ORDER BY id", [[broken, fine]]);
    expect(ready.rows).toEqual([
      { id: broken, digest_ready: false },
      { id: fine, digest_ready: true },
    ]);
    expect((await pool.query("SELECT count(*)::int AS n FROM record_digest WHERE dataset_id = $1", [broken])).rows[0].n).toBe(0);
  });
});
