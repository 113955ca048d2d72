/**
 * A worker: takes dispatched jobs from the queue, claims them in the `job` table, runs their
 * kind's handler, beats their heartbeat, and reaps jobs whose worker died. Any number of workers,
 * on this machine or others sharing DATABASE_URL, split the work; a job is claimed by exactly one.
 */
import crypto from "node:crypto";
import os from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import type { AnyJobKind, JobProgress } from "./kind";
import { JobFailure, retryDelaySeconds } from "./kind";
import { JobQueue, type DispatchData } from "./queue";
import { beat, beatWorker, claimJob, finishJob, removeWorker, requeueJob, setDataset, setPhase, setProgress, type JobRow } from "./store";

export interface WorkerOptions {
  /** Jobs of heavy kinds (training) run at most this many at a time. */
  heavySlots: number;
  /** Jobs of light kinds (imports, index builds). */
  lightSlots: number;
  /** A running job whose heartbeat is older than this is its dead worker's: retried or failed. */
  staleSeconds: number;
  /** Seconds between polls of an idle slot. */
  pollSeconds?: number;
  log?: (line: string) => void;
  /**
   * Runs this job only, in one slot whatever its weight (`studio train --wait` on a machine where
   * no worker runs): claimed straight from the job table whenever it is queued, so the dispatches
   * of other jobs stay in the queue for other workers. Such a worker is not counted as live.
   */
  onlyJob?: string;
}

/** A handler that ends because its job was cancelled or its worker is stopping. */
class Interrupted extends Error {}

interface Running {
  job: JobRow;
  controller: AbortController;
  /** Why the controller was aborted. */
  reason: "cancel" | "stop" | "lost" | null;
}

export class JobWorker {
  readonly id = `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString("hex")}`;
  private readonly running = new Map<string, Running>();
  private readonly loops: Promise<void>[] = [];
  private readonly timers: NodeJS.Timeout[] = [];
  private stopping = false;
  private readonly wake = new AbortController();
  private readonly log: (line: string) => void;

  constructor(
    readonly queue: JobQueue,
    readonly options: WorkerOptions,
  ) {
    this.log = options.log ?? (() => {});
  }

  start(): void {
    const kinds = [...this.queue.kinds.values()];
    const heavy = kinds.filter((kind) => kind.weight === "heavy");
    const light = kinds.filter((kind) => kind.weight === "light");
    if (this.options.onlyJob !== undefined) {
      this.loops.push(this.onlyJobLoop(this.options.onlyJob));
    } else {
      for (let slot = 0; slot < this.options.heavySlots && heavy.length; slot++) this.loops.push(this.slotLoop(heavy, slot));
      for (let slot = 0; slot < this.options.lightSlots && light.length; slot++) this.loops.push(this.slotLoop(light, slot));
      void this.register().catch((error) => this.log(`registering: ${error.message}`));
    }
    // A beat every quarter of the stale time: a live job is never taken for dead, and a dead
    // worker's job is noticed within 1.25 × staleSeconds.
    const every = Math.max(250, (this.options.staleSeconds * 1000) / 4);
    this.timers.push(setInterval(() => void this.heartbeat().catch((error) => this.log(`heartbeat: ${error.message}`)), every));
    this.timers.push(setInterval(() => void this.reap().catch((error) => this.log(`reaper: ${error.message}`)), every));
    void this.reap().catch(() => {});
    this.log(`worker ${this.id}: ${this.options.heavySlots} heavy and ${this.options.lightSlots} light slots`);
  }

  /** Stops taking jobs; running ones are interrupted and queued again without losing an attempt. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.wake.abort();
    for (const run of this.running.values()) this.interrupt(run, "stop");
    await Promise.allSettled(this.loops);
    this.timers.forEach(clearInterval);
    if (this.options.onlyJob === undefined) await removeWorker(this.queue.db.pool, this.id).catch(() => {});
  }

  /** This worker's row in job_worker: what tells `studio train --wait` that a worker will take its job. */
  private register(): Promise<void> {
    return beatWorker(this.queue.db.pool, { id: this.id, heavySlots: this.options.heavySlots, lightSlots: this.options.lightSlots });
  }

  private async onlyJobLoop(jobId: string): Promise<void> {
    const pollMs = (this.options.pollSeconds ?? 1) * 1000;
    while (!this.stopping) {
      const job = await claimJob(this.queue.db.pool, jobId, this.id).catch((error: Error) => {
        this.log(`claiming ${jobId}: ${error.message}`);
        return null;
      });
      if (job) await this.runJob(this.queue.kind(job.kind), job);
      else await sleep(pollMs, undefined, { signal: this.wake.signal }).catch(() => {});
    }
  }

  get busy(): number {
    return this.running.size;
  }

  private async slotLoop(kinds: AnyJobKind[], slot: number): Promise<void> {
    const pollMs = (this.options.pollSeconds ?? 1) * 1000;
    let turn = slot;
    while (!this.stopping) {
      let ran = false;
      // Each round starts from the next kind, so that one busy kind does not starve the others.
      for (let i = 0; i < kinds.length && !this.stopping; i++) {
        const kind = kinds[(turn + i) % kinds.length]!;
        const job = await this.take(kind).catch((error: Error) => {
          this.log(`fetching ${kind.name}: ${error.message}`);
          return null;
        });
        if (!job) continue;
        ran = true;
        await this.runJob(kind, job);
        break;
      }
      turn++;
      if (!ran) await sleep(pollMs, undefined, { signal: this.wake.signal }).catch(() => {});
    }
  }

