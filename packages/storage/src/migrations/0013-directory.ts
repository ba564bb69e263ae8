import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';

/**
 * What the directory address book's sync-collection needs (RFC 6578 on `/webdav/directory/`,
 * ADR 0016):
 * - `change.uid`: the UID a card had after a `created` or `modified` change, so that the UID a
 *   member had at any past position of its folder's log is known, even once the card is gone.
 *   Filled for the current cards' rows here; the card repository fills it from now on.
 * - `account_change`: the log of the accounts of each domain as the directory shows them
 *   (created, renamed, removed), seeded with one `created` row per existing account.
 * - `server_secret`: a random key per use, shared by every server process; the directory's sync
 *   tokens are signed with it so that a client cannot forge one naming folders it never saw.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('change').addColumn('uid', 'text').execute();
  await sql`
    update change set uid = card.uid
    from card join node on node.id = card.node_id
    where change.collection_id = node.parent_id and change.member_name = node.name and change.change_kind <> 'deleted'`.execute(db);

  await db.schema
    .createTable('account_change')
    .addColumn('seq', 'bigserial', (c) => c.primaryKey())
    .addColumn('domain_id', 'integer', (c) => c.notNull())
    .addColumn('account_id', 'integer', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('change_kind', 'text', (c) => c.notNull().check(sql`change_kind in ('created', 'modified', 'deleted')`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('account_change_domain_seq').on('account_change').columns(['domain_id', 'seq']).execute();
  await sql`
    insert into account_change (domain_id, account_id, email, change_kind)
    select domain_id, id, email, 'created' from account order by id`.execute(db);

  await db.schema
    .createTable('server_secret')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`insert into server_secret (name, secret) values ('directory-sync', ${randomBytes(32).toString('hex')})`.execute(db);

  await sql`comment on column change.uid is 'UID of the card after a created or modified change (address books only)'`.execute(db);
  await sql`comment on table account_change is 'changes to the accounts of a domain, as the directory address book shows them'`.execute(db);
  await sql`comment on table server_secret is 'random keys shared by the server processes (signed sync tokens)'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('server_secret').ifExists().execute();
  await db.schema.dropTable('account_change').ifExists().execute();
  await db.schema.alterTable('change').dropColumn('uid').execute();
}
