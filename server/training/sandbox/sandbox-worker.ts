/**
 * The sandbox worker: the only thread that runs user code. Started by worker-pool.ts (through
 * worker-entry.cjs, which lets Node load this TypeScript), it holds any number of sandboxes, one
 * wasm instance each, and answers one request at a time: create a sandbox, format a batch of
 * samples, dispose. Time limits are enforced here, by each sandbox's interrupt handler; the main
 * thread only watches the heartbeat (protocol.ts) and replaces this worker if a call outlives its
 * budget anyway.
 */
import { parentPort, workerData } from "node:worker_threads";
import { observeEntries } from "./deadline";
import type { VmLimits } from "./driver-vm";
import { ensureSpareEngineModule, newEngineModule } from "./engine-modules";
import { FormattingFunctionError, notRunError } from "./errors";
import { QuickJSFormattingSandbox } from "./formatting-sandbox";
import { HEARTBEAT, toErrorData, type CallOutcomeData, type WorkerReply, type WorkerRequest } from "./protocol";

if (!parentPort) throw new Error("sandbox-worker.ts must run in a worker thread");
const port = parentPort;
const heartbeat = new Int32Array((workerData as { heartbeat: SharedArrayBuffer }).heartbeat);

observeEntries((budgetMs) => {
  if (budgetMs > 0) Atomics.add(heartbeat, HEARTBEAT.ENTRIES, 1);
  Atomics.store(heartbeat, HEARTBEAT.BUDGET, budgetMs > 0 ? Math.ceil(budgetMs) : 0);
});

const sandboxes = new Map<number, { sandbox: QuickJSFormattingSandbox; limits: VmLimits }>();

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
      sandboxes.get(request.sandboxId)?.sandbox.dispose();
      sandboxes.delete(request.sandboxId);
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
      reply({ requestId: request.requestId, type: "called", outcomes: callBatch(entry.sandbox, request) });
      return;
    }
  }
}

/**
 * Formats the batch in order. After a timeout the rest of the batch is not run (each further
 * record could cost the whole time limit again); with stopAtFirstError (prepare, which stops at the
 * first failing record anyway) neither is anything after the first error.
 */
function callBatch(sandbox: QuickJSFormattingSandbox, request: Extract<WorkerRequest, { type: "call" }>): CallOutcomeData[] {
  const outcomes: CallOutcomeData[] = [];
  let stoppedBy: FormattingFunctionError | undefined;
  try {
    for (let i = 0; i < request.samples.length; i++) {
      Atomics.store(heartbeat, HEARTBEAT.ITEM, i);
      const recordLabel = request.recordLabels[i];
      if (stoppedBy) {
        outcomes.push({ ok: false, error: toErrorData(notRunError(stoppedBy, recordLabel, i)) });
        continue;
      }
      try {
        outcomes.push({ ok: true, result: sandbox.call(request.samples[i]!, recordLabel) });
      } catch (error) {
        outcomes.push({ ok: false, error: toErrorData(error) });
        if (error instanceof FormattingFunctionError && (error.kind === "timeout" || request.stopAtFirstError)) stoppedBy = error;
        else if (!(error instanceof FormattingFunctionError) && request.stopAtFirstError) stoppedBy = asFunctionError(error);
      }
    }
  } finally {
    Atomics.store(heartbeat, HEARTBEAT.ITEM, -1);
  }
  return outcomes;
}

function asFunctionError(error: unknown): FormattingFunctionError {
  return new FormattingFunctionError("throw", error instanceof Error ? error.message : String(error));
}

function reply(message: WorkerReply): void {
  port.postMessage(message);
}
