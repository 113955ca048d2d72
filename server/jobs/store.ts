/**
 * The `job` table: what a person sees of each job. Every state change is one conditional UPDATE,
 * so two workers can never both claim a job, and a worker that lost its job (reaped after its
 * heartbeat stopped) can no longer write to it.
 */
import type pg from "pg";
import type { JobProgress } from "./kind";

export const JOB_STATES = ["queued", "running", "succeeded", "failed", "cancelled"] as const;
export type JobState = (typeof JOB_STATES)[number];

export interface JobRow {
  id: string;
  kind: string;
  state: JobState;
  phase: string | null;
  progress: JobProgress | null;
  payload: unknown;
  result: unknown;
  error: string | null;
  /** The detail of a failed job's error (a training worker's traceback); null otherwise. */
  errorDetail: string | null;
  datasetId: number | null;
  /** null when the job names no dataset or its dataset was deleted since. */
  datasetName: string | null;
  attempts: number;
  maxAttempts: number;
  workerId: string | null;
  heartbeatAt: string | null;
  cancelRequested: boolean;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  updatedAt: string;
}

type Queryable = Pick<pg.Pool, "query"> | pg.PoolClient;

// Timestamps as ISO strings: what tRPC sends and the CLI prints. The list leaves out the large ones.
const LIST_COLUMNS = `id, kind, state, phase, progress, error, dataset_id AS "datasetId",
  (SELECT name FROM dataset WHERE dataset.id = job.dataset_id) AS "datasetName", attempts,
  max_attempts AS "maxAttempts", worker_id AS "workerId", cancel_requested AS "cancelRequested",
  to_json(heartbeat_at) #>> '{}' AS "heartbeatAt", to_json(created_at) #>> '{}' AS "createdAt",
  to_json(started_at) #>> '{}' AS "startedAt", to_json(finished_at) #>> '{}' AS "finishedAt",
  to_json(updated_at) #>> '{}' AS "updatedAt"`;
const COLUMNS = `${LIST_COLUMNS}, payload, result, error_detail AS "errorDetail"`;

export async function insertJob(db: Queryable, job: { kind: string; payload: unknown; datasetId: number | null; maxAttempts: number }): Promise<JobRow> {
  const { rows } = await db.query<JobRow>(
    `INSERT INTO job (kind, payload, dataset_id, max_attempts) VALUES ($1, $2, $3, $4) RETURNING ${COLUMNS}`,
    [job.kind, JSON.stringify(job.payload), job.datasetId, job.maxAttempts],
  );
  return rows[0]!;
}

export async function getJob(db: Queryable, id: string): Promise<JobRow | null> {
  if (!isUuid(id)) return null;
  const { rows } = await db.query<JobRow>(`SELECT ${COLUMNS} FROM job WHERE id = $1`, [id]);
  return rows[0] ?? null;
}

export interface JobListQuery {
  kind?: string;
  state?: JobState;
  datasetId?: number;
  limit?: number;
}

/** Newest first. */
export async function listJobs(db: Queryable, query: JobListQuery = {}): Promise<JobRow[]> {
  return selectJobs<JobRow>(db, COLUMNS, query);
}

/** What the jobs list shows of a training job, read out of its payload and result in SQL. */
export interface TrainingListFields {
  task: string;
  framework: string;
  model: string;
  /** The test split's metrics once it succeeded. */
  metrics: Record<string, number> | null;
}

export type JobListRow = Omit<JobRow, "payload" | "result" | "errorDetail"> & { training: TrainingListFields | null };

/**
 * Newest first, without payload and result (a training job's result holds its whole pins, a page
 * of 200 of them cost the list most of its time): a training job's task, framework, model and
 * metrics instead.
 */
export async function listJobSummaries(db: Queryable, query: JobListQuery = {}): Promise<JobListRow[]> {
  const columns = `${LIST_COLUMNS},
    CASE WHEN kind = 'training' THEN json_build_object('task', payload -> 'task' ->> 'task', 'framework', payload ->> 'framework',
      'model', payload ->> 'model', 'metrics', result -> 'metrics') END AS training`;
  return selectJobs<JobListRow>(db, columns, query);
}

