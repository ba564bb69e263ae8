import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { effectiveRights } from './effective-rights.js';
import { allRights, namedLevels, type Caller, type Grant, type Grantee, type Right, type Target } from './rights.js';

// The worked model: domain iw.fr (1); jean (10), francois (11), secretariat (12), direction (13, owner of
// folders), isalie (14); group "direction-team" (20) with secretariat and francois; group "commun" (21).
const jean: Caller = { accountId: 10, groupIds: new Set(), domainId: 1, isAdmin: false };
const francois: Caller = { accountId: 11, groupIds: new Set([20]), domainId: 1, isAdmin: false };
const secretariat: Caller = { accountId: 12, groupIds: new Set([20, 21]), domainId: 1, isAdmin: false };
const outsider: Caller = { accountId: 30, groupIds: new Set(), domainId: 2, isAdmin: false };
const admin: Caller = { accountId: 99, groupIds: new Set(), domainId: 2, isAdmin: true };
const calendar = 100;
const documents = 200;
const projets = 201; // Documents/Projets
const owner = 13;
const at = (...folderChain: number[]): Target => ({ ownerId: owner, folderChain, ownerIsPublicGroup: false });
const account = (accountId: number): Grantee => ({ kind: 'account', accountId });
const group = (groupId: number): Grantee => ({ kind: 'group', groupId });
const domain: Grantee = { kind: 'domain', domainId: 1 };
const authenticated: Grantee = { kind: 'authenticated' };
const grant = (folderId: number | null, grantee: Grantee, rights: readonly Right[]): Grant => ({ folderId, grantee, rights });
const sorted = (set: ReadonlySet<Right>) => [...set].sort();
const level = (rights: readonly Right[]) => [...rights].sort();

describe('effectiveRights: the rule of SPEC §4', () => {
  it.each([
    ['the owner holds every right', { accountId: owner, groupIds: new Set<number>(), domainId: 1, isAdmin: false }, [], at(calendar), [...allRights]],
    ['the administrator holds every right', admin, [], at(calendar), [...allRights]],
    ['no grant gives nothing', jean, [], at(calendar), []],
    ['the account wins over its domain: domain read, jean read-write → jean writes', jean, [grant(calendar, domain, namedLevels.readOnly), grant(calendar, account(10), namedLevels.readWrite)], at(calendar), namedLevels.readWrite],
    ['jean read, domain all rights → jean reads only', jean, [grant(calendar, account(10), namedLevels.readOnly), grant(calendar, domain, namedLevels.allRights)], at(calendar), namedLevels.readOnly],
    ['jean all rights on the account and read on Calendar → reads Calendar', jean, [grant(null, account(10), namedLevels.allRights), grant(calendar, account(10), namedLevels.readOnly)], at(calendar), namedLevels.readOnly],
    ['… and all rights on the other folders', jean, [grant(null, account(10), namedLevels.allRights), grant(calendar, account(10), namedLevels.readOnly)], at(documents), namedLevels.allRights],
    ['domain reads the account, direction-team writes Calendar → members write it', francois, [grant(null, domain, namedLevels.readOnly), grant(calendar, group(20), namedLevels.readWrite)], at(calendar), namedLevels.readWrite],
    ['… and read the rest', francois, [grant(null, domain, namedLevels.readOnly), grant(calendar, group(20), namedLevels.readWrite)], at(documents), namedLevels.readOnly],
    ['… a non-member reads Calendar through the domain', jean, [grant(null, domain, namedLevels.readOnly), grant(calendar, group(20), namedLevels.readWrite)], at(calendar), namedLevels.readOnly],
    ['the class counts before the level: a group grant on the account beats a domain grant on the folder', francois, [grant(calendar, domain, namedLevels.allRights), grant(null, group(20), namedLevels.readOnly)], at(calendar), namedLevels.readOnly],
    ['the nearest ancestor wins in a nested files folder', jean, [grant(documents, account(10), namedLevels.readOnly), grant(null, account(10), namedLevels.allRights)], at(projets, documents), namedLevels.readOnly],
    ['the folder itself beats its ancestor', jean, [grant(documents, account(10), namedLevels.readOnly), grant(projets, account(10), ['create'])], at(projets, documents), ['create']],
    ['two groups at the same level add up', secretariat, [grant(calendar, group(20), ['read']), grant(calendar, group(21), ['create', 'modify'])], at(calendar), ['create', 'modify', 'read']],
    ['a nearer group grant replaces a farther one', secretariat, [grant(null, group(20), namedLevels.allRights), grant(calendar, group(21), ['read'])], at(calendar), ['read']],
    ['an explicit denial on the folder removes what the account-wide grant gives', jean, [grant(null, account(10), namedLevels.readWrite), grant(calendar, account(10), [])], at(calendar), []],
    ['a denial to the account beats a group grant', francois, [grant(calendar, account(11), []), grant(calendar, group(20), namedLevels.allRights)], at(calendar), []],
    ['a denial to the domain ends before authenticated', jean, [grant(null, domain, []), grant(calendar, authenticated, namedLevels.readOnly)], at(calendar), []],
    ['authenticated reaches other domains', outsider, [grant(calendar, authenticated, namedLevels.readOnly)], at(calendar), namedLevels.readOnly],
    ['a domain grant does not reach another domain', outsider, [grant(calendar, domain, namedLevels.readOnly)], at(calendar), []],
    ['free/busy only', jean, [grant(calendar, account(10), namedLevels.freeBusyOnly)], at(calendar), ['freebusy']],
    ['create alone makes a drop box', jean, [grant(documents, account(10), ['create'])], at(documents), ['create']],
    ['grants on another folder do not apply', jean, [grant(documents, account(10), namedLevels.allRights)], at(calendar), []],
  ] as const)('%s', (_name, caller, grants, target, expected) => {
    expect(sorted(effectiveRights(caller, target, grants))).toEqual(level(expected));
  });

  it('gives members of a public group read, refined by other grants', () => {
    const publicGroup: Target = { ownerId: 21, folderChain: [calendar], ownerIsPublicGroup: true };
    expect(sorted(effectiveRights(secretariat, publicGroup, []))).toEqual(['read']);
    expect(sorted(effectiveRights(jean, publicGroup, []))).toEqual([]);
    const refined = [grant(calendar, account(12), namedLevels.readWrite)];
    expect(sorted(effectiveRights(secretariat, publicGroup, refined))).toEqual(level(namedLevels.readWrite));
    expect(sorted(effectiveRights(secretariat, publicGroup, [grant(calendar, group(21), namedLevels.readWrite)]))).toEqual(level(namedLevels.readWrite));
    expect(sorted(effectiveRights(secretariat, publicGroup, [grant(null, group(21), [])]))).toEqual([]);
  });
});

