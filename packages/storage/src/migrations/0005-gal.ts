import { sql, type Kysely } from 'kysely';

/**
 * The Global Address List (SPEC §5): `gal_folder` flags contacts folders whose cards every
 * account that may read them finds by autocomplete and the CardDAV directory gateway;
 * `gal_group` marks groups whose members each get a card in the group's Contacts folder.
 * Both rows go with their folder or account (cascade). The autocomplete's prefix search uses
 * `card_value_lookup`; the index added here serves the account search of the domain directory.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('gal_folder')
    .addColumn('folder_id', 'bigint', (c) => c.primaryKey().references('node.id').onDelete('cascade'))
    .addColumn('owner_id', 'integer', (c) => c.notNull().references('account.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createTable('gal_group')
    .addColumn('group_id', 'integer', (c) => c.primaryKey().references('account.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create index account_domain_email on account (domain_id, email text_pattern_ops)`.execute(db);
  await sql`comment on table gal_folder is 'contacts folders flagged as Global Address List'`.execute(db);
  await sql`comment on table gal_group is 'groups whose members are kept as cards in their Contacts folder'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists account_domain_email`.execute(db);
  await db.schema.dropTable('gal_group').ifExists().execute();
  await db.schema.dropTable('gal_folder').ifExists().execute();
}
