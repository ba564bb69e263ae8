import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { CamelCasePlugin, Kysely, sql, type Dialect } from 'kysely';
import type { BlobStore } from './blob/blob-store.js';
import { FsBlobStore } from './blob/fs-blob-store.js';
import { PgBlobStore } from './blob/pg-blob-store.js';
import { CachingBlobStore } from './blob/caching-blob-store.js';
import { acquireEmbeddedStoreLock } from './dialect/embedded-store-lock.js';
import { PGliteDialect } from './dialect/pglite-dialect.js';
import { createPostgresDialect } from './dialect/postgres-pool.js';
import { INT8_OID, parseInt8 } from './dialect/type-parsers.js';
import { migrateToLatest } from './migrate.js';
import { ReadCache, WriteLog } from './read-cache.js';
import { StoreMaintenance } from './store-maintenance.js';
import type { Database } from './schema/index.js';

/** Where {@link openDatabase} keeps its data. */
export interface OpenDatabaseOptions {
  /** PostgreSQL connection string; when set, the other location options are ignored. */
  databaseUrl?: string | undefined;
  /** Embedded store directory: PGlite in `<dataDir>/db`, blobs in `<dataDir>/blobs`. */
  dataDir?: string | undefined;
  /** Embedded store in memory (tests); blobs go to a temp dir that `close()` removes. */
  inMemory?: boolean | undefined;
  /** PostgreSQL only: use this schema (created if missing) instead of the default `search_path`. */
  schema?: string | undefined;
}

/** An open, migrated database and its blob store. */
export interface OpenedDatabase {
  /** Query builder; TypeScript names are camelCase, SQL names snake_case (`CamelCasePlugin`). */
  db: Kysely<Database>;
  /** Which engine is behind `db`. */
  engine: 'pglite' | 'postgres';
  /** File contents: `blob_chunk` rows with PostgreSQL, a directory with PGlite. */
  blobStore: BlobStore;
  /** Cache of reads, enabled for the embedded store only (see `ReadCache`). */
  readCache: ReadCache;
  /** The embedded store's vacuum, run in the background (`StoreMaintenance`); PostgreSQL runs its own. */
  maintenance?: Pick<StoreMaintenance, 'start' | 'runs'>;
  /** Closes the database, releases the embedded store lock and removes temp blob dirs. */
  close(): Promise<void>;
}

