/**
 * A small reference model of SPEC §4, written from the SPEC and the sharing guide
 * (reference/icewarp-guide-de-partage-v12.txt), independent of the product's rule: it
 * predicts what a caller may do with each resource of a random world, and the status a
 * request answers when it may not.
 */

export type Right = 'read' | 'create' | 'modify' | 'delete' | 'admin' | 'freebusy';
export const everyRight: readonly Right[] = ['read', 'create', 'modify', 'delete', 'admin', 'freebusy'];

/** Who a grant names: an account or group by email, `@domain`, or `authenticated`. */
export type GranteeName = string;

export interface ModelGrant {
  /** Folder path below the owner's home (`Documents/Sub`), or null for the whole account. */
  readonly folder: string | null;
  readonly grantee: GranteeName;
  readonly rights: readonly Right[];
}

export interface ModelAccount {
  readonly email: string;
  readonly domain: string;
  readonly kind: 'user' | 'group';
  readonly members: readonly string[];
  readonly isPublicGroup: boolean;
}

export type FolderKind = 'files' | 'calendar' | 'contacts';
export type Classification = 'PUBLIC' | 'PRIVATE' | 'CONFIDENTIAL';

export interface ModelFolder {
  readonly path: string;
  readonly kind: FolderKind;
}

export interface ModelItem {
  /** Folder path, then the item's name. */
  readonly folder: string;
  readonly name: string;
  readonly classification: Classification;
  readonly body: string;
  readonly contentType: string;
}

export interface ModelOwner {
  readonly account: ModelAccount;
  readonly folders: ModelFolder[];
  readonly items: ModelItem[];
  /** One grant per (folder, grantee): a later one replaces an earlier one (SPEC §7). */
  readonly grants: ModelGrant[];
}

export interface World {
  readonly accounts: ModelAccount[];
  readonly owners: ModelOwner[];
}

/** A caller: a user of the world. */
export interface ModelCaller {
  readonly email: string;
  readonly domain: string;
}

/** What a request is about. */
export type Target =
  | { readonly kind: 'home'; readonly owner: ModelOwner }
  | { readonly kind: 'folder'; readonly owner: ModelOwner; readonly folder: ModelFolder }
  | { readonly kind: 'item'; readonly owner: ModelOwner; readonly item: ModelItem };

const classes = ['account', 'group', 'domain', 'authenticated'] as const;

function classOf(world: World, grantee: GranteeName): (typeof classes)[number] {
  if (grantee === 'authenticated') return 'authenticated';
  if (grantee.startsWith('@')) return 'domain';
  return world.accounts.find((a) => a.email === grantee)?.kind === 'group' ? 'group' : 'account';
}

function reaches(world: World, grantee: GranteeName, caller: ModelCaller): boolean {
  if (grantee === 'authenticated') return true;
  if (grantee.startsWith('@')) return grantee.slice(1) === caller.domain;
  if (grantee === caller.email) return true;
  const group = world.accounts.find((a) => a.email === grantee && a.kind === 'group');
  return group?.members.includes(caller.email) ?? false;
}

/** `Documents/Sub` → [`Documents/Sub`, `Documents`, null]: nearest level first, the whole account last. */
function levelsOf(folder: string): (string | null)[] {
  const parts = folder.split('/');
  const levels: (string | null)[] = [];
  for (let n = parts.length; n > 0; n--) levels.push(parts.slice(0, n).join('/'));
  levels.push(null);
  return levels;
}

/**
 * SPEC §4 "Which grant applies": the owner holds everything; grantee class first (account,
 * its groups, its domain, every authenticated account), then the nearest level; grants of
 * several groups at that level add up; nothing matching gives nothing. A public group's
 * members read its folders through a whole-account grant in the group class, which an
 * explicit grant to the group at that level replaces.
 */
export function rightsOn(world: World, caller: ModelCaller, owner: ModelOwner, folder: string): Set<Right> {
  if (caller.email === owner.account.email) return new Set(everyRight);
  const grants: ModelGrant[] = [...owner.grants];
  const implicit = owner.account.isPublicGroup && !grants.some((g) => g.folder === null && g.grantee === owner.account.email);
  if (implicit) grants.push({ folder: null, grantee: owner.account.email, rights: ['read'] });
  const levels = levelsOf(folder);
  for (const cls of classes) {
    const mine = grants.filter((g) => classOf(world, g.grantee) === cls && reaches(world, g.grantee, caller) && levels.includes(g.folder));
    if (mine.length === 0) continue;
    const nearest = levels.find((l) => mine.some((g) => g.folder === l));
    return new Set(mine.filter((g) => g.folder === nearest).flatMap((g) => g.rights));
  }
  return new Set();
}

