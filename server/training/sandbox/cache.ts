/**
 * A small LRU of loaded sandboxes for the live preview: consecutive requests with the same
 * function skip compiling it and building its wasm instance and runtime (~0.1–0.5 s). An entry is
 * taken out while a request uses it (so two requests never share one sandbox: a concurrent
 * request for the same function builds its own) and put back on dispose. Entries unused for
 * IDLE_MS are freed, so a function typed once does not hold its instance's memory forever.
 */
export interface Disposable {
  dispose(): void;
}

const IDLE_MS = 5 * 60_000;

export class SandboxCache<T extends Disposable> {
  /** Map order is the LRU order: oldest first. */
  private readonly entries = new Map<string, { value: T; expiry: NodeJS.Timeout }>();
  private hits = 0;
  private misses = 0;

  constructor(private capacity: number) {}

  /** The cached value for `key`, removed from the cache until it is put back. */
  take(key: string): T | undefined {
    const entry = this.entries.get(key);
    if (!entry) {
      this.misses += 1;
      return undefined;
    }
    this.hits += 1;
    this.entries.delete(key);
    clearTimeout(entry.expiry);
    return entry.value;
  }

  put(key: string, value: T): void {
    this.evict(key); // a concurrent request's copy: keep the one used last
    const expiry = setTimeout(() => this.evict(key, value), IDLE_MS);
    expiry.unref();
    this.entries.set(key, { value, expiry });
    while (this.entries.size > this.capacity) this.evict(this.entries.keys().next().value!);
  }

  /** Frees the least recently used entry; false when the cache is empty. */
  evictOldest(): boolean {
    const oldest = this.entries.keys().next();
    if (oldest.done) return false;
    this.evict(oldest.value);
    return true;
  }

  /** Changes the capacity (tests), evicting what no longer fits. */
  resize(capacity: number): void {
    this.capacity = capacity;
    while (this.entries.size > this.capacity) this.evictOldest();
  }

  stats(): { hits: number; misses: number; size: number } {
    return { hits: this.hits, misses: this.misses, size: this.entries.size };
  }

  private evict(key: string, only?: T): void {
    const entry = this.entries.get(key);
    if (!entry || (only !== undefined && entry.value !== only)) return;
    this.entries.delete(key);
    clearTimeout(entry.expiry);
    entry.value.dispose();
  }
}
