import { sql, type Kysely } from 'kysely';

/**
 * The classification of a card (vCard 3.0 `CLASS`, SPEC §4): `PRIVATE`, `CONFIDENTIAL`, or
 * null for a public card — every card stored before this migration. The partial index serves
 * the share authorizer's "restricted cards of this address book" lookup, which reads the few
 * classified rows of a folder, not its thousands of public ones.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('card').addColumn('classification', 'text').execute();
  await sql`create index card_restricted on card (folder_id) where classification is not null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists card_restricted`.execute(db);
  await db.schema.alterTable('card').dropColumn('classification').execute();
}
