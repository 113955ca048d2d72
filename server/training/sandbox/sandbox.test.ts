import { performance as nodePerformance } from "node:perf_hooks";
import { afterEach, describe, expect, it, onTestFinished } from "vitest";
import {
  configureSandboxWorkers,
  createFormattingSandbox,
  FormattingFunctionError,
  sandboxCacheStats,
  type FormattingSandbox,
  type SandboxLimits,
} from "./index";
import { shutdownSandboxWorkers, workerStats } from "./worker-pool";

const sample = { text: "The screen is great", label: "positive", rating: 4, tags: ["a", "b"] };

// Disposed after each test: live sandboxes are bounded (SANDBOX_LIMITS), and a test that kept
// its sandboxes would make later tests wait for room.
const open: FormattingSandbox[] = [];
afterEach(() => open.splice(0).forEach((sandbox) => sandbox.dispose()));

async function sandboxFor(
  source: string,
  options: { language?: "javascript" | "typescript"; functionName?: string; limits?: SandboxLimits } = {},
): Promise<FormattingSandbox> {
  const sandbox = await createFormattingSandbox(source, options);
  open.push(sandbox);
  return sandbox;
}

async function creationError(source: string, options: Parameters<typeof createFormattingSandbox>[1] = {}): Promise<FormattingFunctionError> {
  const error = await createFormattingSandbox(source, options).then(
    (sandbox) => {
      sandbox.dispose();
      return undefined;
    },
    (error: unknown) => error,
  );
  expect(error).toBeInstanceOf(FormattingFunctionError);
  return error as FormattingFunctionError;
}

/** Calls and expects a FormattingFunctionError; containment is checked with a generous bound. */
async function callError(sandbox: FormattingSandbox, input: unknown, label = "record 12"): Promise<FormattingFunctionError> {
  const started = performance.now();
  let error: unknown;
  try {
    await sandbox.call(input, label);
  } catch (thrown) {
    error = thrown;
  }
  expect(performance.now() - started).toBeLessThan(5000);
  expect(error).toBeInstanceOf(FormattingFunctionError);
  return error as FormattingFunctionError;
}

