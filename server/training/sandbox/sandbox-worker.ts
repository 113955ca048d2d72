/**
 * The sandbox worker: the only thread that runs user code. Started by worker-pool.ts (through
 * worker-entry.cjs, which lets Node load this TypeScript), it holds any number of sandboxes, one
 * wasm instance each, and answers one request at a time: create a sandbox, format a batch of
 * samples, dispose. Time limits are enforced here, by each sandbox's interrupt handler; the main
 * thread only watches the heartbeat (protocol.ts) and replaces this worker if a call outlives its
 * budget anyway.
 */
import v8 from "node:v8";
import vm from "node:vm";
import { parentPort, workerData } from "node:worker_threads";
import { interruptWhen, observeEntries } from "./deadline";
import type { VmLimits } from "./driver-vm";
import { ensureSpareEngineModule, newEngineModule } from "./engine-modules";
import { FormattingFunctionError } from "./errors";
import { QuickJSFormattingSandbox } from "./formatting-sandbox";
import { sampleCount } from "./sample-encoding";
import { HEARTBEAT, toErrorData, type CallOutcomeData, type WorkerReply, type WorkerRequest } from "./protocol";

if (!parentPort) throw new Error("sandbox-worker.ts must run in a worker thread");
const port = parentPort;
const heartbeat = new Int32Array((workerData as { heartbeat: SharedArrayBuffer }).heartbeat);

observeEntries((budgetMs) => {
  if (budgetMs > 0) Atomics.add(heartbeat, HEARTBEAT.ENTRIES, 1);
  Atomics.store(heartbeat, HEARTBEAT.BUDGET, budgetMs > 0 ? Math.ceil(budgetMs) : 0);
});

/** The call request being run, which HEARTBEAT.ABORT may name. */
let runningRequestId = 0;
interruptWhen(() => runningRequestId !== 0 && Atomics.load(heartbeat, HEARTBEAT.ABORT) === runningRequestId);

const sandboxes = new Map<number, { sandbox: QuickJSFormattingSandbox; limits: VmLimits }>();

/**
 * Giving memory back. A wasm instance's memory can only grow; it is released when the instance
 * is garbage-collected, and an idle worker may not collect for a long time (V8 does not count
 * wasm memory as heap pressure). So once disposed sandboxes add up to RETIRED_BYTES_BEFORE_GC, the
 * worker collects as soon as it is idle. `gc` is exposed for this thread only, through a
 * throwaway context (the flag is switched off again at once).
 */
const RETIRED_BYTES_BEFORE_GC = 32 * 1024 * 1024;
let retiredBytes = 0;
let collectScheduled = false;
const collectGarbage = exposeGc();

function exposeGc(): (() => void) | undefined {
  try {
    v8.setFlagsFromString("--expose-gc");
    const gc: unknown = vm.runInNewContext("gc");
    return typeof gc === "function" ? (gc as () => void) : undefined;
  } catch {
    return undefined;
  } finally {
    v8.setFlagsFromString("--no-expose-gc");
  }
}

function retire(bytes: number): void {
  retiredBytes += bytes;
  if (retiredBytes < RETIRED_BYTES_BEFORE_GC || collectScheduled || !collectGarbage) return;
  collectScheduled = true;
  // After the requests already received, so a burst of disposals costs one collection.
  queue = queue.then(() => {
    collectScheduled = false;
    retiredBytes = 0;
    collectGarbage();
  });
}

// Requests are handled strictly in order (create is asynchronous: it instantiates WebAssembly).
let queue: Promise<void> = Promise.resolve();
port.on("message", (request: WorkerRequest) => {
  queue = queue.then(() => handle(request)).catch((error: unknown) => {
    // handle() answers every request itself; this is a bug in the worker, not in user code.
    console.error("sandbox worker:", error);
  });
});

async function handle(request: WorkerRequest): Promise<void> {
  switch (request.type) {
    case "dispose": {
      const entry = sandboxes.get(request.sandboxId);
      sandboxes.delete(request.sandboxId);
      if (entry) retire(entry.sandbox.dispose());
      return;
    }
    case "create": {
      try {
        const { limits } = request;
        const [module] = await Promise.all([newEngineModule(limits.memoryBytes), ensureSpareEngineModule(limits.memoryBytes)]);
        const sandbox = QuickJSFormattingSandbox.start(module, request.prepared, limits, request.functionName);
        sandboxes.set(request.sandboxId, { sandbox, limits });
        reply({ requestId: request.requestId, type: "created" });
      } catch (error) {
        reply({ requestId: request.requestId, type: "failed", error: toErrorData(error) });
      }
      return;
    }
    case "call": {
      const entry = sandboxes.get(request.sandboxId);
      if (!entry) {
        reply({ requestId: request.requestId, type: "failed", error: { message: `formatting sandbox ${request.sandboxId} does not exist in its worker` } });
        return;
      }
      // After an engine crash the replacement instance is prepared asynchronously; between
      // requests there is time to wait for it, so only a second crash in one batch finds none.
      await ensureSpareEngineModule(entry.limits.memoryBytes).catch(() => {});
      reply(callSlice(entry.sandbox, request));
      return;
    }
  }
}

/**
 * Formats the batch in order, for at most the request's time slice (at least one record). After a
 * timeout the rest of the batch is not run (each further record could cost the whole time limit
 * again); with stopAtFirstError (prepare, which stops at the first failing record anyway) neither
 * is anything after the first error. An abort (HEARTBEAT.ABORT) interrupts the running record.
 */
function callSlice(sandbox: QuickJSFormattingSandbox, request: Extract<WorkerRequest, { type: "call" }>): WorkerReply {
  const started = performance.now();
  const outcomes: CallOutcomeData[] = [];
  const aborted = () => Atomics.load(heartbeat, HEARTBEAT.ABORT) === request.requestId;
  let stoppedBy: FormattingFunctionError | undefined;
  runningRequestId = request.requestId;
  try {
    const count = sampleCount(request.samples);
    for (let i = 0; i < count && !stoppedBy; i++) {
      if (i > 0 && performance.now() - started >= request.sliceMs) break;
      Atomics.store(heartbeat, HEARTBEAT.ITEM, i);
      const recordLabel = request.recordLabels[i];
      try {
        outcomes.push({ ok: true, result: sandbox.call(request.samples, i, recordLabel) });
      } catch (error) {
        if (aborted()) break; // the interrupt was the abort, not this record's fault
        outcomes.push({ ok: false, error: toErrorData(error) });
        if (error instanceof FormattingFunctionError && (error.kind === "timeout" || request.stopAtFirstError)) stoppedBy = error;
        else if (!(error instanceof FormattingFunctionError) && request.stopAtFirstError) stoppedBy = asFunctionError(error);
      }
      if (aborted()) break;
    }
  } finally {
    runningRequestId = 0;
    Atomics.store(heartbeat, HEARTBEAT.ITEM, -1);
  }
  const replied: WorkerReply = { requestId: request.requestId, type: "called", outcomes, elapsedMs: performance.now() - started };
  if (stoppedBy) replied.stoppedBy = toErrorData(stoppedBy);
  if (aborted()) replied.aborted = true;
  return replied;
}

function asFunctionError(error: unknown): FormattingFunctionError {
  return new FormattingFunctionError("throw", error instanceof Error ? error.message : String(error));
}

function reply(message: WorkerReply): void {
  port.postMessage(message);
}
