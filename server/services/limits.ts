/**
 * Per-person limits, so that one account cannot starve the others: live previews and full
 * diagnostics running at once (counted in this web server's memory: they are requests, and the web
 * server is one process), and training jobs queued or running (counted in the job table, by the
 * payload's requestedBy, since they outlive requests and restarts). Past a limit the request is
 * refused at once with TooManyRequestsError (tRPC TOO_MANY_REQUESTS, HTTP 429), naming the limit and
 * the variable that raises it; nothing waits in line. In-process callers (the CLI's embedded mode,
 * benchmarks) are no account and have no limits.
 */
import type pg from "pg";
import { env } from "../env";

export type ConcurrentKind = "preview" | "diagnostics";

const LIMITS = {
  preview: { variable: "STUDIO_USER_MAX_PREVIEWS", noun: "previews" },
  diagnostics: { variable: "STUDIO_USER_MAX_DIAGNOSTICS", noun: "diagnostics" },
  training: { variable: "STUDIO_USER_MAX_TRAINING_JOBS", noun: "training jobs queued or running" },
} as const;

export class TooManyRequestsError extends Error {
  constructor(readonly kind: keyof typeof LIMITS, readonly limit: number) {
    const { variable, noun } = LIMITS[kind];
    super(`You already have ${limit} ${noun}, the most one person may have at once (${variable}); wait for one to finish.`);
    this.name = "TooManyRequestsError";
  }
}

/** Who is counted: a person's id; null (in-process callers) is not. */
export type LimitedUser = { id: string } | null;

const running = new Map<string, number>();

/** Runs `work` in one of the person's slots of `kind`, or refuses at once when they hold them all. */
export async function withUserSlot<T>(kind: ConcurrentKind, userId: string | null, work: () => Promise<T>): Promise<T> {
  if (userId === null) return work();
  const key = `${kind}\0${userId}`;
  const limit = env[LIMITS[kind].variable];
  const held = running.get(key) ?? 0;
  if (held >= limit) throw new TooManyRequestsError(kind, limit);
  running.set(key, held + 1);
  try {
    return await work();
  } finally {
    const left = (running.get(key) ?? 1) - 1;
    if (left === 0) running.delete(key);
    else running.set(key, left);
  }
}

/** The training jobs `userId` has queued or running. */
export async function activeTrainingJobs(pool: Pick<pg.Pool, "query">, userId: string): Promise<number> {
  const { rows } = await pool.query<{ count: number }>(
    "SELECT count(*)::int AS count FROM job WHERE kind = 'training' AND state IN ('queued', 'running') AND payload ->> 'requestedBy' = $1",
    [userId],
  );
  return rows[0]!.count;
}

/** One start at a time per person, so two starts at once cannot both pass the count. */
const starting = new Map<string, Promise<unknown>>();

/**
 * Queues a training job for `userId` through `enqueue` (which must record requestedBy), or refuses
 * when they already have STUDIO_USER_MAX_TRAINING_JOBS queued or running.
 */
export async function withTrainingJobSlot<T>(pool: Pick<pg.Pool, "query">, userId: string | null, enqueue: () => Promise<T>): Promise<T> {
  if (userId === null) return enqueue();
  const previous = starting.get(userId) ?? Promise.resolve();
  const turn = previous.catch(() => {}).then(async () => {
    const limit = env.STUDIO_USER_MAX_TRAINING_JOBS;
    if ((await activeTrainingJobs(pool, userId)) >= limit) throw new TooManyRequestsError("training", limit);
    return enqueue();
  });
  starting.set(userId, turn);
  try {
    return await turn;
  } finally {
    if (starting.get(userId) === turn) starting.delete(userId);
  }
}
