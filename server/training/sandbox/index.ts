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
 * - Source handling: esbuild strips types and rewrites export/import (source.ts);
 *   choose-function.ts decides which function gets called.
 * - What this does not do: `call` is synchronous, so it blocks the calling thread for up to the
 *   time limit, plus the native calls that run between two deadline polls (the polling adapts to
 *   their cost, so normally one, bounded by the memory cap: up to a few seconds for e.g.
 *   `new Uint8Array({ length: 6e7 })`). A server that must stay responsive meanwhile should call
 *   the sandbox from a worker thread.
 */
import type { VmLimits } from "./driver-vm";
import { ensureSpareEngineModule, newEngineModule } from "./engine-modules";
import { QuickJSFormattingSandbox } from "./formatting-sandbox";
import { prepareSource } from "./source";

export { FormattingFunctionError, type FormattingErrorKind } from "./errors";

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
   * into `items`. An async function's Promise is awaited. Throws FormattingFunctionError.
   */
  call(sample: unknown, recordLabel?: string): FormattingResult;
  dispose(): void;
}

export const DEFAULT_LIMITS: Required<SandboxLimits> = { timeoutMs: 1000, memoryBytes: 64 * 1024 * 1024 };

/**
 * Compiles `source`, loads it into a fresh sandbox and picks the function to call (rule in
 * choose-function.ts). Rejects with a FormattingFunctionError of kind "syntax", "not-a-function",
 * or, when the code's top level misbehaves, "throw", "timeout" or "memory".
 */
export async function createFormattingSandbox(
  source: string,
  options: { language?: FormattingLanguage; limits?: SandboxLimits; functionName?: string } = {},
): Promise<FormattingSandbox> {
  const limits = resolveLimits(options.limits);
  const prepared = prepareSource(source, options.language ?? "javascript");
  const [module] = await Promise.all([newEngineModule(limits.memoryBytes), ensureSpareEngineModule(limits.memoryBytes)]);
  return QuickJSFormattingSandbox.start(module, prepared, limits, options.functionName);
}

function resolveLimits(limits: SandboxLimits = {}): VmLimits {
  const timeoutMs = limits.timeoutMs ?? DEFAULT_LIMITS.timeoutMs;
  const memoryBytes = limits.memoryBytes ?? DEFAULT_LIMITS.memoryBytes;
  if (!(timeoutMs > 0 && Number.isFinite(timeoutMs))) throw new RangeError(`sandbox timeoutMs must be a positive number, got ${timeoutMs}`);
  // The built-ins and the driver alone take about 1 MiB.
  if (!(memoryBytes >= 4 * 1024 * 1024 && Number.isFinite(memoryBytes))) throw new RangeError(`sandbox memoryBytes must be at least 4 MiB, got ${memoryBytes}`);
  return { timeoutMs, memoryBytes };
}