  /** The next dispatch of this kind, claimed; dispatches of jobs no longer queued are dropped. */
  private async take(kind: AnyJobKind): Promise<JobRow | null> {
    for (;;) {
      const [dispatch] = await this.queue.boss.fetch<DispatchData>(kind.name, { batchSize: 1 });
      if (!dispatch) return null;
      const job = await claimJob(this.queue.db.pool, dispatch.data.jobId, this.id);
      // The claim is the job's ownership; the dispatch has done its work either way.
      await this.queue.boss.complete(kind.name, dispatch.id);
      if (job) return job;
    }
  }

  private async runJob(kind: AnyJobKind, job: JobRow): Promise<void> {
    const pool = this.queue.db.pool;
    const run: Running = { job, controller: new AbortController(), reason: null };
    this.running.set(job.id, run);
    const progress = throttled(250, (value: JobProgress) => setProgress(pool, job.id, this.id, value));
    let phases: Promise<void> = Promise.resolve();
    this.log(`${kind.name} ${job.id}: attempt ${job.attempts} of ${job.maxAttempts}`);
    try {
      const payload = kind.payload.parse(job.payload);
      const result = await kind.run(payload, {
        id: job.id,
        attempt: job.attempts,
        db: this.queue.db,
        signal: run.controller.signal,
        progress: progress.call,
        // In call order: a handler may fire phases without awaiting them (a training run's events).
        phase: (phase) => (phases = phases.catch(() => {}).then(() => setPhase(pool, job.id, this.id, phase))),
        setDataset: (datasetId) => setDataset(pool, job.id, this.id, datasetId),
        enqueue: async (next, nextPayload) => void (await this.queue.enqueue(next, nextPayload)),
      });
      await progress.flush();
      if (run.reason === "cancel") {
        await finishJob(pool, job.id, this.id, { state: "cancelled", error: "cancelled", result });
        this.log(`${kind.name} ${job.id}: cancelled`);
        return;
      }
      if (run.reason) throw new Interrupted();
      await finishJob(pool, job.id, this.id, { state: "succeeded", result });
      this.log(`${kind.name} ${job.id}: succeeded`);
    } catch (error) {
      await progress.flush().catch(() => {});
      await this.settleFailure(kind, job, run, error as Error);
    } finally {
      this.running.delete(job.id);
    }
  }

  private async settleFailure(kind: AnyJobKind, job: JobRow, run: Running, error: Error): Promise<void> {
    const pool = this.queue.db.pool;
    if (run.reason === "lost") return; // reaped: another worker or the reaper owns it now
    if (run.reason === "cancel") {
      await finishJob(pool, job.id, this.id, { state: "cancelled", error: "cancelled" });
      this.log(`${kind.name} ${job.id}: cancelled`);
      return;
    }
    if (run.reason === "stop") {
      if (kind.notResumable) {
        await finishJob(pool, job.id, this.id, { state: "failed", error: kind.notResumable });
      } else if (await requeueJob(pool, job.id, this.id, "its worker stopped; queued again", false)) {
        await this.queue.dispatch(pool, job.id, kind.name, 0);
      }
      return;
    }
    const message = error.message || String(error);
    if (kind.retry.retryFailures !== false && job.attempts < job.maxAttempts) {
      const delay = retryDelaySeconds(kind.retry, job.attempts);
      if (await requeueJob(pool, job.id, this.id, `attempt ${job.attempts} failed: ${message}`, true)) await this.queue.dispatch(pool, job.id, kind.name, delay);
      this.log(`${kind.name} ${job.id}: attempt ${job.attempts} failed (${message}); retrying in ${delay} s`);
    } else {
      await finishJob(pool, job.id, this.id, { state: "failed", error: message, errorDetail: error instanceof JobFailure ? error.detail : null });
      this.log(`${kind.name} ${job.id}: failed: ${message}`);
    }
  }

  private interrupt(run: Running, reason: "cancel" | "stop" | "lost"): void {
    if (run.reason) return;
    run.reason = reason;
    run.controller.abort(new Interrupted(reason));
  }

  private async heartbeat(): Promise<void> {
    if (this.options.onlyJob === undefined) await this.register();
    if (this.running.size === 0) return;
    const owned = await beat(this.queue.db.pool, this.id);
    for (const [id, run] of this.running) {
      const row = owned.get(id);
      if (!row) this.interrupt(run, "lost");
      else if (row.cancelRequested) this.interrupt(run, "cancel");
    }
  }

  private async reap(): Promise<void> {
    if (this.stopping) return;
    for (const job of await this.queue.reapStaleJobs(this.options.staleSeconds)) this.log(`${job.kind} ${job.id}: its worker ${job.workerId} stopped answering`);
  }
}

/** Calls `fn` at most once per `ms` with the latest value; `flush` writes the last one. */
function throttled<T>(ms: number, fn: (value: T) => Promise<void>) {
  let last = 0;
  let pending: T | undefined;
  let writing: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | null = null;
  const write = () => {
    timer = null;
    if (pending === undefined) return;
    const value = pending;
    pending = undefined;
    last = Date.now();
    writing = writing.then(() => fn(value)).catch(() => {});
  };
  return {
    call(value: T) {
      pending = value;
      if (timer) return;
      timer = setTimeout(write, Math.max(0, last + ms - Date.now()));
    },
    async flush() {
      if (timer) clearTimeout(timer);
      write();
      await writing;
    },
  };
}
