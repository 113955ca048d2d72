/**
 * Runs user-written formatting functions (Argilla's `formatting_func`, in JavaScript or
 * TypeScript) once per record, on the record's plain-JSON `sample`.
 *
 * Design:
 * - Isolation: the code runs in QuickJS compiled to WebAssembly, in its own wasm instance per
 *   sandbox (engine-modules.ts). The realm has the ECMAScript built-ins and a no-op `console`,
 *   nothing else: no require/import, process, fetch, timers or file system. No host object or
 *   function is ever handed in; the sample goes in and the result comes out as JSON strings.
 * - Limits: each call runs under a deadline (QuickJS interrupt handler, default 1000 ms), the
 *   runtime under a memory limit (default 64 MiB) and a stack limit. Built-ins whose native
 *   loops QuickJS never interrupts are length-guarded inside the sandbox (driver.ts).
 * - Reuse: one runtime + context serves every record, because a fresh context per call costs
 *   ~0.5 ms (< 2k calls/s). That is safe because the driver freezes every built-in and the global
 *   object before user code runs, so nothing a call does to them (`Object.prototype.x = 1`
 *   throws) reaches the next record or the host. The user's own top-level variables do persist
 *   between records, like module state in Python. After a timeout or memory error the runtime is
 *   rebuilt on the next call; after an engine crash the wasm instance is replaced too.
 * - Source handling: esbuild strips types and rewrites export/import (source.ts);
 *   choose-function.ts decides which function gets called.
 * - What this does not do: `call` is synchronous, so it blocks the calling thread for up to the
 *   time limit (a guarded native loop can add ~0.5 s; native loops that stop only at the memory
 *   limit, e.g. `new Uint8Array({ length: 6e7 })`, a few seconds). Servers that must stay
 *   responsive should run the sandbox in a worker thread.
 */
import { chooseFunction, type FoundFunction } from "./choose-function";
import { RESOURCE_LIMIT_MESSAGES } from "./driver";
import { DriverVm, VmAbort, type VmLimits } from "./driver-vm";
import { ensureSpareEngineModule, newEngineModule, takeSpareEngineModule } from "./engine-modules";
import { FormattingFunctionError, type FormattingErrorKind } from "./errors";
import { prepareSource, type PreparedSource } from "./source";
import type { QuickJSWASMModule } from "quickjs-emscripten";

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

class QuickJSFormattingSandbox implements FormattingSandbox {
  private vm: DriverVm | undefined;
  private functionId = -1;
  private calls = 0;
  private disposed = false;

  private constructor(
    /** Undefined after an engine crash, until restart() takes the spare instance. */
    private module: QuickJSWASMModule | undefined,
    private readonly prepared: PreparedSource,
    private readonly limits: VmLimits,
  ) {}

  static start(module: QuickJSWASMModule, prepared: PreparedSource, limits: VmLimits, functionName?: string): QuickJSFormattingSandbox {
    const sandbox = new QuickJSFormattingSandbox(module, prepared, limits);
    const vm = sandbox.newVm();
    try {
      sandbox.functionId = chooseFunction(sandbox.load(vm), functionName);
      vm.select(sandbox.functionId);
    } catch (error) {
      vm.dispose();
      throw error instanceof VmAbort ? failure(kindOf(error), error.detail, "in its top-level code", limits) : error;
    }
    sandbox.vm = vm;
    return sandbox;
  }

  call(sample: unknown, recordLabel?: string): FormattingResult {
    if (this.disposed) throw new Error("formatting sandbox used after dispose()");
    this.calls += 1;
    const where = `on ${recordLabel ?? `record ${this.calls}`}`;
    const sampleJson = JSON.stringify(sample) ?? "null";
    const vm = this.vm ?? this.restart(where);
    let outcome: DriverOutcome;
    try {
      outcome = JSON.parse(vm.call(sampleJson)) as DriverOutcome;
    } catch (error) {
      if (!(error instanceof VmAbort)) throw error;
      this.discardVm();
      throw failure(kindOf(error), error.detail, where, this.limits, recordLabel);
    }
    if (outcome.kind !== "error") return outcome;
    // A memory error may have left half-built state behind; start the next record from scratch.
    if (outcome.errorKind === "memory") this.discardVm();
    throw failure(outcome.errorKind, outcome.detail, where, this.limits, recordLabel);
  }

  dispose(): void {
    this.disposed = true;
    this.discardVm();
  }

