/**
 * A read-through cache that forgets everything whenever the store changes. It is only
 * enabled for the embedded store, which one process owns alone, so that process sees
 * every write (the PGlite dialect reports each one). With PostgreSQL other processes
 * write too, so it passes every read through.
 *
 * A value loaded while a write happened is not kept, since it may predate the write.
 *
 * @example const account = await cache.get(`account:${email}`, () => repos.accounts.findAccountByEmail(email));
 */
export class ReadCache {
  private readonly entries = new Map<string, unknown>();
  private seenGeneration: number;

  constructor(
    private readonly generation: (() => number) | undefined,
    private readonly maxEntries = 20_000,
  ) {
    this.seenGeneration = generation?.() ?? 0;
  }

  /** Whether reads are cached at all (embedded store). */
  get isEnabled(): boolean {
    return this.generation !== undefined;
  }

  async get<T>(key: string, load: () => Promise<T>): Promise<T> {
    if (!this.generation) return load();
    const before = this.generation();
    if (before !== this.seenGeneration) {
      this.entries.clear();
      this.seenGeneration = before;
    }
    if (this.entries.has(key)) return this.entries.get(key) as T; // stored by this method under the same key and type
    const value = await load();
    if (this.generation() === before) {
      if (this.entries.size >= this.maxEntries) this.entries.clear();
      this.entries.set(key, value);
    }
    return value;
  }
}
