/**
 * Long CPU work off the web server's event loop: full diagnostics and exports run in a small pool
 * of worker threads (thread.ts), each with its own database connections, so that record pages keep
 * being served while they run (a 300k-record diagnostics loop took the records page's p95 from
 * 306 ms to 1,238 ms when it ran on the event loop).
 *
 * - Jobs wait in one FIFO queue; a thread runs one job at a time. The pool starts threads as jobs
 *   need them, up to its size, and keeps them (a thread's start, which compiles the server code,
 *   costs ~0.5 s of CPU).
 * - Abort (the request's signal, which Next aborts when the client goes away): a queued job leaves
 *   the queue; a running job is told to stop (its database reads end at once) and, if its thread
 *   is still busy `abortGraceMs` later (a CPU-bound phase that never looks at the signal), the
 *   thread is terminated. Either way the caller's promise rejects at once with the abort reason.
 * - Threads run at a lower CPU priority than the event loop (thread.ts), and are unref'd while
 *   idle, so they never keep a CLI or test process alive.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { SHARE_ENV, Worker } from "node:worker_threads";
import type { LongJob, LongJobResult } from "./jobs";
import type { ThreadReply, ThreadRequest } from "./protocol";

export interface LongWorkOptions {
  /** Threads at most: one per core beyond the first, at most two (the event loop keeps a core). */
  poolSize: number;
  /** How long an aborted job's thread may take to stop by itself before it is terminated. */
  abortGraceMs: number;
}

const options: LongWorkOptions = {
  poolSize: Math.max(1, Math.min(2, (os.availableParallelism?.() ?? os.cpus().length) - 1)),
  abortGraceMs: 250,
};

export function configureLongWork(changes: Partial<LongWorkOptions>): LongWorkOptions {
  Object.assign(options, changes);
  return { ...options };
}

/** The job's thread stopped (a crash, out of memory) before answering. */
export class LongWorkLost extends Error {
  constructor(detail: string) {
    super(`the long-work thread stopped: ${detail}`);
    this.name = "LongWorkLost";
  }
}

interface Job {
  id: number;
  url: string;
  job: LongJob;
  resolve(result: unknown): void;
  reject(error: unknown): void;
  /** Set once the caller's promise is settled (abort): the reply, if any, only frees the thread. */
  settled: boolean;
}

/** Counts for tests: threads started, and terminated because an aborted job did not stop. */
export const longWorkStats = { started: 0, terminated: 0 };

let nextId = 1;
const queue: Job[] = [];
const threads: LongWorkThread[] = [];

class LongWorkThread {
  current: Job | undefined;
  private readonly worker: Worker;
  private stopped = false;

  constructor() {
    // execArgv: [] so the thread does not inherit the parent's loaders or test-runner flags;
    // worker-entry.cjs brings its own TypeScript support. SHARE_ENV: the thread reads the
    // server's settings (env) as they are now, not as they were when it started.
    this.worker = new Worker(entryPath(), { execArgv: [], env: SHARE_ENV });
    this.worker.unref();
    this.worker.on("message", (reply: ThreadReply) => this.onReply(reply));
    this.worker.on("error", (error) => this.stop(new LongWorkLost(`${error.name}: ${error.message}`)));
    this.worker.on("exit", (code) => this.stop(new LongWorkLost(`exited with code ${code}`)));
    longWorkStats.started += 1;
  }

  run(job: Job): void {
    this.current = job;
    this.worker.ref();
    this.worker.postMessage({ type: "run", id: job.id, url: job.url, job: job.job } satisfies ThreadRequest);
  }

  /** Asks the running job to stop; terminates the thread if it is still on that job after the grace time. */
  abort(job: Job): void {
    this.worker.postMessage({ type: "abort", id: job.id } satisfies ThreadRequest);
    setTimeout(() => {
      if (this.current === job && !this.stopped) {
        longWorkStats.terminated += 1;
        this.stop(null);
      }
    }, options.abortGraceMs).unref();
  }

  /** Removes the thread from the pool; its running job, if any and not settled, rejects with `error`. */
  stop(error: Error | null): void {
    if (this.stopped) return;
    this.stopped = true;
    const index = threads.indexOf(this);
    if (index >= 0) threads.splice(index, 1);
    void this.worker.terminate().catch(() => {});
    const job = this.current;
    this.current = undefined;
    if (job && !job.settled) {
      job.settled = true;
      job.reject(error ?? new LongWorkLost("terminated"));
    }
    pump();
  }

  private onReply(reply: ThreadReply): void {
    const job = this.current;
    if (!job || job.id !== reply.id) return;
    this.current = undefined;
    this.worker.unref();
    if (!job.settled) {
      job.settled = true;
      if (reply.ok) job.resolve(reply.result);
      else job.reject(Object.assign(new Error(reply.error.message), { name: reply.error.name }));
    }
    pump();
  }
}

/**
 * Runs `job` in a long-work thread against the database at `url`. Rejects with the signal's reason
 * as soon as it aborts; errors come back with their name and message (the thread's error classes
 * do not cross).
 */
export function runLongWork<J extends LongJob>(job: J, url: string, signal?: AbortSignal): Promise<LongJobResult<J>> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const entry: Job = { id: nextId++, url, job, resolve: resolve as Job["resolve"], reject, settled: false };
    signal?.addEventListener(
      "abort",
      () => {
        if (entry.settled) return;
        entry.settled = true;
        reject(signal.reason);
        const queued = queue.indexOf(entry);
        if (queued >= 0) queue.splice(queued, 1);
        threads.find((thread) => thread.current === entry)?.abort(entry);
      },
      { once: true },
    );
    queue.push(entry);
    pump();
  });
}

function pump(): void {
  while (queue.length > 0) {
    let thread = threads.find((t) => !t.current);
    if (!thread && threads.length < options.poolSize) threads.push((thread = new LongWorkThread()));
    if (!thread) return;
    thread.run(queue.shift()!);
  }
}

/** What the pool is doing now (tests, diagnostics). */
export function longWorkState(): { threads: number; running: number; queued: number } {
  return { threads: threads.length, running: threads.filter((t) => t.current).length, queued: queue.length };
}

/** Terminates every thread (jobs still running reject). For tests and a clean shutdown. */
export function shutdownLongWork(): void {
  for (const thread of [...threads]) thread.stop(new LongWorkLost("the long-work threads were shut down"));
}

/**
 * worker-entry.cjs as a real file: next to this module when it runs from source (tsx, vitest),
 * else under the working directory (`next start` runs from the project root; Next's bundle of this
 * module does not sit next to its source).
 */
function entryPath(): string {
  const candidates = [
    typeof __dirname === "string" ? path.join(/*turbopackIgnore: true*/ __dirname, "worker-entry.cjs") : undefined,
    path.join(/*turbopackIgnore: true*/ process.cwd(), "server", "long-work", "worker-entry.cjs"),
  ];
  const found = candidates.find((file): file is string => file !== undefined && fs.existsSync(file));
  if (!found) throw new Error("cannot find server/long-work/worker-entry.cjs");
  return found;
}
