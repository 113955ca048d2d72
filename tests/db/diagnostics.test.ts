/**
 * Prepares and full-dataset diagnostics from the records' digests (record_digest, written by the
 * import) give exactly the rows and the report of a prepare that reads the records: on shipped
 * samples and on a dataset of awkward texts and answers, through prepareDataset, diagnoseDataset
 * and the tRPC procedure.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { connect, type Database } from "../../server/db/client";
import { deleteDataset, forgetDataset, getDataset } from "../../server/db/datasets";
import { datasetsLackingDigests, digestDataset } from "../../server/db/record-digest";
import { importFromPath } from "../../server/services/imports";
import { createCaller } from "../../server/api/root";
import { IN_PROCESS_ADMIN } from "../../server/auth/roles";
import { createPerson } from "../auth/sessions";
import { diagnoseDataset } from "../../server/services/diagnose";
import { prepareDataset } from "../../server/services/prepare";
import { diagnosePrepared, parseTrainingTask, prepareForTraining, type Framework } from "../../server/training";
import { streamRecords } from "../../server/db/records";
import { makeTempDir, removeTempDirs, writeFiles } from "../../server/feedback/test-helpers";
import { longWorkState, runLongWork, shutdownLongWork } from "../../server/long-work/pool";
import { GET as trpcGet } from "../../app/api/trpc/[trpc]/route";

const SAMPLES = path.resolve(__dirname, "../../samples");
const U = ["11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222", "33333333-3333-4333-8333-333333333333"];

const AWKWARD_YAML = `allow_extra_metadata: true
fields:
- name: text
  required: true
  title: Text
  type: text
  use_markdown: false
- name: title
  required: false
  title: Title
  type: text
  use_markdown: false
guidelines: null
metadata_properties: null
questions:
- description: null
  name: label
  required: true
  title: Label
  type: label_selection
  labels:
  - a
  - "it's"
  - "é \\"quoted\\""
- description: null
  name: score
  required: false
  title: Score
  type: rating
  values: [1, 3, 5]
vectors_settings: null
`;

/** Texts with quotes, backslashes, non-Latin scripts, emoji, repeats (duplicates and conflicts); empty and missing titles; every status. */
function awkwardRow(i: number) {
  const texts = ['say "hi"\\n', "naïve café ✓", "日本語のテキスト", "emoji 🎉🎉", "plain", "tab\there", `unique ${i}`];
  const labels = ["a", "it's", 'é "quoted"'];
  const status = i % 11 === 0 ? "draft" : i % 13 === 0 ? "discarded" : "submitted";
  const annotators = i % 17 === 0 ? 0 : 1 + (i % 3);
  return {
    text: texts[i % texts.length],
    title: i % 5 === 0 ? "" : i % 7 === 0 ? null : `title ${i % 9}`,
    label: Array.from({ length: annotators }, (_, k) => ({ user_id: U[k], value: labels[(i + k * (i % 2)) % 3], status: k === 0 ? status : "submitted" })),
    score: i % 4 === 0 ? [] : Array.from({ length: annotators }, (_, k) => ({ user_id: U[k], value: [1, 3, 5][(i * (k + 1)) % 3], status })),
    "label-suggestion": null,
    "label-suggestion-metadata": { type: null, score: null, agent: null },
    "score-suggestion": null,
    "score-suggestion-metadata": { type: null, score: null, agent: null },
    external_id: `x${i}`,
    metadata: "{}",
  };
}

const LARGE_RECORDS = 80_000;

