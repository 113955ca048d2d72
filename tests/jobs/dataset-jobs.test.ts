/**
 * The background work datasets need, as jobs: a worker that starts queues the index builds and
 * digests that datasets lack, and runs them.
 */
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { connect, type Database } from "../../server/db/client";
import { deleteDataset, findDatasetById } from "../../server/db/datasets";
import { importFromPath } from "../../server/services/imports";
import { datasetDigestsJob } from "../../server/jobs/kinds/dataset-digests";
import { datasetIndexesJob } from "../../server/jobs/kinds/dataset-indexes";
import { JobQueue } from "../../server/jobs/queue";
import { queueMissingDatasetWork } from "../../server/jobs/run-worker";
import { listJobs, requestCancel } from "../../server/jobs/store";
import { JobWorker } from "../../server/jobs/worker";

let db: Database;
let queue: JobQueue;
let datasetId: number;

beforeAll(async () => {
  db = connect(inject("databaseUrl"));
  queue = await JobQueue.open(db);
  const summary = await importFromPath(db.bulk, path.resolve("samples/sentiment-reviews"), { name: `jobs-sample-${Date.now()}`, indexes: "later" });
  datasetId = summary.datasetId;
  // As a dataset imported before digests, whose index build was cut short.
  await db.pool.query("DELETE FROM record_digest WHERE dataset_id = $1", [datasetId]);
  await db.pool.query("UPDATE dataset SET digest_ready = false, side_tables_ready = false WHERE id = $1", [datasetId]);
});

afterAll(async () => {
  await queue.close();
  await db.close();
});

describe("dataset jobs", () => {
  it("a starting worker queues each missing build once, and runs them", async () => {
    expect(await queueMissingDatasetWork(queue)).toBeGreaterThanOrEqual(2);
    // Queued once: a second start finds them queued already.
    await queueMissingDatasetWork(queue);
    const mine = async () => (await listJobs(db.pool, { datasetId })).filter((job) => [datasetIndexesJob.name, datasetDigestsJob.name].includes(job.kind));
    expect((await mine()).length).toBe(2);

    const worker = new JobWorker(queue, { heavySlots: 0, lightSlots: 2, staleSeconds: 5, pollSeconds: 0.1 });
    worker.start();
    try {
      for (let i = 0; i < 300 && (await mine()).some((job) => job.state !== "succeeded"); i++) await sleep(100);
    } finally {
      await worker.stop();
    }
    const jobs = await mine();
    expect(jobs.map((job) => job.state)).toEqual(["succeeded", "succeeded"]);
    expect(jobs.every((job) => job.datasetName?.startsWith("jobs-sample-"))).toBe(true);
    const dataset = (await findDatasetById(db.pool, datasetId))!;
    expect(dataset.sideTablesReady).toBe(true);
    expect(dataset.digestReady).toBe(true);
    const { rows } = await db.pool.query("SELECT count(*)::int AS n FROM record_digest WHERE dataset_id = $1", [datasetId]);
    expect(rows[0].n).toBeGreaterThan(0);
  });

  it("a dataset whose index build fails fails its own job; the other datasets' jobs succeed", async () => {
    const stamp = Date.now();
    const broken = (await importFromPath(db.bulk, path.resolve("samples/sentiment-reviews"), { name: `jobs-broken-${stamp}`, indexes: "later" })).datasetId;
    const fine = (await importFromPath(db.bulk, path.resolve("samples/sentiment-reviews"), { name: `jobs-fine-${stamp}`, indexes: "later" })).datasetId;
    // What imports let in before: json keeps "\u0000" as an escape, and the search vector cannot be built from it.
    await db.pool.query(`UPDATE record SET fields = '{"text": "nul \\u0000 here"}'::json WHERE dataset_id = $1 AND idx = 3`, [broken]);
    await queueMissingDatasetWork(queue);
    const indexJob = async (datasetId: number) => (await listJobs(db.pool, { datasetId, kind: datasetIndexesJob.name }))[0]!;
    const worker = new JobWorker(queue, { heavySlots: 0, lightSlots: 2, staleSeconds: 5, pollSeconds: 0.1 });
    worker.start();
    try {
      for (let i = 0; i < 300 && ((await indexJob(fine)).state !== "succeeded" || (await indexJob(broken)).attempts < 1 || (await indexJob(broken)).state === "running"); i++) await sleep(100);
    } finally {
      await worker.stop();
    }
    expect((await indexJob(fine)).state).toBe("succeeded");
    // Its retry policy queues it again (3 attempts, with backoff); the error says why.
    expect(await indexJob(broken)).toMatchObject({ state: "queued", attempts: 1, error: "attempt 1 failed: unsupported Unicode escape sequence" });
    expect((await findDatasetById(db.pool, fine))!.sideTablesReady).toBe(true);
    expect((await findDatasetById(db.pool, broken))!.sideTablesReady).toBe(false);
    await requestCancel(db.pool, (await indexJob(broken)).id);
    await deleteDataset(db, `jobs-broken-${stamp}`);
  });
});
