/**
 * A training job's worker events in the database (`job_event`), so that a page or the CLI follows a
 * job from PostgreSQL alone, across web-server restarts. Every event is kept except `progress`,
 * which arrives after every optimizer step: it is thinned to one a second, and the last one before
 * any other event (and at the end) is always kept, so the stored stream ends on the true step.
 * `seq` counts up across a job's attempts (a resumed run continues the numbering).
 */
import type pg from "pg";
import type { TrainerEvent } from "./events";

type Queryable = Pick<pg.Pool, "query">;

/** Progress events stored at most this often. */
const PROGRESS_EVERY_MS = 1000;

export interface StoredJobEvent {
  seq: number;
  /** ISO 8601, as the worker stamped the event. */
  time: string;
  event: TrainerEvent;
}

export interface JobEventRecorder {
  record(event: TrainerEvent): void;
  /** Writes what is pending (the last progress) and waits for every write. */
  close(): Promise<void>;
}

/** Records a job's events from the next free seq on; writes are queued in order, one INSERT each. */
export async function openJobEventRecorder(db: Queryable, jobId: string, onError: (error: Error) => void = () => {}): Promise<JobEventRecorder> {
  const { rows } = await db.query<{ next: number }>("SELECT coalesce(max(seq), 0) + 1 AS next FROM job_event WHERE job_id = $1", [jobId]);
  let seq = rows[0]!.next;
  let writing: Promise<void> = Promise.resolve();
  let pendingProgress: TrainerEvent | null = null;
  let lastProgressAt = 0;
  const write = (event: TrainerEvent) => {
    const values = [jobId, seq++, event.time, JSON.stringify(event)];
    writing = writing.then(() => db.query("INSERT INTO job_event (job_id, seq, time, event) VALUES ($1, $2, $3, $4)", values)).then(
      () => {},
      (error: Error) => onError(error),
    );
  };
  const flushProgress = () => {
    if (pendingProgress) write(pendingProgress);
    pendingProgress = null;
  };
  return {
    record(event) {
      if (event.event !== "progress") {
        flushProgress();
        write(event);
        return;
      }
      const now = Date.now();
      if (now - lastProgressAt >= PROGRESS_EVERY_MS) {
        pendingProgress = null;
        lastProgressAt = now;
        write(event);
      } else {
        pendingProgress = event;
      }
    },
    async close() {
      flushProgress();
      await writing;
    },
  };
}

/** A job's stored events after the cursor `after` (a seq; 0 or unset: from the first), in order. */
export async function listJobEvents(db: Queryable, jobId: string, query: { after?: number; limit: number }): Promise<StoredJobEvent[]> {
  const { rows } = await db.query<StoredJobEvent>(
    `SELECT seq, to_json(time) #>> '{}' AS time, event FROM job_event WHERE job_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
    [jobId, query.after ?? 0, query.limit],
  );
  return rows;
}

/** A job's latest stored event of one kind (its last metrics, its started event), or null. */
export async function latestJobEvent<Name extends TrainerEvent["event"]>(db: Queryable, jobId: string, name: Name): Promise<(StoredJobEvent & { event: Extract<TrainerEvent, { event: Name }> }) | null> {
  const { rows } = await db.query(
    `SELECT seq, to_json(time) #>> '{}' AS time, event FROM job_event WHERE job_id = $1 AND event ->> 'event' = $2 ORDER BY seq DESC LIMIT 1`,
    [jobId, name],
  );
  return rows[0] ?? null;
}

/**
 * The `metrics` events of several jobs (Compare's curves), in seq order per job, at most `limit`
 * per job.
 */
export async function listMetricsEvents(db: Queryable, jobIds: readonly string[], limit: number): Promise<Map<string, StoredJobEvent[]>> {
  const { rows } = await db.query<StoredJobEvent & { jobId: string }>(
    `SELECT e.job_id AS "jobId", e.seq, to_json(e.time) #>> '{}' AS time, e.event
     FROM unnest($1::uuid[]) AS j(id), LATERAL (
       SELECT * FROM job_event WHERE job_id = j.id AND event ->> 'event' = 'metrics' ORDER BY seq LIMIT $2
     ) e`,
    [jobIds, limit],
  );
  const byJob = new Map<string, StoredJobEvent[]>(jobIds.map((id) => [id, []]));
  for (const { jobId, ...event } of rows) byJob.get(jobId)?.push(event);
  return byJob;
}
