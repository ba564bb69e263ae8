import { type Kysely } from 'kysely';

/**
 * Server-path folders (SPEC §5): a files folder of an account backed by a directory of the
 * server. The folder stays a node, so grants, subscriptions and dead properties apply to it
 * as to any folder; `server_path` names the (real) directory that holds its members, and
 * `server_path_recursive` whether subdirectories are served.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('node')
    .addColumn('server_path', 'text')
    .addColumn('server_path_recursive', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('node').dropColumn('server_path').dropColumn('server_path_recursive').execute();
}
