/**
 * Train/test split: deterministic (seeded), optionally stratified, with counts computed so that
 * float artefacts cannot break it (Argilla/HF: train_size 0.99 on 30 000 rows asks for 29 700 +
 * 301 rows and fails). Both splits keep the input row order; which rows go to the test split is
 * a seeded random choice (HF and sklearn return permuted rows — trainers shuffle anyway).
 */
import { PrepareError } from "./errors";
import { derivedRng, shuffleInPlace } from "./random";

export interface SplitSizes {
  train: number;
  test: number;
}

const SUM_TOLERANCE = 1e-9;
/** A product within this distance of an integer is that integer (0.99 × 30000 = 29700.000000000004). */
const COUNT_TOLERANCE = 1e-6;

/**
 * Validates train_size / test_size. Defaults: train 1 (no split); a missing size is the
 * complement of the other. Each given size must lie in (0, 1]; their sum may not exceed 1.
 */
export function resolveSplitSizes(trainSize?: number, testSize?: number): SplitSizes {
  for (const [name, size] of [
    ["train_size", trainSize],
    ["test_size", testSize],
  ] as const) {
    if (size === undefined) continue;
    if (typeof size !== "number" || !Number.isFinite(size) || size <= 0 || size > 1) {
      throw new PrepareError(`${name} must be a number in (0, 1], got ${String(size)}`);
    }
  }
  const train = trainSize ?? (testSize === undefined ? 1 : 1 - testSize);
  const test = testSize ?? Math.max(0, 1 - train);
  if (train + test > 1 + SUM_TOLERANCE) {
    throw new PrepareError(`train_size + test_size must not exceed 1 (got ${train} + ${test} = ${train + test})`);
  }
  if (train <= SUM_TOLERANCE) throw new PrepareError("train_size must be larger than 0");
  return { train, test };
}

function nearInteger(x: number): number | undefined {
  const r = Math.round(x);
  return Math.abs(x - r) < COUNT_TOLERANCE ? r : undefined;
}
const floorCount = (x: number) => nearInteger(x) ?? Math.floor(x);
const ceilCount = (x: number) => nearInteger(x) ?? Math.ceil(x);

/** Row counts as HF computes them (test = ceil, train = floor), without the float error. */
export function splitCounts(n: number, sizes: SplitSizes): SplitSizes {
  if (sizes.train >= 1 - SUM_TOLERANCE) return { train: n, test: 0 };
  const test = Math.min(n, ceilCount(sizes.test * n));
  const train = Math.min(n - test, floorCount(sizes.train * n));
  if (n > 0 && train === 0) {
    throw new PrepareError(
      `train_size ${sizes.train} of ${n} rows leaves no training rows; use a larger train_size or prepare more rows`,
    );
  }
  return { train, test };
}

export interface SplitOptions<T> {
  sizes: SplitSizes;
  seed: number;
  /** Rows with the same key are split in the same proportions (e.g. by label). */
  stratifyKey?: (row: T) => string;
}

export function splitRows<T>(rows: readonly T[], options: SplitOptions<T>): { train: T[]; test: T[] } {
  const counts = splitCounts(rows.length, options.sizes);
  if (counts.test === 0 && counts.train === rows.length) return { train: rows.slice(), test: [] };
  const rng = derivedRng(options.seed, "train-test-split");
  const groups = groupIndices(rows, options.stratifyKey);
  const sizes = groups.map((g) => g.length);
  // Stratified: keep at least one row of each class in train where possible.
  const testQuota = allocate(counts.test, sizes, options.stratifyKey ? sizes.map((s) => Math.max(0, s - 1)) : sizes);
  const split = new Uint8Array(rows.length); // 0 = unused, 1 = train, 2 = test
  const rest: number[][] = [];
  groups.forEach((indices, g) => {
    shuffleInPlace(indices, rng);
    for (let i = 0; i < testQuota[g]!; i++) split[indices[i]!] = 2;
    rest.push(indices.slice(testQuota[g]!));
  });
  const restSizes = rest.map((r) => r.length);
  const trainQuota = allocate(counts.train, restSizes, restSizes);
  rest.forEach((indices, g) => {
    for (let i = 0; i < trainQuota[g]!; i++) split[indices[i]!] = 1;
  });
  const train: T[] = [];
  const test: T[] = [];
  rows.forEach((row, i) => {
    if (split[i] === 1) train.push(row);
    else if (split[i] === 2) test.push(row);
  });
  return { train, test };
}

function groupIndices<T>(rows: readonly T[], keyOf?: (row: T) => string): number[][] {
  if (!keyOf) return [rows.map((_, i) => i)];
  const groups = new Map<string, number[]>();
  rows.forEach((row, i) => {
    const key = keyOf(row);
    const group = groups.get(key);
    if (group) group.push(i);
    else groups.set(key, [i]);
  });
  return [...groups.values()];
}

/**
 * Splits `total` over groups proportionally to their sizes (largest remainder, ties by group order),
 * never above a group's cap; caps are relaxed to the group size only if the total cannot be reached.
 */
export function allocate(total: number, sizes: readonly number[], caps: readonly number[]): number[] {
  const n = sizes.reduce((a, b) => a + b, 0);
  if (n === 0) return sizes.map(() => 0);
  const exact = sizes.map((s) => (total * s) / n);
  const counts = exact.map((e, g) => Math.min(caps[g]!, floorCount(e)));
  let remaining = total - counts.reduce((a, b) => a + b, 0);
  const order = exact.map((_, g) => g).sort((a, b) => exact[b]! - counts[b]! - (exact[a]! - counts[a]!));
  // Largest remainders first: at most one extra row per group.
  for (const g of order) {
    if (remaining > 0 && counts[g]! < caps[g]!) {
      counts[g]!++;
      remaining--;
    }
  }
  // Only when caps leave rows unassigned: fill within caps, then give each remaining row to the
  // group with the most rows left (so small classes keep their train rows longest).
  for (const g of order) {
    while (remaining > 0 && counts[g]! < caps[g]!) {
      counts[g]!++;
      remaining--;
    }
  }
  while (remaining > 0) {
    let roomiest = -1;
    sizes.forEach((size, g) => {
      if (size - counts[g]! > 0 && (roomiest < 0 || size - counts[g]! > sizes[roomiest]! - counts[roomiest]!)) roomiest = g;
    });
    if (roomiest < 0) break;
    counts[roomiest]!++;
    remaining--;
  }
  return counts;
}
