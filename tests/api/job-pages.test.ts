/**
 * What the job pages read, through a tRPC caller on the real PostgreSQL, on training jobs written
 * straight into the tables (tests/training-runs/seed-runs.ts): the jobs list's training columns and
 * filters, a run followed by cursor (only newer events each poll), its log tail, and Compare.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { createCaller } from "../../server/api/root";
import { IN_PROCESS_ADMIN } from "../../server/auth/roles";
import { connect, type Database } from "../../server/db/client";
import { trainingJobDir } from "../../server/jobs/kinds/training";
import { importFromPath } from "../../server/services/imports";
import { seedTrainingRuns } from "../training-runs/seed-runs";

let db: Database;
let caller: ReturnType<typeof createCaller>;
let datasetId: number;
let ids: string[];
const home = fs.mkdtempSync(path.join(os.tmpdir(), "job-pages-"));

beforeAll(async () => {
  vi.stubEnv("STUDIO_HOME", home);
  db = connect(inject("databaseUrl"));
  caller = createCaller({ db, user: IN_PROCESS_ADMIN });
  datasetId = (await importFromPath(db.bulk, path.resolve("samples/sentiment-reviews"), { name: `job-pages-${Date.now()}` })).datasetId;
  ids = (await seedTrainingRuns(db.pool, { datasetId, count: 8, stepsPerRun: 120 })).ids;
}, 120_000);

afterAll(async () => {
  await db?.close();
  fs.rmSync(home, { recursive: true, force: true });
  vi.unstubAllEnvs();
});

describe("the jobs list", () => {
  it("shows a training job's task, framework, model and metrics, without payload or result, filtered by dataset and state", async () => {
    const rows = await caller.jobs.list({ datasetId, limit: 500 });
    expect(rows.map((row) => row.id).sort()).toEqual([...ids].sort());
    const done = rows.find((row) => row.state === "succeeded")!;
    expect(done.training).toMatchObject({ task: "text_classification", framework: "setfit", model: "sentence-transformers/all-MiniLM-L6-v2" });
    expect(done.training!.metrics!.accuracy).toBeGreaterThan(0.5);
    expect(done).not.toHaveProperty("payload");
    expect(done).not.toHaveProperty("result");
    const running = await caller.jobs.list({ datasetId, state: "running", limit: 500 });
    expect(running.length).toBe(2);
    expect(running.every((row) => row.state === "running" && row.training!.metrics === null)).toBe(true);
  });
});

describe("a run's page", () => {
  it("gets its events after a cursor: the first poll up to the limit, the next only what is newer", async () => {
    const first = await caller.trainingRuns.get({ id: ids[0]!, limit: 100 });
    expect(first.events.length).toBe(100);
    expect(first.cursor).toBe(100);
    const rest = await caller.trainingRuns.get({ id: ids[0]!, after: first.cursor, limit: 1000 });
    // 120 progress, 12 train metrics, 2 eval metrics.
    expect(rest.events.length).toBe(134 - 100);
    expect(rest.events[0]!.seq).toBe(101);
    const idle = await caller.trainingRuns.get({ id: ids[0]!, after: rest.cursor });
    expect(idle.events).toEqual([]);
    expect(idle.cursor).toBe(rest.cursor);
  });

  it("tails its log, bounded, with no server path", async () => {
    expect(await caller.trainingRuns.log({ id: ids[1]! })).toEqual({ lines: [], truncated: false, size: 0 });
    const dir = trainingJobDir(ids[1]!);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "log.txt"), Array.from({ length: 300 }, (_, i) => `line ${i} in ${dir}/output`).join("\n") + "\n");
    const tail = await caller.trainingRuns.log({ id: ids[1]!, lines: 50 });
    expect(tail.lines.length).toBe(50);
    expect(tail.lines.at(-1)).toBe("line 299 in ./output");
    expect(tail.truncated).toBe(true);
    expect(JSON.stringify(tail)).not.toContain(home);
    await expect(caller.trainingRuns.log({ id: ids[1]!, lines: 501 })).rejects.toThrow();
  });
});

describe("Compare", () => {
  it("gives each run's pinned task, options, config and metrics events", async () => {
    const runs = await caller.trainingRuns.compare({ ids: [ids[1]!, ids[2]!] });
    expect(runs.map((run) => run.id)).toEqual([ids[1], ids[2]]);
    expect(runs[0]!.pinned.config).toEqual({ num_iterations: 3, batch_size: 16 });
    expect(runs[1]!.pinned.config).toEqual({ num_iterations: 4, batch_size: 16 });
    expect(runs[0]!.events.length).toBe(14);
    expect(runs[0]!.events.every(({ event }) => event.event === "metrics")).toBe(true);
    await expect(caller.trainingRuns.compare({ ids: [ids[1]!] })).rejects.toThrow();
  });
});
