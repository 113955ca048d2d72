/**
 * A training job's events in job_event: every event kept in order, progress thinned to one a second
 * with the last one before any other event kept, seq continuing across runs (attempts) of a job.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { connect, type Database } from "../../server/db/client";
import { insertJob } from "../../server/jobs/store";
import type { TrainerEvent } from "../../server/training-runs/events";
import { listJobEvents, openJobEventRecorder } from "../../server/training-runs/job-events";

let db: Database;

beforeAll(() => {
  db = connect(inject("databaseUrl"));
});

afterAll(async () => {
  await db.close();
});

const time = () => new Date().toISOString();
const progress = (step: number): TrainerEvent => ({ event: "progress", time: time(), step, max_steps: 100, epoch: null });

describe("job events in the database", () => {
  it("keeps every event but thins progress, always keeping the last step before another event; seq continues across runs", async () => {
    const job = await insertJob(db.pool, { kind: "training", payload: {}, datasetId: null, maxAttempts: 1 });
    const first = await openJobEventRecorder(db.pool, job.id);
    first.record({ event: "phase", time: time(), phase: "training" });
    for (let step = 0; step <= 50; step++) first.record(progress(step)); // far faster than one a second
    first.record({ event: "metrics", time: time(), step: 50, values: { loss: 0.5 }, split: "train" });
    for (let step = 51; step <= 60; step++) first.record(progress(step));
    await first.close();

    const stored = await listJobEvents(db.pool, job.id, { limit: 1000 });
    expect(stored.map((e) => e.seq)).toEqual(stored.map((_, i) => i + 1));
    const shape = stored.map((e) => (e.event.event === "progress" ? `progress ${e.event.step}` : e.event.event));
    expect(shape).toEqual(["phase", "progress 0", "progress 50", "metrics", "progress 60"]);

    // A second run of the job (a resumed attempt) continues the numbering; the cursor pages.
    const second = await openJobEventRecorder(db.pool, job.id);
    second.record({ event: "phase", time: time(), phase: "saving" });
    await second.close();
    const after = await listJobEvents(db.pool, job.id, { after: 5, limit: 10 });
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ seq: 6, event: { event: "phase", phase: "saving" } });
    expect(await listJobEvents(db.pool, job.id, { after: 1, limit: 2 })).toHaveLength(2);
    await db.pool.query("DELETE FROM job WHERE id = $1", [job.id]);
    expect(await listJobEvents(db.pool, job.id, { limit: 10 })).toEqual([]);
  });
});
