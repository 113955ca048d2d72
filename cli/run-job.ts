/**
 * Waits for one job to end, running it in this process when needed: `studio train --wait` (and
 * `studio predict` next) work on a machine where no studio runs.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { JobQueue } from "../server/jobs/queue";
import type { JobRow } from "../server/jobs/store";
import { environmentProgressBar } from "./training-env";

/**
 * Runs a worker with one heavy slot in this process until the job ends (another worker, if one runs,
 * may claim it first: the job is watched either way). Ctrl-C asks the job to stop.
 */
export async function runUntilEnd(queue: JobQueue, jobId: string): Promise<JobRow> {
  const { JobWorker } = await import("../server/jobs/worker");
  const { getJob, requestCancel } = await import("../server/jobs/store");
  const { env } = await import("../server/env");
  const worker = new JobWorker(queue, { heavySlots: 1, lightSlots: 0, staleSeconds: env.STUDIO_JOB_STALE_SECONDS, pollSeconds: 0.2 });
  const cancel = () => void requestCancel(queue.db.pool, jobId).catch(() => {});
  process.once("SIGINT", cancel);
  const bar = environmentProgressBar();
  worker.start();
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
    await worker.stop();
  }
}
