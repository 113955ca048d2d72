/**
 * The engine behind the public API, run only inside the sandbox worker (sandbox-worker.ts): keeps one DriverVm (runtime + context) alive across calls,
 * rebuilds it after a timeout or memory error, swaps the wasm instance after an engine crash, and
 * turns whatever the engine reports into FormattingFunctionErrors with messages for the user.
 */
import type { QuickJSWASMModule } from "quickjs-emscripten";
import { chooseFunction, type FoundFunction } from "./choose-function";
import { RAW_STRING, RESOURCE_LIMIT_MESSAGES } from "./driver";
import { DriverVm, VmAbort, type VmLimits } from "./driver-vm";
import { takeSpareEngineModule } from "./engine-modules";
import { FormattingFunctionError, type FormattingErrorKind } from "./errors";
import type { FormattingResult } from "./types";
import { batchDocument, sampleCount, type EncodedSamples } from "./sample-encoding";
import type { PreparedSource } from "./source";

/**
 * How many samples are decoded into the VM at once, and at most how many bytes of them (a single
 * larger sample goes alone): one decode per run instead of a JSON.parse per record, while the
 * samples waiting their turn hold little of the function's memory limit.
 */
const MAX_RUN_RECORDS = 64;
const MAX_RUN_BYTES = 256 * 1024;

export class QuickJSFormattingSandbox {
  private vm: DriverVm | undefined;
  /** The run of samples handed to `vm`: records [start, end) of `samples`, `next` the one to call next. */
  private run: { vm: DriverVm; samples: EncodedSamples; start: number; end: number; next: number } | undefined;
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
      throw error instanceof VmAbort ? abortError(error, "in its top-level code", limits) : error;
    }
    sandbox.vm = vm;
    return sandbox;
  }

  /**
   * Runs the function on sample `index` of `samples` (encoded once by the host, sample-encoding.ts).
   * Called in order: a run of the samples that follow is decoded into the VM together.
   */
  call(samples: EncodedSamples, index: number, recordLabel?: string): FormattingResult {
    if (this.disposed) throw new Error("formatting sandbox used after dispose()");
    this.calls += 1;
    const where = `on ${recordLabel ?? `record ${this.calls}`}`;
    const vm = this.vm ?? this.restart(where);
    let outcome: DriverOutcome;
    try {
      const returned = vm.call(this.decoded(vm, samples, index));
      outcome = returned.startsWith(RAW_STRING) ? { kind: "value", value: returned.slice(RAW_STRING.length) } : (JSON.parse(returned) as DriverOutcome);
    } catch (error) {
      if (!(error instanceof VmAbort)) throw error;
      this.discardVm();
      throw abortError(error, where, this.limits, recordLabel);
    }
    if (outcome.kind !== "error") return outcome;
    // A memory error may have left half-built state behind; start the next record from scratch.
    if (outcome.errorKind === "memory") this.discardVm();
    throw failure(outcome.errorKind, outcome.detail, where, this.limits, recordLabel);
  }

  /**
   * Where sample `index` sits in the run of samples decoded into `vm`, decoding the next run first
   * if it is not there (a new VM, new samples, or past the run's end).
   */
  private decoded(vm: DriverVm, samples: EncodedSamples, index: number): number {
    const run = this.run;
    if (run && run.vm === vm && run.samples === samples && run.next === index && index < run.end) {
      run.next += 1;
      return index - run.start;
    }
    const count = sampleCount(samples);
    const { offsets } = samples;
    let end = index + 1;
    while (end < count && end - index < MAX_RUN_RECORDS && offsets[end + 1]! - offsets[index]! <= MAX_RUN_BYTES) end++;
    this.run = undefined;
    vm.setBatch(batchDocument(samples, index, end));
    this.run = { vm, samples, start: index, end, next: index + 1 };
    return 0;
  }

  /** Returns the bytes of wasm memory given up (freed when the instance is garbage-collected). */
  dispose(): number {
    this.disposed = true;
    const bytes = this.module?.getWasmMemory().buffer.byteLength ?? 0;
    this.discardVm();
    this.dropModule(); // let the wasm instance and its memory be collected even if the caller keeps this object
    return bytes;
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
      throw error instanceof VmAbort ? abortError(error, where, this.limits) : error;
    }
    this.vm = vm;
    return vm;
  }

  private discardVm(): void {
    const vm = this.vm;
    this.vm = undefined;
    this.run = undefined;
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

/** An entry into QuickJS that did not return: the deadline, an escaped exception, or an engine crash. */
function abortError(abort: VmAbort, where: string, limits: VmLimits, recordLabel?: string): FormattingFunctionError {
  if (abort.reason === "timeout") return failure("timeout", abort.detail, where, limits, recordLabel);
  const isStackOverflow = /stack/i.test(abort.detail);
  if (abort.reason === "crash" && !isStackOverflow) {
    // A wasm trap: in practice memory corruption or exhaustion inside the engine.
    const message = `formatting function crashed the sandbox's engine ${where} (${abort.detail}); the engine was replaced`;
    return new FormattingFunctionError("memory", message, recordLabel === undefined ? {} : { recordLabel });
  }
  const limitHit = isStackOverflow || RESOURCE_LIMIT_MESSAGES.some((message) => abort.detail.includes(message));
  return failure(limitHit ? "memory" : "throw", abort.detail, where, limits, recordLabel);
}

function failure(
  kind: Exclude<FormattingErrorKind, "not-a-function">,
  detail: string,
  where: string,
  limits: VmLimits,
  recordLabel?: string,
): FormattingFunctionError {
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
  }
}

function formatBytes(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`;
}
