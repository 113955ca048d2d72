/**
 * The set of samples seen so far, for Argilla's drop_duplicates (deep equality). Samples are
 * bucketed by their first text leaf (for most tasks the input text, a string straight from
 * JSON.parse whose hash V8 computes natively and caches) and compared deeply within a bucket, so
 * adding a sample builds no key. A Set of joined-leaf keys spent more time building, hashing and
 * collecting those keys than the rest of a 100k-record classification prepare's dedup.
 */
export class SampleSet {
  private readonly buckets = new Map<string, unknown>();
  private readonly crowded = new Map<string, unknown[]>();

  /** Adds the sample; false when a deeply equal one is already in the set. */
  add(sample: unknown): boolean {
    const key = firstText(sample) ?? "";
    const first = this.buckets.get(key);
    if (first === undefined) {
      this.buckets.set(key, sample);
      return true;
    }
    if (deepEqual(first, sample)) return false;
    const others = this.crowded.get(key);
    if (others?.some((other) => deepEqual(other, sample))) return false;
    if (others) others.push(sample);
    else this.crowded.set(key, [sample]);
    return true;
  }
}

/** The first string leaf in depth-first order, if any. */
function firstText(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value !== "object" || value === null) return undefined;
  for (const key in value) {
    const text = firstText((value as Record<string, unknown>)[key]);
    if (text !== undefined) return text;
  }
  return undefined;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keysA = Object.keys(a);
  if (keysA.length !== Object.keys(b).length) return false;
  for (const key of keysA) {
    if (!Object.hasOwn(b, key) || !deepEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])) return false;
  }
  return true;
}
