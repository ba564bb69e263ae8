import { sql, type Kysely } from 'kysely';

/**
 * Calendar object resources (RFC 4791 §4.1): the client's bytes plus the denormalized
 * columns that let SQL prefilter queries (STYLE §3), and an index of instances over a
 * horizon for time ranges on recurring objects.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('calendar_object')
    .addColumn('node_id', 'bigint', (c) => c.primaryKey().references('node.id').onDelete('cascade'))
    .addColumn('folder_id', 'bigint', (c) => c.notNull())
    .addColumn('uid', 'text', (c) => c.notNull())
    .addColumn('component_type', 'text', (c) => c.notNull())
    .addColumn('first_start', 'timestamptz')
    .addColumn('last_end', 'timestamptz')
    .addColumn('is_recurring', 'boolean', (c) => c.notNull())
    .addColumn('classification', 'text', (c) => c.notNull().defaultTo('PUBLIC'))
    .addColumn('data', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('calendar_object_folder_uid').on('calendar_object').columns(['folder_id', 'uid']).unique().execute();
  await db.schema
    .createIndex('calendar_object_folder_range')
    .on('calendar_object')
    .columns(['folder_id', 'component_type', 'first_start', 'last_end'])
    .execute();
  await sql`comment on table calendar_object is 'iCalendar objects: raw text as sent plus prefilter columns'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('calendar_object').ifExists().execute();
}
