/**
 * One QuickJS runtime + context with the driver (./driver.ts) installed, and the only code that
 * talks to quickjs-emscripten. Every entry into QuickJS runs under a deadline enforced by the
 * runtime's interrupt handler, and only data crosses the boundary (samples in QuickJS's binary
 * serialisation, code and JSON strings in, JSON strings out), so no host object is ever reachable
 * from inside.
 */
import type { QuickJSContext, QuickJSHandle, QuickJSRuntime, QuickJSWASMModule } from "quickjs-emscripten";
import { Deadline } from "./deadline";
import { DRIVER_SOURCE, PENDING } from "./driver";

export interface VmLimits {
  timeoutMs: number;
  memoryBytes: number;
}

/**
 * QuickJS's own stack limit. It has to trip before V8's (~1 MB) on the host thread, because every
 * level of recursion inside QuickJS also costs native wasm stack there; beyond that V8 throws
 * through the wasm and the instance is lost (handled, but costly). 128 KiB still allows ~700
 * levels of plain recursion (~280 through callbacks like map) and leaves room for a deep host stack.
 * Some native recursion (JSON, the parser) is invisible to this limit; see the depth limit in driver.ts.
 */
const QUICKJS_STACK_BYTES = 128 * 1024;

/** Installing the driver is our own code and takes a few ms; it gets its own budget, not the user's. */
const SETUP_BUDGET_MS = 10_000;

/** Why an entry into QuickJS did not return a value. */
export class VmAbort extends Error {
  constructor(
    /** timeout: the deadline interrupted it; error: an exception escaped the driver; crash: the engine itself failed (wasm trap, host stack overflow) and must not be used again. */
    readonly reason: "timeout" | "error" | "crash",
    /** "Name: message" of the QuickJS exception, or of the host error for a crash. */
    readonly detail: string,
  ) {
    super(`${reason}: ${detail}`);
    this.name = "VmAbort";
  }
}

interface DriverFunctions {
  load: QuickJSHandle;
  select: QuickJSHandle;
  setBatch: QuickJSHandle;
  call: QuickJSHandle;
  settle: QuickJSHandle;
}

export class DriverVm {
  private crashed = false;
  private disposed = false;
  private readonly runtime: QuickJSRuntime;
  private readonly context: QuickJSContext;
  private readonly deadline: Deadline;
  private readonly driver: DriverFunctions;

  constructor(module: QuickJSWASMModule, private readonly limits: VmLimits) {
    this.runtime = module.newRuntime();
    this.runtime.setMemoryLimit(limits.memoryBytes);
    this.runtime.setMaxStackSize(QUICKJS_STACK_BYTES);
    this.context = this.runtime.newContext();
    try {
      this.deadline = Deadline.install(this.runtime, this.context, module.getWasmMemory());
      const driver = this.guarded(() => this.unwrap(this.context.evalCode(DRIVER_SOURCE, "sandbox-driver.js")), SETUP_BUDGET_MS);
      this.driver = {
        load: this.context.getProp(driver, "load"),
        select: this.context.getProp(driver, "select"),
        setBatch: this.context.getProp(driver, "setBatch"),
        call: this.context.getProp(driver, "call"),
        settle: this.context.getProp(driver, "settle"),
      };
      driver.dispose();
    } catch (error) {
      if (!this.crashed) {
        this.context.dispose();
        this.runtime.dispose();
      }
      throw error;
    }
  }

  /** Evaluates the user's code; returns the driver's JSON description of the functions it defines. */
  load(code: string, candidateNames: readonly string[]): string {
    return this.guarded(() => this.callString(this.driver.load, code, JSON.stringify(candidateNames)));
  }

  select(id: number): void {
    this.guarded(() => {
      const idHandle = this.context.newNumber(id);
      try {
        this.unwrap(this.context.callFunction(this.driver.select, this.context.undefined, idHandle)).dispose();
      } finally {
        idHandle.dispose();
      }
    });
  }

