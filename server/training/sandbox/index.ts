/**
 * Runs user-written formatting functions (Argilla's `formatting_func`, in JavaScript or
 * TypeScript) once per record, on the record's plain-JSON `sample`.
 *
 * Design:
 * - Isolation: the code runs in QuickJS compiled to WebAssembly, in its own wasm instance per
 *   sandbox (engine-modules.ts). The realm has the ECMAScript built-ins and a no-op `console`,
 *   nothing else: no require/import, process, fetch, timers or file system. No host object or
 *   function is ever handed in: samples go in as bytes of QuickJS's own serialisation, decoded
 *   in C a run of records at a time (sample-encoding.ts), and each result comes out as a JSON
 *   string (or, for a plain string result, the string itself: driver.ts).
 * - Limits: each call runs under a deadline (the interrupt handler, polled adaptively so slow
 *   native calls in a loop cannot hide it: deadline.ts), the instance's heap under a hard cap
 *   (its WebAssembly.Memory; QuickJS's own limit does not hold under Emscripten) and QuickJS under
 *   a stack limit. Built-ins whose native loops never check the deadline are length-guarded and
 *   results are depth-limited inside the sandbox (driver.ts).
 * - Reuse: one runtime + context serves every record, because a fresh context per call costs
 *   ~0.5 ms (< 2k calls/s). That is safe because the driver freezes every built-in and the global
 *   object before user code runs, so nothing a call does to them (`Object.prototype.x = 1`
 *   throws) reaches the next record or the host. The user's own top-level variables do persist
 *   between records, like module state in Python. After a timeout or memory error the runtime is
 *   rebuilt on the next call; after an engine crash the wasm instance is replaced too
 *   (formatting-sandbox.ts).
 * - Threads: the main thread never runs user code. Sandboxes live in a small pool of worker
 *   threads (worker-pool.ts, sandbox-worker.ts); a call sends a whole batch of records in one
 *   message. The limits above are enforced inside the worker; as a backstop the main thread
 *   terminates and replaces a worker whose call outlives its budget by a margin (a native call
 *   that never polls the deadline, say), and the record gets a timeout error. So `call` is
 *   asynchronous and the server keeps serving while a function loops.
 * - Caching: with `cache: true` (the live preview) the loaded sandbox is kept after dispose() in a
 *   small LRU keyed by source, language, function name and limits, and handed to the next request
 *   for the same function (cache.ts). Its top-level state carries over between those requests,
 *   like a Python module's; one that hit a time or memory limit is never kept.
 * - Bounds (SANDBOX_LIMITS): at most `maxLiveSandboxes` sandboxes exist at once, cached ones
 *   included, and their wasm memories (each up to its memory limit plus the engine's 16 MiB) add up
 *   to at most `memoryBudgetBytes`. A new sandbox that does not fit first evicts cached ones, least
 *   recently used first, then waits for a request to finish (first come, first served; abortable).
 *   A disposed sandbox's memory is returned to the system: its worker collects it (sandbox-worker.ts).
 * - Sharing the workers: each request (a sandbox handle) may run the function for `cpuBudgetMs` in
 *   all; after that the rest of its records get an error naming the budget and the record reached.
 *   A worker runs requests in time slices (50 ms, worker-pool.ts), round robin, so a short
 *   request is served while a long one runs. A large batch (prepare) is split between two copies of
 *   the function in two workers; each copy has its own top-level state then. An AbortSignal stops
 *   a request's work at once, interrupting the record that is running.
 * - Source handling: esbuild strips types and rewrites export/import (source.ts, on the main
 *   thread: it only parses); choose-function.ts decides which function gets called.
 */
import { SandboxCache } from "./cache";
import type { VmLimits } from "./driver-vm";
import { BASE_MEMORY_BYTES } from "./protocol";
import { RemoteSandbox, type CallOutcome, type CpuBudget, type FormattingInput } from "./remote-sandbox";
import { prepareSource } from "./source";
import type { FormattingLanguage, FormattingResult } from "./types";
import { sandboxPoolSize } from "./worker-pool";