async function selectJobs<Row extends pg.QueryResultRow>(db: Queryable, columns: string, query: JobListQuery): Promise<Row[]> {
  const where: string[] = [];
  const values: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    values.push(value);
    where.push(sql.replace("?", `$${values.length}`));
  };
  if (query.kind) add("kind = ?", query.kind);
  if (query.state) add("state = ?", query.state);
  if (query.datasetId !== undefined) add("dataset_id = ?", query.datasetId);
  values.push(query.limit ?? 200);
  const { rows } = await db.query<Row>(
    `SELECT ${columns} FROM job ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY created_at DESC, id LIMIT $${values.length}`,
    values,
  );
  return rows;
}

/** queued → running for this worker, or null when the job is no longer queued (cancelled, taken). */
export async function claimJob(db: Queryable, id: string, workerId: string): Promise<JobRow | null> {
  const { rows } = await db.query<JobRow>(
    `UPDATE job SET state = 'running', worker_id = $2, heartbeat_at = now(), attempts = attempts + 1,
       started_at = coalesce(started_at, now()), error = NULL, updated_at = now()
     WHERE id = $1 AND state = 'queued' AND NOT cancel_requested RETURNING ${COLUMNS}`,
    [id, workerId],
  );
  return rows[0] ?? null;
}

/** Running jobs of this worker that still belong to it, with their cancel requests. */
export async function beat(db: Queryable, workerId: string): Promise<Map<string, { cancelRequested: boolean }>> {
  const { rows } = await db.query<{ id: string; cancelRequested: boolean }>(
    `UPDATE job SET heartbeat_at = now() WHERE state = 'running' AND worker_id = $1 RETURNING id, cancel_requested AS "cancelRequested"`,
    [workerId],
  );
  return new Map(rows.map((row) => [row.id, { cancelRequested: row.cancelRequested }]));
}

export async function setProgress(db: Queryable, id: string, workerId: string, progress: JobProgress): Promise<void> {
  await db.query(`UPDATE job SET progress = $3, updated_at = now() WHERE id = $1 AND worker_id = $2 AND state = 'running'`, [id, workerId, JSON.stringify(progress)]);
}

export async function setPhase(db: Queryable, id: string, workerId: string, phase: string): Promise<void> {
  await db.query(`UPDATE job SET phase = $3, updated_at = now() WHERE id = $1 AND worker_id = $2 AND state = 'running'`, [id, workerId, phase]);
}

export async function setDataset(db: Queryable, id: string, workerId: string, datasetId: number): Promise<void> {
  await db.query(`UPDATE job SET dataset_id = $3, updated_at = now() WHERE id = $1 AND worker_id = $2 AND state = 'running'`, [id, workerId, datasetId]);
}

export type JobEnd =
  | { state: "succeeded"; result: unknown }
  /** A handler that stopped cleanly on a cancel may leave a result (a training run: its pins, its last step). */
  | { state: "cancelled"; error: string; result?: unknown }
  | { state: "failed"; error: string; errorDetail?: string | null };

/** running → an end state, only while this worker still owns the job. */
export async function finishJob(db: Queryable, id: string, workerId: string, end: JobEnd): Promise<boolean> {
  const result = "result" in end && end.result !== undefined ? JSON.stringify(end.result ?? null) : null;
  const { rowCount } = await db.query(
    `UPDATE job SET state = $3, result = $4, error = $5, error_detail = $6, finished_at = now(), worker_id = NULL, heartbeat_at = NULL, updated_at = now()
     WHERE id = $1 AND worker_id = $2 AND state = 'running'`,
    [id, workerId, end.state, result, end.state === "succeeded" ? null : end.error, end.state === "failed" ? (end.errorDetail ?? null) : null],
  );
  return rowCount === 1;
}

/**
 * running → queued again (a failure its policy retries, or a worker that stops). `countAttempt`
 * false gives the attempt back: the job did not fail, its worker went away.
 */
