import { sql, type Kysely } from 'kysely';

/**
 * A trigram index on the folded card values, so that `contains` and `ends-with` text matches of
 * addressbook-query and the autocomplete's contains phase read the index instead of scanning
 * every value of an address book (ADR 0011). It needs the `pg_trgm` extension: PGlite loads it
 * (see `open-database.ts`), PostgreSQL ships it in contrib. Where it is not available the index
 * is skipped and the same queries run as before, only slower.
 *
 * The extension is created once per database, in `public` when that schema exists (so that a
 * test schema dropped with `cascade` cannot take it away from the other schemas), and its
 * operator class is named with the schema it lives in. Two processes migrating together may
 * both try to create it: the loser's duplicate is ignored.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    do $$
    declare
      trgm_schema text;
    begin
      if not exists (select 1 from pg_available_extensions where name = 'pg_trgm') then
        return;
      end if;
      select extnamespace::regnamespace::text into trgm_schema from pg_extension where extname = 'pg_trgm';
      if trgm_schema is null then
        begin
          if exists (select 1 from pg_namespace where nspname = 'public') then
            create extension if not exists pg_trgm with schema public;
          else
            create extension if not exists pg_trgm;
          end if;
        exception when unique_violation or duplicate_object then
          null;
        end;
        select extnamespace::regnamespace::text into trgm_schema from pg_extension where extname = 'pg_trgm';
      end if;
      execute format('create index card_value_trigram on card_value using gin (value_folded %s.gin_trgm_ops)', quote_ident(trgm_schema));
    end
    $$`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists card_value_trigram`.execute(db);
}
