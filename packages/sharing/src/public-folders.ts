import { repositories, type AccountRow, type Db, type GrantRow } from '@partage/storage';
import { isRight, type Right } from './rights.js';

/** One grant that applies to a public folder, as the administrators' listing shows it. */
export interface PublicFolderGrantView {
  /** An email (account or group), `@domain`, or `authenticated`. */
  readonly grantee: string;
  readonly rights: readonly Right[];
  /** No rights: an explicit denial (SPEC §4). */
  readonly denied: boolean;
  /** Where the grant is set: this folder's path, an ancestor folder's path, or null for the whole account. */
  readonly setOn: string | null;
  /** The members' `read` that a public folder gives without any stored grant (SPEC §5). */
  readonly implicit: boolean;
}

/** A folder of a group with a public folder, with every grant that applies to it. */
export interface PublicFolderView {
  /** The folder's path below the group's home, `/`-separated. */
  readonly folder: string;
  readonly kind: string;
  /** The grants, the nearest level first (the folder, its ancestors, the whole account). */
  readonly grants: readonly PublicFolderGrantView[];
}

/** A group with a public folder, its members and its folders (SPEC §5 "Public folders"). */
export interface PublicFolderGroupView {
  readonly group: string;
  readonly displayName: string | null;
  readonly members: readonly string[];
  readonly folders: readonly PublicFolderView[];
}

const rightsOf = (row: GrantRow): Right[] => (row.rights === '' ? [] : row.rights.split(',').filter(isRight));

/**
 * Every public folder with its rights, for the administrators' pages, REST call and CLI
 * (SPEC §5: "The admin pages list all public folders with their rights"). Lists each
 * top-level folder of each group with a public folder, and each deeper folder that has a
 * grant of its own; a folder shows the grants set on it, on its ancestors and on the whole
 * account, and the members' implicit `read` unless a whole-account grant to the group
 * itself replaces it (the rule of `effectiveRights`).
 */
export async function listPublicFolders(db: Db): Promise<PublicFolderGroupView[]> {
  const repos = repositories(db);
  const all = await repos.accounts.listAccounts();
  const emailOf = new Map(all.map((a) => [a.id, a.email]));
  const domains = new Map((await repos.accounts.listDomains()).map((d) => [d.id, d.name]));
  const granteeOf = (row: GrantRow): string =>
    row.granteeKind === 'authenticated'
      ? 'authenticated'
      : row.granteeKind === 'domain'
        ? `@${domains.get(row.granteeDomainId ?? 0) ?? '?'}`
        : (emailOf.get(row.granteeAccountId ?? 0) ?? '?');
  const groups = all.filter((a): a is AccountRow => a.kind === 'group' && a.publicFolder).sort((a, b) => a.email.localeCompare(b.email));
  const result: PublicFolderGroupView[] = [];
  for (const group of groups) {
    const rows = await repos.grants.forOwner(group.id);
    const home = await repos.nodes.home(group.id);
    const topLevel = home ? (await repos.nodes.children(home.id)).filter((n) => n.isCollection) : [];
    const granted = await repos.nodes.byIds([...new Set(rows.flatMap((r) => (r.folderId === null ? [] : [r.folderId])))]);
    const folders = [...topLevel, ...granted.filter((n) => n.parentId !== home?.id)];
    const isReplaced = rows.some((r) => r.folderId === null && r.granteeKind === 'group' && r.granteeAccountId === group.id);
    const views: PublicFolderView[] = [];
    for (const folder of folders) {
      const chain = await repos.nodes.folderChain(folder.id);
      const grants: PublicFolderGrantView[] = [];
      for (const level of [...chain, null]) {
        const setOn = level === null ? null : (await repos.nodes.pathBelowHome(level)).join('/');
        for (const row of rows.filter((r) => r.folderId === level)) {
          const rights = rightsOf(row);
          grants.push({ grantee: granteeOf(row), rights, denied: rights.length === 0, setOn, implicit: false });
        }
      }
      if (!isReplaced) grants.push({ grantee: group.email, rights: ['read'], denied: false, setOn: null, implicit: true });
      views.push({ folder: (await repos.nodes.pathBelowHome(folder.id)).join('/'), kind: folder.folderKind ?? 'files', grants });
    }
    views.sort((a, b) => a.folder.localeCompare(b.folder));
    const members = (await repos.accounts.members(group.id)).map((m) => m.email).sort();
    result.push({ group: group.email, displayName: group.displayName, members, folders: views });
  }
  return result;
}
