import { allRights, type Caller, type Grant, type Grantee, type Right, type Target } from './rights.js';

const classOrder = ['account', 'group', 'domain', 'authenticated'] as const satisfies readonly Grantee['kind'][];

function concerns(grantee: Grantee, caller: Caller): boolean {
  switch (grantee.kind) {
    case 'account':
      return grantee.accountId === caller.accountId;
    case 'group':
      return caller.groupIds.has(grantee.groupId);
    case 'domain':
      return grantee.domainId === caller.domainId;
    case 'authenticated':
      return true;
  }
}

/**
 * The rights a caller holds on a folder (SPEC §4), one pure function:
 * 1. the owner and the server administrator hold every right;
 * 2. the grantee class comes first: grants to the account itself, else to its groups, else
 *    to its domain, else to every authenticated account — the first class with any grant
 *    for the caller on the folder, an ancestor folder or the whole account counts;
 * 3. within it the nearest level wins (the folder, then its nearest ancestor with a grant,
 *    then the whole account); several groups granting at that level add up;
 * 4. no grant: no right. A public group's folders give its members `read` as a whole-account
 *    grant in the group class, which any other grant refines.
 * A grant with no rights is an explicit denial: it wins like any more specific grant.
 *
 * @example effectiveRights(francois, { ownerId: jean, folderChain: [calendarId], ownerIsPublicGroup: false }, grants)
 */
export function effectiveRights(caller: Caller, target: Target, grants: readonly Grant[]): ReadonlySet<Right> {
  if (caller.isAdmin || caller.accountId === target.ownerId) return new Set(allRights);
  const explicitForMembers = grants.some(
    (g) => g.folderId === null && g.grantee.kind === 'group' && g.grantee.groupId === target.ownerId,
  );
  const all: Grant[] =
    target.ownerIsPublicGroup && !explicitForMembers
      ? [...grants, { folderId: null, grantee: { kind: 'group', groupId: target.ownerId }, rights: ['read'] }]
      : [...grants];
  const levels: (number | null)[] = [...target.folderChain, null];
  for (const kind of classOrder) {
    const mine = all.filter(
      (g) => g.grantee.kind === kind && concerns(g.grantee, caller) && levels.includes(g.folderId),
    );
    if (mine.length === 0) continue;
    for (const level of levels) {
      const here = mine.filter((g) => g.folderId === level);
      if (here.length > 0) return new Set(here.flatMap((g) => g.rights));
    }
  }
  return new Set();
}
