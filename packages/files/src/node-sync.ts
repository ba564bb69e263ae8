import { davConditions, type ChangeSet, type DavPath, type Resource } from '@partage/dav-core';
import { repositories, type Db, type NodeRow } from '@partage/storage';

const syncTokenPrefix = 'http://partage.invalid/ns/sync/';

/**
 * A sync token is a URI (RFC 6578 §3.2) naming the collection, a change-log position and
 * the owner's grants version: a change of rights invalidates the tokens issued before it,
 * so that sharees sync anew and see what became readable or unreadable (SPEC §5).
 */
export const syncTokenOf = (collectionId: number, seq: number, grantsVersion: number): string =>
  `${syncTokenPrefix}${collectionId}/${seq}/${grantsVersion}`;

/** The change-log position in a token this collection issued under these rights, or undefined. */
export function parseSyncToken(token: string, collectionId: number, grantsVersion: number): number | undefined {
  if (!token.startsWith(syncTokenPrefix)) return undefined;
  const [id, seq, version] = token.slice(syncTokenPrefix.length).split('/');
  if (Number(id) !== collectionId || seq === undefined || !/^\d+$/.test(seq)) return undefined;
  if (version === undefined || Number(version) !== grantsVersion) return undefined;
  return Number(seq);
}

/** The collection's current sync token; also its CTag. */
export async function currentSyncToken(db: Db, node: NodeRow): Promise<string> {
  const repos = repositories(db);
  return syncTokenOf(node.id, (await repos.nodes.latestChange(node.id)) ?? 0, await repos.grants.version(node.accountId));
}

/**
 * RFC 6578 changes of a collection from its change log. The initial sync reads the whole
 * log too, so that a limit can be honoured and resumed; it never reports removals.
 */
export async function changesOf(
  db: Db,
  node: NodeRow,
  path: DavPath,
  /** The current members with these names (changed ones that still exist). */
  members: (names: readonly string[]) => Promise<Resource[]>,
  token: string | undefined,
  limit: number | undefined,
): Promise<ChangeSet> {
  const nodes = repositories(db).nodes;
  const latest = (await nodes.latestChange(node.id)) ?? 0;
  const grantsVersion = await repositories(db).grants.version(node.accountId);
  const seq = token === undefined ? 0 : parseSyncToken(token, node.id, grantsVersion);
  if (seq === undefined || seq > latest) throw davConditions.validSyncToken();
  const { changes, truncated } = await nodes.changesSince(node.id, seq, limit);
  const lastSeq = changes.length > 0 ? (changes[changes.length - 1]?.seq ?? seq) : latest;
  const byName = new Map((await members(changes.map((c) => c.memberName))).map((m) => [m.path[m.path.length - 1] ?? '', m]));
  const changed: Resource[] = [];
  const removed: DavPath[] = [];
  for (const change of changes) {
    const member = byName.get(change.memberName);
    if (member) changed.push(member);
    else if (token !== undefined) removed.push([...path, change.memberName]);
  }
  return { syncToken: syncTokenOf(node.id, truncated ? lastSeq : latest, grantsVersion), changed, removed, truncated };
}