export async function requeueJob(db: Queryable, id: string, workerId: string, reason: string | null, countAttempt: boolean): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE job SET state = 'queued', error = $3, worker_id = NULL, heartbeat_at = NULL, updated_at = now(),
       attempts = attempts - CASE WHEN $4 THEN 0 ELSE 1 END
     WHERE id = $1 AND worker_id = $2 AND state = 'running'`,
    [id, workerId, reason, countAttempt],
  );
  return rowCount === 1;
}

/**
 * A queued job is cancelled at once; a running one is asked to stop (its worker sees the request
 * at its next heartbeat). Returns the job as it now is, or null when there is none.
 */
export async function requestCancel(db: Queryable, id: string): Promise<JobRow | null> {
  if (!isUuid(id)) return null;
  const { rows } = await db.query<JobRow>(
    `UPDATE job SET cancel_requested = (state = 'running'),
       state = CASE WHEN state = 'queued' THEN 'cancelled' ELSE state END,
       finished_at = CASE WHEN state = 'queued' THEN now() ELSE finished_at END,
       error = CASE WHEN state = 'queued' THEN 'cancelled before it started' ELSE error END,
       updated_at = now()
     WHERE id = $1 RETURNING ${COLUMNS}`,
    [id],
  );
  return rows[0] ?? null;
}

/**
 * A failed or cancelled job → queued again with one more attempt than it has used, its error and
 * cancel request cleared. Null when the job does not exist or is not failed or cancelled. The
 * caller dispatches it (JobQueue.resume does both in one transaction).
 */
export async function reopenJob(db: Queryable, id: string): Promise<JobRow | null> {
  if (!isUuid(id)) return null;
  const { rows } = await db.query<JobRow>(
    `UPDATE job SET state = 'queued', max_attempts = attempts + 1, cancel_requested = false, error = NULL, error_detail = NULL,
       finished_at = NULL, updated_at = now()
     WHERE id = $1 AND state IN ('failed', 'cancelled') RETURNING ${COLUMNS}`,
    [id],
  );
  return rows[0] ?? null;
}

/** A worker process's own row (job_worker): written at start and at each beat, idle or busy. */
export async function beatWorker(db: Queryable, worker: { id: string; heavySlots: number; lightSlots: number }): Promise<void> {
  await db.query(
    `INSERT INTO job_worker (id, heavy_slots, light_slots) VALUES ($1, $2, $3)
     ON CONFLICT (id) DO UPDATE SET heartbeat_at = now()`,
    [worker.id, worker.heavySlots, worker.lightSlots],
  );
}

/** A stopping worker's row goes, and with it any dead worker's row not beaten for an hour. */
export async function removeWorker(db: Queryable, id: string): Promise<void> {
  await db.query(`DELETE FROM job_worker WHERE id = $1 OR heartbeat_at < now() - interval '1 hour'`, [id]);
}

/** Workers with heavy slots whose row was beaten within `staleSeconds`: one of them will take a heavy job. */
export async function liveHeavyWorkers(db: Queryable, staleSeconds: number): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM job_worker WHERE heavy_slots > 0 AND heartbeat_at >= now() - make_interval(secs => $1)`,
    [staleSeconds],
  );
  return rows[0]!.n;
}

/** Running jobs whose heartbeat is older than `staleSeconds`, locked for this transaction. */
export async function lockStaleJobs(client: pg.PoolClient, staleSeconds: number): Promise<JobRow[]> {
  const { rows } = await client.query<JobRow>(
    `SELECT ${COLUMNS} FROM job WHERE state = 'running' AND heartbeat_at < now() - make_interval(secs => $1)
     FOR UPDATE SKIP LOCKED`,
    [staleSeconds],
  );
  return rows;
}

/** Ends or requeues a stale job found by lockStaleJobs, in the same transaction. */
export async function settleStaleJob(client: pg.PoolClient, id: string, next: "queued" | "failed" | "cancelled", reason: string): Promise<void> {
  await client.query(
    `UPDATE job SET state = $2, error = $3, worker_id = NULL, heartbeat_at = NULL, updated_at = now(),
       finished_at = CASE WHEN $2 = 'queued' THEN NULL ELSE now() END
     WHERE id = $1`,
    [id, next, reason],
  );
}

/** A queued job's place among the queued jobs of its kind (1 = next), or null when it is not queued. */
export async function queuePosition(db: Queryable, id: string): Promise<number | null> {
  const { rows } = await db.query<{ position: number }>(
    `SELECT count(*)::int AS position FROM job q, job me
     WHERE me.id = $1 AND me.state = 'queued' AND q.state = 'queued' AND q.kind = me.kind AND q.created_at <= me.created_at`,
    [id],
  );
  return rows[0]?.position || null;
}

function isUuid(id: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
}