let db: Database;
beforeAll(async () => {
  db = connect(inject("databaseUrl"));
  for (const sample of ["sentiment-reviews", "answer-quality", "sentence-pairs"]) await importFromPath(db.pool, path.join(SAMPLES, sample), { name: `dg-${sample}` });
  const dir = await makeTempDir("digest-it-");
  await writeFiles(dir, { "argilla.yaml": AWKWARD_YAML, "data/train.jsonl": Array.from({ length: 9000 }, (_, i) => JSON.stringify(awkwardRow(i))).join("\n") });
  await importFromPath(db.pool, dir, { name: "dg-awkward" });
  // Large enough that diagnostics reading every record take a second or more.
  await writeFiles(dir, { "data/train.jsonl": Array.from({ length: LARGE_RECORDS }, (_, i) => JSON.stringify(awkwardRow(i))).join("\n") });
  await importFromPath(db.pool, dir, { name: "dg-large", indexes: "later" });
});
afterAll(async () => {
  shutdownLongWork();
  await (globalThis as { studioDb?: Database }).studioDb?.close();
  await db.close();
  await removeTempDirs();
});

/** Every (text field, label or rating question) task of a dataset, with each of its strategies. */
async function tasksOf(name: string) {
  const { settings } = await getDataset(db.pool, name);
  const strategies = { label_selection: ["majority", "disagreement"], rating: ["majority", "mean", "min", "max", "disagreement"] } as Record<string, string[]>;
  return settings.fields.flatMap((field) =>
    settings.questions.flatMap((q) => (strategies[q.type] ?? []).map((label_strategy) => ({ task: "text_classification", text: field.name, label: q.name, label_strategy, seed: 3 }))),
  );
}

/** A prepare that reads the records (prepareForTraining over the record stream), never the digests. */
async function preparedFromRecords(name: string, options: Parameters<typeof prepareDataset>[2]) {
  const dataset = await getDataset(db.pool, name);
  return prepareForTraining({ ...options, settings: dataset.settings, records: streamRecords(db.bulk, dataset.id, { parts: "fields-and-responses" }) });
}

