/** What the queue's tests share: waiting on a job row, and worker processes to kill. */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type pg from "pg";
import type { JobQueue } from "../../server/jobs/queue";
import { getJob, type JobRow } from "../../server/jobs/store";
import { JobWorker } from "../../server/jobs/worker";

/** Polls the job until `done` holds, or throws with its last state. */
export async function waitForJob(pool: pg.Pool, id: string, done: (job: JobRow) => boolean, timeoutMs = 60_000): Promise<JobRow> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const job = (await getJob(pool, id))!;
    if (done(job)) return job;
    if (Date.now() > until) throw new Error(`job ${id} is still ${job.state} (attempt ${job.attempts}): ${job.error ?? ""}`);
    await sleep(50);
  }
}

/** A job that will not change state again by itself. */
export const ended = (job: JobRow): boolean => job.state !== "queued" && job.state !== "running";

/** Runs the queue's heavy jobs in a worker in this process until job `id` ends; the worker is stopped either way. */
export async function runToEnd(queue: JobQueue, id: string, timeoutMs: number): Promise<JobRow> {
  const worker = new JobWorker(queue, { heavySlots: 1, lightSlots: 0, staleSeconds: 20, pollSeconds: 0.1 });
  worker.start();
  try {
    return await waitForJob(queue.db.pool, id, ended, timeoutMs);
  } finally {
    await worker.stop();
  }
}

/**
 * A worker in its own process (tests/jobs/worker-child.ts), ready to take jobs: the test kinds, or
 * the studio's own. `--import tsx` keeps it one process (tsx's CLI would start a second), so
 * SIGKILL reaches the worker itself.
 */
export async function spawnWorker(databaseUrl: string, options: { kinds: "test" | "studio"; staleSeconds: number }): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", path.resolve("tests/jobs/worker-child.ts")], {
    env: { ...process.env, DATABASE_URL: databaseUrl, KINDS: options.kinds, STALE_SECONDS: String(options.staleSeconds) },
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => chunk.toString().includes("ready") && resolve());
    child.once("exit", (code) => reject(new Error(`worker exited with ${code}`)));
  });
  return child;
}
