/**
 * One formatting sandbox as the main thread sees it: a handle on a QuickJSFormattingSandbox that
 * lives in a sandbox worker (worker-pool.ts). It keeps what it needs to load the function again,
 * so when its worker is replaced (the watchdog stopped another function, or this one) it is
 * recreated in a fresh worker on its next call; like after a timeout, the function's top-level
 * state starts afresh then.
 */
import { budgetError, FormattingFunctionError, notRunError } from "./errors";
import type { VmLimits } from "./driver-vm";
import type { FormattingResult } from "./types";
import { fromErrorData, type CallOutcomeData } from "./protocol";
import type { PreparedSource } from "./source";
import { encodeSamples, sliceSamples, type EncodedSamples } from "./sample-encoding";
import { pickWorker, sandboxSliceMs, WorkerLost, type SandboxWorker } from "./worker-pool";

export interface SandboxSpec {
  prepared: PreparedSource;
  limits: VmLimits;
  functionName?: string;
}

export interface FormattingInput {
  sample: unknown;
  /** Names the record in error messages, e.g. "Record #12 (id 7)". */
  recordLabel?: string;
}

/** What one record gave: a result, or the error (a FormattingFunctionError naming the record). */
export type CallOutcome = { ok: true; result: FormattingResult } | { ok: false; error: Error };

/** The CPU time one request (a sandbox handle, see index.ts) may spend, shared by all its calls. */
export interface CpuBudget {
  limitMs: number;
  spentMs: number;
}

export interface CallOptions {
  stopAtFirstError?: boolean;
  signal?: AbortSignal;
  budget?: CpuBudget;
}

/** Worker losses a single request survives by retrying elsewhere before it gives up. */
const MAX_RETRIES = 2;

/** Records sent per slice request (the rest are sent again with the next slice). */
const MAX_SLICE_RECORDS = 512;

let nextSandboxId = 1;

export class RemoteSandbox {
  /** Set once a call hit the time or memory limit (or stopped its worker): a cache must not keep it. */
  hitLimit = false;
  private worker: SandboxWorker | undefined;
  private sandboxId = 0;
  private loading: Promise<void> | undefined;
  private disposed = false;

  constructor(
    readonly spec: SandboxSpec,
    /** Called once by dispose() (releases what index.ts reserved for this sandbox). */
    private readonly onDispose: () => void = () => {},
  ) {}

  /** The worker holding it, while loaded. */
  get placement(): SandboxWorker | undefined {
    return this.worker?.alive ? this.worker : undefined;
  }

