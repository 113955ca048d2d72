/**
 * A job kind: its name, its payload schema, its retry policy and its handler. One file per kind
 * under server/jobs/kinds/ (the shape of cal.com's tasker).
 */
import type { z } from "zod";
import type { Database } from "../db/client";

export interface JobProgress {
  done: number;
  total: number | null;
  /** What is counted: "rows", "steps", … */
  unit: string;
}

export interface JobContext {
  id: string;
  /** 1 on the first run. */
  attempt: number;
  db: Database;
  /** Aborted when a person cancels the job or the worker stops. */
  signal: AbortSignal;
  /** Written to the job row at most a few times a second; the last call always lands. */
  progress(progress: JobProgress): void;
  phase(phase: string): Promise<void>;
  /** Names the dataset the job concerns once it knows it (an import, after creating it). */
  setDataset(datasetId: number): Promise<void>;
  /** Queues a follow-up job (an import queues its dataset's index build). */
  enqueue<Payload>(kind: JobKind<Payload>, payload: Payload): Promise<void>;
}

export interface RetryPolicy {
  /** Runs in all, the first included. */
  attempts: number;
  /** Seconds before a retry; doubled after each failure when `backoff`. */
  delaySeconds: number;
  backoff?: boolean;
  /**
   * Whether a run that failed (its handler threw) is run again. Default true. False: only a run
   * whose worker died or stopped is run again (a training run resumes from its checkpoint; its
   * own failure is a person's to look at).
   */
  retryFailures?: boolean;
}

/** A failure whose detail (a traceback) the job keeps beside its message. */
export class JobFailure extends Error {
  constructor(
    message: string,
    readonly detail: string | null,
  ) {
    super(message);
  }
}

export interface JobKind<Payload = unknown, Result = unknown> {
  name: string;
  payload: z.ZodType<Payload>;
  retry: RetryPolicy;
  /** Heavy kinds (training) share the worker's heavy slots (1 by default); the rest its light slots. */
  weight: "heavy" | "light";
  /** The dataset a payload concerns, shown on the jobs page. */
  datasetId?(payload: Payload): number | null;
  /**
   * Why a job of this kind that was running when its worker died is not retried, in words a
   * person reads ("the studio stopped during the import"). Unset: the retry policy applies.
   */
  notResumable?: string;
  run(payload: Payload, context: JobContext): Promise<Result>;
}

export function defineJobKind<Payload, Result>(kind: JobKind<Payload, Result>): JobKind<Payload, Result> {
  return kind;
}

export function retryDelaySeconds(policy: RetryPolicy, failedAttempt: number): number {
  return policy.backoff ? policy.delaySeconds * 2 ** (failedAttempt - 1) : policy.delaySeconds;
}

/** A kind of any payload: what registries and workers hold (each run parses its own payload). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyJobKind = JobKind<any, unknown>;
