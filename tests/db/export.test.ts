/**
 * The download endpoint (GET /api/export) against a real database: the link the task builder
 * builds carries max records and the status filter, and the route applies them as `studio
 * prepare` does (it used to drop both silently).
 */
import fs from "node:fs";
import os from "node:os";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { parquetReadObjects } from "hyparquet";
import { GET } from "../../app/api/export/route";
import { exportHref } from "../../components/training/builder-requests";
import { DEFAULT_SPLIT, type TaskJson } from "../../components/training/builder-state";
import { connect, type Database } from "../../server/db/client";
import { getDataset } from "../../server/db/datasets";
import { parseExportQuery } from "../../server/services/export-prepared";
import { importFromPath } from "../../server/services/imports";
import { prepareDataset } from "../../server/services/prepare";
import { parseTrainingTask } from "../../server/training";
import { makeTempDir, removeTempDirs, writeFiles } from "../../server/feedback/test-helpers";
import { longWorkStats, shutdownLongWork } from "../../server/long-work/pool";
import { createPerson, type TestPerson } from "../auth/sessions";

const U1 = "11111111-1111-4111-8111-111111111111";
const YAML = `allow_extra_metadata: true
fields:
- name: prompt
  required: true
  title: Prompt
  type: text
  use_markdown: false
guidelines: null
metadata_properties: null
questions:
- description: null
  name: answer
  required: true
  title: Answer
  type: text
  use_markdown: false
vectors_settings: null
`;

/** Row i: submitted, except rows 4 and 9 (drafts) and row 7 (no response). */
function row(i: number) {
  const status = i === 4 || i === 9 ? "draft" : "submitted";
  return {
    prompt: `question ${i}?`,
    answer: i === 7 ? [] : [{ user_id: U1, value: `answer ${i}`, status }],
    "answer-suggestion": null,
    "answer-suggestion-metadata": { type: null, score: null, agent: null },
    external_id: null,
    metadata: "{}",
  };
}

// Function mode, so the download also runs the formatting function (in its worker thread).
const TASK = {
  task: "supervised_fine_tuning",
  mode: "function",
  formatting_func: { language: "javascript", source: "function formatting_func(sample) { return sample.prompt; }" },
} as unknown as TaskJson;
const DATASET = "it-export";

let db: Database;
let previousUrl: string | undefined;
let viewer: TestPerson;
beforeAll(async () => {
  db = connect(inject("databaseUrl"));
  previousUrl = process.env.DATABASE_URL;
  process.env.DATABASE_URL = inject("databaseUrl"); // the route's own connection (serverDatabase)
  viewer = await createPerson(db, "viewer");
  const dir = await makeTempDir("export-it-");
  await writeFiles(dir, { "argilla.yaml": YAML, "data/train.jsonl": Array.from({ length: 10 }, (_, i) => JSON.stringify(row(i))).join("\n") });
  await importFromPath(db.pool, dir, { name: DATASET });
});
afterAll(async () => {
  shutdownLongWork();
  await (globalThis as { studioDb?: Database }).studioDb?.close();
  if (previousUrl === undefined) delete process.env.DATABASE_URL;
  else process.env.DATABASE_URL = previousUrl;
  await db.close();
  await removeTempDirs();
});

async function download(href: string): Promise<{ status: number; rows: { id: string; text: string }[]; error?: string }> {
  const response = await GET(new Request(new URL(href, "http://localhost"), { headers: { cookie: viewer.cookie } }));
  const text = await response.text();
  if (response.status !== 200) return { status: response.status, rows: [], error: (JSON.parse(text) as { error: string }).error };
  return { status: 200, rows: text.trim() ? text.trim().split("\n").map((line) => JSON.parse(line)) : [] };
}

const href = (settings: Partial<typeof DEFAULT_SPLIT>, split: "train" | "test" = "train") =>
  exportHref({ dataset: DATASET, task: TASK, framework: "trl", split, format: "jsonl", settings: { ...DEFAULT_SPLIT, trainSize: 1, ...settings } });