/**
 * A reference model written differently: rank every applicable grant by (class, level) and
 * take the union of the best-ranked ones.
 */
function referenceRights(caller: Caller, target: Target, grants: readonly Grant[]): Right[] {
  if (caller.isAdmin || caller.accountId === target.ownerId) return [...allRights].sort();
  const replaced = grants.some((g) => g.folderId === null && g.grantee.kind === 'group' && g.grantee.groupId === target.ownerId);
  const implicit: Grant[] =
    target.ownerIsPublicGroup && !replaced ? [{ folderId: null, grantee: { kind: 'group', groupId: target.ownerId }, rights: ['read'] }] : [];
  const ranked = [...grants, ...implicit].flatMap((g) => {
    const classRank =
      g.grantee.kind === 'account' && g.grantee.accountId === caller.accountId ? 0
      : g.grantee.kind === 'group' && caller.groupIds.has(g.grantee.groupId) ? 1
      : g.grantee.kind === 'domain' && g.grantee.domainId === caller.domainId ? 2
      : g.grantee.kind === 'authenticated' ? 3
      : -1;
    const levelRank = g.folderId === null ? target.folderChain.length : target.folderChain.indexOf(g.folderId);
    return classRank < 0 || levelRank < 0 ? [] : [{ rank: classRank * 1000 + levelRank, rights: g.rights }];
  });
  if (ranked.length === 0) return [];
  const best = Math.min(...ranked.map((r) => r.rank));
  return [...new Set(ranked.filter((r) => r.rank === best).flatMap((r) => r.rights))].sort();
}

describe('effectiveRights against a reference model', () => {
  it('agrees on random grants, groups, folders and callers', () => {
    const folderIds = [1, 2, 3, 4];
    const granteeArb: fc.Arbitrary<Grantee> = fc.oneof(
      fc.integer({ min: 10, max: 13 }).map((accountId) => ({ kind: 'account' as const, accountId })),
      fc.integer({ min: 20, max: 22 }).map((groupId) => ({ kind: 'group' as const, groupId })),
      fc.integer({ min: 1, max: 2 }).map((domainId) => ({ kind: 'domain' as const, domainId })),
      fc.constant({ kind: 'authenticated' as const }),
    );
    const grantArb: fc.Arbitrary<Grant> = fc.record({
      folderId: fc.option(fc.constantFrom(...folderIds), { nil: null }),
      grantee: granteeArb,
      rights: fc.subarray([...allRights]),
    });
    const callerArb: fc.Arbitrary<Caller> = fc.record({
      accountId: fc.integer({ min: 10, max: 13 }),
      groupIds: fc.subarray([20, 21, 22]).map((g) => new Set(g)),
      domainId: fc.integer({ min: 1, max: 2 }),
      isAdmin: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
    });
    const targetArb: fc.Arbitrary<Target> = fc.record({
      ownerId: fc.constantFrom(13, 20, 21),
      folderChain: fc.shuffledSubarray(folderIds, { minLength: 1 }),
      ownerIsPublicGroup: fc.boolean(),
    });
    fc.assert(
      fc.property(callerArb, targetArb, fc.array(grantArb, { maxLength: 8 }), (caller, target, grants) => {
        // One grant per (grantee, level), as the store keeps them.
        const unique = [...new Map(grants.map((g) => [`${JSON.stringify(g.grantee)}@${g.folderId}`, g])).values()];
        expect(sorted(effectiveRights(caller, target, unique))).toEqual(referenceRights(caller, target, unique));
      }),
      { numRuns: 2000 },
    );
  });
});