export { FormattingFunctionError, type FormattingErrorKind } from "./errors";
export type { CallOutcome, FormattingInput } from "./remote-sandbox";
export { configureSandboxWorkers, type SandboxWorkerOptions } from "./worker-pool";
export type { FormattingLanguage, FormattingResult } from "./types";

export interface SandboxLimits {
  /** Per call (and for the code's top level, once). Default 1000 ms. */
  timeoutMs?: number;
  /** For the whole QuickJS runtime, built-ins included. Default 64 MiB. */
  memoryBytes?: number;
}

export interface FormattingSandbox {
  /**
   * Calls the function on one sample and returns its result as plain JSON data: undefined
   * becomes null (also inside objects and arrays), a returned generator or iterator is drained
   * into `items`. An async function's Promise is awaited. Rejects with FormattingFunctionError.
   */
  call(sample: unknown, recordLabel?: string): Promise<FormattingResult>;
  /**
   * Calls the function on each sample, in order, in one round trip to the sandbox's worker; one
   * outcome per input, never a rejection for a record's error. After a timeout the rest of the
   * batch is not run (each of those gets an error saying so); with `stopAtFirstError` nothing after
   * the first error is. Rejects with the signal's reason when `signal` (or the one given at
   * creation) aborts.
   */
  callMany(inputs: readonly FormattingInput[], options?: { stopAtFirstError?: boolean; signal?: AbortSignal }): Promise<CallOutcome[]>;
  /** Frees the sandbox (or, when it came from the cache, returns it there). */
  dispose(): void;
}

export const DEFAULT_LIMITS: Required<SandboxLimits> = { timeoutMs: 1000, memoryBytes: 64 * 1024 * 1024 };

export interface CreateSandboxOptions {
  language?: FormattingLanguage;
  limits?: SandboxLimits;
  functionName?: string;
  /** Reuse a loaded sandbox for the same function, and keep this one for the next request after dispose(). */
  cache?: boolean;
  /** CPU time this request may spend in the function, all calls together; default SANDBOX_LIMITS.cpuBudgetMs. */
  cpuBudgetMs?: number;
  /** Stops waiting for a sandbox, loading it, and every call of this request. */
  signal?: AbortSignal;
}

export interface SandboxPoolLimits {
  /** Sandboxes that may exist at once, cached ones included. */
  maxLiveSandboxes: number;
  /** What their wasm memories may add up to (each counts its memory limit plus the engine's 16 MiB). */
  memoryBudgetBytes: number;
  /** Loaded functions the live preview keeps for its next requests. */
  cachedFunctions: number;
  /** Default CPU budget of one request, in ms. */
  cpuBudgetMs: number;
}

export const SANDBOX_LIMITS: Readonly<SandboxPoolLimits> = {
  maxLiveSandboxes: 12,
  memoryBudgetBytes: 1024 * 1024 * 1024,
  cachedFunctions: 8,
  cpuBudgetMs: 60_000,
};

/** A large batch is split between two copies of the function in two workers. */
const PARALLEL_MIN_RECORDS = 64;

const limits: SandboxPoolLimits = { ...SANDBOX_LIMITS };
const cache = new SandboxCache<RemoteSandbox>(limits.cachedFunctions);

/** Changes the bounds (tests); returns the ones now in force. */
export function configureSandboxLimits(changes: Partial<SandboxPoolLimits>): SandboxPoolLimits {
  Object.assign(limits, changes);
  cache.resize(limits.cachedFunctions);
  admission.pump();
  return { ...limits };
}

/** Hits, misses and size of the sandbox cache (for tests and diagnostics). */
export function sandboxCacheStats(): { hits: number; misses: number; size: number } {
  return cache.stats();
}

/**
 * Counts live sandboxes and the memory they may use, and makes new ones wait for room
 * (see "Bounds" above).
 */
class Admission {
  live = 0;
  reservedBytes = 0;
  peakLive = 0;
  peakReservedBytes = 0;
  private readonly waiters: { bytes: number; grant(release: () => void): void }[] = [];
  private pumping = false;

  get waiting(): number {
    return this.waiters.length;
  }

