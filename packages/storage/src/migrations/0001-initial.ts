import { sql, type Kysely } from 'kysely';

/** The initial schema. Written for PostgreSQL 15, the oldest server we support (PGlite is 18). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('domain')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('groupware_enabled', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('webdav_enabled', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('account')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('domain_id', 'integer', (c) => c.notNull().references('domain.id'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('user', 'group', 'resource')`))
    .addColumn('display_name', 'text')
    .addColumn('password_hash', 'text')
    .addColumn('is_admin', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('quota_bytes', 'bigint')
    .addColumn('used_bytes', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('public_folder', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('groupware_enabled', 'boolean')
    .addColumn('webdav_enabled', 'boolean')
    .addColumn('credentials_version', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('group_member')
    .addColumn('group_id', 'integer', (c) => c.notNull().references('account.id').onDelete('cascade'))
    .addColumn('member_id', 'integer', (c) => c.notNull().references('account.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('group_member_pk', ['group_id', 'member_id'])
    .execute();

  await db.schema
    .createTable('app_password')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('account_id', 'integer', (c) => c.notNull().references('account.id').onDelete('cascade'))
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('token_sha256', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_used_at', 'timestamptz')
    .execute();

  await db.schema
    .createTable('node')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('account_id', 'integer', (c) => c.notNull().references('account.id').onDelete('cascade'))
    .addColumn('parent_id', 'bigint', (c) => c.references('node.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('is_collection', 'boolean', (c) => c.notNull())
    .addColumn('folder_kind', 'text')
    .addColumn('components', 'text')
    .addColumn('display_name', 'text')
    .addColumn('content_type', 'text')
    .addColumn('content_length', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('etag', 'text')
    .addColumn('blob_id', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('modified_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('node_parent_name').on('node').columns(['parent_id', 'name']).unique().execute();
  await db.schema
    .createIndex('node_home')
    .on('node')
    .column('account_id')
    .unique()
    .where(sql.ref('parent_id'), 'is', null)
    .execute();

  await db.schema
    .createTable('dead_property')
    .addColumn('node_id', 'bigint', (c) => c.notNull().references('node.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('xml', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('dead_property_pk', ['node_id', 'name'])
    .execute();

  await db.schema
    .createTable('change')
    .addColumn('seq', 'bigserial', (c) => c.primaryKey())
    .addColumn('collection_id', 'bigint', (c) => c.notNull())
    .addColumn('member_name', 'text', (c) => c.notNull())
    .addColumn('change_kind', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('change_collection_seq').on('change').columns(['collection_id', 'seq']).execute();

  await db.schema
    .createTable('dav_lock')
    .addColumn('token', 'text', (c) => c.primaryKey())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('depth', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('owner_xml', 'text')
    .addColumn('principal_id', 'integer')
    .addColumn('timeout_seconds', 'integer', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('dav_lock_path').on('dav_lock').column('path').execute();

  await db.schema
    .createTable('login_failure')
    .addColumn('account_key', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('window_started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('blocked_until', 'timestamptz')
    .addPrimaryKeyConstraint('login_failure_pk', ['account_key', 'address'])
    .execute();

  await db.schema
    .createTable('blob_chunk')
    .addColumn('blob_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('data', 'bytea', (c) => c.notNull())
    .addPrimaryKeyConstraint('blob_chunk_pk', ['blob_id', 'seq'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['blob_chunk', 'login_failure', 'dav_lock', 'change', 'dead_property', 'node', 'app_password', 'group_member', 'account', 'domain']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
