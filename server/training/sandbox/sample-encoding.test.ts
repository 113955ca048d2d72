import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { QuickJSContext, QuickJSRuntime } from "quickjs-emscripten";
import { newEngineModule } from "./engine-modules";
import { batchDocument, encodeSamples, sliceSamples } from "./sample-encoding";

let runtime: QuickJSRuntime;
let context: QuickJSContext;

beforeAll(async () => {
  const module = await newEngineModule(64 * 1024 * 1024);
  runtime = module.newRuntime();
  context = runtime.newContext();
});

afterAll(() => {
  context.dispose();
  runtime.dispose();
});

/** What QuickJS builds from our document: the records, as JSON text made inside QuickJS. */
function decodedInQuickJs(document: Uint8Array): string {
  const buffer = context.newArrayBuffer(document.slice().buffer);
  const decoded = context.decodeBinaryJSON(buffer);
  buffer.dispose();
  const stringify = context.unwrapResult(context.evalCode("(value) => JSON.stringify(value)"));
  const json = context.unwrapResult(context.callFunction(stringify, context.undefined, decoded));
  const text = context.getString(json);
  for (const handle of [json, stringify, decoded]) handle.dispose();
  return text;
}

/** QuickJS's own encoding of JSON.parse(json). */
function quickJsEncoding(json: string): Uint8Array {
  const text = context.newString(json);
  const parse = context.unwrapResult(context.evalCode("(text) => JSON.parse(text)"));
  const value = context.unwrapResult(context.callFunction(parse, context.undefined, text));
  const encoded = context.encodeBinaryJSON(value);
  const bytes = context.getArrayBuffer(encoded);
  const copy = bytes.value.slice();
  for (const handle of [bytes, encoded, value, parse, text]) handle.dispose();
  return copy;
}

const AWKWARD = {
  text: "plain ascii",
  latin1: "café, naïve, ÿ",
  wide: "日本語 — emoji 🎉 and a lone surrogate \ud800 end",
  empty: "",
  longLatin1: "é".repeat(100),
  longWide: "日本 🎉 ".repeat(40),
  numbers: [0, 1, -1, 63, 64, -64, -65, 300, 2147483647, -2147483648, 2147483648, 1.5, -0, 1e21, 5e-324, Number.MAX_SAFE_INTEGER],
  nested: { a: { b: { c: [[], {}, [null, true, false]] } } },
  nulls: null,
  "key with spaces": "x",
  "corrected-response": [{ user_id: "u1", value: "v", status: "submitted" }],
};

describe("the binary sample encoding", () => {
  it("writes the bytes QuickJS itself writes for the same JSON data", () => {
    for (const sample of [AWKWARD, { n: 1 }, "just a string", 42, null, [1, "a", { x: [2] }]]) {
      const encoded = encodeSamples([sample]);
      // QuickJS encodes one value; ours is an array of one record.
      const ours = batchDocument(encoded, 0, 1);
      const theirs = quickJsEncoding(JSON.stringify([sample]));
      expect(Buffer.from(ours).toString("hex")).toBe(Buffer.from(theirs).toString("hex"));
    }
  });

  it("gives QuickJS the values JSON.parse(JSON.stringify(sample)) gave it", () => {
    class Point {
      constructor(
        readonly x: number,
        readonly y: number,
      ) {}
    }
    const samples: unknown[] = [
      AWKWARD,
      { "0": "integer-like keys come first", b: 1, "10": 2, a: undefined, f: () => 1, s: Symbol("x") },
      [undefined, () => 1, Symbol("y"), Number.NaN, Number.POSITIVE_INFINITY],
      { date: new Date(Date.UTC(2024, 0, 2)), point: new Point(1, 2), map: new Map([[1, 2]]), boxed: new String("s") },
      { custom: { toJSON: () => "custom" } },
      undefined,
      Object.create(null, { visible: { value: 1, enumerable: true }, hidden: { value: 2, enumerable: false } }),
    ];
    const encoded = encodeSamples(samples);
    const expected = `[${samples.map((sample) => JSON.stringify(sample) ?? "null").join(",")}]`;
    expect(decodedInQuickJs(batchDocument(encoded, 0, samples.length))).toBe(expected);
    // Any run of consecutive records, sliced as the worker slices them.
    const middle = sliceSamples(encoded, 2, 5);
    expect(decodedInQuickJs(batchDocument(middle, 1, 3))).toBe(`[${[samples[3], samples[4]].map((s) => JSON.stringify(s)).join(",")}]`);
  });

  it("fails as JSON.stringify does on a cycle or a BigInt", () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(() => encodeSamples([cyclic])).toThrow(TypeError);
    expect(() => encodeSamples([{ big: 1n }])).toThrow(TypeError);
  });

  it("keeps a deep but finite structure", () => {
    let deep: unknown = "bottom";
    for (let i = 0; i < 300; i++) deep = { d: deep };
    const encoded = encodeSamples([deep]);
    expect(decodedInQuickJs(batchDocument(encoded, 0, 1))).toBe(`[${JSON.stringify(deep)}]`);
  });
});
