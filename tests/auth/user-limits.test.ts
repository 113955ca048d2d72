/**
 * Per-person limits: previews and diagnostics running at once, and training jobs queued or
 * running, each refused past its limit with TOO_MANY_REQUESTS (HTTP 429 through the handler) that
 * names the limit's variable, while another person is served; in-process callers have none. Jobs
 * that count are inserted as undispatched rows (no worker of a parallel test file takes them); the
 * real starts are cancelled while still queued.
 */
import crypto from "node:crypto";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { createCaller } from "../../server/api/root";
import { IN_PROCESS_ADMIN } from "../../server/auth/roles";
import { connect, type Database } from "../../server/db/client";
import { requestCancel } from "../../server/jobs/store";
import { importFromPath } from "../../server/services/imports";
import { activeTrainingJobs, TooManyRequestsError, withUserSlot } from "../../server/services/limits";

let db: Database;
let dataset: string;
let datasetId: number;
const person = (role: "viewer" | "member") => ({ id: `limits-${role}-${crypto.randomUUID()}`, email: `${role}@test.local`, name: "", role });
const alice = person("member");
const bob = person("member");
const TASK = { task: "supervised_fine_tuning", template: { text: "{instruction}" } };
const jobIds: string[] = [];

beforeAll(async () => {
  db = connect(inject("databaseUrl"));
  dataset = `limits-${process.pid}-${Date.now()}`;
  datasetId = (await importFromPath(db.bulk, path.resolve("samples", "instructions-curated"), { name: dataset })).datasetId;
}, 120_000);
afterAll(async () => {
  if (jobIds.length) await db.pool.query("DELETE FROM job WHERE id = ANY($1::uuid[])", [jobIds]);
  await db.pool.query("DELETE FROM dataset WHERE id = $1", [datasetId]).catch(() => {});
  await db.close();
  vi.unstubAllEnvs();
});

/** Holds `count` of a person's slots until the returned function is called. */
function holdSlots(kind: "preview" | "diagnostics", userId: string, count: number): () => Promise<void> {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const held = Array.from({ length: count }, () => withUserSlot(kind, userId, () => gate));
  return async () => {
    release();
    await Promise.all(held);
  };
}

async function code(call: Promise<unknown>): Promise<string | null> {
  try {
    await call;
    return null;
  } catch (error) {
    return (error as { code?: string }).code ?? (error as Error).message;
  }
}

describe("previews and diagnostics at once, per person", () => {
  const preview = (user: object) => createCaller({ db, user: user as never }).training.preview({ dataset, task: TASK, framework: "trl", limit: 2 });
  const diagnostics = (user: object) => createCaller({ db, user: user as never }).training.diagnostics({ dataset, task: TASK, framework: "trl" });

  it("refuses a person's preview past STUDIO_USER_MAX_PREVIEWS with TOO_MANY_REQUESTS, serves another person, and frees the slot after", async () => {
    vi.stubEnv("STUDIO_USER_MAX_PREVIEWS", "2");
    const release = holdSlots("preview", alice.id, 2);
    try {
      const refused = await preview(alice).then(() => null, (error: Error & { code?: string }) => error);
      expect(refused?.code).toBe("TOO_MANY_REQUESTS");
      expect(refused?.message).toMatch(/You already have 2 previews.*STUDIO_USER_MAX_PREVIEWS/);
      expect((await preview(bob)).taskError).toBeNull();
      expect((await preview(IN_PROCESS_ADMIN)).taskError).toBeNull();
    } finally {
      await release();
    }
    expect((await preview(alice)).taskError).toBeNull();
  });

  it("refuses a person's diagnostics past STUDIO_USER_MAX_DIAGNOSTICS; a failed call gives its slot back", async () => {
    vi.stubEnv("STUDIO_USER_MAX_DIAGNOSTICS", "1");
    const release = holdSlots("diagnostics", alice.id, 1);
    try {
      expect(await code(diagnostics(alice))).toBe("TOO_MANY_REQUESTS");
      expect(await code(diagnostics(bob))).toBeNull();
    } finally {
      await release();
    }
    await expect(withUserSlot("diagnostics", alice.id, async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await code(diagnostics(alice))).toBeNull();
  }, 60_000);

  it("counts slots per person and kind exactly under concurrency", async () => {
    vi.stubEnv("STUDIO_USER_MAX_PREVIEWS", "3");
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => (i === 9 ? Promise.resolve(release()) : withUserSlot("preview", alice.id, () => gate))),
    );
    const refused = results.filter((r) => r.status === "rejected" && r.reason instanceof TooManyRequestsError);
    expect(refused).toHaveLength(6);
  });
});

describe("training jobs queued or running, per person", () => {
  it("refuses a start past STUDIO_USER_MAX_TRAINING_JOBS, records who started each job, and serves another person", async () => {
    vi.stubEnv("STUDIO_USER_MAX_TRAINING_JOBS", "2");
    // One queued job of Alice's without a dispatch (no worker takes it), as a start before would leave.
    const payload = { datasetId, task: { ...TASK, mode: "template" }, framework: "trl", model: "owner/tiny", config: {}, options: {}, requestedBy: alice.id };
    const { rows } = await db.pool.query<{ id: string }>("INSERT INTO job (kind, payload, dataset_id, max_attempts) VALUES ('training', $1, $2, 1) RETURNING id", [JSON.stringify(payload), datasetId]);
    jobIds.push(rows[0]!.id);
    expect(await activeTrainingJobs(db.pool, alice.id)).toBe(1);

    const start = (user: object) => createCaller({ db, user: user as never }).trainingRuns.start({ dataset, task: TASK, framework: "trl", model: "owner/tiny", config: { max_steps: 1 } });
    const second = await start(alice);
    jobIds.push(second.id);
    await requestCancel(db.pool, second.id); // never trained: only its row counts here
    const stored = await db.pool.query("SELECT payload ->> 'requestedBy' AS by FROM job WHERE id = $1", [second.id]);
    expect(stored.rows[0].by).toBe(alice.id);

    // Cancelled no longer counts: a second undispatched queued row stands in for it.
    const again = await db.pool.query<{ id: string }>("INSERT INTO job (kind, payload, dataset_id, max_attempts) VALUES ('training', $1, $2, 1) RETURNING id", [JSON.stringify(payload), datasetId]);
    jobIds.push(again.rows[0]!.id);
    const refused = await start(alice).then(() => null, (error: Error & { code?: string }) => error);
    expect(refused?.code).toBe("TOO_MANY_REQUESTS");
    expect(refused?.message).toMatch(/2 training jobs queued or running.*STUDIO_USER_MAX_TRAINING_JOBS/);
    await db.pool.query("UPDATE job SET state = 'cancelled' WHERE id = ANY($1::uuid[])", [jobIds]);

    const others = await start(bob);
    jobIds.push(others.id);
    await requestCancel(db.pool, others.id);
  }, 60_000);
});
