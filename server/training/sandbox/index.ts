/**
 * Runs user-written formatting functions (Argilla's `formatting_func`, in JavaScript or
 * TypeScript) once per record, on the record's plain-JSON `sample`.
 *
 * Design:
 * - Isolation: the code runs in QuickJS compiled to WebAssembly, in its own wasm instance per
 *   sandbox (engine-modules.ts). The realm has the ECMAScript built-ins and a no-op `console`,
 *   nothing else: no require/import, process, fetch, timers or file system. No host object or
 *   function is ever handed in; the sample goes in and the result comes out as JSON strings.
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
 * - Source handling: esbuild strips types and rewrites export/import (source.ts, on the main
 *   thread: it only parses); choose-function.ts decides which function gets called.
 */
import { SandboxCache } from "./cache";
import type { VmLimits } from "./driver-vm";
import { RemoteSandbox, type CallOutcome, type FormattingInput } from "./remote-sandbox";
import { prepareSource } from "./source";

export { FormattingFunctionError, type FormattingErrorKind } from "./errors";
export type { CallOutcome, FormattingInput } from "./remote-sandbox";
export { configureSandboxWorkers, type SandboxWorkerOptions } from "./worker-pool";

export type FormattingLanguage = "javascript" | "typescript";

export interface SandboxLimits {
  /** Per call (and for the code's top level, once). Default 1000 ms. */
  timeoutMs?: number;
  /** For the whole QuickJS runtime, built-ins included. Default 64 MiB. */
  memoryBytes?: number;
}

export type FormattingResult = { kind: "value"; value: unknown } | { kind: "generator"; items: unknown[] };

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
   * the first error is.
   */
  callMany(inputs: readonly FormattingInput[], options?: { stopAtFirstError?: boolean }): Promise<CallOutcome[]>;
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
}

const cache = new SandboxCache<RemoteSandbox>(8);

/** Hits, misses and size of the sandbox cache (for tests and diagnostics). */
export function sandboxCacheStats(): { hits: number; misses: number; size: number } {
  return cache.stats();
}

/**
 * Compiles `source`, loads it into a sandbox and picks the function to call (rule in
 * choose-function.ts). Rejects with a FormattingFunctionError of kind "syntax", "not-a-function",
 * or, when the code's top level misbehaves, "throw", "timeout" or "memory".
 */
export async function createFormattingSandbox(source: string, options: CreateSandboxOptions = {}): Promise<FormattingSandbox> {
  const limits = resolveLimits(options.limits);
  const language = options.language ?? "javascript";
  const key = options.cache ? JSON.stringify([source, language, options.functionName ?? null, limits.timeoutMs, limits.memoryBytes]) : undefined;
  const cached = key === undefined ? undefined : cache.take(key);
  if (cached) return new SandboxHandle(cached, key);
  const remote = new RemoteSandbox({ prepared: prepareSource(source, language), limits, functionName: options.functionName });
  try {
    await remote.load();
  } catch (error) {
    remote.dispose();
    throw error;
  }
  return new SandboxHandle(remote, key);
}

class SandboxHandle implements FormattingSandbox {
  private disposed = false;

  constructor(
    private readonly remote: RemoteSandbox,
    /** Where dispose() returns the sandbox, when it may be cached. */
    private readonly cacheKey: string | undefined,
  ) {}

  async call(sample: unknown, recordLabel?: string): Promise<FormattingResult> {
    const [outcome] = await this.callMany([{ sample, recordLabel }]);
    if (!outcome!.ok) throw outcome!.error;
    return outcome!.result;
  }

  callMany(inputs: readonly FormattingInput[], options?: { stopAtFirstError?: boolean }): Promise<CallOutcome[]> {
    if (this.disposed) return Promise.reject(new Error("formatting sandbox used after dispose()"));
    return this.remote.callMany(inputs, options);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.cacheKey !== undefined && !this.remote.hitLimit) cache.put(this.cacheKey, this.remote);
    else this.remote.dispose();
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
