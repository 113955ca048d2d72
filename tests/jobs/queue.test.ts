/**
 * The job queue on a real PostgreSQL: restarts, retry policies, two workers, cancel, and workers
 * killed with SIGKILL mid-job.
 */
import type { ChildProcess } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { connect, type Database } from "../../server/db/client";
import { JobQueue } from "../../server/jobs/queue";
import { liveHeavyWorkers, requestCancel, type JobRow } from "../../server/jobs/store";
import { JobWorker } from "../../server/jobs/worker";
import { CREATE_RUN_TABLE, hangingJob, notResumableJob, notRetriedJob, recordedJob, TEST_KINDS } from "./test-kinds";
import { spawnWorker, waitForJob } from "./helpers";

const STALE_SECONDS = 2;
let db: Database;
const open: { close(): Promise<void> }[] = [];

async function openQueue(): Promise<JobQueue> {
  const queue = await JobQueue.open(db, { kinds: TEST_KINDS });
  open.push(queue);
  return queue;
}

function startWorker(queue: JobQueue, slots = 2): JobWorker {
  const worker = new JobWorker(queue, { heavySlots: 1, lightSlots: slots, staleSeconds: STALE_SECONDS, pollSeconds: 0.1 });
  worker.start();
  open.push({ close: () => worker.stop() });
  return worker;
}

const waitFor = (id: string, done: (job: JobRow) => boolean, timeoutMs?: number) => waitForJob(db.pool, id, done, timeoutMs);

/** Until the handler of this attempt has started (the claim comes first). */
async function handlerStarted(jobId: string, attempt: number): Promise<void> {
  for (let i = 0; i < 600 && !(await runs(jobId)).some((run) => run.attempt === attempt); i++) await sleep(50);
}

const ended = (job: JobRow) => ["succeeded", "failed", "cancelled"].includes(job.state);

async function runs(jobId: string): Promise<{ attempt: number; worker: string }[]> {
  return (await db.pool.query("SELECT attempt, worker FROM test_job_run WHERE job_id = $1 ORDER BY at", [jobId])).rows;
}

beforeAll(async () => {
  db = connect(inject("databaseUrl"));
  await db.pool.query(CREATE_RUN_TABLE);
});

// Each test's workers stop with it, so no worker of an earlier test takes a later test's jobs.
afterEach(async () => {
  for (const handle of open.splice(0).reverse()) await handle.close();
});

afterAll(async () => {
  await db.close();
});