  /** Waits for room for a sandbox of `bytes`; returns its release function. */
  async acquire(bytes: number, signal: AbortSignal | undefined): Promise<() => void> {
    if (bytes > limits.memoryBudgetBytes) {
      throw new RangeError(
        `a formatting sandbox of ${formatMiB(bytes)} does not fit the sandboxes' memory budget of ${formatMiB(limits.memoryBudgetBytes)}`,
      );
    }
    signal?.throwIfAborted();
    if (this.waiters.length === 0) {
      this.makeRoom(bytes);
      if (this.fits(bytes)) return this.take(bytes);
    }
    return new Promise<() => void>((resolve, reject) => {
      const onAbort = () => {
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
        reject(signal!.reason);
      };
      const waiter = {
        bytes,
        grant: (release: () => void) => {
          signal?.removeEventListener("abort", onAbort);
          resolve(release);
        },
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  /** Room now, without evicting or waiting (a second copy is only worth it when it is free). */
  tryAcquire(bytes: number): (() => void) | undefined {
    return this.waiters.length === 0 && this.fits(bytes) ? this.take(bytes) : undefined;
  }

  /** Hands freed room to the waiters, in order, evicting cached sandboxes for them. */
  pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.waiters.length > 0) {
        const next = this.waiters[0]!;
        this.makeRoom(next.bytes);
        if (!this.fits(next.bytes)) return;
        this.waiters.shift();
        next.grant(this.take(next.bytes));
      }
    } finally {
      this.pumping = false;
    }
  }

  private fits(bytes: number): boolean {
    return this.live < limits.maxLiveSandboxes && this.reservedBytes + bytes <= limits.memoryBudgetBytes;
  }

  private makeRoom(bytes: number): void {
    while (!this.fits(bytes) && cache.evictOldest()) {
      // each eviction disposes a sandbox, which releases its room
    }
  }

  private take(bytes: number): () => void {
    this.live += 1;
    this.reservedBytes += bytes;
    this.peakLive = Math.max(this.peakLive, this.live);
    this.peakReservedBytes = Math.max(this.peakReservedBytes, this.reservedBytes);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.live -= 1;
      this.reservedBytes -= bytes;
      this.pump();
    };
  }
}

const admission = new Admission();

/** Live sandboxes (cached ones included), the memory they may use, and the highest both have been. */
export function sandboxPoolStats(): { live: number; reservedBytes: number; peakLive: number; peakReservedBytes: number; cached: number; waiting: number } {
  const { live, reservedBytes, peakLive, peakReservedBytes, waiting } = admission;
  return { live, reservedBytes, peakLive, peakReservedBytes, cached: cache.stats().size, waiting };
}

/** Starts the peaks afresh (tests). */
export function resetSandboxPoolPeaks(): void {
  admission.peakLive = admission.live;
  admission.peakReservedBytes = admission.reservedBytes;
}

function formatMiB(bytes: number): string {
  return `${Math.round(bytes / (1024 * 1024))} MiB`;
}

/**
 * Compiles `source`, loads it into a sandbox and picks the function to call (rule in
 * choose-function.ts). Rejects with a FormattingFunctionError of kind "syntax", "not-a-function",
 * or, when the code's top level misbehaves, "throw", "timeout" or "memory".
 */
export async function createFormattingSandbox(source: string, options: CreateSandboxOptions = {}): Promise<FormattingSandbox> {
  const vmLimits = resolveLimits(options.limits);
  const language = options.language ?? "javascript";
  const cpuBudgetMs = options.cpuBudgetMs ?? limits.cpuBudgetMs;
  if (!(cpuBudgetMs > 0)) throw new RangeError(`sandbox cpuBudgetMs must be a positive number, got ${cpuBudgetMs}`);
  const key = options.cache ? JSON.stringify([source, language, options.functionName ?? null, vmLimits.timeoutMs, vmLimits.memoryBytes]) : undefined;
  const cached = key === undefined ? undefined : cache.take(key);
  if (cached) return new SandboxHandle(cached, key, cpuBudgetMs, options.signal);
  const spec = { prepared: prepareSource(source, language), limits: vmLimits, functionName: options.functionName };
  const release = await admission.acquire(BASE_MEMORY_BYTES + vmLimits.memoryBytes, options.signal);
  const remote = new RemoteSandbox(spec, release);
  try {
    await remote.load(options.signal);
  } catch (error) {
    remote.dispose();
    throw error;
  }
  return new SandboxHandle(remote, key, cpuBudgetMs, options.signal);
}