describe("GET /api/export", () => {
  it("the builder's link carries max records and the status filter", () => {
    const query = parseExportQuery(new URL(href({ maxRecords: 3, statuses: ["draft", "pending"] }), "http://localhost"));
    expect(query).toMatchObject({ maxRecords: 3, filterBy: { responseStatus: ["draft", "pending"] }, trainSize: 1, seed: 42 });
  });

  it("exports every record without a filter", async () => {
    const all = await download(href({}));
    expect(all.status).toBe(200);
    expect(all.rows.map((r) => r.text)).toEqual(Array.from({ length: 10 }, (_, i) => `question ${i}?`));
  });

  it("prepares in a long-work thread, off the event loop", async () => {
    const started = longWorkStats.started;
    shutdownLongWork(); // the next export starts a thread of its own
    expect((await download(href({ maxRecords: 2 }))).rows).toHaveLength(2);
    expect(longWorkStats.started).toBe(started + 1);
  });

  it("applies max records", async () => {
    const { rows } = await download(href({ maxRecords: 3 }));
    expect(rows.map((r) => r.text)).toEqual(["question 0?", "question 1?", "question 2?"]);
  });

  it("applies the status filter, with max records counted after it (as studio prepare does)", async () => {
    const drafts = await download(href({ statuses: ["draft"] }));
    expect(drafts.rows.map((r) => r.text)).toEqual(["question 4?", "question 9?"]);
    const pending = await download(href({ statuses: ["pending"] }));
    expect(pending.rows.map((r) => r.text)).toEqual(["question 7?"]);
    const firstDraft = await download(href({ statuses: ["draft", "pending"], maxRecords: 2 }));
    expect(firstDraft.rows.map((r) => r.text)).toEqual(["question 4?", "question 7?"]);
  });

  it("returns what prepareDataset (the CLI's path) prepares with the same settings, for both splits", async () => {
    const settings = { trainSize: 0.5, seed: 3, maxRecords: 5, statuses: ["submitted" as const] };
    const { prepared } = await prepareDataset(db, await getDataset(db.pool, DATASET), {
      task: parseTrainingTask(TASK),
      framework: "trl",
      trainSize: 0.5,
      seed: 3,
      maxRecords: 5,
      filterBy: { responseStatus: ["submitted"] },
    });
    expect((await download(href(settings, "train"))).rows).toEqual(prepared.train);
    expect((await download(href(settings, "test"))).rows).toEqual(prepared.test);
    // The first five submitted records (4 is a draft).
    expect([...prepared.train, ...prepared.test].map((r) => (r as { text: string }).text).sort()).toEqual(
      ["question 0?", "question 1?", "question 2?", "question 3?", "question 5?"],
    );
  });

  it("downloads Parquet with the same rows, and leaves no temporary file behind", async () => {
    const exportsLeft = () => fs.readdirSync(os.tmpdir()).filter((name) => name.startsWith("studio-export-"));
    const before = exportsLeft();
    const settings = { trainSize: 0.5, seed: 3 };
    const { prepared } = await prepareDataset(db, await getDataset(db.pool, DATASET), { task: parseTrainingTask(TASK), framework: "trl", ...settings });
    const url = exportHref({ dataset: DATASET, task: TASK, framework: "trl", split: "test", format: "parquet", settings: { ...DEFAULT_SPLIT, ...settings } });
    const response = await GET(new Request(new URL(url, "http://localhost"), { headers: { cookie: viewer.cookie } }));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/vnd.apache.parquet");
    const bytes = await response.arrayBuffer();
    expect(await parquetReadObjects({ file: bytes })).toEqual(prepared.test);
    // A refused query and a failing prepare leave nothing either.
    expect((await download(href({ trainSize: 0.8, testSize: 0.5 }))).status).toBe(400);
    expect(exportsLeft()).toEqual(before);
  });

  it("refuses settings it does not know instead of ignoring them", async () => {
    const q = { dataset: DATASET, task: TASK, framework: "trl", max_records: 3 };
    const refused = await download(`/api/export?q=${encodeURIComponent(JSON.stringify(q))}`);
    expect(refused.status).toBe(400);
    expect(refused.error).toMatch(/max_records/);
  });
});