  private newVm(): DriverVm {
    if (!this.module) throw new Error("formatting sandbox has no engine instance");
    try {
      return new DriverVm(this.module, this.limits);
    } catch (error) {
      throw new Error(`could not start the formatting sandbox: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Evaluates the user's code in `vm` and lists the functions it defines. */
  private load(vm: DriverVm): FoundFunction[] {
    const loaded = JSON.parse(vm.load(this.prepared.code, this.prepared.candidateNames)) as
      | { functions: FoundFunction[] }
      | { syntaxError: string };
    // esbuild accepted the code, but QuickJS can still refuse it (e.g. `with`, which strict mode forbids).
    if ("syntaxError" in loaded) throw failure("syntax", loaded.syntaxError, "", this.limits);
    return loaded.functions;
  }

  /** A fresh runtime (and, after a crash, a fresh wasm instance) with the same function loaded. */
  private restart(where: string): DriverVm {
    if (!this.module) {
      const spare = takeSpareEngineModule(this.limits.memoryBytes);
      if (!spare) {
        throw new FormattingFunctionError(
          "memory",
          `the formatting function crashed the sandbox's engine on an earlier record and it is still restarting; nothing was run ${where}`,
        );
      }
      this.module = spare;
    }
    const vm = this.newVm();
    try {
      this.load(vm);
      vm.select(this.functionId);
    } catch (error) {
      vm.dispose();
      if (vm.isCrashed) this.dropModule();
      throw error instanceof VmAbort ? failure(kindOf(error), error.detail, where, this.limits) : error;
    }
    this.vm = vm;
    return vm;
  }

  private discardVm(): void {
    const vm = this.vm;
    this.vm = undefined;
    if (!vm) return;
    vm.dispose();
    if (vm.isCrashed) this.dropModule();
  }

  /** The wasm instance may be corrupt: never touch it again (it is garbage-collected with its memory). */
  private dropModule(): void {
    this.module = undefined;
  }
}

type DriverOutcome = FormattingResult | { kind: "error"; errorKind: "memory" | "throw" | "invalid-return"; detail: string };

function kindOf(abort: VmAbort): FormattingErrorKind {
  if (abort.reason === "timeout") return "timeout";
  if (abort.reason === "crash") return "memory"; // wasm traps and host stack overflows are resource failures in practice
  return isResourceLimit(abort.detail) ? "memory" : "throw";
}

function isResourceLimit(detail: string): boolean {
  return RESOURCE_LIMIT_MESSAGES.some((message) => detail.includes(message));
}

function failure(kind: FormattingErrorKind, detail: string, where: string, limits: VmLimits, recordLabel?: string): FormattingFunctionError {
  const details = recordLabel === undefined ? {} : { recordLabel };
  switch (kind) {
    case "timeout":
      return new FormattingFunctionError(kind, `formatting function timed out after ${limits.timeoutMs} ms ${where}`, details);
    case "memory":
      return new FormattingFunctionError(
        kind,
        /stack/i.test(detail)
          ? `formatting function exceeded the maximum call stack size ${where} (unbounded recursion?): ${detail}`
          : `formatting function exceeded the sandbox's memory limit (${formatBytes(limits.memoryBytes)}) ${where}: ${detail}`,
        details,
      );
    case "throw":
      return new FormattingFunctionError(kind, `formatting function threw ${where}: ${detail}`, details);
    case "invalid-return":
      return new FormattingFunctionError(kind, `formatting function returned an invalid value ${where}: ${detail}`, details);
    case "syntax":
      return new FormattingFunctionError(kind, `formatting function has a syntax error: ${detail}`, details);
    case "not-a-function":
      return new FormattingFunctionError(kind, detail, details);
  }
}

function formatBytes(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`;
}

function resolveLimits(limits: SandboxLimits = {}): VmLimits {
  const timeoutMs = limits.timeoutMs ?? DEFAULT_LIMITS.timeoutMs;
  const memoryBytes = limits.memoryBytes ?? DEFAULT_LIMITS.memoryBytes;
  if (!(timeoutMs > 0 && Number.isFinite(timeoutMs))) throw new RangeError(`sandbox timeoutMs must be a positive number, got ${timeoutMs}`);
  // The built-ins and the driver alone take about 1 MiB.
  if (!(memoryBytes >= 4 * 1024 * 1024 && Number.isFinite(memoryBytes))) throw new RangeError(`sandbox memoryBytes must be at least 4 MiB, got ${memoryBytes}`);
  return { timeoutMs, memoryBytes };
}
