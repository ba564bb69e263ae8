import { sql } from 'kysely';
import type { Executor } from './executor.js';

/** What a log said of one member (a card name, or an account) at some position. */
export interface MemberState {
  readonly key: string;
  readonly changeKind: 'created' | 'modified' | 'deleted';
  /** A card's UID (null for rows written before migration 0013 or for other items); an account's email. */
  readonly value: string | null;
}

/**
 * The reads behind the directory address book's sync-collection (ADR 0016): positions in the
 * change logs of several folders and of a domain's accounts, what changed after a position, and
 * what a member was at a position. Nothing here is written: folders' rows come from the node
 * writes (tagged with UIDs by the card repository), accounts' from the account repository.
 */
export class DirectoryRepository {
  constructor(private readonly db: Executor) {}

  /** The latest change sequence of each collection (0 for one without changes), in one query. */
  async latestChanges(collectionIds: readonly number[]): Promise<Map<number, number>> {
    const latest = new Map(collectionIds.map((id) => [id, 0]));
    if (collectionIds.length === 0) return latest;
    const rows = await this.db
      .selectFrom('change')
      .select(['collectionId', (eb) => eb.fn.max<number>('seq').as('seq')])
      .where('collectionId', 'in', [...collectionIds])
      .groupBy('collectionId')
      .execute();
    for (const row of rows) latest.set(row.collectionId, row.seq);
    return latest;
  }

  /** The member names of a collection changed after `seq`. */
  async namesChangedSince(collectionId: number, seq: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('change')
      .select('memberName')
      .distinct()
      .where('collectionId', '=', collectionId)
      .where('seq', '>', seq)
      .execute();
    return rows.map((r) => r.memberName);
  }

  /**
   * Each member of a collection as its log stood at `seq` (its latest row at or before it, with
   * the card's UID), for the given names or, without names, every member the log ever named.
   */
  async memberStatesAt(collectionId: number, seq: number, names?: readonly string[]): Promise<MemberState[]> {
    if (names?.length === 0) return [];
    const rows = await sql<MemberState>`
      select distinct on (member_name) member_name as key, change_kind, uid as value
      from change
      where collection_id = ${collectionId} and seq <= ${seq}
        ${names === undefined ? sql`` : sql`and member_name = any(${[...names]}::text[])`}
      order by member_name, seq desc`.execute(this.db);
    return rows.rows;
  }

  /** The latest position of a domain's account log (0 before any change). */
  async latestAccountChange(domainId: number): Promise<number> {
    const row = await this.db
      .selectFrom('accountChange')
      .select((eb) => eb.fn.max<number | null>('seq').as('seq'))
      .where('domainId', '=', domainId)
      .executeTakeFirst();
    return row?.seq ?? 0;
  }

  /** The accounts of a domain whose card changed after `seq`. */
  async accountsChangedSince(domainId: number, seq: number): Promise<number[]> {
    const rows = await this.db
      .selectFrom('accountChange')
      .select('accountId')
      .distinct()
      .where('domainId', '=', domainId)
      .where('seq', '>', seq)
      .execute();
    return rows.map((r) => r.accountId);
  }

  /** Each of these accounts as the domain's log stood at `seq` (key: the account id; value: its email). */
  async accountStatesAt(domainId: number, seq: number, accountIds: readonly number[]): Promise<MemberState[]> {
    if (accountIds.length === 0) return [];
    const rows = await sql<MemberState>`
      select distinct on (account_id) account_id::text as key, change_kind, email as value
      from account_change
      where domain_id = ${domainId} and seq <= ${seq} and account_id = any(${[...accountIds]}::int[])
      order by account_id, seq desc`.execute(this.db);
    return rows.rows;
  }

  /** A random key shared by the server processes, made by migration 0013 (hexadecimal). */
  async secret(name: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('serverSecret').select('secret').where('name', '=', name).executeTakeFirst();
    return row?.secret;
  }
}
