import { type Kysely } from 'kysely';

/**
 * A counter of changes to an owner's grants. Sync tokens and CTags of the owner's
 * collections carry it, so that a change of rights invalidates them: sharees then sync
 * anew and see what became readable or unreadable (RFC 6578 §3.2, SPEC §5).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('account').addColumn('grants_version', 'integer', (c) => c.notNull().defaultTo(0)).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('account').dropColumn('grants_version').execute();
}
