/** Job kinds for the queue's tests: each records its runs in `test_job_run`, so a test can count them. */
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import { defineJobKind, type AnyJobKind } from "../../server/jobs/kind";

const payload = z.object({ label: z.string(), failures: z.number().int().default(0), ms: z.number().int().default(0) });

export const CREATE_RUN_TABLE = "CREATE TABLE IF NOT EXISTS test_job_run (job_id uuid NOT NULL, attempt int NOT NULL, worker text NOT NULL, at timestamptz NOT NULL DEFAULT now())";

/** Sleeps `ms`, then fails while its attempt is ≤ `failures`. */
export const recordedJob = defineJobKind({
  name: "test-recorded",
  payload,
  retry: { attempts: 3, delaySeconds: 0 },
  weight: "light",
  async run(input, { id, attempt, db, signal, progress }) {
    await db.pool.query("INSERT INTO test_job_run (job_id, attempt, worker) VALUES ($1, $2, $3)", [id, attempt, `${process.pid}`]);
    for (let done = 0; done < input.ms; done += 50) {
      progress({ done, total: input.ms, unit: "ms" });
      await sleep(50, undefined, { signal });
    }
    if (attempt <= input.failures) throw new Error(`${input.label} failed on attempt ${attempt}`);
    return { label: input.label, attempt };
  },
});

/** Runs until it is cancelled or its worker stops (or dies). */
export const hangingJob = defineJobKind({
  name: "test-hanging",
  payload,
  retry: { attempts: 3, delaySeconds: 0 },
  weight: "heavy",
  async run(_input, { id, attempt, db, signal }) {
    await db.pool.query("INSERT INTO test_job_run (job_id, attempt, worker) VALUES ($1, $2, $3)", [id, attempt, `${process.pid}`]);
    await sleep(10 * 60_000, undefined, { signal });
  },
});

/** Like an import: a job cut short is failed, never run again. */
export const notResumableJob = defineJobKind({
  ...hangingJob,
  name: "test-not-resumable",
  notResumable: "the studio stopped during the import",
});

/** Like a training run: its own failure is not retried (only a dead worker's run is). */
export const notRetriedJob = defineJobKind({
  ...recordedJob,
  name: "test-not-retried",
  retry: { attempts: 3, delaySeconds: 0, retryFailures: false },
});

export const TEST_KINDS: AnyJobKind[] = [recordedJob, hangingJob, notResumableJob, notRetriedJob];