describe("results", () => {
  it("returns a tuple-as-array, a dict, a list and null as plain JSON values", async () => {
    const tuple = await sandboxFor("function formatting_func(sample) { return [sample.text, sample.label]; }");
    expect(await tuple.call(sample)).toEqual({ kind: "value", value: ["The screen is great", "positive"] });

    const dict = await sandboxFor("(sample) => ({ prompt: sample.text, score: sample.rating / 5, missing: undefined })");
    expect(await dict.call(sample)).toEqual({ kind: "value", value: { prompt: "The screen is great", score: 0.8, missing: null } });

    const list = await sandboxFor("(sample) => sample.tags.map((tag) => [sample.text, tag])");
    expect(await list.call(sample)).toEqual({ kind: "value", value: [["The screen is great", "a"], ["The screen is great", "b"]] });

    const nothing = await sandboxFor("function f(sample) { if (sample.rating < 3) return [sample.text]; }");
    expect(await nothing.call(sample)).toEqual({ kind: "value", value: null });
    const none = await sandboxFor("(sample) => null");
    expect(await none.call(sample)).toEqual({ kind: "value", value: null });
  });

  it("drains a generator into items, keeping yielded null/undefined as null", async () => {
    const generator = await sandboxFor(`
      function* formatting_func(sample) {
        for (const tag of sample.tags) yield [sample.text, tag];
        yield undefined;
        yield null;
      }`);
    expect(await generator.call(sample)).toEqual({
      kind: "generator",
      items: [["The screen is great", "a"], ["The screen is great", "b"], null, null],
    });
  });

  it("drains a returned iterator as a generator", async () => {
    const sandbox = await sandboxFor("(sample) => sample.tags.values()");
    expect(await sandbox.call(sample)).toEqual({ kind: "generator", items: ["a", "b"] });
  });

  it("awaits an async function's result", async () => {
    const sandbox = await sandboxFor("async function formatting_func(sample) { const text = await Promise.resolve(sample.text); return [text]; }");
    expect(await sandbox.call(sample)).toEqual({ kind: "value", value: ["The screen is great"] });
  });

  it("passes the sample as a copy: the host's object is never touched", async () => {
    const sandbox = await sandboxFor("(sample) => { sample.text = 'changed'; sample.tags.push('c'); return sample.text; }");
    const input = structuredClone(sample);
    expect(await sandbox.call(input)).toEqual({ kind: "value", value: "changed" });
    expect(input).toEqual(sample);
  });

  it("reports values that are not JSON data as invalid-return", async () => {
    const cases: [string, RegExp][] = [
      ["(s) => ({ format: () => s.text })", /a function at key "format"/],
      ["(s) => [s.text, 10n]", /a BigInt .* at index 1/],
      ["(s) => new Map([['text', s.text]])", /a Map \(convert it with Object\.fromEntries/],
      ["(s) => { const row = { text: s.text }; row.self = row; return row; }", /circular reference/],
      ["function* f(s) { yield s.text; yield Symbol('x'); }", /a Symbol \(yielded item 1\)/],
      ["(s) => new Promise(() => {})", /a Promise that never settled/],
      ["(s) => { let list = null; for (let i = 0; i < 1e5; i++) list = { i, next: list }; return list; }", /a value nested more than 256 levels deep/],
    ];
    for (const [source, message] of cases) {
      const sandbox = await sandboxFor(source);
      const error = await callError(sandbox, sample);
      expect(error.kind).toBe("invalid-return");
      expect(error.message).toMatch(/^formatting function returned an invalid value on record 12: /);
      expect(error.message).toMatch(message);
    }
  });
});

describe("source forms", () => {
  it.each([
    ["a function declaration", "function formatting_func(sample) { return sample.label; }"],
    ["a generator declaration", "function* f(sample) { yield sample.label; }"],
    ["an arrow", "(sample) => sample.label"],
    ["an anonymous function expression", "function (sample) { return sample.label; }"],
    ["a default export", "export default function (sample) { return sample.label; }"],
    ["a default-exported arrow", "export default (sample) => sample.label"],
    ["CommonJS", "module.exports = function (sample) { return sample.label; };"],
    ["the only top-level function among constants", "const PREFIX = ''; const format = (sample) => PREFIX + sample.label;"],
    ["helpers followed by an arrow", "const pick = (s) => s.label;\n(sample) => pick(sample)"],
    ["several functions, one named formatting_func", "function clean(x) { return x.trim(); }\nfunction formatting_func(sample) { return clean(sample.label); }"],
    ["the only export among helpers", "function clean(x) { return x.trim(); }\nexport function format(sample) { return clean(sample.label); }"],
  ])("accepts %s", async (_form, source) => {
    const sandbox = await sandboxFor(source);
    const result = await sandbox.call(sample);
    expect(result.kind === "value" ? result.value : result.items[0]).toBe("positive");
  });

  it("calls the function named by functionName", async () => {
    const sandbox = await sandboxFor("function a(s) { return 'a'; }\nfunction b(s) { return 'b'; }", { functionName: "b" });
    expect(await sandbox.call(sample)).toEqual({ kind: "value", value: "b" });
  });

  it("keeps the module's own top-level state between records, like a Python module", async () => {
    const sandbox = await sandboxFor("let seen = 0;\nfunction formatting_func(sample) { seen += 1; return seen; }");
    expect(await sandbox.call(sample)).toEqual({ kind: "value", value: 1 });
    expect(await sandbox.call(sample)).toEqual({ kind: "value", value: 2 });
  });

  it("runs TypeScript with types, interfaces and enums", async () => {
    const sandbox = await sandboxFor(
      `interface Sample { text: string; label: string; rating: number }
       type Pair = [string, string];
       enum Grade { Low = "low", High = "high" }
       export function formatting_func(sample: Sample): Pair {
         const grade: Grade = sample.rating > 3 ? Grade.High : Grade.Low;
         return [sample.text as string, \`\${sample.label}/\${grade}\`];
       }`,
      { language: "typescript" },
    );
    expect(await sandbox.call(sample)).toEqual({ kind: "value", value: ["The screen is great", "positive/high"] });
  });

  it("says what was expected when no function is found", async () => {
    const error = await creationError("const answer = 42;");
    expect(error.kind).toBe("not-a-function");
    expect(error.message).toMatch(/no function found .*expected a function such as `function formatting_func\(sample\)/);
  });

  it("refuses to guess between several functions", async () => {
    const error = await creationError("function a(s) {}\nfunction b(s) {}");
    expect(error.kind).toBe("not-a-function");
    expect(error.message).toMatch(/found 2 top-level functions \(a, b\) and none is named formatting_func/);
  });

  it("reports an unknown functionName with the names that exist", async () => {
    const error = await creationError("function a(s) {}", { functionName: "format" });
    expect(error.kind).toBe("not-a-function");
    expect(error.message).toMatch(/no function named "format" found \(the source defines a\)/);
  });

  it("reports syntax errors with line and column", async () => {
    const js = await creationError("function f(sample) {\n  return sample.;\n}");
    expect(js).toMatchObject({ kind: "syntax", line: 2, column: 17 });
    expect(js.message).toMatch(/syntax error at line 2, column 17: Expected identifier but found ";"/);

    const ts = await creationError("function f(sample: { text: string ) {\n  return sample.text;\n}", { language: "typescript" });
    expect(ts.kind).toBe("syntax");
    expect(ts).toMatchObject({ line: 1 });
  });

  it("reports errors thrown by the top-level code", async () => {
    const error = await creationError("const table = JSON.parse('{');\nfunction f(s) { return table; }");
    expect(error.kind).toBe("throw");
    expect(error.message).toMatch(/^formatting function threw in its top-level code: SyntaxError/);
    const loop = await creationError("while (true) {}\nfunction f(s) {}", { limits: { timeoutMs: 100 } });
    expect(loop.kind).toBe("timeout");
  });

  it("reports code QuickJS refuses in strict mode as a syntax error", async () => {
    const error = await creationError("function f(sample) { with (sample) { return text; } }");
    expect(error.kind).toBe("syntax");
    expect(error.message).toMatch(/^formatting function has a syntax error: SyntaxError/);
  });
});

describe("hostile functions are contained and the sandbox keeps serving", () => {
  // Each function misbehaves only when sample.evil is set, so the follow-up call shows the
  // sandbox still works; the follow-up runs twice to cover the restarted runtime as well.
  const hostile: [string, string, FormattingFunctionError["kind"], RegExp][] = [
    ["an infinite loop", "if (s.evil) { while (true) {} }", "timeout", /^formatting function timed out after 1000 ms on record 12$/],
    ["an empty for(;;) in a generator", "GENERATOR if (s.evil) { for (;;) {} }", "timeout", /timed out after 1000 ms on record 12/],
    ["a 4 GiB ArrayBuffer", "if (s.evil) new ArrayBuffer(4 * 2 ** 30);", "memory", /memory limit \(64 MiB\) on record 12: RangeError/],
    ["a billion-element array", "if (s.evil) new Array(1e9).fill(0);", "memory", /memory limit/],
    ["filling the heap", "if (s.evil) { const keep = []; while (true) keep.push(new Float64Array(1e6)); }", "memory", /out of memory/],
    ["unbounded string doubling", "if (s.evil) { let text = 'x'; while (true) text += text; }", "memory", /string too long/],
    ["a huge string", "if (s.evil) 'x'.repeat(2 ** 29);", "memory", /out of memory/],
    ["a loop of heavy native calls", "if (s.evil) { const text = 'word '.repeat(2e5); while (true) text.split(' ').join('-'); }", "timeout", /timed out after 1000 ms/],
    ["infinite recursion", "if (s.evil) { const dive = (n) => dive(n + 1) + 1; dive(0); }", "memory", /maximum call stack size on record 12/],
    ["deeply nested JSON.parse", "if (s.evil) JSON.parse('['.repeat(1e5) + ']'.repeat(1e5));", "memory", /maximum call stack size on record 12/],
    // Deep native recursion in the parser: in the worker's 4 MiB stack QuickJS's own check trips
    // first (on a 1 MiB stack V8's overflows inside the wasm instead: see the crash test below).
    ["deeply nested eval", "if (s.evil) eval('('.repeat(1e5) + '1' + ')'.repeat(1e5));", "memory", /maximum call stack size on record 12/],
    ["process.exit()", "if (s.evil) process.exit(1);", "throw", /threw on record 12: ReferenceError: 'process' is not defined/],
    ["require('fs')", "if (s.evil) require('fs');", "throw", /cannot load "fs": formatting functions run in a sandbox without modules/],
    ["fetch()", "if (s.evil) fetch('http://example.com');", "throw", /ReferenceError: 'fetch' is not defined/],
    ["setTimeout()", "if (s.evil) setTimeout(() => {}, 0);", "throw", /'setTimeout' is not defined/],
    ["dynamic import('fs')", "if (s.evil) return import('fs');", "throw", /could not load module 'fs'/],
    ["this.constructor.constructor", "if (s.evil) return this.constructor.constructor('return process')();", "throw", /TypeError: cannot read property 'constructor' of undefined/],
    ["the Function constructor", "if (s.evil) return Function('return this')().constructor.constructor('return process.env')();", "throw", /'process' is not defined/],
    ["Object.prototype pollution", "if (s.evil) Object.prototype.polluted = 1;", "throw", /TypeError/],
    ["replacing a built-in", "if (s.evil) Array.prototype.map = () => 'hacked';", "throw", /TypeError/],
    ["a new global", "if (s.evil) globalThis.leaked = 1;", "throw", /TypeError/],
    ["an uninterruptible native loop", "if (s.evil) Array(2 ** 32 - 1).indexOf(1);", "memory", /exceeds the sandbox limit/],
    ["an uninterruptible iterator helper", "if (s.evil) Array(2 ** 32 - 1).values().drop(2 ** 32).next();", "memory", /exceeds the sandbox limit/],
  ];

  it.each(hostile)("%s", async (_name, body, kind, message) => {
    const generator = body.startsWith("GENERATOR ");
    const code = body.replace("GENERATOR ", "");
    const source = generator
      ? `function* formatting_func(s) { ${code}; yield [s.n + 1, typeof polluted, ({}).polluted, typeof leaked]; }`
      : `function formatting_func(s) { ${code}; return [s.n + 1, typeof polluted, ({}).polluted, typeof leaked]; }`;
    const sandbox = await sandboxFor(source);
    const error = await callError(sandbox, { evil: true, n: 0 });
    expect(error.kind).toBe(kind);
    expect(error.message).toMatch(message);
    expect(error.recordLabel).toBe("record 12");

    const clean = [2, "undefined", null, "undefined"];
    const expected = generator ? { kind: "generator", items: [clean] } : { kind: "value", value: clean };
    expect(await sandbox.call({ n: 1 })).toEqual(expected);
    expect(await sandbox.call({ n: 1 })).toEqual(expected);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(typeof (globalThis as Record<string, unknown>).leaked).toBe("undefined");
  });

  it("notices the deadline in a loop of heavy native calls after many cheap records", async () => {
    const sandbox = await sandboxFor(
      "function f(s) { if (s.evil) { const text = 'word '.repeat(2e5); while (true) text.split(' ').join('-'); } return s.n + 1; }",
    );
    for (let n = 0; n < 200; n++) expect(await sandbox.call({ n })).toEqual({ kind: "value", value: n + 1 });
    expect((await callError(sandbox, { evil: true })).kind).toBe("timeout");
    expect(await sandbox.call({ n: 1 })).toEqual({ kind: "value", value: 2 });
  });

  it("keeps sloppy-mode pollution (which fails silently) from leaking", async () => {
    const sandbox = await sandboxFor("(s) => { if (s.evil) Function('Object.prototype.polluted = 1')(); return ({}).polluted; }");
    expect(await sandbox.call({ evil: true })).toEqual({ kind: "value", value: null });
    expect(await sandbox.call({})).toEqual({ kind: "value", value: null });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("still lets ordinary code assign over inherited built-in names", async () => {
    const sandbox = await sandboxFor(`
      class LabelError extends Error { constructor(message) { super(message); this.name = "LabelError"; } }
      function formatting_func(sample) {
        const counts = {};
        for (const word of ["constructor", "toString", "label", "label"]) counts[word] = (counts[word] | 0) + 1;
        if (sample.fail) throw new LabelError("no label");
        return counts;
      }`);
    expect(await sandbox.call(sample)).toEqual({ kind: "value", value: { constructor: 1, toString: 1, label: 2 } });
    expect((await callError(sandbox, { fail: true })).message).toMatch(/threw on record 12: LabelError: no label$/);
  });

  it("uses the configured limits", async () => {
    const slow = await sandboxFor("(s) => { if (s.evil) for (;;) {} return 1; }", { limits: { timeoutMs: 50 } });
    expect((await callError(slow, { evil: true })).message).toBe("formatting function timed out after 50 ms on record 12");
    expect(await slow.call({})).toEqual({ kind: "value", value: 1 });

    const eightMegabytes = "(s) => 'x'.repeat(8 * 1024 * 1024).length";
    expect(await (await sandboxFor(eightMegabytes)).call({})).toEqual({ kind: "value", value: 8 * 1024 * 1024 });
    const small = await sandboxFor(eightMegabytes, { limits: { memoryBytes: 8 * 1024 * 1024 } });
    expect((await callError(small, {})).message).toMatch(/memory limit \(8 MiB\)/);
  });

  it("says so when the engine crashes again before its replacement is ready, then recovers", async () => {
    // A worker with the main thread's stack size, where V8's stack overflows inside the wasm
    // before QuickJS's own check trips: the engine instance is dropped and the spare one takes over.
    // A long time slice keeps the three records in one synchronous run of the worker, however
    // slow the machine is at the moment.
    await shutdownSandboxWorkers();
    configureSandboxWorkers({ stackSizeMb: 1, sliceMs: 60_000 });
    onTestFinished(async () => {
      await shutdownSandboxWorkers();
      configureSandboxWorkers({ stackSizeMb: 4, sliceMs: 50 });
    });
    const sandbox = await sandboxFor("(s) => s.evil ? eval('('.repeat(1e5) + '1' + ')'.repeat(1e5)) : s.n");
    // One slice runs synchronously in the worker, so the spare engine cannot be refilled within it.
    const [first, second, waiting] = await sandbox.callMany([
      { sample: { evil: true }, recordLabel: "record 1" },
      { sample: { evil: true }, recordLabel: "record 2" }, // uses the spare engine
      { sample: { n: 1 }, recordLabel: "record 3" }, // no spare left
    ]);
    expect(first!.ok || first!.error.message).toMatch(/maximum call stack size on record 1 .*RangeError/);
    expect(second!.ok || second!.error.message).toMatch(/maximum call stack size on record 2 .*RangeError/);
    expect(waiting!.ok).toBe(false);
    expect(waiting!.ok || (waiting!.error as FormattingFunctionError).kind).toBe("memory");
    expect(waiting!.ok || waiting!.error.message).toMatch(/crashed the sandbox's engine on an earlier record and it is still restarting; nothing was run on record 3/);
    // Between requests the worker waits for the replacement.
    expect(await sandbox.call({ n: 1 })).toEqual({ kind: "value", value: 1 });
  });
});

describe("the sandbox runs in worker threads", () => {
  afterEach(() => {
    configureSandboxWorkers({ backstopMarginMs: 2000 });
  });

  it("keeps the main thread responsive, and other sandboxes serving, while a function loops", async () => {
    configureSandboxWorkers({ poolSize: 2 });
    // Created concurrently, so they are placed in different workers.
    const [looping, other] = await Promise.all([
      sandboxFor("(s) => { if (s.evil) while (true) {} return 'ok'; }", { limits: { timeoutMs: 2000 } }),
      sandboxFor("(s) => s.n * 2"),
    ]);
    let ticks = 0;
    const interval = setInterval(() => (ticks += 1), 10);
    const started = performance.now();
    const busyBefore = nodePerformance.eventLoopUtilization();
    let loopEnded = 0;
    const hostile = callError(looping, { evil: true }).finally(() => (loopEnded = performance.now()));
    // A call of another sandbox, sent while the loop runs, is answered long before it is stopped.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await other.call({ n: 21 })).toEqual({ kind: "value", value: 42 });
    const otherDone = performance.now();
    const error = await hostile;
    const busy = nodePerformance.eventLoopUtilization(busyBefore);
    clearInterval(interval);

    expect(error.kind).toBe("timeout");
    expect(error.message).toBe("formatting function timed out after 2000 ms on record 12");
    expect(loopEnded - started).toBeGreaterThanOrEqual(1900);
    expect(otherDone).toBeLessThan(loopEnded);
    // The main thread's event loop sat idle (timers firing) for the 2 s the loop ran elsewhere;
    // running the loop itself would have kept it ~100% busy. (Event-loop utilisation rather than
    // timer gaps, which a busy machine stretches for reasons of its own.)
    expect(ticks).toBeGreaterThan(5);
    expect(busy.utilization).toBeLessThan(0.5);
    expect(await looping.call({})).toEqual({ kind: "value", value: "ok" });
  });

  it("terminates and replaces a worker whose call does not stop at the time limit", async () => {
    const sandbox = await sandboxFor("let n = 0; (s) => { n += 1; if (s.evil) while (true) {} return n; }", { limits: { timeoutMs: 20_000 } });
    expect(await sandbox.call({})).toEqual({ kind: "value", value: 1 });
    // Make the main thread's backstop fire 300 ms into the call, long before the sandbox's own
    // 20 s deadline would: as if the deadline were never polled.
    configureSandboxWorkers({ backstopMarginMs: -19_700 });
    const replaced = workerStats.replaced;
    const started = performance.now();
    const outcomes = await sandbox.callMany([
      { sample: {}, recordLabel: "Record #1" },
      { sample: { evil: true }, recordLabel: "Record #2" },
      { sample: {}, recordLabel: "Record #3" },
    ]);
    expect(performance.now() - started).toBeLessThan(15_000); // includes starting a new worker
    expect(workerStats.replaced).toBe(replaced + 1);
    // Record #1's result was lost with the worker and recomputed in a fresh one (state restarts).
    expect(outcomes[0]).toEqual({ ok: true, result: { kind: "value", value: 1 } });
    const [, timedOut, notRun] = outcomes.map((o) => (o.ok ? undefined : (o.error as FormattingFunctionError)));
    expect(timedOut).toMatchObject({ kind: "timeout", recordLabel: "Record #2" });
    expect(timedOut!.message).toBe(
      "formatting function timed out after 20000 ms on Record #2 (it did not stop at the time limit, so its worker was replaced)",
    );
    expect(notRun!.message).toBe("formatting function was not run on Record #3: it timed out on Record #2, earlier in the same batch");
    configureSandboxWorkers({ backstopMarginMs: 2000 });
    expect(await sandbox.call({})).toEqual({ kind: "value", value: 2 });
  });
});

describe("the sandbox cache (live preview)", () => {
  const counter = "let calls = 0;\nfunction formatting_func(s) { calls += 1; if (s.evil) while (true) {} return calls; }";
  const options = { cache: true, limits: { timeoutMs: 300 } } as const;

  it("serves a second request for the same function from the cache, loaded and with its state", async () => {
    const first = await createFormattingSandbox(counter, options);
    expect(await first.call({})).toEqual({ kind: "value", value: 1 });
    first.dispose();

    const before = sandboxCacheStats();
    const second = await createFormattingSandbox(counter, options);
    expect(sandboxCacheStats().hits).toBe(before.hits + 1);
    expect(await second.call({})).toEqual({ kind: "value", value: 2 }); // the same loaded function
    // Leased: a concurrent request for the same function gets its own sandbox.
    const concurrent = await createFormattingSandbox(counter, options);
    expect(await concurrent.call({})).toEqual({ kind: "value", value: 1 });
    concurrent.dispose();
    second.dispose();

    // Other limits are another function.
    const other = await createFormattingSandbox(counter, { cache: true, limits: { timeoutMs: 301 } });
    expect(await other.call({})).toEqual({ kind: "value", value: 1 });
    other.dispose();
  });

  it("discards a cached sandbox that hit a limit", async () => {
    const source = counter.replace("calls = 0", "calls = 100");
    const first = await createFormattingSandbox(source, options);
    expect(await first.call({})).toEqual({ kind: "value", value: 101 });
    expect((await callError(first, { evil: true })).kind).toBe("timeout");
    first.dispose();

    const misses = sandboxCacheStats().misses;
    const next = await createFormattingSandbox(source, options);
    expect(sandboxCacheStats().misses).toBe(misses + 1);
    expect(await next.call({})).toEqual({ kind: "value", value: 101 });
    next.dispose();
  });

  it("keeps at most 8 functions", async () => {
    for (let i = 0; i < 10; i++) (await createFormattingSandbox(`(s) => ${i}`, options)).dispose();
    expect(sandboxCacheStats().size).toBeLessThanOrEqual(8);
  });
});

describe("dispose", () => {
  it("refuses calls after dispose", async () => {
    const sandbox = await createFormattingSandbox("(s) => 1");
    sandbox.dispose();
    await expect(sandbox.call({})).rejects.toThrow(/after dispose/);
  });
});