describe("job queue", () => {
  it("a job queued while no worker runs is run after a restart", async () => {
    const before = await openQueue();
    const job = await before.enqueue(recordedJob, { label: "restart", failures: 0, ms: 0 });
    expect(job.state).toBe("queued");
    await before.close();

    const after = await openQueue();
    startWorker(after);
    const done = await waitFor(job.id, ended);
    expect(done.state).toBe("succeeded");
    expect(done.result).toEqual({ label: "restart", attempt: 1 });
    expect(done.startedAt && done.finishedAt).toBeTruthy();
  });

  it("a payload that does not fit its kind's schema is refused before anything is written", async () => {
    const queue = await openQueue();
    const count = async () => (await db.pool.query("SELECT count(*) AS n FROM job")).rows[0].n;
    const before = await count();
    await expect(queue.enqueue(recordedJob, { label: 7 } as never)).rejects.toThrow();
    expect(await count()).toBe(before);
  });

  it("a kind that throws is retried by its policy, then failed with its error", async () => {
    const queue = await openQueue();
    startWorker(queue);
    const flaky = await queue.enqueue(recordedJob, { label: "flaky", failures: 1, ms: 0 });
    const broken = await queue.enqueue(recordedJob, { label: "broken", failures: 99, ms: 0 });
    const flakyDone = await waitFor(flaky.id, ended);
    expect(flakyDone.state).toBe("succeeded");
    expect(flakyDone.attempts).toBe(2);
    const brokenDone = await waitFor(broken.id, ended);
    expect(brokenDone.state).toBe("failed");
    expect(brokenDone.attempts).toBe(3);
    expect(brokenDone.error).toBe("broken failed on attempt 3");
    expect((await runs(broken.id)).map((run) => run.attempt)).toEqual([1, 2, 3]);
  });

  it("two workers never run the same job", async () => {
    const queue = await openQueue();
    const jobs = await Promise.all(Array.from({ length: 30 }, (_, i) => queue.enqueue(recordedJob, { label: `pair-${i}`, failures: 0, ms: 20 })));
    startWorker(queue, 3);
    startWorker(await openQueue(), 3);
    for (const job of jobs) expect((await waitFor(job.id, ended)).state).toBe("succeeded");
    const { rows } = await db.pool.query("SELECT job_id, count(*)::int AS n FROM test_job_run WHERE job_id = ANY($1::uuid[]) GROUP BY job_id", [jobs.map((j) => j.id)]);
    expect(rows).toHaveLength(30);
    expect(rows.every((row) => row.n === 1)).toBe(true);
  });

  it("progress is written to the job row while it runs", async () => {
    const queue = await openQueue();
    startWorker(queue);
    const job = await queue.enqueue(recordedJob, { label: "slow", failures: 0, ms: 1500 });
    const moving = await waitFor(job.id, (row) => (row.progress?.done ?? 0) > 0);
    expect(moving.state).toBe("running");
    expect(moving.progress).toMatchObject({ total: 1500, unit: "ms" });
    await waitFor(job.id, ended);
  });

  it("cancelling a queued job ends it at once; cancelling a running one stops its handler", async () => {
    const queue = await openQueue();
    const waiting = await queue.enqueue(hangingJob, { label: "never started", failures: 0, ms: 0 });
    expect((await requestCancel(db.pool, waiting.id))!.state).toBe("cancelled");
    startWorker(queue);
    const running = await queue.enqueue(hangingJob, { label: "cancel me", failures: 0, ms: 0 });
    await waitFor(running.id, (job) => job.state === "running");
    await requestCancel(db.pool, running.id);
    const done = await waitFor(running.id, ended, 10_000);
    expect(done.state).toBe("cancelled");
    expect(await runs(waiting.id)).toEqual([]);
  });
});

describe("resume, one-job workers, live workers", () => {
  it("a kind that does not retry failures fails at once; resumed, it runs once more and can succeed", async () => {
    const queue = await openQueue();
    startWorker(queue);
    const job = await queue.enqueue(notRetriedJob, { label: "fails once", failures: 1, ms: 0 });
    const failed = await waitFor(job.id, ended);
    expect(failed).toMatchObject({ state: "failed", attempts: 1, maxAttempts: 3, error: "fails once failed on attempt 1" });
    const resumed = await queue.resume(job.id);
    expect(resumed).toMatchObject({ state: "queued", error: null, maxAttempts: 2 });
    const done = await waitFor(job.id, ended);
    expect(done).toMatchObject({ state: "succeeded", attempts: 2, result: { label: "fails once", attempt: 2 } });
    expect((await runs(job.id)).map((run) => run.attempt)).toEqual([1, 2]);
    await expect(queue.resume(job.id)).rejects.toThrow(/is succeeded: only a failed or cancelled job resumes/);
  });

  it("a cancelled job resumes; a kind that cannot resume refuses", async () => {
    const queue = await openQueue();
    const cancelled = await queue.enqueue(recordedJob, { label: "cancelled first", failures: 0, ms: 0 });
    await requestCancel(db.pool, cancelled.id);
    await queue.resume(cancelled.id);
    startWorker(queue);
    expect((await waitFor(cancelled.id, ended)).state).toBe("succeeded");
    const importLike = await queue.enqueue(notResumableJob, { label: "import", failures: 0, ms: 0 });
    await requestCancel(db.pool, importLike.id);
    await expect(queue.resume(importLike.id)).rejects.toThrow(/cannot resume/);
  });

  it("a worker for one job runs that job only, and is not counted as live", async () => {
    const queue = await openQueue();
    const other = await queue.enqueue(recordedJob, { label: "someone else's", failures: 0, ms: 0 });
    const mine = await queue.enqueue(recordedJob, { label: "mine", failures: 0, ms: 0 });
    const before = await liveHeavyWorkers(db.pool, STALE_SECONDS);
    const worker = new JobWorker(queue, { heavySlots: 1, lightSlots: 0, staleSeconds: STALE_SECONDS, pollSeconds: 0.05, onlyJob: mine.id });
    worker.start();
    open.push({ close: () => worker.stop() });
    expect((await waitFor(mine.id, ended)).state).toBe("succeeded");
    expect(await liveHeavyWorkers(db.pool, STALE_SECONDS)).toBe(before);
    await sleep(300);
    expect((await waitFor(other.id, () => true)).state).toBe("queued");
    // A plain worker registers itself (idle or not), takes the other job, and leaves when it stops.
    const plain = startWorker(queue);
    await waitFor(other.id, ended);
    expect(await liveHeavyWorkers(db.pool, STALE_SECONDS)).toBe(before + 1);
    await plain.stop();
    expect(await liveHeavyWorkers(db.pool, STALE_SECONDS)).toBe(before);
  });
});

