import { sql, type Kysely } from 'kysely';

/**
 * Sharing (SPEC §4, §5): grants are the truth from which DAV ACLs are derived; invitations
 * and subscriptions follow a new grant to an account.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('grant')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('owner_id', 'integer', (c) => c.notNull().references('account.id').onDelete('cascade'))
    .addColumn('folder_id', 'bigint', (c) => c.references('node.id').onDelete('cascade'))
    .addColumn('grantee_kind', 'text', (c) =>
      c.notNull().check(sql`grantee_kind in ('account', 'group', 'domain', 'authenticated')`),
    )
    .addColumn('grantee_account_id', 'integer', (c) => c.references('account.id').onDelete('cascade'))
    .addColumn('grantee_domain_id', 'integer', (c) => c.references('domain.id').onDelete('cascade'))
    .addColumn('rights', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // One grant per grantee and level; coalesce makes the null folder (whole account) and null ids comparable.
  await sql`create unique index grant_unique on "grant" (owner_id, coalesce(folder_id, 0), grantee_kind, coalesce(grantee_account_id, 0), coalesce(grantee_domain_id, 0))`.execute(db);
  await db.schema.createIndex('grant_grantee_account').on('grant').column('grantee_account_id').execute();

  await db.schema
    .createTable('invitation')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('owner_id', 'integer', (c) => c.notNull().references('account.id').onDelete('cascade'))
    .addColumn('folder_id', 'bigint', (c) => c.references('node.id').onDelete('cascade'))
    .addColumn('sharee_id', 'integer', (c) => c.notNull().references('account.id').onDelete('cascade'))
    .addColumn('rights', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('invitation_sharee').on('invitation').columns(['sharee_id', 'status']).execute();

  await db.schema
    .createTable('subscription')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('sharee_id', 'integer', (c) => c.notNull().references('account.id').onDelete('cascade'))
    .addColumn('owner_id', 'integer', (c) => c.notNull().references('account.id').onDelete('cascade'))
    .addColumn('folder_id', 'bigint', (c) => c.references('node.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create unique index subscription_unique on subscription (sharee_id, owner_id, coalesce(folder_id, 0))`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['subscription', 'invitation', 'grant']) await db.schema.dropTable(table).ifExists().execute();
}
