/**
 * The sandbox pool's bounds and scheduling (index.ts "Bounds" and "Sharing the workers"):
 * memory and live sandboxes stay bounded under many distinct functions, a request's CPU budget,
 * fairness between a long and a short request, and abort.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  configureSandboxLimits,
  configureSandboxWorkers,
  createFormattingSandbox,
  FormattingFunctionError,
  resetSandboxPoolPeaks,
  SANDBOX_LIMITS,
  sandboxPoolStats,
  type FormattingInput,
} from "./index";
import { shutdownSandboxWorkers, workerStats } from "./worker-pool";

const MiB = 1024 * 1024;

/** Runs `inputs` records of `{ i }`, labelled Record #1, #2, ... */
function records(count: number): FormattingInput[] {
  return Array.from({ length: count }, (_, i) => ({ sample: { i }, recordLabel: `Record #${i + 1}` }));
}

/** A function that keeps the CPU busy for `ms` per record. */
function spinning(ms: number, tag: string): string {
  return `function formatting_func(s) { const end = Date.now() + ${ms}; while (Date.now() < end) {} return "${tag}" + s.i; }`;
}

afterAll(async () => {
  configureSandboxLimits(SANDBOX_LIMITS);
  configureSandboxWorkers({ poolSize: 2 });
  await shutdownSandboxWorkers();
});

describe("memory: many distinct functions, each holding a 40 MB array", () => {
  const MAX_LIVE = 4;
  const CACHED = 2;
  const FUNCTIONS = 24;

  beforeAll(() => {
    configureSandboxLimits({ maxLiveSandboxes: MAX_LIVE, cachedFunctions: CACHED });
    resetSandboxPoolPeaks();
  });
  afterAll(() => configureSandboxLimits(SANDBOX_LIMITS));

  it("keeps live sandboxes, cached functions and the process's memory bounded, and gives memory back", async () => {
    const baseline = process.memoryUsage().rss;
    let peakRss = baseline;
    let peakCached = 0;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
      peakCached = Math.max(peakCached, sandboxPoolStats().cached);
    }, 10);
    try {
      // All previews arrive at once, as 24 users typing 24 different functions would.
      const results = await Promise.all(
        Array.from({ length: FUNCTIONS }, async (_, n) => {
          const source = `const big = new Float64Array(5e6).fill(${n}); function formatting_func(s) { return [big.length, big[${n}]]; }`;
          const sandbox = await createFormattingSandbox(source, { cache: true });
          try {
            const [outcome] = await sandbox.callMany(records(1));
            return outcome!.ok ? outcome!.result : outcome!.error.message;
          } finally {
            sandbox.dispose();
          }
        }),
      );
      results.forEach((result, n) => expect(result).toEqual({ kind: "value", value: [5e6, n] }));
      // Workers collect disposed instances when idle; give them a moment.
      await new Promise((resolve) => setTimeout(resolve, 500));
    } finally {
      clearInterval(sampler);
    }
    const stats = sandboxPoolStats();
    expect(stats.peakLive).toBeLessThanOrEqual(MAX_LIVE);
    expect(peakCached).toBeLessThanOrEqual(CACHED);
    expect(stats.live).toBe(stats.cached);
    expect(stats.cached).toBeLessThanOrEqual(CACHED);
    // Each sandbox holds ~40 MiB of wasm memory for the array plus the engine's own. Unbounded
    // (all 24 live and cached) the process grew by ~990 MiB and kept it; with 4 live at most it
    // grew by ~225 MiB at the peak and kept ~136 MiB (the 2 cached functions and the workers).
    // The bounds stated: 500 MiB at the peak, 300 MiB afterwards.
    expect((peakRss - baseline) / MiB).toBeLessThan(500);
    expect((process.memoryUsage().rss - baseline) / MiB).toBeLessThan(300);
  });

  it("a request waiting for room can be aborted", async () => {
    configureSandboxLimits({ maxLiveSandboxes: 1, cachedFunctions: 0 });
    const holder = await createFormattingSandbox("(s) => 1");
    try {
      const controller = new AbortController();
      const waiting = createFormattingSandbox("(s) => 2", { signal: controller.signal });
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(sandboxPoolStats().waiting).toBe(1);
      controller.abort();
      await expect(waiting).rejects.toThrow(/aborted/i);
      expect(sandboxPoolStats().waiting).toBe(0);
    } finally {
      holder.dispose();
      configureSandboxLimits({ maxLiveSandboxes: MAX_LIVE, cachedFunctions: CACHED });
    }
  });
});