  /**
   * Hands the driver a run of samples: `document` is QuickJS's binary serialisation of an array
   * (sample-encoding.ts), decoded in C. Runs under the next record's deadline.
   */
  setBatch(document: Uint8Array): void {
    this.guarded(() => {
      const buffer = this.context.newArrayBuffer(document.byteLength === document.buffer.byteLength ? document.buffer : document.slice().buffer);
      let samples: QuickJSHandle | undefined;
      try {
        samples = this.context.decodeBinaryJSON(buffer);
        // A failed decode (out of memory; the bytes are our own) gives an exception value.
        if (this.context.typeof(samples) !== "object") throw new VmAbort("error", "InternalError: out of memory while handing the samples to the function");
        this.unwrap(this.context.callFunction(this.driver.setBatch, this.context.undefined, samples)).dispose();
      } finally {
        samples?.dispose();
        buffer.dispose();
      }
    });
  }

  /** Runs the selected function on the index-th sample of the last setBatch; returns the driver's JSON envelope. */
  call(index: number): string {
    return this.guarded(() => {
      const indexHandle = this.context.newNumber(index);
      let outcome: string;
      try {
        outcome = this.getString(this.unwrap(this.context.callFunction(this.driver.call, this.context.undefined, indexHandle)));
      } finally {
        indexHandle.dispose();
      }
      // Promise callbacks (the user's, and the driver's for async results) run as jobs; draining
      // them here also keeps stray jobs from piling up across records.
      if (this.runtime.hasPendingJob()) this.runPendingJobs();
      if (outcome === PENDING) outcome = this.callString(this.driver.settle);
      return outcome;
    });
  }

  /** Whether this VM can be reused after `error`: a crash leaves the wasm instance in an unknown state. */
  get isCrashed(): boolean {
    return this.crashed;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.crashed) return; // freeing would walk corrupted memory; the whole module is dropped instead
    try {
      for (const handle of Object.values(this.driver)) handle.dispose();
      this.context.dispose();
      this.runtime.dispose();
    } catch {
      // A runtime left behind by an interrupt or out-of-memory error can fail its final GC
      // assertions; the memory belongs to the module and is reclaimed with it.
      this.crashed = true;
    }
  }

  /** Runs `enter` under the deadline and turns every way out of QuickJS other than a return into a VmAbort. */
  private guarded<T>(enter: () => T, budgetMs = this.limits.timeoutMs): T {
    if (this.disposed) throw new Error("sandbox VM used after dispose");
    this.deadline.start(budgetMs);
    try {
      return enter();
    } catch (error) {
      if (error instanceof VmAbort) throw error;
      this.crashed = true;
      throw new VmAbort("crash", error instanceof Error ? `${error.name}: ${error.message}` : String(error));
    } finally {
      this.deadline.stop();
    }
  }

  private callString(fn: QuickJSHandle, ...args: string[]): string {
    const handles = args.map((arg) => this.context.newString(arg));
    try {
      return this.getString(this.unwrap(this.context.callFunction(fn, this.context.undefined, ...handles)));
    } finally {
      for (const handle of handles) handle.dispose();
    }
  }

  /** The string `result` holds; disposes it. */
  private getString(result: QuickJSHandle): string {
    try {
      return this.context.getString(result);
    } finally {
      result.dispose();
    }
  }

  private runPendingJobs(): void {
    const result = this.runtime.executePendingJobs();
    if (result.error) this.abort(result.error);
  }

  private unwrap(result: { value: QuickJSHandle; error?: undefined } | { error: QuickJSHandle }): QuickJSHandle {
    if (result.error) this.abort(result.error);
    return (result as { value: QuickJSHandle }).value;
  }

  private abort(errorHandle: QuickJSHandle): never {
    let detail: string;
    try {
      const error: unknown = this.context.dump(errorHandle);
      if (error && typeof error === "object" && "message" in error) {
        const { name, message } = error as { name?: unknown; message: unknown };
        detail = `${String(name ?? "Error")}: ${String(message)}`;
      } else {
        detail = String(error);
      }
    } catch {
      detail = "an error that could not be read back from the sandbox";
    } finally {
      errorHandle.dispose();
    }
    throw new VmAbort(this.deadline.expired ? "timeout" : "error", detail);
  }
}
