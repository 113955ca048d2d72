/**
 * The main thread's side of the sandbox workers: a small pool of long-lived worker threads
 * (sandbox-worker.ts) that run every formatting function, so that the main thread never executes
 * user code and keeps serving while a function loops or allocates.
 *
 * - Requests to a worker are queued here and sent one at a time; the worker handles a whole batch
 *   of records per request.
 * - Watchdog (the backstop): each sandbox enforces its time limit itself, inside the worker. While
 *   a request is in flight the main thread also watches the worker's heartbeat (protocol.ts); an
 *   entry into QuickJS that outlives its budget by `backstopMarginMs` means the deadline did not
 *   work (a native call that never polls it, a bug), and the worker is terminated. A worker that
 *   dies on its own (out of memory, a crash) is handled the same way. Either way every request
 *   given to it is answered with WorkerLost and the next request starts a fresh worker.
 * - Placement: a new sandbox goes to an idle worker if there is one, else to a new worker while the
 *   pool is below its size, else to the least busy one. A sandbox stays in its worker (its wasm
 *   instance lives there); remote-sandbox.ts recreates it elsewhere if that worker is replaced.
 * - Workers are unref'd while idle, so they never keep a CLI process alive.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Worker } from "node:worker_threads";
import { HEARTBEAT, type WorkerReply, type WorkerRequest } from "./protocol";

export interface SandboxWorkerOptions {
  /** How many worker threads at most; default min(2, available cores). */
  poolSize: number;
  /** How long past an entry's own budget the watchdog waits before replacing the worker. */
  backstopMarginMs: number;
  /** How often the watchdog looks at the heartbeat while a request is in flight. */
  watchdogIntervalMs: number;
  /**
   * Each worker's native stack (Node's default for workers: 4 MiB, the main thread has ~1 MiB).
   * Recursion inside QuickJS also uses native stack; with 4 MiB QuickJS's own stack limit trips
   * first, so deep recursion is an ordinary "maximum call stack size" error, not an engine crash.
   */
  stackSizeMb: number;
  /**
   * The scheduling quantum: a worker runs one request's records for about this long, then the
   * requests queued behind it get their turn (remote-sandbox.ts). A single record can still take
   * up to its own time limit.
   */
  sliceMs: number;
}

const options: SandboxWorkerOptions = {
  poolSize: Math.max(1, Math.min(2, os.availableParallelism?.() ?? os.cpus().length)),
  backstopMarginMs: 2000,
  watchdogIntervalMs: 50,
  stackSizeMb: 4,
  sliceMs: 50,
};

/**
 * Tunes the pool (tests use a negative margin to exercise the backstop). Margins apply to requests
 * sent afterwards, the stack size to workers started afterwards.
 */
export function configureSandboxWorkers(changes: Partial<SandboxWorkerOptions>): SandboxWorkerOptions {
  Object.assign(options, changes);
  return { ...options };
}

/** A request that got no answer because its worker was terminated or died. */
export class WorkerLost extends Error {
  constructor(
    /** timeout: the watchdog stopped a call that outlived its budget; crash: the worker died by itself. */
    readonly reason: "timeout" | "crash",
    readonly detail: string,
    /** Whether this request was the one running when the worker was lost (not one queued behind it). */
    readonly running: boolean,
    /** For a running call request: the index in its batch of the record being formatted, else -1. */
    readonly item: number,
  ) {
    super(`sandbox worker lost (${reason}): ${detail}`);
    this.name = "WorkerLost";
  }
}

type Outgoing = Exclude<WorkerRequest, { type: "dispose" }>;
type Body<T> = T extends Outgoing ? Omit<T, "requestId"> : never;

interface Pending {
  message: Outgoing;
  resolve(reply: WorkerReply): void;
  reject(error: Error): void;
}

let nextRequestId = 1;
const workers: SandboxWorker[] = [];
/** Counts for tests and diagnostics. */
export const workerStats = { started: 0, replaced: 0 };

