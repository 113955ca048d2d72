/**
 * Messages between the main thread (worker-pool.ts) and the sandbox worker (sandbox-worker.ts).
 * Only plain data crosses: the user's prepared code, samples as bytes (sample-encoding.ts), results, and errors
 * flattened to their fields. The worker handles one request at a time, in order; `dispose` needs
 * no answer.
 */
import { FormattingFunctionError, type FormattingErrorKind } from "./errors";
import type { EncodedSamples } from "./sample-encoding";
import type { FormattingResult } from "./types";
import type { VmLimits } from "./driver-vm";
import type { PreparedSource } from "./source";

/** Emscripten's static data and C stack, below the heap: every engine instance's memory starts at this (the build's INITIAL_MEMORY). */
export const BASE_MEMORY_BYTES = 16 * 1024 * 1024;

export type WorkerRequest =
  | { type: "create"; requestId: number; sandboxId: number; prepared: PreparedSource; limits: VmLimits; functionName?: string }
  | {
      type: "call";
      requestId: number;
      sandboxId: number;
      /** The records' samples, in QuickJS's binary serialisation (sample-encoding.ts). */
      samples: EncodedSamples;
      recordLabels: (string | undefined)[];
      stopAtFirstError: boolean;
      /**
       * A time slice: once this many ms have passed the worker answers with the records done so
       * far (at least one), and the caller sends the rest again, behind the requests queued
       * meanwhile. That is how requests share a worker fairly (worker-pool.ts).
       */
      sliceMs: number;
    }
  | { type: "dispose"; sandboxId: number };

export type WorkerReply =
  | { requestId: number; type: "created" }
  | {
      requestId: number;
      type: "called";
      /** One per record run, in order: a prefix of the request's samples. */
      outcomes: CallOutcomeData[];
      /** Set when a timeout (or, with stopAtFirstError, any error) means nothing after these outcomes is to be run. */
      stoppedBy?: ErrorData;
      /** The request was aborted (HEARTBEAT.ABORT): the outcomes are those finished before. */
      aborted?: boolean;
      /** Time the worker spent on this request (what the per-request CPU budget counts). */
      elapsedMs: number;
    }
  | { requestId: number; type: "failed"; error: ErrorData };

export type CallOutcomeData = { ok: true; result: FormattingResult } | { ok: false; error: ErrorData };

/** A FormattingFunctionError's fields, or (kind undefined) any other error's message. */
export interface ErrorData {
  kind?: FormattingErrorKind;
  message: string;
  recordLabel?: string;
  line?: number;
  column?: number;
}

/**
 * The shared heartbeat (an Int32Array over a SharedArrayBuffer): the worker writes, the main
 * thread's watchdog reads.
 *   ENTRIES  incremented at every entry into QuickJS;
 *   BUDGET   the running entry's budget in ms, 0 while no guest code runs;
 *   ITEM     index, in the current call request, of the record being formatted (-1 outside one);
 *   ABORT    written by the main thread: the id of a call request to stop now (the interrupt
 *            handler polls it, so even a record that is running stops within a millisecond or so).
 */
export const HEARTBEAT = { ENTRIES: 0, BUDGET: 1, ITEM: 2, ABORT: 3, LENGTH: 4 } as const;

export function toErrorData(error: unknown): ErrorData {
  if (error instanceof FormattingFunctionError) {
    const data: ErrorData = { kind: error.kind, message: error.message };
    if (error.recordLabel !== undefined) data.recordLabel = error.recordLabel;
    if (error.line !== undefined) data.line = error.line;
    if (error.column !== undefined) data.column = error.column;
    return data;
  }
  return { message: error instanceof Error ? error.message : String(error) };
}

export function fromErrorData(data: ErrorData): Error {
  if (data.kind === undefined) return new Error(data.message);
  const { kind, message, ...details } = data;
  return new FormattingFunctionError(kind, message, details);
}