class SandboxHandle implements FormattingSandbox {
  private disposed = false;
  private readonly budget: CpuBudget;
  /** A second copy of the function in another worker, for large batches; null once it could not be had. */
  private copy: RemoteSandbox | null | undefined;

  constructor(
    private readonly remote: RemoteSandbox,
    /** Where dispose() returns the sandbox, when it may be cached. */
    private readonly cacheKey: string | undefined,
    cpuBudgetMs: number,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.budget = { limitMs: cpuBudgetMs, spentMs: 0 };
  }

  async call(sample: unknown, recordLabel?: string): Promise<FormattingResult> {
    const [outcome] = await this.callMany([{ sample, recordLabel }]);
    if (!outcome!.ok) throw outcome!.error;
    return outcome!.result;
  }

  async callMany(inputs: readonly FormattingInput[], options: { stopAtFirstError?: boolean; signal?: AbortSignal } = {}): Promise<CallOutcome[]> {
    if (this.disposed) throw new Error("formatting sandbox used after dispose()");
    const signals = [this.signal, options.signal].filter((s): s is AbortSignal => s !== undefined);
    const callOptions = { stopAtFirstError: options.stopAtFirstError, budget: this.budget, signal: signals.length > 1 ? AbortSignal.any(signals) : signals[0] };
    const copy = inputs.length >= PARALLEL_MIN_RECORDS ? await this.secondCopy(callOptions.signal) : undefined;
    if (!copy) return this.remote.callMany(inputs, callOptions);
    const half = Math.ceil(inputs.length / 2);
    const [first, second] = await Promise.all([
      this.remote.callMany(inputs.slice(0, half), callOptions),
      copy.callMany(inputs.slice(half), callOptions),
    ]);
    return first.concat(second);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.copy?.dispose();
    // While other requests wait for room, a finished sandbox is freed rather than cached.
    if (this.cacheKey !== undefined && !this.remote.hitLimit && admission.waiting === 0) cache.put(this.cacheKey, this.remote);
    else this.remote.dispose();
  }

  /** The second copy, loaded into another worker, if the pool has one and there is room for it now. */
  private async secondCopy(signal: AbortSignal | undefined): Promise<RemoteSandbox | undefined> {
    if (this.copy === undefined) {
      this.copy = null;
      const release = sandboxPoolSize() >= 2 ? admission.tryAcquire(BASE_MEMORY_BYTES + this.remote.spec.limits.memoryBytes) : undefined;
      if (release) {
        const copy = new RemoteSandbox(this.remote.spec, release);
        try {
          await copy.load(signal, this.remote.placement);
          if (copy.placement && copy.placement !== this.remote.placement && !this.disposed) this.copy = copy;
          else copy.dispose();
        } catch {
          copy.dispose(); // the first copy reports whatever went wrong
        }
      }
    }
    return this.copy?.placement && !this.copy.hitLimit ? this.copy : undefined;
  }
}

function resolveLimits(limits: SandboxLimits = {}): VmLimits {
  const timeoutMs = limits.timeoutMs ?? DEFAULT_LIMITS.timeoutMs;
  const memoryBytes = limits.memoryBytes ?? DEFAULT_LIMITS.memoryBytes;
  if (!(timeoutMs > 0 && Number.isFinite(timeoutMs))) throw new RangeError(`sandbox timeoutMs must be a positive number, got ${timeoutMs}`);
  // The built-ins and the driver alone take about 1 MiB.
  if (!(memoryBytes >= 4 * 1024 * 1024 && Number.isFinite(memoryBytes))) throw new RangeError(`sandbox memoryBytes must be at least 4 MiB, got ${memoryBytes}`);
  return { timeoutMs, memoryBytes };
}