describe("workers killed with SIGKILL", () => {
  const children: ChildProcess[] = [];
  afterAll(() => children.forEach((child) => child.kill("SIGKILL")));

  async function spawnTestWorker(): Promise<ChildProcess> {
    const child = await spawnWorker(inject("databaseUrl"), { kinds: "test", staleSeconds: STALE_SECONDS });
    children.push(child);
    return child;
  }


  it("a killed worker's job is noticed, retried by its policy on another worker, then failed; never left running", async () => {
    // The reaper in this process stands for the other workers of a studio.
    const queue = await openQueue();
    const reaper = new JobWorker(queue, { heavySlots: 0, lightSlots: 0, staleSeconds: STALE_SECONDS });
    reaper.start();
    open.push({ close: () => reaper.stop() });

    const job = await queue.enqueue(hangingJob, { label: "killed", failures: 0, ms: 0 });
    const noticedAfter: number[] = [];
    for (let kill = 1; kill <= 3; kill++) {
      const child = await spawnTestWorker();
      const running = await waitFor(job.id, (row) => row.state === "running" && row.attempts === kill);
      expect(running.workerId).toContain(`:${child.pid}:`);
      await handlerStarted(job.id, kill);
      child.kill("SIGKILL");
      const killedAt = Date.now();
      const settled = await waitFor(job.id, (row) => row.state !== "running", 30_000);
      noticedAfter.push(Date.now() - killedAt);
      if (kill < 3) {
        expect(settled.state).toBe("queued");
        expect(settled.error).toMatch(/no heartbeat/);
      } else {
        expect(settled.state).toBe("failed");
        expect(settled.error).toMatch(/no attempts left/);
      }
    }
    expect((await runs(job.id)).map((run) => run.attempt)).toEqual([1, 2, 3]);
    // Noticed within 1.25 stale periods plus a poll (the studio's default stale time is 20 s).
    for (const ms of noticedAfter) expect(ms).toBeLessThan(STALE_SECONDS * 1250 + 1000);
  });

  it("a kind that cannot resume (an import) is failed with its reason, not run again", async () => {
    const queue = await openQueue();
    const reaper = new JobWorker(queue, { heavySlots: 0, lightSlots: 0, staleSeconds: STALE_SECONDS });
    reaper.start();
    open.push({ close: () => reaper.stop() });
    const child = await spawnTestWorker();
    const job = await queue.enqueue(notResumableJob, { label: "import", failures: 0, ms: 0 });
    await waitFor(job.id, (row) => row.state === "running");
    await handlerStarted(job.id, 1);
    child.kill("SIGKILL");
    const settled = await waitFor(job.id, (row) => row.state !== "running");
    expect(settled.state).toBe("failed");
    expect(settled.error).toBe("the studio stopped during the import");
    expect(await runs(job.id)).toHaveLength(1);
  });
});
