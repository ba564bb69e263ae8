import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { openDatabase, type OpenedDatabase } from './open-database.js';

/**
 * Opens a fresh, migrated database for one test file: in-memory PGlite, or — when
 * `TEST_DATABASE_URL` is set (CI) — PostgreSQL in a new schema `test_<random>` that `close()`
 * drops, so parallel jest workers share one database without seeing each other. PGlite
 * takes seconds to boot: call it once per file and clean tables between tests.
 *
 * @example
 * ```ts
 * let opened: OpenedDatabase;
 * beforeAll(async () => { opened = await openTestDatabase(); });
 * afterAll(() => opened.close());
 * ```
 */
export async function openTestDatabase(): Promise<OpenedDatabase> {
  const databaseUrl = process.env['TEST_DATABASE_URL'];
  if (databaseUrl === undefined || databaseUrl === '') return openDatabase({ inMemory: true });
  const schema = `test_${randomBytes(8).toString('hex')}`;
  const opened = await openWithRetry(databaseUrl, schema);
  return {
    ...opened,
    close: async () => {
      try {
        await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(opened.db);
      } finally {
        await opened.close();
      }
    },
  };
}

/**
 * Kysely's migrator lists the tables of every schema (its introspector calls
 * `pg_get_serial_sequence` on each), which fails when another jest worker drops its own test
 * schema during that query ("schema test_… does not exist"). That is a race between test
 * files only; opening again is enough.
 */
async function openWithRetry(databaseUrl: string, schema: string): Promise<OpenedDatabase> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await openDatabase({ databaseUrl, schema });
    } catch (error) {
      const vanished = error instanceof Error && /schema "test_[0-9a-f]+" does not exist/.test(error.message);
      if (!vanished || attempt >= 5) throw error;
    }
  }
}