describe("CPU budget per request", () => {
  it("stops a request that has used its budget, naming the budget and the record reached", async () => {
    const sandbox = await createFormattingSandbox(spinning(200, "slow"), { cpuBudgetMs: 500 });
    try {
      const started = performance.now();
      const outcomes = await sandbox.callMany(records(10));
      expect(performance.now() - started).toBeLessThan(3000);
      const done = outcomes.filter((o) => o.ok).length;
      // 200 ms a record: the budget runs out during the third record (the fourth on a loaded
      // machine, where a slice's time can pass 400 ms after two), which finishes.
      expect(done).toBeGreaterThanOrEqual(2);
      expect(done).toBeLessThanOrEqual(4);
      expect(outcomes.slice(0, done).every((o) => o.ok)).toBe(true);
      const reached = `Record #${done + 1}`;
      const stopped = outcomes[done]!;
      expect(stopped.ok).toBe(false);
      const error = stopped.ok ? undefined : (stopped.error as FormattingFunctionError);
      expect(error).toBeInstanceOf(FormattingFunctionError);
      expect(error!.recordLabel).toBe(reached);
      expect(error!.message).toBe(
        `formatting function used up this request's CPU budget of 500 ms before ${reached}; the rest of the request was not run ` +
          "(each request may run the function for that long in all)",
      );
      const rest = outcomes.slice(done + 1).map((o) => (o.ok ? "ok" : o.error.message));
      expect(rest).toHaveLength(10 - done - 1);
      for (const message of rest) expect(message).toMatch(new RegExp(`^formatting function was not run on Record #\\d+: it timed out on ${reached}`));
      // The budget is the request's, across calls.
      const [later] = await sandbox.callMany(records(1));
      expect(later!.ok || later!.error.message).toMatch(/CPU budget of 500 ms before Record #1/);
    } finally {
      sandbox.dispose();
    }
  });
});

describe("sharing the workers", () => {
  beforeAll(async () => {
    // One worker: the long and the short request must take turns in it.
    await shutdownSandboxWorkers();
    configureSandboxWorkers({ poolSize: 1 });
  });
  afterAll(async () => {
    await shutdownSandboxWorkers();
    configureSandboxWorkers({ poolSize: 2 });
  });

  it("serves a short request while a long one runs, instead of after it", async () => {
    // 40 records of 100 ms: 4 s in one worker (previously one batch, which nothing could pass).
    const long = await createFormattingSandbox(spinning(100, "long"));
    const short = await createFormattingSandbox(spinning(5, "short"));
    try {
      const started = performance.now();
      let longDone = 0;
      const longRun = long.callMany(records(40)).then((outcomes) => {
        longDone = performance.now() - started;
        return outcomes;
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      const shortStarted = performance.now();
      const shortOutcomes = await short.callMany(records(5));
      const shortTook = performance.now() - shortStarted;
      expect(shortOutcomes.map((o) => o.ok && o.result)).toEqual([0, 1, 2, 3, 4].map((i) => ({ kind: "value", value: `short${i}` })));
      // 5 × 5 ms of its own work, interleaved with the long request's slices (a 100 ms record
      // each): well under a second, where waiting for the long request would take ~3.7 s.
      expect(shortTook).toBeLessThan(1500);
      expect(longDone).toBe(0); // the long request is still running
      const longOutcomes = await longRun;
      expect(longOutcomes.every((o) => o.ok)).toBe(true);
      expect(longDone).toBeGreaterThan(3500);
    } finally {
      long.dispose();
      short.dispose();
    }
  });

  it("stops a running request promptly when its signal aborts, and the worker keeps serving", async () => {
    const looping = await createFormattingSandbox("(s) => { if (s.evil) while (true) {} return 'ok'; }", { limits: { timeoutMs: 20_000 } });
    const other = await createFormattingSandbox("(s) => s.i * 2");
    try {
      const replaced = workerStats.replaced;
      const controller = new AbortController();
      const running = looping.callMany([{ sample: { evil: true }, recordLabel: "Record #1" }], { signal: controller.signal });
      const outcome = running.then(
        () => "resolved",
        (error: unknown) => error,
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      const aborted = performance.now();
      controller.abort();
      const error = await outcome;
      expect(performance.now() - aborted).toBeLessThan(500);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).name).toBe("AbortError");
      // The record was interrupted inside the worker, which was not replaced and serves on.
      expect(workerStats.replaced).toBe(replaced);
      const quick = performance.now();
      expect(await other.call({ i: 21 })).toEqual({ kind: "value", value: 42 });
      expect(performance.now() - quick).toBeLessThan(500);
      expect(await looping.call({})).toEqual({ kind: "value", value: "ok" });
    } finally {
      looping.dispose();
      other.dispose();
    }
  });

  it("an abort given at creation stops every call of that request", async () => {
    const controller = new AbortController();
    const sandbox = await createFormattingSandbox(spinning(50, "x"), { signal: controller.signal });
    try {
      const run = sandbox.callMany(records(100));
      setTimeout(() => controller.abort(), 200);
      const started = performance.now();
      await expect(run).rejects.toThrow(/aborted/i);
      expect(performance.now() - started).toBeLessThan(1000);
      await expect(sandbox.callMany(records(1))).rejects.toThrow(/aborted/i);
    } finally {
      sandbox.dispose();
    }
  });
});
