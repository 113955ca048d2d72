import { describe, expect, it } from "vitest";
import { PrepareError } from "./errors";
import { allocate, resolveSplitSizes, splitCounts, splitRows } from "./split";

describe("resolveSplitSizes", () => {
  it("defaults to no split and completes a missing size", () => {
    expect(resolveSplitSizes()).toEqual({ train: 1, test: 0 });
    expect(resolveSplitSizes(0.8)).toEqual({ train: 0.8, test: 1 - 0.8 });
    expect(resolveSplitSizes(undefined, 0.25)).toEqual({ train: 0.75, test: 0.25 });
    expect(resolveSplitSizes(0.5, 0.3)).toEqual({ train: 0.5, test: 0.3 });
  });
  it("rejects sizes outside (0, 1] and sums above 1 with clear messages", () => {
    expect(() => resolveSplitSizes(0)).toThrow(new PrepareError("train_size must be a number in (0, 1], got 0"));
    expect(() => resolveSplitSizes(-0.2)).toThrow("train_size must be a number in (0, 1], got -0.2");
    expect(() => resolveSplitSizes(1.5)).toThrow("train_size must be a number in (0, 1], got 1.5");
    expect(() => resolveSplitSizes(0.8, 0)).toThrow("test_size must be a number in (0, 1], got 0");
    expect(() => resolveSplitSizes(undefined, 1)).toThrow("train_size must be larger than 0");
    expect(() => resolveSplitSizes(0.8, 0.3)).toThrow(/train_size \+ test_size must not exceed 1 \(got 0.8 \+ 0.3 = 1.1/);
  });
  it("tolerates float noise in the sum (0.7 + 0.3 = 1.0000000000000000 or thereabouts)", () => {
    expect(() => resolveSplitSizes(0.7, 0.3)).not.toThrow();
    expect(() => resolveSplitSizes(0.1 + 0.2, 0.7)).not.toThrow(); // 0.30000000000000004 + 0.7
  });
});

describe("splitCounts", () => {
  it("train_size 0.99 of 30 000 rows: 29 700 / 300 (Argilla/HF ask for 29 700 + 301 and fail, issue #4512)", () => {
    // 1 - 0.99 = 0.010000000000000009 → × 30000 = 300.00000000000027 → 300, not ceil → 301
    expect(splitCounts(30000, resolveSplitSizes(0.99))).toEqual({ train: 29700, test: 300 });
  });
  it("HF rounding otherwise: test = ceil, train = floor", () => {
    // 10 × 0.25 = 2.5 → test 3, train 7
    expect(splitCounts(10, resolveSplitSizes(0.75))).toEqual({ train: 7, test: 3 });
    expect(splitCounts(5, resolveSplitSizes(0.9))).toEqual({ train: 4, test: 1 });
  });
  it("train_size 1 → everything in train", () => {
    expect(splitCounts(7, resolveSplitSizes(1))).toEqual({ train: 7, test: 0 });
  });
  it("a split that leaves no training row is an error", () => {
    expect(() => splitCounts(1, resolveSplitSizes(0.5))).toThrow(/leaves no training rows/);
  });
  it("sizes summing below 1 leave the rest unused", () => {
    expect(splitCounts(100, resolveSplitSizes(0.5, 0.2))).toEqual({ train: 50, test: 20 });
  });
});

describe("splitRows", () => {
  const rows = Array.from({ length: 100 }, (_, i) => ({ i, label: i < 80 ? "a" : i < 95 ? "b" : "c" }));

  it("is deterministic for a seed; another seed picks other rows; both splits keep input order", () => {
    const a = splitRows(rows, { sizes: resolveSplitSizes(0.8), seed: 1 });
    const b = splitRows(rows, { sizes: resolveSplitSizes(0.8), seed: 1 });
    const c = splitRows(rows, { sizes: resolveSplitSizes(0.8), seed: 2 });
    expect(a).toEqual(b);
    expect(a.test).not.toEqual(c.test);
    expect(a.train).toHaveLength(80);
    expect(a.test).toHaveLength(20);
    expect(a.train.map((r) => r.i)).toEqual([...a.train.map((r) => r.i)].sort((x, y) => x - y));
    expect(new Set([...a.train, ...a.test].map((r) => r.i)).size).toBe(100);
  });
  it("stratification keeps class ratios: 80/15/5 rows, 20% test → 16/3/1 test rows", () => {
    const { train, test } = splitRows(rows, { sizes: resolveSplitSizes(0.8), seed: 3, stratifyKey: (r) => r.label });
    const count = (list: typeof rows, label: string) => list.filter((r) => r.label === label).length;
    expect([count(test, "a"), count(test, "b"), count(test, "c")]).toEqual([16, 3, 1]);
    expect([count(train, "a"), count(train, "b"), count(train, "c")]).toEqual([64, 12, 4]);
  });
  it("stratification keeps a class with one row in train", () => {
    const few = [{ label: "a" }, { label: "a" }, { label: "a" }, { label: "b" }];
    // 50% test = 2 rows; "b" (1 row) is capped at 0 test rows, so both test rows are "a"
    const { train, test } = splitRows(few, { sizes: resolveSplitSizes(0.5), seed: 1, stratifyKey: (r) => r.label });
    expect(test.map((r) => r.label)).toEqual(["a", "a"]);
    expect(train.map((r) => r.label).sort()).toEqual(["a", "b"]);
  });
  it("allocate: largest remainder, within caps, relaxed only when needed", () => {
    // 10 over sizes 5/3/2 → exact 5, 3, 2
    expect(allocate(10, [5, 3, 2], [5, 3, 2])).toEqual([5, 3, 2]);
    // 3 over 5/3/2 → exact 1.5, 0.9, 0.6 → floors 1,0,0; remainders .9 .6 .5 → +1 to groups 1 and 2
    expect(allocate(3, [5, 3, 2], [5, 3, 2])).toEqual([1, 1, 1]);
    // caps 0 force the quota elsewhere
    expect(allocate(2, [2, 1], [1, 0])).toEqual([2, 0]);
  });
});
