/**
 * Waits for one job to end, running it in this process when needed: `studio train --wait` (and
 * `studio predict` next) work on a machine where no studio runs.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { JobQueue } from "../server/jobs/queue";
import type { JobRow } from "../server/jobs/store";
import { environmentProgressBar } from "./training-env";

/**
 * Watches the job until it ends. When a live worker with heavy slots exists (its row beaten within
 * the stale time), that worker takes the job and this only watches; otherwise a worker in this
 * process runs this one job (and no other queued job). Ctrl-C asks the job to stop.
 */
export async function runUntilEnd(queue: JobQueue, jobId: string): Promise<JobRow> {
  const { JobWorker } = await import("../server/jobs/worker");
  const { getJob, liveHeavyWorkers, requestCancel } = await import("../server/jobs/store");
  const { env } = await import("../server/env");
  const live = await liveHeavyWorkers(queue.db.pool, env.STUDIO_JOB_STALE_SECONDS);
  const worker = live > 0 ? null : new JobWorker(queue, { heavySlots: 1, lightSlots: 0, staleSeconds: env.STUDIO_JOB_STALE_SECONDS, pollSeconds: 0.2, onlyJob: jobId });
  const cancel = () => void requestCancel(queue.db.pool, jobId).catch(() => {});
  process.once("SIGINT", cancel);
  const bar = environmentProgressBar();
  worker?.start();
  try {
    for (;;) {
      const job = (await getJob(queue.db.pool, jobId))!;
      if (job.state !== "queued" && job.state !== "running") return job;
      const phase = job.phase ?? job.state;
      bar.update({ step: job.progress?.done ?? 0, total: job.progress?.total ?? undefined, message: phase });
      await sleep(250);
    }
  } finally {
    bar.done();
    process.removeListener("SIGINT", cancel);
    await worker?.stop();
  }
}
