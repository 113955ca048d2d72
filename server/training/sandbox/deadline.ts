/**
 * Enforces the per-call deadline through QuickJS's interrupt handler, and makes QuickJS consult
 * that handler often enough.
 *
 * QuickJS only calls the handler every 10,000 "ticks" (loop back-edges and function calls,
 * native ones included). With cheap ticks that is about once a millisecond; but when each tick is
 * a heavy native call (splitting a megabyte string, sorting a big array), 10,000 of them take
 * minutes, and the deadline is not looked at meanwhile. QuickJS has no API for that interval,
 * but the countdown is a plain int in its JSContext struct, so after each poll the handler
 * rewrites it: a few ticks while ticks are slow, up to MAX_TICKS_BETWEEN_POLLS while they are
 * cheap (costing ~1% on tight loops).
 *
 * The countdown's offset is found once per process (the only int in the struct that reads
 * 10,000 right after QuickJS resets it, confirmed by watching it take effect) and is written only
 * when, at that moment, it reads exactly 10,000 again. If anything looks different the tuning
 * switches itself off and QuickJS's own interval applies.
 */
import type { QuickJSContext, QuickJSRuntime } from "quickjs-emscripten";

const QUICKJS_COUNTDOWN_START = 10_000; // JS_INTERRUPT_COUNTER_INIT in quickjs.c
const MAX_TICKS_BETWEEN_POLLS = 128;
const TARGET_POLL_INTERVAL_MS = 1;
const SCANNED_STRUCT_BYTES = 1024;

/** Byte offset of `interrupt_counter` in JSContext: undefined until calibrated, null if not found. */
let countdownOffset: number | null | undefined;

/**
 * Told the budget of every entry into QuickJS when it starts, and 0 when it ends: the sandbox
 * worker publishes this as its heartbeat, so the main thread can tell a call that outlives its
 * budget (the backstop for a deadline that is somehow not polled) from a busy but healthy worker.
 */
let entryObserver: ((budgetMs: number) => void) | undefined;

export function observeEntries(observer: ((budgetMs: number) => void) | undefined): void {
  entryObserver = observer;
}

/** Polled with the deadline: when it returns true the running call is interrupted (an aborted request). */
let stopRequested: (() => boolean) | undefined;

export function interruptWhen(check: (() => boolean) | undefined): void {
  stopRequested = check;
}

export class Deadline {
  private deadline = Number.POSITIVE_INFINITY;
  private lastPoll = 0;
  private ticksBetweenPolls = 1;
  private interrupted = false;
  /** Cleared for good the first time the countdown is not where it should be. */
  private tuning: boolean;

  constructor(
    private readonly memory: WebAssembly.Memory,
    private readonly contextPointer: number | undefined,
  ) {
    this.tuning = contextPointer !== undefined && typeof countdownOffset === "number";
  }

  /** Installs the handler; calibrates the countdown offset on first use in this process. */
  static install(runtime: QuickJSRuntime, context: QuickJSContext, memory: WebAssembly.Memory): Deadline {
    const pointer = contextPointer(context);
    if (countdownOffset === undefined && pointer !== undefined) countdownOffset = calibrate(runtime, context, memory, pointer);
    const deadline = new Deadline(memory, pointer);
    runtime.setInterruptHandler(() => deadline.poll());
    return deadline;
  }

  start(budgetMs: number): void {
    const now = performance.now();
    this.interrupted = false;
    this.deadline = now + budgetMs;
    this.lastPoll = now;
    // Start from the interval the previous call ended with (1 for a new context): polling from
    // scratch on every call would cost a handful of polls per record, and the last call's ticks are
    // the best guess for this one's. The first interval is at most MAX_TICKS_BETWEEN_POLLS either way.
    if (this.tuning) this.countdown[this.countdownIndex] = this.ticksBetweenPolls;
    entryObserver?.(budgetMs);
  }

  stop(): void {
    this.deadline = Number.POSITIVE_INFINITY;
    entryObserver?.(0);
  }

  /** Whether the last call was stopped by this deadline. */
  get expired(): boolean {
    return this.interrupted;
  }

  private poll(): boolean {
    const now = performance.now();
    if (now > this.deadline || stopRequested?.()) {
      this.interrupted = true;
      return true;
    }
    if (this.tuning) this.retune(now);
    return false;
  }

  private retune(now: number): void {
    const countdown = this.countdown;
    if (countdown[this.countdownIndex] !== QUICKJS_COUNTDOWN_START) {
      this.tuning = false;
      return;
    }
    const elapsed = now - this.lastPoll;
    this.lastPoll = now;
    this.ticksBetweenPolls =
      elapsed > TARGET_POLL_INTERVAL_MS
        ? Math.max(1, Math.floor((this.ticksBetweenPolls * TARGET_POLL_INTERVAL_MS) / elapsed))
        : Math.min(MAX_TICKS_BETWEEN_POLLS, this.ticksBetweenPolls * 2);
    countdown[this.countdownIndex] = this.ticksBetweenPolls;
  }

  /** A fresh view each time: the wasm memory's buffer is replaced whenever the heap grows. */
  private get countdown(): Int32Array {
    return new Int32Array(this.memory.buffer);
  }

  private get countdownIndex(): number {
    return (this.contextPointer! + (countdownOffset as number)) >> 2;
  }
}

/** The JSContext* behind a context; quickjs-emscripten keeps it in a protected field. */
function contextPointer(context: QuickJSContext): number | undefined {
  const pointer = (context as unknown as { ctx?: { value?: unknown } }).ctx?.value;
  return typeof pointer === "number" && pointer > 0 && pointer % 4 === 0 ? pointer : undefined;
}

function calibrate(runtime: QuickJSRuntime, context: QuickJSContext, memory: WebAssembly.Memory, pointer: number): number | null {
  let candidates: number[] | undefined;
  let polls = 0;
  runtime.setInterruptHandler(() => {
    const struct = new Int32Array(memory.buffer, pointer, SCANNED_STRUCT_BYTES / 4);
    if (!candidates) {
      candidates = [];
      struct.forEach((value, index) => value === QUICKJS_COUNTDOWN_START && candidates!.push(index * 4));
    }
    polls += 1;
    if (candidates.length === 1 && struct[candidates[0] / 4] === QUICKJS_COUNTDOWN_START) struct[candidates[0] / 4] = 1;
    return false;
  });
  try {
    // ~2,000 ticks: one poll without the tuning, one per tick with it.
    const result = context.evalCode("for (let i = 0; i < 1000; i++) {}");
    (result.error ?? result.value).dispose();
  } finally {
    runtime.removeInterruptHandler();
  }
  return candidates?.length === 1 && polls > 500 ? candidates[0] : null;
}
