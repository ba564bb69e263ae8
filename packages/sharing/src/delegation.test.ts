import { describe, expect, it } from '@jest/globals';
import type { GrantRow } from '@partage/storage';
import { delegationGrant, delegationOf, proxyKindOf } from './delegation.js';
import type { Right } from './rights.js';

const calendars = new Set([100, 101]);
const documents = 200;
let nextId = 1;
const row = (folderId: number | null, rights: readonly Right[], granteeKind: GrantRow['granteeKind'] = 'account'): GrantRow => ({
  id: nextId++,
  ownerId: 13,
  folderId,
  granteeKind,
  granteeAccountId: granteeKind === 'account' || granteeKind === 'group' ? 12 : null,
  granteeDomainId: granteeKind === 'domain' ? 1 : null,
  rights: rights.join(','),
  createdAt: new Date(0),
});
const all: Right[] = ['read', 'create', 'modify', 'delete', 'admin'];

describe('which rights make a delegation (ADR 0013)', () => {
  it.each<[Right[], string | undefined]>([
    [all, 'write'],
    [[...all, 'freebusy'], 'write'],
    [['read'], 'read'],
    [['read', 'freebusy'], 'read'],
    [['read', 'create', 'modify', 'delete'], undefined],
    [['read', 'admin'], undefined],
    [['freebusy'], undefined],
    [['create'], undefined],
    [[], undefined],
  ])('%j is %s', (rights, kind) => {
    expect(delegationOf(rights)).toBe(kind);
  });
});

describe('which grants count', () => {
  it('counts grants to an account or a group on the whole account or on a calendar folder', () => {
    expect(delegationGrant(row(null, all), calendars)).toBe('write');
    expect(delegationGrant(row(101, ['read']), calendars)).toBe('read');
    expect(delegationGrant(row(100, all, 'group'), calendars)).toBe('write');
  });

  it('ignores other folders, domains and every authenticated account', () => {
    expect(delegationGrant(row(documents, all), calendars)).toBeUndefined();
    expect(delegationGrant(row(100, all, 'domain'), calendars)).toBeUndefined();
    expect(delegationGrant(row(null, ['read'], 'authenticated'), calendars)).toBeUndefined();
  });

  it('puts a grantee in the write group when any of its grants is a write delegation, else in the read group', () => {
    expect(proxyKindOf([row(100, ['read']), row(101, all)], calendars)).toBe('write');
    expect(proxyKindOf([row(100, ['read']), row(documents, all)], calendars)).toBe('read');
    expect(proxyKindOf([row(100, ['read', 'create']), row(null, [])], calendars)).toBeUndefined();
    expect(proxyKindOf([], calendars)).toBeUndefined();
  });
});
