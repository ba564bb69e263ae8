import { DavError, type Resource } from '@partage/dav-core';
import { isUniqueViolation, repositories, withTransaction, type NodeRow } from '@partage/storage';
import type { FolderKindSpec } from './item-content.js';
import { validateMemberName } from './names.js';
import { isNodeResource, type NodeAccount, type NodeResource, type NodeStore } from './node-types.js';
import { spaceLeft } from './node-writes.js';

/** What a COPY or MOVE needs to know (the core checked Overwrite, locks and rights). */
export interface Transfer {
  readonly mode: 'copy' | 'move';
  readonly source: NodeRow;
  readonly sourceAccount: NodeAccount;
  readonly sourceKind: FolderKindSpec;
  readonly target: Resource;
  readonly name: string;
  readonly depth: '0' | 'infinity';
  readonly existing: Resource | undefined;
}

/**
 * COPY and MOVE inside the node tree. An item goes only into a folder of its own kind (a
 * calendar object into a calendar); folders go into files folders or, for top-level
 * folders, into a home. Locks never follow (the core drops them).
 */
export async function transfer(store: NodeStore, t: Transfer, kindOf: (folder: NodeResource) => FolderKindSpec): Promise<void> {
  validateMemberName(t.name);
  // A server-path folder takes its members from its directory, never nodes (SPEC §5).
  if (t.target.kind === 'server-path' || (isNodeResource(t.target) && t.target.node.serverPath !== null)) {
    throw new DavError(403, undefined, 'COPY and MOVE stay within the same server-path folder');
  }
  if (!isNodeResource(t.target) || !t.target.node.isCollection) {
    throw new DavError(502, undefined, 'the destination is not a folder of this server');
  }
  const target = t.target;
  const targetKind = target.node.folderKind;
  const allowed = t.source.isCollection
    ? targetKind === 'home' || (targetKind === 'files' && t.sourceKind.kind === 'files')
    : targetKind === t.sourceKind.kind && kindOf(target).kind === t.sourceKind.kind;
  if (!allowed) throw new DavError(403, undefined, 'the destination folder does not accept this resource');
  const replaced = t.existing && isNodeResource(t.existing) ? t.existing.node : undefined;
  if (t.mode === 'move') await move(store, t, target, replaced);
  else await copy(store, t, target, replaced);
}

async function move(store: NodeStore, t: Transfer, target: NodeResource, replaced: NodeRow | undefined): Promise<void> {
  const subtree = await repositories(store.db).nodes.subtree(t.source.id);
  const size = subtree.reduce((s, r) => s + r.contentLength, 0);
  try {
    const freed = await withTransaction(store.db, async (repos) => {
      const removed = replaced ? await repos.nodes.deleteSubtree(replaced) : { blobIds: [], bytes: 0 };
      await repos.accounts.addUsedBytes(target.account.id, -removed.bytes);
      await repos.nodes.move(t.source, target.node.id, t.name, target.account.id);
      if (!t.source.isCollection) await t.sourceKind.content.moved?.(repos, t.source, target.node);
      if (target.account.id !== t.sourceAccount.id) {
        await repos.accounts.addUsedBytes(t.sourceAccount.id, -size);
        await repos.accounts.addUsedBytes(target.account.id, size);
      }
      return removed.blobIds;
    });
    await Promise.all(freed.map((id) => store.blobStore.delete(id)));
  } catch (error) {
    if (isUniqueViolation(error)) throw new DavError(409, undefined, 'the destination already holds this item');
    throw error;
  }
}

async function copy(store: NodeStore, t: Transfer, target: NodeResource, replaced: NodeRow | undefined): Promise<void> {
  const nodes = repositories(store.db).nodes;
  const all = t.depth === '0' ? [t.source] : await nodes.subtree(t.source.id);
  const bytes = all.reduce((s, r) => s + r.contentLength, 0);
  const left = await spaceLeft(store, target.account, replaced ? replaced.contentLength : 0);
  if (left !== undefined && bytes > left) throw new DavError(507, undefined, 'quota exceeded');
  const content = t.sourceKind.content;
  const staged = await content.stageCopies(all);
  let freed: string[] = [];
  try {
    freed = await withTransaction(store.db, async (repos) => {
      const removed = replaced ? await repos.nodes.deleteSubtree(replaced) : { blobIds: [], bytes: 0 };
      const newIds = new Map<number, number>();
      for (const row of all) {
        const parentId = row.id === t.source.id ? target.node.id : newIds.get(Number(row.parentId));
        if (parentId === undefined) continue;
        const values = { accountId: target.account.id, parentId, name: row.id === t.source.id ? t.name : row.name };
        const created = row.isCollection
          ? await repos.nodes.createCollection({ ...values, folderKind: 'files', displayName: row.displayName })
          : await repos.nodes.createFile({
              ...values,
              folderKind: row.folderKind ?? 'files',
              contentType: row.contentType,
              contentLength: row.contentLength,
              etag: row.etag ?? '""',
              blobId: staged.get(row.id) ?? null,
            });
        if (!row.isCollection) await content.copy(repos, row, created);
        newIds.set(row.id, created.id);
        await repos.nodes.copyDeadProperties(row.id, created.id);
      }
      await repos.accounts.addUsedBytes(target.account.id, bytes - removed.bytes);
      return removed.blobIds;
    });
  } catch (error) {
    await content.discardCopies(staged);
    if (isUniqueViolation(error) && !(error instanceof DavError)) {
      throw new DavError(409, undefined, 'the destination was created meanwhile, or already holds this item');
    }
    throw error;
  }
  await Promise.all(freed.map((id) => store.blobStore.delete(id)));
}
