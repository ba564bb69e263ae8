import { sql, type Selectable } from 'kysely';
import type { AccountTable } from '../schema/index.js';
import type { Executor } from './executor.js';

/** A contacts folder flagged as a Global Address List, with its owner and name. */
export interface GalFolderRow {
  readonly folderId: number;
  readonly ownerId: number;
  readonly ownerEmail: string;
  /** The folder's name below the owner's home (contacts folders are top level). */
  readonly folderName: string;
  readonly displayName: string | null;
}

/** One indexed card value an autocomplete pattern matched. */
export interface GalValueMatch {
  readonly nodeId: number;
  readonly folderId: number;
  readonly property: string;
  readonly value: string;
  readonly valueFolded: string;
}

/** How an autocomplete pattern is compared: the whole value, its start, or anywhere in it. */
export type GalMatchMode = 'equals' | 'prefix' | 'contains';

const escapeLike = (value: string): string => value.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The LIKE pattern (or the value itself for `equals`) of a mode. */
function patternOf(value: string, mode: GalMatchMode): string {
  const escaped = escapeLike(value);
  return mode === 'equals' ? value : mode === 'prefix' ? `${escaped}%` : `%${escaped}%`;
}

/**
 * GAL flags, members-in-GAL groups, and the searches behind autocomplete (SPEC §5). Card
 * searches read `card_value` (the index of FN, EMAIL, NICKNAME…) and never parse a card.
 */
export class GalRepository {
  constructor(private readonly db: Executor) {}

  /** Flags a folder as a GAL; false when it was flagged already. */
  async flag(folderId: number, ownerId: number): Promise<boolean> {
    const row = await this.db
      .insertInto('galFolder')
      .values({ folderId, ownerId })
      .onConflict((oc) => oc.column('folderId').doNothing())
      .returning('folderId')
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Removes the GAL flag of a folder; false when it had none. */
  async unflag(folderId: number): Promise<boolean> {
    const result = await this.db.deleteFrom('galFolder').where('folderId', '=', folderId).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async isFlagged(folderId: number): Promise<boolean> {
    const row = await this.db.selectFrom('galFolder').select('folderId').where('folderId', '=', folderId).executeTakeFirst();
    return row !== undefined;
  }

  /** Every GAL of the server, or of one owner, by owner email then folder name. */
  list(ownerId?: number): Promise<GalFolderRow[]> {
    let query = this.db
      .selectFrom('galFolder')
      .innerJoin('account', 'account.id', 'galFolder.ownerId')
      .innerJoin('node', 'node.id', 'galFolder.folderId')
      .select(['galFolder.folderId', 'galFolder.ownerId', 'account.email as ownerEmail', 'node.name as folderName', 'node.displayName']);
    if (ownerId !== undefined) query = query.where('galFolder.ownerId', '=', ownerId);
    return query.orderBy('account.email').orderBy('node.name').execute();
  }

  /** Marks or unmarks a group as keeping its members in the GAL. */
  async setMembersInGal(groupId: number, isOn: boolean): Promise<void> {
    if (!isOn) {
      await this.db.deleteFrom('galGroup').where('groupId', '=', groupId).execute();
      return;
    }
    await this.db
      .insertInto('galGroup')
      .values({ groupId })
      .onConflict((oc) => oc.column('groupId').doNothing())
      .execute();
  }

  async isMembersInGal(groupId: number): Promise<boolean> {
    const row = await this.db.selectFrom('galGroup').select('groupId').where('groupId', '=', groupId).executeTakeFirst();
    return row !== undefined;
  }

  /** The members-in-GAL groups an account belongs to (their cards follow its name). */
  async groupsWithMember(memberId: number): Promise<number[]> {
    const rows = await this.db
      .selectFrom('galGroup')
      .innerJoin('groupMember', 'groupMember.groupId', 'galGroup.groupId')
      .select('galGroup.groupId')
      .where('groupMember.memberId', '=', memberId)
      .execute();
    return rows.map((r) => r.groupId);
  }

  /**
   * Indexed values of cards in `folderIds` whose fold compares with `folded` as `mode` says,
   * at most `limit`. `equals` and `prefix` use `card_value_lookup` and come in folded order
   * (the first `limit` alphabetically); `contains` scans the folders' values and stops at `limit`.
   * Cards of `excluded` (the private and confidential cards the caller may not see, SPEC §4)
   * are left out in SQL, so that they never take a place of the limit.
   */
  searchValues(
    folderIds: readonly number[],
    properties: readonly string[],
    folded: string,
    mode: GalMatchMode,
    limit: number,
    excluded: readonly number[] = [],
  ): Promise<GalValueMatch[]> {
    if (folderIds.length === 0 || properties.length === 0) return Promise.resolve([]);
    const pattern = patternOf(folded, mode);
    return this.db
      .selectFrom('cardValue')
      .select(['nodeId', 'folderId', 'property', 'value', 'valueFolded'])
      .where('folderId', 'in', [...folderIds])
      .where('property', 'in', [...properties])
      .$if(excluded.length > 0, (q) => q.where('nodeId', 'not in', [...excluded]))
      .where((eb) => (mode === 'equals' ? eb('valueFolded', '=', pattern) : eb('valueFolded', 'like', pattern)))
      .$if(mode === 'prefix', (q) => q.orderBy('valueFolded'))
      .limit(limit)
      .execute();
  }

  /** Indexed values of some cards (to show the name and every email of a match). */
  valuesOf(nodeIds: readonly number[], properties: readonly string[]): Promise<GalValueMatch[]> {
    if (nodeIds.length === 0) return Promise.resolve([]);
    return this.db
      .selectFrom('cardValue')
      .select(['nodeId', 'folderId', 'property', 'value', 'valueFolded'])
      .where('nodeId', 'in', [...nodeIds])
      .where('property', 'in', [...properties])
      .orderBy('nodeId')
      .execute();
  }

  /**
   * Accounts of a domain whose email or display name (lower-cased by the database) compares
   * with `lowered` as `mode` says, at most `limit`, by email.
   */
  searchAccounts(domainId: number, lowered: string, mode: GalMatchMode, limit: number): Promise<Selectable<AccountTable>[]> {
    const pattern = patternOf(lowered, mode);
    return this.db
      .selectFrom('account')
      .selectAll()
      .where('domainId', '=', domainId)
      .where((eb) =>
        mode === 'equals'
          ? eb('email', '=', pattern)
          : eb.or([eb('email', 'like', pattern), eb(sql<string>`lower(display_name)`, 'like', pattern)]),
      )
      .orderBy('email')
      .limit(limit)
      .execute();
  }

  /** Every account of a domain, by email (the domain part of the directory address book). */
  domainAccounts(domainId: number): Promise<Selectable<AccountTable>[]> {
    return this.db.selectFrom('account').selectAll().where('domainId', '=', domainId).orderBy('email').execute();
  }
}
