import { repositories, type AccountRow, type Db, type GranteeKey, type GrantRow } from '@partage/storage';
import type { Resource } from '@partage/dav-core';
import { isRight, namedLevels, type Right } from './rights.js';

/** The two CalendarServer proxy groups of an account (caldav-proxy.txt): read only, or all rights. */
export const proxyKinds = ['read', 'write'] as const;
export type ProxyKind = (typeof proxyKinds)[number];

/** The rights a delegation of each kind grants on every calendar folder (SPEC §5 "Delegation"). */
export const delegationRights: Readonly<Record<ProxyKind, readonly Right[]>> = {
  read: namedLevels.readOnly,
  write: namedLevels.allRights,
};

/** One of an account's proxy groups, a group principal whose members are its delegates. */
export interface ProxyPrincipalResource extends Resource {
  readonly kind: 'proxy-principal';
  readonly owner: AccountRow;
  readonly proxyKind: ProxyKind;
}

export const isProxyPrincipal = (r: Resource): r is ProxyPrincipalResource => r.kind === 'proxy-principal';

const rightsOfRow = (row: GrantRow): Right[] => (row.rights === '' ? [] : row.rights.split(',').filter(isRight));

/**
 * The proxy kind a grant's rights amount to (ADR 0013): `all rights` (with or without
 * `freebusy`) is a write delegation, `read` alone (or with `freebusy`) a read delegation;
 * anything else (read and write without admin, free/busy only, a denial) is no delegation.
 */
export function delegationOf(rights: readonly Right[]): ProxyKind | undefined {
  const has = new Set(rights);
  if (namedLevels.allRights.every((r) => has.has(r))) return 'write';
  if (has.has('read') && rights.every((r) => r === 'read' || r === 'freebusy')) return 'read';
  return undefined;
}

/**
 * Whether a grant counts as delegation (ADR 0013): made to one account or group, on the
 * owner's whole account or on one of its calendar folders, with delegation rights.
 */
export function delegationGrant(row: GrantRow, calendarFolderIds: ReadonlySet<number>): ProxyKind | undefined {
  if (row.granteeKind !== 'account' && row.granteeKind !== 'group') return undefined;
  if (row.folderId !== null && !calendarFolderIds.has(row.folderId)) return undefined;
  return delegationOf(rightsOfRow(row));
}

/** The proxy group a grantee belongs to from its grants by one owner: write wins over read. */
export function proxyKindOf(rows: readonly GrantRow[], calendarFolderIds: ReadonlySet<number>): ProxyKind | undefined {
  const kinds = rows.map((row) => delegationGrant(row, calendarFolderIds));
  return kinds.includes('write') ? 'write' : kinds.includes('read') ? 'read' : undefined;
}

/** The grantee key of an account or group grant row. */
export const granteeKeyOf = (row: GrantRow): GranteeKey =>
  row.granteeKind === 'group' ? { kind: 'group', accountId: row.granteeAccountId ?? 0 } : { kind: 'account', accountId: row.granteeAccountId ?? 0 };

const byGrantee = (rows: readonly GrantRow[]): Map<number, GrantRow[]> => {
  const map = new Map<number, GrantRow[]>();
  for (const row of rows) {
    if (row.granteeAccountId === null) continue;
    map.set(row.granteeAccountId, [...(map.get(row.granteeAccountId) ?? []), row]);
  }
  return map;
};

/**
 * Delegation as a view of grants (SPEC §5, ADR 0013): who is in an owner's
 * `calendar-proxy-read` and `calendar-proxy-write` groups, and whom an account is a proxy
 * for. Nothing is stored besides the grants, so the views and the grants never disagree.
 */
export class Delegation {
  constructor(private readonly db: Db) {}

  private repos() {
    return repositories(this.db);
  }

  /** The ids of the owner's calendar folders (events, tasks, notes). */
  async calendarFolderIds(ownerId: number): Promise<Set<number>> {
    return new Set((await this.repos().nodes.foldersOfKind(ownerId, 'calendar')).map((n) => n.id));
  }

  /** The members of one of the owner's proxy groups (accounts and groups), in grant order. */
  async members(owner: AccountRow, kind: ProxyKind): Promise<AccountRow[]> {
    const calendars = await this.calendarFolderIds(owner.id);
    const grouped = byGrantee(await this.repos().grants.forOwner(owner.id));
    const ids = [...grouped].filter(([, rows]) => proxyKindOf(rows, calendars) === kind).map(([id]) => id);
    return this.accounts(ids);
  }

  /**
   * The owners an account is a proxy for, directly or through one of its groups
   * (caldav-proxy.txt §5.3): write wins over read for one owner.
   */
  async proxyFor(account: AccountRow): Promise<Record<ProxyKind, AccountRow[]>> {
    const facts = await this.repos().grants.callerFacts(account.id);
    return this.ownersByKind(await this.repos().grants.toGrantees([account.id, ...(facts?.groupIds ?? [])]));
  }

  /** The proxy groups an account is a direct member of (its `DAV:group-membership`). */
  async memberships(account: AccountRow): Promise<Record<ProxyKind, AccountRow[]>> {
    return this.ownersByKind(await this.repos().grants.toGrantees([account.id]));
  }

  private async ownersByKind(rows: readonly GrantRow[]): Promise<Record<ProxyKind, AccountRow[]>> {
    const byOwner = new Map<number, GrantRow[]>();
    for (const row of rows) byOwner.set(row.ownerId, [...(byOwner.get(row.ownerId) ?? []), row]);
    const result: Record<ProxyKind, number[]> = { read: [], write: [] };
    for (const [ownerId, owned] of byOwner) {
      const kind = proxyKindOf(owned, await this.calendarFolderIds(ownerId));
      if (kind) result[kind].push(ownerId);
    }
    return { read: await this.accounts(result.read), write: await this.accounts(result.write) };
  }

  private async accounts(ids: readonly number[]): Promise<AccountRow[]> {
    const found = await Promise.all(ids.map((id) => this.repos().accounts.findAccount(id)));
    return found.filter((a): a is AccountRow => a !== undefined);
  }
}