  /**
   * Loads the function into a live worker unless it is there already (`avoid`: prefer another
   * worker than that one). Throws FormattingFunctionError for the user's code.
   */
  load(signal?: AbortSignal, avoid?: SandboxWorker): Promise<void> {
    if (this.disposed) return Promise.reject(new Error("formatting sandbox used after dispose()"));
    if (this.worker?.alive) return Promise.resolve();
    this.loading ??= this.createSomewhere(signal, avoid).finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  /**
   * Formats a batch, a time slice per request to the worker (retried elsewhere if the worker is
   * lost). After a timeout the rest of the batch is not run; with stopAtFirstError nothing after the
   * first error is. Once `budget` is spent the remaining records get an error naming the budget.
   * Rejects with the signal's reason when `signal` aborts.
   */
  async callMany(inputs: readonly FormattingInput[], options: CallOptions = {}): Promise<CallOutcome[]> {
    const { signal, budget } = options;
    const samples = encodeSamples(inputs.map((input) => input.sample));
    const outcomes: (CallOutcome | undefined)[] = new Array(inputs.length);
    let pending = inputs.map((_, i) => i);
    let retries = 0;
    const stopAll = (error: (i: number) => Error) => {
      for (const i of pending) outcomes[i] = { ok: false, error: error(i) };
      pending = [];
    };
    while (pending.length > 0) {
      signal?.throwIfAborted();
      if (budget && budget.spentMs >= budget.limitMs) {
        const first = pending[0]!;
        const cause = budgetError(budget.limitMs, inputs[first]!.recordLabel, first);
        stopAll((i) => (i === first ? cause : notRunError(cause, inputs[i]!.recordLabel, i)));
        break;
      }
      await this.load(signal);
      const worker = this.worker!;
      const slice = pending.slice(0, MAX_SLICE_RECORDS);
      try {
        const reply = await worker.request(
          {
            type: "call",
            sandboxId: this.sandboxId,
            samples: ownBytes(sliceSamples(samples, slice[0]!, slice[0]! + slice.length)), // pending is always a run of consecutive records
            recordLabels: slice.map((i) => inputs[i]!.recordLabel),
            stopAtFirstError: options.stopAtFirstError ?? false,
            // A worker's queue is first come, first served, and an unfinished request queues again
            // at the back: round robin between requests, a time slice each.
            sliceMs: budget ? Math.max(1, Math.min(sandboxSliceMs(), budget.limitMs - budget.spentMs)) : sandboxSliceMs(),
          },
          signal,
        );
        if (reply.type !== "called") throw reply.type === "failed" ? fromErrorData(reply.error) : new Error(`unexpected reply ${reply.type}`);
        if (budget) budget.spentMs += reply.elapsedMs;
        reply.outcomes.forEach((outcome, k) => (outcomes[slice[k]!] = this.outcome(outcome)));
        pending = pending.slice(reply.outcomes.length);
        if (reply.aborted) {
          this.hitLimit = true; // an interrupted record leaves the function's state half-updated
          signal?.throwIfAborted();
        }
        if (reply.stoppedBy) {
          const cause = fromErrorData(reply.stoppedBy) as FormattingFunctionError;
          stopAll((i) => notRunError(cause, inputs[i]!.recordLabel, i));
        }
      } catch (error) {
        if (!(error instanceof WorkerLost)) throw error;
        if (this.worker === worker) this.worker = undefined;
        const culprit = error.running && error.item >= 0 && error.item < slice.length ? slice[error.item]! : undefined;
        if (culprit === undefined) {
          if (++retries > MAX_RETRIES) stopAll((i) => lostError(error, this.spec.limits, inputs[i]!.recordLabel, i));
          continue;
        }
        // This function stopped (or killed) the worker on `culprit`: that record gets the error;
        // the ones before it in the slice lost their results with the worker and run again.
        this.hitLimit = true;
        const cause = lostError(error, this.spec.limits, inputs[culprit]!.recordLabel, culprit);
        outcomes[culprit] = { ok: false, error: cause };
        for (const i of pending.filter((i) => i > culprit)) outcomes[i] = { ok: false, error: notRunError(cause, inputs[i]!.recordLabel, i) };
        pending = pending.filter((i) => i < culprit);
      }
    }
    return outcomes as CallOutcome[];
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.worker?.dispose(this.sandboxId);
    this.worker = undefined;
    this.onDispose();
  }

  private outcome(data: CallOutcomeData): CallOutcome {
    if (data.ok) return data;
    const error = fromErrorData(data.error);
    if (error instanceof FormattingFunctionError && (error.kind === "timeout" || error.kind === "memory")) this.hitLimit = true;
    return { ok: false, error };
  }

  private async createSomewhere(signal: AbortSignal | undefined, avoid: SandboxWorker | undefined): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const worker = pickWorker(avoid) ?? pickWorker()!;
      const sandboxId = nextSandboxId++;
      worker.sandboxes += 1;
      try {
        const reply = await worker.request({ type: "create", sandboxId, ...this.spec }, signal);
        if (reply.type === "failed") throw fromErrorData(reply.error);
        if (reply.type !== "created") throw new Error(`unexpected reply ${reply.type}`);
      } catch (error) {
        worker.sandboxes = Math.max(0, worker.sandboxes - 1);
        if (!(error instanceof WorkerLost)) throw error;
        if (error.running && error.reason === "timeout") {
          this.hitLimit = true;
          throw new FormattingFunctionError(
            "timeout",
            `formatting function timed out after ${this.spec.limits.timeoutMs} ms in its top-level code (it did not stop at the time limit, so its worker was replaced)`,
          );
        }
        if (attempt >= MAX_RETRIES) throw new Error(`could not start the formatting sandbox: ${error.detail}`);
        continue;
      }
      if (this.disposed) {
        worker.dispose(sandboxId);
        throw new Error("formatting sandbox used after dispose()");
      }
      this.worker = worker;
      this.sandboxId = sandboxId;
      return;
    }
  }
}

function lostError(lost: WorkerLost, limits: VmLimits, recordLabel: string | undefined, index: number): FormattingFunctionError {
  const details = recordLabel === undefined ? {} : { recordLabel };
  const where = recordLabel ?? `item ${index + 1} of the batch`;
  if (lost.reason === "timeout") {
    return new FormattingFunctionError(
      "timeout",
      `formatting function timed out after ${limits.timeoutMs} ms on ${where} (it did not stop at the time limit, so its worker was replaced)`,
      details,
    );
  }
  return new FormattingFunctionError("memory", `formatting function crashed the sandbox worker on ${where} (${lost.detail}); the worker was replaced`, details);
}

/** A copy holding just its own bytes: a view would make postMessage copy the whole batch's buffer. */
function ownBytes(samples: EncodedSamples): EncodedSamples {
  const { bytes } = samples;
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength) return samples;
  return { ...samples, bytes: new Uint8Array(bytes) };
}