export class SandboxWorker {
  /** Sandboxes placed in this worker (for placement only). */
  sandboxes = 0;
  private readonly worker: Worker;
  private readonly heartbeat: Int32Array;
  private readonly queue: Pending[] = [];
  private current: Pending | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  private lost = false;

  constructor() {
    const shared = new SharedArrayBuffer(HEARTBEAT.LENGTH * Int32Array.BYTES_PER_ELEMENT);
    this.heartbeat = new Int32Array(shared);
    this.heartbeat[HEARTBEAT.ITEM] = -1;
    // execArgv: [] so the worker does not inherit the parent's loaders or test-runner flags;
    // worker-entry.cjs brings its own TypeScript support.
    this.worker = new Worker(workerEntryPath(), {
      workerData: { heartbeat: shared },
      execArgv: [],
      resourceLimits: { stackSizeMb: options.stackSizeMb },
    });
    this.worker.unref();
    this.worker.on("message", (reply: WorkerReply) => this.onReply(reply));
    this.worker.on("error", (error) => this.lose("crash", `${error.name}: ${error.message}`));
    this.worker.on("exit", (code) => this.lose("crash", `the sandbox worker exited with code ${code}`));
    workerStats.started += 1;
  }

  get alive(): boolean {
    return !this.lost;
  }

  /** Requests queued or running. */
  get busy(): number {
    return this.queue.length + (this.current ? 1 : 0);
  }

  /**
   * Queues a request. When `signal` aborts, a queued request is dropped and a running call
   * request is interrupted in the worker (HEARTBEAT.ABORT); either way the promise rejects with
   * the signal's reason, or, for a running one, resolves with the worker's `aborted` reply.
   */
  request<T extends Outgoing>(body: Body<T>, signal?: AbortSignal): Promise<WorkerReply> {
    return new Promise((resolve, reject) => {
      if (this.lost) {
        reject(new WorkerLost("crash", "the sandbox worker was already replaced", false, -1));
        return;
      }
      if (signal?.aborted) {
        reject(abortReason(signal));
        return;
      }
      const pending: Pending = { message: { ...body, requestId: nextRequestId++ } as Outgoing, resolve, reject };
      if (signal) {
        const onAbort = () => this.abort(pending, abortReason(signal));
        signal.addEventListener("abort", onAbort, { once: true });
        pending.resolve = (reply) => {
          signal.removeEventListener("abort", onAbort);
          resolve(reply);
        };
        pending.reject = (error) => {
          signal.removeEventListener("abort", onAbort);
          reject(error);
        };
      }
      this.queue.push(pending);
      this.pump();
    });
  }

  private abort(pending: Pending, reason: Error): void {
    const index = this.queue.indexOf(pending);
    if (index >= 0) {
      this.queue.splice(index, 1);
      pending.reject(reason);
    } else if (this.current === pending) {
      Atomics.store(this.heartbeat, HEARTBEAT.ABORT, pending.message.requestId);
    }
  }

  /** Fire and forget; handled after the requests already sent. */
  dispose(sandboxId: number): void {
    this.sandboxes = Math.max(0, this.sandboxes - 1);
    if (!this.lost) this.worker.postMessage({ type: "dispose", sandboxId } satisfies WorkerRequest);
  }

  /** Terminates the worker after the requests already given to it (or at once with `lose`). */
  async close(): Promise<void> {
    while (this.busy > 0 && !this.lost) await new Promise((resolve) => setTimeout(resolve, 10));
    this.lose("crash", "the sandbox workers were shut down", false);
  }

