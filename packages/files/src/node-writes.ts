import { dav, writeXml, type ClarkName, type XmlElement } from '@partage/dav-xml';
import { DavError, type ContentMeta, type DavPath, type WriteResult } from '@partage/dav-core';
import { isUniqueViolation, repositories, withTransaction, type NodeRow } from '@partage/storage';
import type { FolderKindSpec } from './item-content.js';
import { validateMemberName } from './names.js';
import type { NodeAccount, NodeStore } from './node-types.js';

/**
 * Bytes an account may still store, counting `freedBytes` that the write releases; undefined
 * without quota. Only an account with a quota costs a read of its current usage.
 */
export async function spaceLeft(store: NodeStore, account: NodeAccount, freedBytes: number): Promise<number | undefined> {
  if (account.quotaBytes === null) return undefined;
  const current = await repositories(store.db).accounts.findAccount(account.id);
  if (current?.quotaBytes === null || current?.quotaBytes === undefined) return undefined;
  return Math.max(0, current.quotaBytes - current.usedBytes) + freedBytes;
}

/** Creates an item in a folder: content staged first, then one transaction for the rows. */
export async function createItem(
  store: NodeStore,
  spec: FolderKindSpec,
  folder: NodeRow,
  folderPath: DavPath,
  account: NodeAccount,
  name: string,
  body: AsyncIterable<Uint8Array>,
  meta: ContentMeta,
): Promise<WriteResult> {
  validateMemberName(name);
  const prepared = await spec.content.prepare(body, meta, {
    folder,
    folderPath,
    existing: undefined,
    account,
    name,
    spaceLeftBytes: await spaceLeft(store, account, 0),
  });
  const file = {
    accountId: account.id,
    parentId: folder.id,
    name,
    folderKind: spec.kind,
    contentType: prepared.contentType,
    contentLength: prepared.sizeBytes,
    etag: prepared.etag,
    blobId: prepared.blobId,
  };
  const { newRows } = prepared;
  try {
    if (newRows) {
      // One statement, atomic on its own: the node, its change row, the usage and the item's rows.
      await repositories(store.db).nodes.createFile(file, { countUsage: true, changeUid: prepared.uid, attached: newRows });
    } else {
      await withTransaction(store.db, async (repos) => {
        const node = await repos.nodes.createFile(file, { countUsage: true, changeUid: prepared.uid });
        await prepared.persist(repos, node);
      });
    }
  } catch (error) {
    await prepared.discard();
    const explained = await prepared.explainFailure?.(error);
    if (explained) throw explained;
    if (isUniqueViolation(error) && !(error instanceof DavError)) {
      throw new DavError(meta.mustNotExist ? 412 : 409, undefined, 'a member with this name was created meanwhile');
    }
    throw error;
  }
  return { etag: prepared.isVerbatim ? prepared.etag : undefined };
}

/** Replaces an item's content; with If-Match, only if the stored tag is still the one checked (no lost update). */
export async function replaceItem(
  store: NodeStore,
  spec: FolderKindSpec,
  folder: NodeRow,
  folderPath: DavPath,
  node: NodeRow,
  account: NodeAccount,
  body: AsyncIterable<Uint8Array>,
  meta: ContentMeta,
): Promise<WriteResult> {
  const prepared = await spec.content.prepare(body, meta, {
    folder,
    folderPath,
    existing: node,
    account,
    name: node.name,
    spaceLeftBytes: await spaceLeft(store, account, node.contentLength),
  });
  let replaced: NodeRow | undefined;
  try {
    replaced = await withTransaction(store.db, async (repos) => {
      const before = await repos.nodes.replaceContent(
        node,
        { contentType: prepared.contentType, contentLength: prepared.sizeBytes, etag: prepared.etag, blobId: prepared.blobId },
        meta.expectedEtag,
        prepared.uid,
      );
      if (!before) return undefined;
      await prepared.persist(repos, node);
      await repos.accounts.addUsedBytes(account.id, prepared.sizeBytes - before.contentLength);
      return before;
    });
  } catch (error) {
    await prepared.discard();
    throw (await prepared.explainFailure?.(error)) ?? error;
  }
  if (!replaced) {
    await prepared.discard();
    throw new DavError(412, undefined, 'the resource changed since the entity tag given in If-Match');
  }
  if (replaced.blobId && replaced.blobId !== prepared.blobId) await store.blobStore.delete(replaced.blobId);
  return { etag: prepared.isVerbatim ? prepared.etag : undefined };
}

/** Creates a subcollection (MKCOL), or a folder of another kind in a home (extended MKCOL, MKCALENDAR). */
export async function createCollection(
  store: NodeStore,
  parent: NodeRow,
  account: NodeAccount,
  name: string,
  spec: FolderKindSpec,
  body: XmlElement | undefined,
): Promise<void> {
  validateMemberName(name);
  const created = spec.newFolder ? spec.newFolder(body) : { components: null, properties: [] };
  if (!spec.newFolder && body) throw new DavError(403, undefined, 'extended MKCOL is not supported here');
  try {
    await withTransaction(store.db, async (repos) => {
      const node = await repos.nodes.createCollection({
        accountId: account.id,
        parentId: parent.id,
        name,
        folderKind: spec.kind,
        components: created.components,
      });
      await storeProperties(repos, node, created.properties, []);
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new DavError(405, undefined, 'the resource already exists');
    throw error;
  }
}

/** Removes a node and its subtree, frees its space, then drops its blobs. */
export async function deleteNode(store: NodeStore, node: NodeRow, account: NodeAccount): Promise<void> {
  const freed = await withTransaction(store.db, async (repos) => {
    const result = await repos.nodes.deleteSubtree(node);
    await repos.accounts.addUsedBytes(account.id, -result.bytes);
    return result;
  });
  await Promise.all(freed.blobIds.map((id) => store.blobStore.delete(id)));
}

/** PROPPATCH storage: `displayname` goes to its column, the rest are dead properties; one transaction. */
export async function patchProperties(
  store: NodeStore,
  node: NodeRow,
  set: readonly XmlElement[],
  remove: readonly ClarkName[],
): Promise<void> {
  await withTransaction(store.db, (repos) => storeProperties(repos, node, set, remove));
}

async function storeProperties(
  repos: ReturnType<typeof repositories>,
  node: NodeRow,
  set: readonly XmlElement[],
  remove: readonly ClarkName[],
): Promise<void> {
  const displayName = dav('displayname');
  const named = set.find((p) => p.name === displayName);
  if (named) await repos.nodes.setDisplayName(node.id, textContent(named));
  else if (remove.includes(displayName)) await repos.nodes.setDisplayName(node.id, null);
  await repos.nodes.patchDeadProperties(
    node.id,
    set.filter((p) => p.name !== displayName).map((p) => ({ name: p.name, xml: writeXml(p, { declaration: false }) })),
    remove.filter((n) => n !== displayName),
  );
}

function textContent(element: XmlElement): string {
  return element.children.map((c) => (typeof c === 'string' ? c : textContent(c))).join('');
}
