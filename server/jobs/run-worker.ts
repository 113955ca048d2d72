/**
 * A worker process's life: the queue (with pg-boss's maintenance), the slots the environment asks
 * for, and the background work that datasets still lack (indexes of an import whose build was
 * cut short, digests of datasets imported before digests existed) queued once at start.
 */
import type { Database } from "../db/client";
import { datasetsLackingIndexes } from "../db/dataset-indexes";
import { datasetsLackingDigests } from "../db/record-digest";
import { env } from "../env";
import { datasetDigestsJob } from "./kinds/dataset-digests";
import { datasetIndexesJob } from "./kinds/dataset-indexes";
import { JobQueue } from "./queue";
import { JobWorker } from "./worker";

export interface RunningWorker {
  worker: JobWorker;
  queue: JobQueue;
  stop(): Promise<void>;
}

export async function startWorker(db: Database, log: (line: string) => void = () => {}): Promise<RunningWorker> {
  const queue = await JobQueue.open(db, { supervise: true });
  const worker = new JobWorker(queue, {
    heavySlots: env.STUDIO_WORKER_HEAVY_SLOTS,
    lightSlots: env.STUDIO_WORKER_LIGHT_SLOTS,
    staleSeconds: env.STUDIO_JOB_STALE_SECONDS,
    log,
  });
  await queueMissingDatasetWork(queue);
  worker.start();
  return {
    worker,
    queue,
    stop: async () => {
      await worker.stop();
      await queue.close();
    },
  };
}

/**
 * One job per dataset that lacks its side tables and indexes or its digests, unless one is
 * already queued or running. Two workers starting at once may both queue one: the builds are
 * idempotent and lock the dataset row, so the second finds nothing to do.
 */
export async function queueMissingDatasetWork(queue: JobQueue): Promise<number> {
  const withoutLiveJob = async (kind: string, datasetIds: number[]) => {
    const { rows } = await queue.db.pool.query<{ dataset_id: number }>("SELECT DISTINCT dataset_id FROM job WHERE kind = $1 AND state IN ('queued', 'running') AND dataset_id = ANY($2::int[])", [kind, datasetIds]);
    const live = new Set(rows.map((row) => row.dataset_id));
    return datasetIds.filter((id) => !live.has(id));
  };
  const indexes = await withoutLiveJob(datasetIndexesJob.name, await datasetsLackingIndexes(queue.db.pool));
  const digests = await withoutLiveJob(datasetDigestsJob.name, await datasetsLackingDigests(queue.db.pool));
  for (const datasetId of indexes) await queue.enqueue(datasetIndexesJob, { datasetId });
  for (const datasetId of digests) await queue.enqueue(datasetDigestsJob, { datasetId });
  return indexes.length + digests.length;
}
