import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import * as initial from './migrations/0001-initial.js';
import * as calendarObjects from './migrations/0002-calendar-objects.js';
import * as cards from './migrations/0003-cards.js';
import * as grants from './migrations/0004-grants.js';
import * as calendarInstances from './migrations/0006-calendar-instances.js';
import * as grantsVersion from './migrations/0007-grants-version.js';
import * as gal from './migrations/0005-gal.js';
import * as cardsSpeed from './migrations/0008-cards-speed.js';
import * as serverPaths from './migrations/0011-policies-server-paths.js';
import * as cardClass from './migrations/0012-card-class.js';
import * as directory from './migrations/0013-directory.js';
import * as cardTrigramPendingList from './migrations/0014-card-trigram-pending-list.js';
import type { Database } from './schema/index.js';

/**
 * Every migration, by name; names sort in the order they run. A new migration is a new file
 * in `migrations/` plus one line here.
 */
export const migrations: Readonly<Record<string, Migration>> = {
  '0001-initial': initial,
  '0002-calendar-objects': calendarObjects,
  '0003-cards': cards,
  '0004-grants': grants,
  '0006-calendar-instances': calendarInstances,
  '0007-grants-version': grantsVersion,
  '0005-gal': gal,
  '0008-cards-speed': cardsSpeed,
  '0011-policies-server-paths': serverPaths,
  '0012-card-class': cardClass,
  '0013-directory': directory,
  '0014-card-trigram-pending-list': cardTrigramPendingList,
};

const provider: MigrationProvider = { getMigrations: () => Promise.resolve({ ...migrations }) };

/** Options of {@link migrateToLatest}. */
export interface MigrateOptions {
  /** Schema holding the migration bookkeeping tables; defaults to the connection's `search_path`. */
  schema?: string | undefined;
}

/**
 * Applies every pending migration, under kysely's migration lock so that several server
 * processes starting together migrate once. Migrations see SQL names (snake_case): they run
 * without `CamelCasePlugin`.
 *
 * @throws the first migration's error; the failed migration's transaction is rolled back.
 */
export async function migrateToLatest(db: Kysely<Database>, options: MigrateOptions = {}): Promise<void> {
  const migrator = new Migrator({
    // Migrations written on parallel branches may land out of name order; each still runs once.
    allowUnorderedMigrations: true,
    db: db.withoutPlugins(),
    provider,
    ...(options.schema !== undefined ? { migrationTableSchema: options.schema } : {}),
  });
  const { error } = await migrator.migrateToLatest();
  if (error !== undefined) {
    throw error instanceof Error ? error : new Error('migration failed', { cause: error });
  }
}
