/**
 * Kill the worker in the middle of an index build, start another, and the build finishes: the
 * build is idempotent, so the reaped job is simply run again.
 */
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { connect, type Database } from "../../server/db/client";
import { findDatasetById } from "../../server/db/datasets";
import { facetsIndexName, searchIndexName } from "../../server/db/dataset-indexes";
import { countRecords } from "../../server/db/records";
import { makeTempDir, removeTempDirs } from "../../server/feedback/test-helpers";
import { datasetIndexesJob } from "../../server/jobs/kinds/dataset-indexes";
import { JobQueue } from "../../server/jobs/queue";
import type { JobRow } from "../../server/jobs/store";
import { JobWorker } from "../../server/jobs/worker";
import { importFromPath } from "../../server/services/imports";
import { writeLargeExportZip } from "./large-export";
import { spawnWorker, waitForJob } from "./helpers";

let db: Database;
let home: string;

beforeAll(async () => {
  home = fs.realpathSync(await makeTempDir("studio-home-"));
  vi.stubEnv("STUDIO_HOME", home);
  db = connect(inject("databaseUrl"));
});

afterAll(async () => {
  await db.close();
  await removeTempDirs();
  vi.unstubAllEnvs();
});

const waitFor = (id: string, done: (job: JobRow) => boolean, timeoutMs?: number) => waitForJob(db.pool, id, done, timeoutMs);

describe("index build jobs", () => {
  it("a build whose worker is killed mid-way is run again by the next worker and finishes", async () => {
    const summary = await importFromPath(db.bulk, writeLargeExportZip(home, "index-kill", 60_000), { name: `index-kill-${Date.now()}`, indexes: "later" });
    const queue = await JobQueue.open(db);
    const child = await spawnWorker(inject("databaseUrl"), { kinds: "studio", staleSeconds: 2 });
    let worker: JobWorker | null = null;
    try {
      const job = await queue.enqueue(datasetIndexesJob, { datasetId: summary.datasetId });
      await waitFor(job.id, (row) => row.state === "running" && row.phase !== null);
      child.kill("SIGKILL");
      // The next worker (standing in for the restarted studio) reaps the job and runs it again.
      worker = new JobWorker(queue, { heavySlots: 0, lightSlots: 1, staleSeconds: 2, pollSeconds: 0.1 });
      worker.start();
      const done = await waitFor(job.id, (row) => row.state === "succeeded" || row.state === "failed");
      expect(done).toMatchObject({ state: "succeeded", attempts: 2 });
      const dataset = (await findDatasetById(db.pool, summary.datasetId))!;
      expect(dataset.sideTablesReady).toBe(true);
      const { rows } = await db.pool.query("SELECT to_regclass($1) IS NOT NULL AS search, to_regclass($2) IS NOT NULL AS facets", [searchIndexName(dataset.id), facetsIndexName(dataset.id)]);
      expect(rows[0]).toEqual({ search: true, facets: true });
      expect((await countRecords(db.pool, dataset, { search: "chef" })).count).toBeGreaterThan(0);
    } finally {
      child.kill("SIGKILL");
      await worker?.stop();
      await queue.close();
    }
  });
});
