/**
 * Imports as jobs: one the web app queues runs on a worker and shows in the jobs list; one whose
 * worker is killed mid-way leaves nothing behind (no dataset, no extracted files) and is shown as
 * failed with the reason.
 */
import fs from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { createCaller } from "../../server/api/root";
import { IN_PROCESS_ADMIN } from "../../server/auth/roles";
import { connect, type Database } from "../../server/db/client";
import { findDataset } from "../../server/db/datasets";
import { queueFor } from "../../server/jobs/server-queue";
import { listJobs, type JobRow } from "../../server/jobs/store";
import { JobWorker } from "../../server/jobs/worker";
import { makeTempDir, removeTempDirs } from "../../server/feedback/test-helpers";
import { extractRoot, removeAbandoned } from "../../server/services/uploads";
import { startTestWorker } from "./test-worker";
import { spawnWorker, waitForJob } from "./helpers";
import { SAMPLE, writeLargeExportZip } from "./large-export";

let db: Database;
let home: string;

beforeAll(async () => {
  home = fs.realpathSync(await makeTempDir("studio-home-"));
  vi.stubEnv("STUDIO_HOME", home);
  vi.stubEnv("STUDIO_IMPORT_ROOTS", `${home},${path.resolve("samples")}`);
  db = connect(inject("databaseUrl"));
});

afterAll(async () => {
  await db.close();
  await removeTempDirs();
  vi.unstubAllEnvs();
});

const waitFor = (id: string, done: (job: JobRow) => boolean, timeoutMs?: number) => waitForJob(db.pool, id, done, timeoutMs);

describe("import jobs", () => {
  it("a path import queued by the web app runs on a worker, reports rows, and queues the dataset's indexes", async () => {
    const caller = createCaller({ db, user: IN_PROCESS_ADMIN });
    const worker = await startTestWorker(db);
    try {
      const name = `job-import-${Date.now()}`;
      const { importId } = await caller.datasets.importFromPath({ path: SAMPLE, name });
      let status = await caller.datasets.importStatus({ importId });
      while (status.state === "queued" || status.state === "running") {
        await sleep(50);
        status = await caller.datasets.importStatus({ importId });
      }
      expect(status.state).toBe("done");
      const dataset = (await findDataset(db.pool, name))!;
      expect(status).toMatchObject({ rowsRead: dataset.recordCount, totalRows: dataset.recordCount });
      const jobs = await listJobs(db.pool, { datasetId: dataset.id });
      expect(jobs.map((job) => job.kind).sort()).toEqual(["dataset-indexes", "import"]);
      expect(jobs.find((job) => job.kind === "import")).toMatchObject({ state: "succeeded", datasetName: name, attempts: 1 });
      await waitFor(jobs.find((job) => job.kind === "dataset-indexes")!.id, (job) => job.state === "succeeded");
    } finally {
      await worker.stop();
    }
  });

  it("a worker killed mid-import leaves no dataset and no extracted files, and the import is failed with the reason", async () => {
    // 150,000 records in a .zip: long enough to kill the worker while it reads them.
    const zipPath = writeLargeExportZip(home, "big", 150_000);
    const queue = await queueFor(db);
    const reaper = new JobWorker(queue, { heavySlots: 0, lightSlots: 0, staleSeconds: 2 });
    reaper.start();
    const child = await spawnWorker(inject("databaseUrl"), { kinds: "studio", staleSeconds: 2 });
    try {
      const name = `killed-import-${Date.now()}`;
      const { importId } = await createCaller({ db, user: IN_PROCESS_ADMIN }).datasets.importFromPath({ path: zipPath, name });
      await waitFor(importId, (job) => job.state === "running" && (job.progress?.done ?? 0) > 0, 20_000);
      expect(fs.readdirSync(extractRoot())).toHaveLength(1);
      child.kill("SIGKILL");
      const failed = await waitFor(importId, (job) => job.state !== "running", 30_000);
      expect(failed).toMatchObject({ state: "failed", error: "the studio stopped during the import" });
      expect(await findDataset(db.pool, name)).toBeNull();
      const { rows } = await db.pool.query("SELECT count(*)::int AS n FROM dataset WHERE name = $1", [name]);
      expect(rows[0].n).toBe(0);
      // The studio's clean-up removes what the dead worker extracted.
      await removeAbandoned();
      expect(fs.readdirSync(extractRoot())).toEqual([]);
    } finally {
      child.kill("SIGKILL");
      await reaper.stop();
    }
  });
});
