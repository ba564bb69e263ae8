import { sql, type Kysely } from 'kysely';

/**
 * Bounds the pending list of the card values' trigram index (ADR 0023). A GIN index adds new
 * entries to an unsorted pending list that every search scans in full until a vacuum merges it
 * into the index (or it outgrows `gin_pending_list_limit`, 4 MB by default): after an import of
 * 10,000 cards the list held 329 pages, and the FN query's value scan took 5 ms instead of 2.3
 * until the store's next vacuum. With a 64 kB limit the inserts merge it as they go. Nothing to
 * do where the index was not created (no `pg_trgm`, migration 0008).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    do $$
    begin
      if to_regclass('card_value_trigram') is not null then
        alter index card_value_trigram set (gin_pending_list_limit = 64);
      end if;
    end
    $$`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    do $$
    begin
      if to_regclass('card_value_trigram') is not null then
        alter index card_value_trigram reset (gin_pending_list_limit);
      end if;
    end
    $$`.execute(db);
}
