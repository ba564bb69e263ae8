/**
 * What one statement changed, as the PGlite dialect reads it off the statement: the tables it
 * inserted rows into, updated rows of, and deleted rows from, and for an update that sets a
 * single column, that column (`account.used_bytes`); or `all` when that cannot be told (DDL,
 * raw SQL naming no table).
 */
export type WriteEffect =
  | {
      readonly inserted: readonly string[];
      readonly updated: readonly string[];
      readonly deleted: readonly string[];
      readonly singleColumn?: readonly string[];
    }
  | 'all';

/**
 * What a cached value was read from, as a table name with optional qualifiers:
 * - `node`: any change to the table, inserts included;
 * - `node:existing`: only updates and deletes of its rows, for a value that a new row cannot
 *   change (a path that resolved: names are unique in a folder, so an insert cannot take it);
 * - `account:-used_bytes`: any change but updates that set only that column, for a value that
 *   does not use it.
 */
export type ReadDependency = string;

/**
 * Counts the writes to each table of the embedded store. The PGlite dialect reports every
 * statement's {@link WriteEffect} here; the read cache compares the counts an entry was read
 * under with the current ones.
 */
export class WriteLog {
  /** Writes of any kind: every report increments it. */
  private total = 0;
  /** Writes whose tables are unknown. */
  private unknown = 0;
  private readonly inserts = new Map<string, number>();
  private readonly modifications = new Map<string, number>();
  private readonly singleColumnUpdates = new Map<string, number>();
  /** Tables whose rows go (or change) when rows of a table are deleted: foreign keys `on delete cascade` or `set null`. */
  private cascades = new Map<string, readonly string[]>();

  /** Declares the foreign keys by which a delete in one table changes others (read from the catalog). */
  setCascades(cascades: ReadonlyMap<string, readonly string[]>): void {
    this.cascades = new Map(cascades);
  }

  private reached(tables: readonly string[]): Set<string> {
    const seen = new Set<string>();
    const pending = [...tables];
    for (let table = pending.pop(); table !== undefined; table = pending.pop()) {
      if (seen.has(table)) continue;
      seen.add(table);
      pending.push(...(this.cascades.get(table) ?? []));
    }
    return seen;
  }

  note(effect: WriteEffect): void {
    this.total++;
    if (effect === 'all') {
      this.unknown++;
      return;
    }
    for (const table of effect.inserted) this.inserts.set(table, (this.inserts.get(table) ?? 0) + 1);
    const modified = new Set([...effect.updated, ...this.reached(effect.deleted)]);
    for (const table of modified) this.modifications.set(table, (this.modifications.get(table) ?? 0) + 1);
    for (const column of effect.singleColumn ?? []) this.singleColumnUpdates.set(column, (this.singleColumnUpdates.get(column) ?? 0) + 1);
  }

  /** Number of writes so far, whatever they touched. */
  get writes(): number {
    return this.total;
  }

  /**
   * A stamp of the counts `dependencies` rest on: equal stamps mean none of those tables
   * changed in between. Without dependencies, any write changes the stamp.
   */
  stamp(dependencies: readonly ReadDependency[] | undefined): number {
    if (dependencies === undefined) return this.total;
    // Counts only grow, so their sum is unchanged exactly when each of them is.
    let stamp = this.unknown;
    for (const dependency of dependencies) {
      const [table = dependency, ...qualifiers] = dependency.split(':');
      stamp += this.modifications.get(table) ?? 0;
      if (!qualifiers.includes('existing')) stamp += this.inserts.get(table) ?? 0;
      // Updates of only an ignored column are among the modifications: taking them out leaves a count that only grows.
      for (const q of qualifiers) if (q.startsWith('-')) stamp -= this.singleColumnUpdates.get(`${table}.${q.slice(1)}`) ?? 0;
    }
    return stamp;
  }
}

interface Entry {
  readonly value: unknown;
  readonly dependencies: readonly ReadDependency[] | undefined;
  readonly stamp: number;
}

/**
 * A read-through cache whose entries last until a table they were read from changes. It is
 * only enabled for the embedded store, which one process owns alone, so that process sees
 * every write (the PGlite dialect reports each one to the {@link WriteLog}). With PostgreSQL
 * other processes write too, so it passes every read through.
 *
 * An entry names the tables it was read from; without them it is forgotten at the next write
 * of any kind. A value loaded while any write happened is not kept, since it may predate it.
 *
 * @example const account = await cache.get(`account:${email}`, () => repos.accounts.findAccountByEmail(email), ['account']);
 */
export class ReadCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly writes: WriteLog | undefined,
    private readonly maxEntries = 20_000,
  ) {}

  /** Whether reads are cached at all (embedded store). */
  get isEnabled(): boolean {
    return this.writes !== undefined;
  }

  /**
   * The cached value under `key`, or the value `load` reads, kept under `key`.
   * `dependsOn` names the tables the value comes from, or computes them from the value
   * (a path found and a path not found depend on different writes).
   */
  async get<T>(
    key: string,
    load: () => Promise<T>,
    dependsOn?: readonly ReadDependency[] | ((value: T) => readonly ReadDependency[]),
  ): Promise<T> {
    const writes = this.writes;
    if (!writes) return load();
    const entry = this.entries.get(key);
    if (entry !== undefined) {
      if (writes.stamp(entry.dependencies) === entry.stamp) return entry.value as T; // stored by this method under the same key and type
      this.entries.delete(key);
    }
    const before = writes.writes;
    const value = await load();
    if (writes.writes === before) {
      const dependencies = typeof dependsOn === 'function' ? dependsOn(value) : dependsOn;
      if (this.entries.size >= this.maxEntries) this.entries.clear();
      this.entries.set(key, { value, dependencies, stamp: writes.stamp(dependencies) });
    }
    return value;
  }
}
