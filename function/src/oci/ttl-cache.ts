/**
 * Caches async look-ups per key for a bounded time. Concurrent gets of one key share a single load; a failed
 * load is dropped at once so the next get tries again. The oldest entries go first beyond maxEntries.
 */
export class AsyncTtlCache<V> {
  private readonly entries = new Map<string, { value: Promise<V>; expiresAt: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
    private readonly maxEntries = 1000,
  ) {}

  /** hit: served without calling load (from cache or an in-flight load). */
  get(key: string, load: () => Promise<V>): { value: Promise<V>; hit: boolean } {
    const found = this.entries.get(key);
    if (found && found.expiresAt > this.now()) return { value: found.value, hit: true };
    // Infinity while in flight: the TTL runs from when the value arrived.
    const entry = { value: load(), expiresAt: Infinity };
    this.entries.delete(key);
    this.entries.set(key, entry);
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    const forget = () => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    };
    entry.value.then(() => {
      if (this.ttlMs > 0) entry.expiresAt = this.now() + this.ttlMs;
      else forget();
    }, forget);
    return { value: entry.value, hit: false };
  }
}
