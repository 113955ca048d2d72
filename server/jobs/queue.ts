/**
 * The queue: pg-boss on the studio's PostgreSQL dispatches jobs (one pg-boss queue per kind); the
 * `job` table (store.ts) holds what a person sees. A job row and its dispatch are written in one
 * transaction, so neither exists without the other.
 *
 * pg-boss 10.4.2 is the last release for Node 20. Chosen over graphile-worker 0.16 because it is
 * plain SQL on any pg pool (it runs on ours, with no connections of its own), has no build step and
 * keeps its tables in its own schema (`pgboss`).
 */
import PgBoss from "pg-boss";
import type pg from "pg";
import type { Database } from "../db/client";
import { retryDelaySeconds, type AnyJobKind, type JobKind } from "./kind";
import { JOB_KINDS } from "./kinds";
import { QUEUE_SCHEMA } from "./queue-schema";
import { insertJob, lockStaleJobs, reopenJob, settleStaleJob, type JobRow } from "./store";

/**
 * A dispatch not claimed within this time (its worker died between fetching and claiming it) is
 * handed out again by pg-boss.
 */
const DISPATCH_EXPIRE_SECONDS = 300;

export interface DispatchData {
  jobId: string;
}

type Queryable = Pick<pg.Pool, "query"> | pg.PoolClient;

function executorFor(db: Queryable): PgBoss.Db {
  return { executeSql: (text, values) => db.query(text, values) };
}

/** A pg-boss handle on the studio's own pool. `supervise`: run pg-boss's maintenance (workers do). */
export async function openBoss(pool: pg.Pool, options: { supervise: boolean }): Promise<PgBoss> {
  const boss = new PgBoss({
    db: executorFor(pool),
    schema: QUEUE_SCHEMA,
    migrate: false,
    supervise: options.supervise,
    schedule: false,
  });
  boss.on("error", (error) => console.error(`queue: ${error.message}`));
  await boss.start();
  return boss;
}

export class JobQueue {
  constructor(
    readonly db: Database,
    readonly boss: PgBoss,
    readonly kinds: ReadonlyMap<string, AnyJobKind>,
  ) {}

  /** A handle on the queue for these kinds (the studio's by default), creating their pg-boss queues if missing. */
  static async open(db: Database, options: { supervise?: boolean; kinds?: readonly AnyJobKind[] } = {}): Promise<JobQueue> {
    const kinds = options.kinds ?? JOB_KINDS;
    const boss = await openBoss(db.pool, { supervise: options.supervise ?? false });
    const existing = new Set((await boss.getQueues()).map((queue) => queue.name));
    for (const kind of kinds) {
      if (!existing.has(kind.name)) await boss.createQueue(kind.name, { name: kind.name, policy: "standard", retryLimit: 5, retryDelay: 5, expireInSeconds: DISPATCH_EXPIRE_SECONDS });
    }
    return new JobQueue(db, boss, new Map(kinds.map((kind) => [kind.name, kind])));
  }

  kind(name: string): AnyJobKind {
    const kind = this.kinds.get(name);
    if (!kind) throw new Error(`unknown job kind "${name}"`);
    return kind;
  }

  /** Validates the payload, writes the job row and its dispatch in one transaction. */
  async enqueue<Payload>(kind: JobKind<Payload>, payload: Payload): Promise<JobRow> {
    const parsed = kind.payload.parse(payload);
    return this.transaction(async (client) => {
      const job = await insertJob(client, { kind: kind.name, payload: parsed, datasetId: kind.datasetId?.(parsed) ?? null, maxAttempts: kind.retry.attempts });
      await this.dispatch(client, job.id, kind.name, 0);
      return job;
    });
  }

  /**
   * A failed or cancelled job queued again, with one more attempt allowed (`studio resume`, the
   * API's resume): its kind's handler sees a later attempt (a training run resumes from its last
   * checkpoint). Throws when the job is missing, not failed or cancelled, or of a kind that cannot
   * resume.
   */
  async resume(id: string): Promise<JobRow> {
    return this.transaction(async (client) => {
      const job = await reopenJob(client, id);
      if (!job) {
        const { rows } = await client.query<{ state: string }>("SELECT state FROM job WHERE id::text = $1", [id]);
        throw new Error(rows[0] ? `job ${id} is ${rows[0].state}: only a failed or cancelled job resumes` : `No job ${id}`);
      }
      const kind = this.kind(job.kind);
      if (kind.notResumable) throw new Error(`a ${kind.name} job cannot resume: ${kind.notResumable}`);
      await this.dispatch(client, job.id, job.kind, 0);
      return job;
    });
  }

  /** Hands a queued job to pg-boss, after `delaySeconds`. */
  async dispatch(db: Queryable, jobId: string, kind: string, delaySeconds: number): Promise<void> {
    const data: DispatchData = { jobId };
    await this.boss.send(kind, data, { db: executorFor(db), ...(delaySeconds > 0 ? { startAfter: delaySeconds } : {}) });
  }

  /**
   * Running jobs whose heartbeat stopped `staleSeconds` ago: their worker died (SIGKILL, a lost
   * machine). Each is queued again when its kind's policy allows, else failed with the reason.
   * Safe to run from every process at once (rows are locked and skipped).
   */
  async reapStaleJobs(staleSeconds: number): Promise<JobRow[]> {
    return this.transaction(async (client) => {
      const stale = await lockStaleJobs(client, staleSeconds);
      for (const job of stale) {
        const kind = this.kinds.get(job.kind);
        const lost = `its worker stopped answering (no heartbeat for ${staleSeconds} s)`;
        if (job.cancelRequested) {
          await settleStaleJob(client, job.id, "cancelled", `cancelled; ${lost}`);
        } else if (kind?.notResumable) {
          await settleStaleJob(client, job.id, "failed", kind.notResumable);
        } else if (kind && job.attempts < job.maxAttempts) {
          await settleStaleJob(client, job.id, "queued", `attempt ${job.attempts}: ${lost}`);
          await this.dispatch(client, job.id, job.kind, retryDelaySeconds(kind.retry, job.attempts));
        } else {
          await settleStaleJob(client, job.id, "failed", `${lost}; no attempts left`);
        }
      }
      return stale;
    });
  }

  async close(): Promise<void> {
    await this.boss.stop({ graceful: false, close: false, wait: true });
  }

  private async transaction<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.db.pool.connect();
    try {
      await client.query("BEGIN");
      const result = await fn(client);
      await client.query("COMMIT");
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }
}
