import { type Kysely } from 'kysely';

/**
 * An index of the instances of recurring events (STYLE §3, issue 3 "Queries must not parse
 * every object"): written with the object, up to `indexed_until`, so that a time-range
 * query decides recurring events in SQL within that horizon.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('calendar_object').addColumn('indexed_until', 'timestamptz').execute();
  await db.schema
    .createTable('calendar_instance')
    .addColumn('node_id', 'bigint', (c) => c.notNull().references('node.id').onDelete('cascade'))
    .addColumn('start_at', 'timestamptz', (c) => c.notNull())
    .addColumn('end_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('calendar_instance_node_start').on('calendar_instance').columns(['node_id', 'start_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('calendar_instance').ifExists().execute();
  await db.schema.alterTable('calendar_object').dropColumn('indexed_until').execute();
}