async function fullDiagnostics(name: string, options: Parameters<typeof prepareDataset>[2]) {
  try {
    const prepared = await preparedFromRecords(name, options);
    return { report: diagnosePrepared(prepared), meta: prepared.meta };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

describe("diagnostics from record digests", () => {
  for (const name of ["dg-sentiment-reviews", "dg-answer-quality", "dg-sentence-pairs", "dg-awkward"]) {
    it(`${name}: every label and rating task reports as a full prepare does`, async () => {
      const tasks = await tasksOf(name);
      expect(tasks.length).toBeGreaterThan(0);
      let compared = 0;
      for (const raw of tasks) {
        const task = parseTrainingTask(raw);
        for (const framework of ["transformers", "spacy"] as Framework[]) {
          for (const split of [{}, { trainSize: 0.8, seed: 5 }]) {
            const options = { task, framework, ...split };
            const full = await fullDiagnostics(name, options);
            const fromDigests = await diagnoseDataset(db, await getDataset(db.pool, name), options).then(
              ({ report, meta, source }) => ({ report, meta, source }),
              (error: Error) => ({ error: error.message, source: "digests" }),
            );
            expect(fromDigests.source).toBe("digests");
            const { source: _source, ...result } = fromDigests;
            const what = `${JSON.stringify(raw)} ${framework} ${JSON.stringify(split)}`;
            expect(result, what).toEqual(full);
            // The prepared rows too: what studio prepare writes.
            const rows = await prepareDataset(db, await getDataset(db.pool, name), options).then(
              ({ prepared, source }) => ({ prepared, source }),
              (error: Error) => ({ error: error.message, source: "digests" }),
            );
            expect(rows.source).toBe("digests");
            const expected = await preparedFromRecords(name, options).then((prepared) => ({ prepared }), (error: Error) => ({ error: error.message }));
            expect({ ...rows, source: undefined }, what).toEqual({ ...expected, source: undefined });
            compared++;
          }
        }
      }
      expect(compared).toBe(tasks.length * 4);
    });
  }

  it("the awkward dataset shows conflicts and leakage with their texts, and drops empty titles", async () => {
    const task = parseTrainingTask({ task: "text_classification", text: "text", label: "label", label_strategy: "disagreement" });
    const { report, source } = await diagnoseDataset(db, await getDataset(db.pool, "dg-awkward"), { task, framework: "transformers", trainSize: 0.7 });
    expect(source).toBe("digests");
    expect(report.conflicts.inputs).toBeGreaterThan(0);
    expect(report.conflicts.examples).toContain('say "hi"\\n');
    expect(report.leakage.rows).toBeGreaterThan(0);
    const titled = await diagnoseDataset(db, await getDataset(db.pool, "dg-awkward"), { task: parseTrainingTask({ task: "text_classification", text: "title", label: "label" }), framework: "transformers" });
    expect(titled.report.records.dropped.missing_field).toBeGreaterThan(0);
  });

  it("other tasks and sorted reads read the records", async () => {
    const task = parseTrainingTask({ task: "text_classification", text: "text", label: "label" });
    expect((await diagnoseDataset(db, await getDataset(db.pool, "dg-awkward"), { task, framework: "openai" })).source).toBe("records");
    expect((await diagnoseDataset(db, await getDataset(db.pool, "dg-awkward"), { task, framework: "transformers", sortBy: { by: "index", order: "desc" } })).source).toBe("records");
    // Token counts need every row's text: the report comes from prepared rows.
    const counter = { tokenizer: "words", count: (text: string) => text.split(/\s+/).length };
    const withTokens = await diagnoseDataset(db, await getDataset(db.pool, "dg-awkward"), { task, framework: "transformers", tokens: counter });
    expect(withTokens.report.tokens?.rows).toBe(withTokens.report.rows.total);
  });

  it("the tRPC procedure answers from the digests", async () => {
    const caller = createCaller({ db, user: IN_PROCESS_ADMIN });
    const task = { task: "text_classification", text: "text", label: "sentiment" };
    const result = await caller.training.diagnostics({ dataset: "dg-sentiment-reviews", task, framework: "setfit", trainSize: 0.8 });
    const prepared = await preparedFromRecords("dg-sentiment-reviews", { task: parseTrainingTask(task), framework: "setfit", trainSize: 0.8 });
    const { dropped, ...meta } = prepared.meta;
    expect(result).toEqual({ taskError: null, tokenizerError: null, report: diagnosePrepared(prepared), dropped, meta });
  });

  it("the tRPC procedure returns the task's mistakes as taskError, as the preview does", async () => {
    const caller = createCaller({ db, user: IN_PROCESS_ADMIN });
    const base = { dataset: "dg-awkward", framework: "transformers" as const };
    const noReport = { tokenizerError: null, report: null, dropped: null, meta: null };
    // A task that does not parse, a task naming a field the dataset lacks, an impossible split.
    expect(await caller.training.diagnostics({ ...base, task: { task: "text_classification" } })).toMatchObject({ taskError: expect.any(String), ...noReport });
    const unknownField = await caller.training.diagnostics({ ...base, task: { task: "text_classification", text: "nope", label: "label" } });
    expect(unknownField).toEqual({ taskError: expect.stringMatching(/nope/), ...noReport });
    const split = await caller.training.diagnostics({ ...base, task: { task: "text_classification", text: "text", label: "label" }, trainSize: 0.8, testSize: 0.5 });
    expect(split).toEqual({ taskError: expect.stringMatching(/train_size \+ test_size must not exceed 1/), ...noReport });
    // A formatting function that throws on a record.
    const throwing = { task: "supervised_fine_tuning", formatting_func: { language: "javascript", source: "function f(sample) { throw new Error('boom'); }" } };
    const failed = await caller.training.diagnostics({ dataset: "dg-awkward", framework: "trl", task: throwing });
    expect(failed).toEqual({ taskError: expect.stringMatching(/boom/), ...noReport });
  });

  it("the tRPC procedure lets a database failure be an error, not a taskError", async () => {
    const task = { task: "text_classification", text: "text", label: "label" };
    // The long-work thread's database is one that does not exist: its reads fail.
    const url = new URL(db.url);
    url.pathname = "/no_such_database";
    const broken = createCaller({ db: { ...db, url: url.toString() }, user: IN_PROCESS_ADMIN });
    await expect(broken.training.diagnostics({ dataset: "dg-awkward", task, framework: "openai" })).rejects.toThrow(/no_such_database/);
    // An unknown dataset is an error too.
    await expect(createCaller({ db, user: IN_PROCESS_ADMIN }).training.diagnostics({ dataset: "dg-none", task, framework: "openai" })).rejects.toThrow('No dataset named "dg-none"');
  });

  it("datasets imported before digests existed are found, and get theirs (the digest job's work)", async () => {
    const { id } = await getDataset(db.pool, "dg-sentiment-reviews");
    const task = parseTrainingTask({ task: "text_classification", text: "text", label: "sentiment" });
    const before = await diagnoseDataset(db, await getDataset(db.pool, "dg-sentiment-reviews"), { task, framework: "transformers", trainSize: 0.8 });
    await db.pool.query("DELETE FROM record_digest WHERE dataset_id = $1", [id]);
    await db.pool.query("UPDATE dataset SET digest_ready = false WHERE id = $1", [id]);
    forgetDataset("dg-sentiment-reviews");
    expect((await diagnoseDataset(db, await getDataset(db.pool, "dg-sentiment-reviews"), { task, framework: "transformers", trainSize: 0.8 })).source).toBe("records");
    expect(await datasetsLackingDigests(db.pool)).toContain(id);
    await digestDataset(db.pool, await getDataset(db.pool, "dg-sentiment-reviews"));
    expect(await datasetsLackingDigests(db.pool)).not.toContain(id);
    forgetDataset("dg-sentiment-reviews");
    const after = await diagnoseDataset(db, await getDataset(db.pool, "dg-sentiment-reviews"), { task, framework: "transformers", trainSize: 0.8 });
    expect(after.source).toBe("digests");
    expect(after).toEqual(before);
    // A second digester (two jobs at once) finds nothing to do.
    await digestDataset(db.pool, await getDataset(db.pool, "dg-sentiment-reviews"));
    expect((await db.pool.query("SELECT count(*)::int AS n FROM record_digest WHERE dataset_id = $1", [id])).rows[0].n).toBe(1);
  });

  it("deleting a dataset deletes its digests", async () => {
    const dir = await makeTempDir("digest-del-");
    await writeFiles(dir, { "argilla.yaml": AWKWARD_YAML, "data/train.jsonl": Array.from({ length: 20 }, (_, i) => JSON.stringify(awkwardRow(i))).join("\n") });
    await importFromPath(db.pool, dir, { name: "dg-doomed" });
    const { id } = await getDataset(db.pool, "dg-doomed");
    expect((await db.pool.query("SELECT count(*)::int AS n FROM record_digest WHERE dataset_id = $1", [id])).rows[0].n).toBe(1);
    await deleteDataset(db, "dg-doomed");
    expect((await db.pool.query("SELECT count(*)::int AS n FROM record_digest WHERE dataset_id = $1", [id])).rows[0].n).toBe(0);
  });
});

describe("diagnostics and exports run in a long-work thread", () => {
  const task = parseTrainingTask({ task: "text_classification", text: "text", label: "label", label_strategy: "majority" });
  // OpenAI rows are not served by the digests: these diagnostics read and parse every record.
  const readingRecords = { task, framework: "openai" as Framework, trainSize: 0.8 };
  // A formatting function that spins 2 ms a record: minutes of work at LARGE_RECORDS, in the
  // long-work thread and the formatting sandbox's threads it starts.
  const slowTask = {
    task: "supervised_fine_tuning",
    formatting_func: { language: "javascript", source: "function f(sample) { const t = Date.now(); while (Date.now() - t < 2) {} return sample.text; }" },
  };

  /** CPU time (ms) this process (every thread) spends during `ms` of wall time. */
  async function cpuDuring(ms: number): Promise<number> {
    const before = process.cpuUsage();
    await new Promise((resolve) => setTimeout(resolve, ms));
    const used = process.cpuUsage(before);
    return (used.user + used.system) / 1000;
  }

  async function waitUntil(condition: () => boolean, ms: number): Promise<boolean> {
    const deadline = performance.now() + ms;
    while (!condition() && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    return condition();
  }

  it("reports exactly what diagnoseDataset reports in this thread, from the digests and from the records", async () => {
    for (const options of [{ task, framework: "transformers" as Framework, trainSize: 0.7, seed: 2 }, { ...readingRecords, maxRecords: 2000 }]) {
      const inThread = await runLongWork({ kind: "diagnose", dataset: await getDataset(db.pool, "dg-awkward"), options }, db.url);
      const here = await diagnoseDataset(db, await getDataset(db.pool, "dg-awkward"), options);
      expect(inThread).toEqual({ ...here, tokenizerError: null });
    }
    // Errors come back with their name and message.
    const impossible = { ...readingRecords, testSize: 0.5 };
    await expect(runLongWork({ kind: "diagnose", dataset: await getDataset(db.pool, "dg-awkward"), options: impossible }, db.url)).rejects.toMatchObject({
      name: "PrepareError",
      message: expect.stringMatching(/train_size \+ test_size must not exceed 1/),
    });
  });

  it("keeps the event loop responsive while a full diagnostics of a large dataset runs", async () => {
    const delay = monitorEventLoopDelay({ resolution: 10 });
    // The same work on this thread holds the loop: the measurement would see it.
    delay.enable();
    const here = await diagnoseDataset(db, await getDataset(db.pool, "dg-large"), readingRecords);
    delay.disable();
    expect(here.meta.counts.records).toBe(LARGE_RECORDS);
    const heldHere = delay.max / 1e6;
    expect(heldHere).toBeGreaterThan(40);

    delay.reset();
    delay.enable();
    const inThread = await runLongWork({ kind: "diagnose", dataset: await getDataset(db.pool, "dg-large"), options: readingRecords }, db.url);
    delay.disable();
    expect(inThread.report).toEqual(here.report);
    // Off the loop: what is left is this process's own noise, well under what the work held it.
    expect(delay.max / 1e6).toBeLessThan(Math.max(100, heldHere) / 2);
  });

  it("an aborted diagnostics stops: its thread goes idle and the process stops using CPU", async () => {
    const abort = new AbortController();
    const running = runLongWork({ kind: "diagnose", dataset: await getDataset(db.pool, "dg-large"), options: { task: parseTrainingTask(slowTask), framework: "trl" } }, db.url, abort.signal);
    running.catch(() => {});
    expect(await waitUntil(() => longWorkState().running === 1, 5000)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 500)); // well into the work
    expect(await cpuDuring(300)).toBeGreaterThan(60); // it is working
    abort.abort(new Error("client went away"));
    await expect(running).rejects.toThrow("client went away");
    expect(await waitUntil(() => longWorkState().running === 0, 1000)).toBe(true);
    // Nothing keeps spinning in the background: neither the long-work thread nor its sandboxes
    // (once a terminated thread's teardown, which frees its heaps, is over).
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await cpuDuring(500)).toBeLessThan(60);
  });

  it("a diagnostics request whose client goes away stops: the HTTP request's signal reaches the thread", async () => {
    const abort = new AbortController();
    const input = { 0: { dataset: "dg-large", task: slowTask, framework: "trl" } };
    const url = `http://localhost/api/trpc/training.diagnostics?batch=1&input=${encodeURIComponent(JSON.stringify(input))}`;
    const previous = process.env.DATABASE_URL;
    process.env.DATABASE_URL = db.url; // the route's own connection (serverDatabase)
    try {
      const { cookie } = await createPerson(db, "viewer");
      const response = trpcGet(new Request(url, { signal: abort.signal, headers: { cookie } }));
      response.catch(() => {});
      expect(await waitUntil(() => longWorkState().running === 1, 5000)).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await cpuDuring(300)).toBeGreaterThan(60);
      abort.abort();
      expect(await waitUntil(() => longWorkState().running === 0, 1000)).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await cpuDuring(500)).toBeLessThan(60);
    } finally {
      if (previous === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = previous;
    }
  });
});
