import { sql, type Kysely } from 'kysely';

/**
 * Address object resources (RFC 6352 §5.1): the client's vCard bytes with UID, FN and KIND,
 * and one `card_value` row per instance of an indexed property (FN, N, EMAIL, TEL, ORG,
 * NICKNAME, UID) so that addressbook-query prefilters in SQL without parsing cards (STYLE §3).
 * `value_folded` holds the case fold the query patterns use; `text_pattern_ops` serves
 * starts-with and equals whatever the database collation.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('card')
    .addColumn('node_id', 'bigint', (c) => c.primaryKey().references('node.id').onDelete('cascade'))
    .addColumn('folder_id', 'bigint', (c) => c.notNull())
    .addColumn('uid', 'text', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().defaultTo('individual'))
    .addColumn('fn', 'text')
    .addColumn('data', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('card_folder_uid').on('card').columns(['folder_id', 'uid']).unique().execute();
  await db.schema
    .createTable('card_value')
    .addColumn('node_id', 'bigint', (c) => c.notNull().references('card.node_id').onDelete('cascade'))
    .addColumn('folder_id', 'bigint', (c) => c.notNull())
    .addColumn('property', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('value_folded', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('card_value_node').on('card_value').column('node_id').execute();
  await sql`create index card_value_lookup on card_value (folder_id, property, value_folded text_pattern_ops)`.execute(db);
  await sql`comment on table card is 'vCards: raw text as sent plus UID, FN and KIND'`.execute(db);
  await sql`comment on table card_value is 'indexed vCard property values for addressbook-query prefilters'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('card_value').ifExists().execute();
  await db.schema.dropTable('card').ifExists().execute();
}
