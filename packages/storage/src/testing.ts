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
  const opened = await openDatabase({ databaseUrl, schema });
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