/**
 * Opens the database — PostgreSQL when `databaseUrl` is given, else PGlite — and runs the
 * pending migrations before returning.
 *
 * An on-disk PGlite store may be opened by one process only (PGlite is single-user), so its
 * data directory is locked by `<dataDir>/partage.lock`.
 *
 * @throws StoreBusyError when another live process holds the embedded store.
 * @example
 * ```ts
 * const { db, blobStore, close } = await openDatabase({ dataDir: config.dataDir });
 * ```
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<OpenedDatabase> {
  if (options.databaseUrl !== undefined) return openPostgres(options.databaseUrl, options.schema);
  if (options.inMemory === true) return openPglite(undefined);
  if (options.dataDir !== undefined) return openPglite(options.dataDir);
  throw new Error('openDatabase needs databaseUrl, dataDir or inMemory');
}

async function openPostgres(databaseUrl: string, schema: string | undefined): Promise<OpenedDatabase> {
  const db = createKysely(createPostgresDialect({ databaseUrl, schema }));
  try {
    if (schema !== undefined) await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
    await migrateToLatest(db, { schema });
  } catch (e) {
    await db.destroy();
    throw e;
  }
  return {
    db,
    engine: 'postgres',
    blobStore: new CachingBlobStore(new PgBlobStore(db)),
    readCache: new ReadCache(undefined),
    close: () => db.destroy(),
  };
}

/** Opens PGlite on disk in `<dataDir>/db`, or in memory when `dataDir` is undefined. */
async function openPglite(dataDir: string | undefined): Promise<OpenedDatabase> {
  const cleanups: Array<() => Promise<void>> = [];
  const close = async (): Promise<void> => {
    // Reverse order: database first, then the lock and directories it lived in.
    for (const cleanup of cleanups.reverse()) await cleanup();
  };
  try {
    let blobDir: string;
    if (dataDir === undefined) {
      const tempDir = await mkdtemp(join(tmpdir(), 'partage-blobs-'));
      cleanups.push(() => rm(tempDir, { recursive: true, force: true }));
      blobDir = tempDir;
    } else {
      const lock = await acquireEmbeddedStoreLock(dataDir);
      cleanups.push(() => lock.release());
      blobDir = join(dataDir, 'blobs');
    }
    // pg_trgm backs the trigram index of card values (migration 0008).
    const pgliteOptions = { parsers: { [INT8_OID]: parseInt8 }, extensions: { pg_trgm } };
    const pglite =
      dataDir === undefined
        ? await PGlite.create(pgliteOptions)
        : await PGlite.create(join(dataDir, 'db'), pgliteOptions);
    const writes = new WriteLog();
    const maintenance = new StoreMaintenance((withStatistics) => vacuum(db, withStatistics));
    const db = createKysely(
      new PGliteDialect({
        pglite,
        onWrite: (effect) => {
          writes.note(effect);
          maintenance.afterWrite();
        },
      }),
    );
    cleanups.push(() => db.destroy());
    cleanups.push(() => maintenance.close());
    await migrateToLatest(db);
    writes.setCascades(await deleteCascades(db));
    // A store that holds data is vacuumed once it is open (cheap when it was before, the pages
    // found all-visible being skipped): a store never vacuumed, filled by an earlier version or
    // restored from a dump, would otherwise be scanned row by row until enough writes come.
    if (await holdsData(db)) void maintenance.start();
    const blobStore = await FsBlobStore.open(blobDir);
    return {
      db,
      engine: 'pglite',
      blobStore: new CachingBlobStore(blobStore),
      readCache: new ReadCache(writes),
      maintenance,
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}

/**
 * `VACUUM` of the store's tables, with `ANALYZE` when `withStatistics` (see
 * {@link StoreMaintenance}); the number of rows they hold. The system catalogs are left out:
 * only migrations change them, and with them a run took 2.6 times as long (measured at 10,000
 * cards: 400 ms against 150, nearly all of it ANALYZE's sampling).
 */
async function vacuum(db: Kysely<Database>, withStatistics: boolean): Promise<number> {
  const { rows: tables } = await sql<{ name: string }>`
    select relname as name from pg_class where relkind = 'r' and relnamespace = current_schema()::regnamespace`.execute(db);
  if (tables.length === 0) return 0;
  const names = sql.join(tables.map((t) => sql.id(t.name)));
  await (withStatistics ? sql`vacuum (analyze) ${names}` : sql`vacuum ${names}`).execute(db);
  const { rows } = await sql<{ rows: number }>`
    select coalesce(sum(greatest(reltuples, 0)), 0)::float8 as rows
    from pg_class where relkind = 'r' and relnamespace = current_schema()::regnamespace`.execute(db);
  return rows[0]?.rows ?? 0;
}

/**
 * Whether one of the store's tables holds data (over 64 kB). A store still empty is not
 * vacuumed at opening: statistics of empty tables would mislead the planner while it fills
 * (measured: a bulk PUT 20 % slower).
 */
async function holdsData(db: Kysely<Database>): Promise<boolean> {
  const { rows } = await sql<{ holds: boolean }>`
    select exists (select 1 from pg_class where relkind = 'r' and relnamespace = current_schema()::regnamespace and pg_relation_size(oid) > 65536) as holds`.execute(db);
  return rows[0]?.holds === true;
}

/**
 * For each table, the tables whose rows a delete in it removes or changes through foreign keys
 * (`on delete cascade`, `set null`, `set default`): the read cache counts such a delete as a
 * change to those tables too.
 */
async function deleteCascades(db: Kysely<Database>): Promise<Map<string, string[]>> {
  const { rows } = await sql<{ referenced: string; referencing: string }>`
    select confrelid::regclass::text as referenced, conrelid::regclass::text as referencing
    from pg_constraint where contype = 'f' and confdeltype in ('c', 'n', 'd')`.execute(db);
  const cascades = new Map<string, string[]>();
  const bare = (name: string) => name.replace(/^.*\./, '').replace(/"/g, '');
  for (const { referenced, referencing } of rows) {
    const list = cascades.get(bare(referenced)) ?? [];
    list.push(bare(referencing));
    cascades.set(bare(referenced), list);
  }
  return cascades;
}

function createKysely(dialect: Dialect): Kysely<Database> {
  return new Kysely<Database>({ dialect, plugins: [new CamelCasePlugin()] });
}