  /** Terminates the worker: every request given to it is rejected with WorkerLost. */
  lose(reason: WorkerLost["reason"], detail: string, replaced = true): void {
    if (this.lost) return;
    this.lost = true;
    this.stopWatchdog();
    const item = Atomics.load(this.heartbeat, HEARTBEAT.ITEM);
    const index = workers.indexOf(this);
    if (index >= 0) workers.splice(index, 1);
    if (replaced) workerStats.replaced += 1;
    void this.worker.terminate().catch(() => {});
    const current = this.current;
    this.current = undefined;
    current?.reject(new WorkerLost(reason, detail, true, current.message.type === "call" ? item : -1));
    for (const pending of this.queue.splice(0)) pending.reject(new WorkerLost(reason, detail, false, -1));
  }

  private pump(): void {
    if (this.current || this.lost) return;
    const next = this.queue.shift();
    if (!next) {
      this.worker.unref();
      return;
    }
    this.current = next;
    this.worker.ref();
    this.worker.postMessage(next.message);
    this.startWatchdog();
  }

  private onReply(reply: WorkerReply): void {
    const current = this.current;
    if (!current || reply.requestId !== current.message.requestId) return;
    this.current = undefined;
    this.stopWatchdog();
    current.resolve(reply);
    this.pump();
  }

  private startWatchdog(): void {
    this.stopWatchdog();
    let entries = -1;
    let since = 0;
    this.watchdog = setInterval(() => {
      const budget = Atomics.load(this.heartbeat, HEARTBEAT.BUDGET);
      const seen = Atomics.load(this.heartbeat, HEARTBEAT.ENTRIES);
      const now = performance.now();
      if (budget === 0 || seen !== entries) {
        entries = seen;
        since = now;
        return;
      }
      const allowed = Math.max(budget + options.backstopMarginMs, 1);
      if (now - since > allowed) this.lose("timeout", `a call ran past its ${budget} ms budget and did not stop`);
    }, options.watchdogIntervalMs);
    this.watchdog.unref();
  }

  private stopWatchdog(): void {
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = undefined;
  }
}

/**
 * Terminates every worker (their sandboxes are recreated on their next call, in new workers).
 * For tests, and for a clean shutdown.
 */
export async function shutdownSandboxWorkers(): Promise<void> {
  const all = workers.splice(0);
  await Promise.all(all.map((worker) => worker.close()));
}

/**
 * The worker for a new sandbox (see the placement rule above). `avoid`: a worker that already
 * holds a copy of the same function (a second copy is only useful elsewhere); undefined when only
 * that worker is possible.
 */
export function pickWorker(avoid?: SandboxWorker): SandboxWorker | undefined {
  const candidates = workers.filter((w) => w !== avoid && w.alive);
  const idle = candidates.filter((w) => w.busy === 0).sort((a, b) => a.sandboxes - b.sandboxes)[0];
  if (idle) return idle;
  if (workers.length < options.poolSize) {
    const worker = new SandboxWorker();
    workers.push(worker);
    return worker;
  }
  return [...candidates].sort((a, b) => a.busy - b.busy)[0];
}

/** How many worker threads the pool may run. */
export function sandboxPoolSize(): number {
  return options.poolSize;
}

/** The time slice of a call request (see SandboxWorkerOptions.sliceMs). */
export function sandboxSliceMs(): number {
  return options.sliceMs;
}

function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new DOMException("The formatting request was aborted", "AbortError");
}

/**
 * worker-entry.cjs as a real file: next to this module when it runs from source (tsx, vitest),
 * else under the working directory (`next start` runs from the project root, like the rest of
 * the server's paths; Next's bundle of this module does not sit next to its source).
 */
function workerEntryPath(): string {
  const candidates = [
    typeof __dirname === "string" ? path.join(/*turbopackIgnore: true*/ __dirname, "worker-entry.cjs") : undefined,
    path.join(/*turbopackIgnore: true*/ process.cwd(), "server", "training", "sandbox", "worker-entry.cjs"),
  ];
  const found = candidates.find((file): file is string => file !== undefined && fs.existsSync(file));
  if (!found) throw new Error(`cannot find the formatting sandbox's worker-entry.cjs (looked for ${candidates.filter(Boolean).join(", ")})`);
  return found;
}