/** The rights on a target, after the private and confidential rules (SPEC §4, "Private items"). */
export function rightsOnTarget(world: World, caller: ModelCaller, target: Target): Set<Right> {
  const { owner } = target;
  if (target.kind === 'home') {
    if (caller.email === owner.account.email) return new Set(everyRight);
    return owner.folders.some((f) => rightsOn(world, caller, owner, f.path).has('read')) ? new Set(['read']) : new Set();
  }
  if (target.kind === 'folder') return rightsOn(world, caller, owner, target.folder.path);
  const rights = rightsOn(world, caller, owner, target.item.folder);
  if (rights.has('admin') || target.item.classification === 'PUBLIC') return rights;
  if (target.item.classification === 'PRIVATE') return new Set();
  return new Set([...rights].filter((r) => r === 'read' || r === 'freebusy'));
}

/** A private item the caller may not see: it does not exist for it. */
export function isHidden(world: World, caller: ModelCaller, target: Target): boolean {
  if (target.kind !== 'item' || target.item.classification !== 'PRIVATE') return false;
  return !rightsOn(world, caller, target.owner, target.item.folder).has('admin');
}

/** A confidential item seen reduced. */
export function isRestricted(world: World, caller: ModelCaller, target: Target): boolean {
  if (target.kind !== 'item' || target.item.classification !== 'CONFIDENTIAL') return false;
  return !rightsOn(world, caller, target.owner, target.item.folder).has('admin');
}

export const mayRead = (world: World, caller: ModelCaller, target: Target): boolean => rightsOnTarget(world, caller, target).has('read');

/** The collection that holds a target (the home has none the caller could lack). */
export function parentOf(target: Target): Target | undefined {
  if (target.kind === 'home') return undefined;
  const path = target.kind === 'folder' ? target.folder.path : `${target.item.folder}/${target.item.name}`;
  const parentPath = path.split('/').slice(0, -1).join('/');
  if (parentPath === '') return { kind: 'home', owner: target.owner };
  const folder = target.owner.folders.find((f) => f.path === parentPath);
  if (!folder) throw new Error(`no folder ${parentPath}`);
  return { kind: 'folder', owner: target.owner, folder };
}

/**
 * The status of a denied request on an existing target (SPEC §4, "Visibility"): 403 when
 * the caller may read it or list its parent, 404 otherwise — and 404 for a private item or
 * a home with nothing readable, which do not exist for the caller.
 */
export function deniedStatus(world: World, caller: ModelCaller, target: Target): 403 | 404 {
  if (isHidden(world, caller, target)) return 404;
  if (mayRead(world, caller, target)) return 403;
  const parent = parentOf(target);
  return parent && mayRead(world, caller, parent) ? 403 : 404;
}

/** `read` on a folder and everything below it (a COPY or MOVE of a folder reads all of it). */
export function mayReadSubtree(world: World, caller: ModelCaller, owner: ModelOwner, folder: ModelFolder): boolean {
  const inside = (p: string) => p === folder.path || p.startsWith(`${folder.path}/`);
  return (
    owner.folders.filter((f) => inside(f.path)).every((f) => mayRead(world, caller, { kind: 'folder', owner, folder: f })) &&
    owner.items.filter((i) => inside(i.folder)).every((i) => mayRead(world, caller, { kind: 'item', owner, item: i }) && !isRestricted(world, caller, { kind: 'item', owner, item: i }))
  );
}

/** Paths. */
export const hrefOf = (target: Target): string => {
  const home = `/webdav/${target.owner.account.email}/`;
  if (target.kind === 'home') return home;
  if (target.kind === 'folder') return `${home}${target.folder.path.split('/').map(encodeURIComponent).join('/')}/`;
  return `${home}${target.item.folder.split('/').map(encodeURIComponent).join('/')}/${encodeURIComponent(target.item.name)}`;
};

/** The members of a collection that a Depth 1 listing shows (SPEC §4: only the readable ones). */
export function listing(world: World, caller: ModelCaller, target: Target): string[] {
  if (target.kind === 'item') return [];
  const { owner } = target;
  const prefix = target.kind === 'home' ? '' : `${target.folder.path}/`;
  const isChild = (path: string) => path.startsWith(prefix) && !path.slice(prefix.length).includes('/');
  const folders: Target[] = owner.folders.filter((f) => isChild(f.path)).map((folder) => ({ kind: 'folder', owner, folder }));
  const items: Target[] =
    target.kind === 'folder' ? owner.items.filter((i) => i.folder === target.folder.path).map((item) => ({ kind: 'item', owner, item })) : [];
  return [...folders, ...items].filter((t) => !isHidden(world, caller, t) && mayRead(world, caller, t)).map(hrefOf);
}
