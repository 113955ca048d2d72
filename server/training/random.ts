/**
 * Seeded, dependency-free randomness. Everything random in training preparation (tie-breaking,
 * split shuffles) goes through here so that the same inputs and seed always give the same rows.
 */

/** 32-bit FNV-1a style hash of a string mixed with a seed, finished with murmur3's avalanche. */
export function hashString(text: string, seed = 0): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** mulberry32: a small, fast generator of floats in [0, 1); good enough for shuffles and ties. */
export function createRng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A generator derived from a seed and a key (e.g. a record id and a question name). Deriving per key
 * instead of drawing from one shared stream makes results independent of record order and page
 * boundaries: a record's tie is broken the same way in a preview page and in a full run.
 */
export function derivedRng(seed: number, key: string): () => number {
  return createRng(hashString(key, seed));
}

/** An integer in [0, n). */
export function randomIndex(rng: () => number, n: number): number {
  return Math.floor(rng() * n);
}

/** Fisher–Yates shuffle, in place. */
export function shuffleInPlace<T>(items: T[], rng: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randomIndex(rng, i + 1);
    const tmp = items[i]!;
    items[i] = items[j]!;
    items[j] = tmp;
  }
  return items;
}
