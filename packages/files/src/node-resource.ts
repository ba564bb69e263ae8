import { dav, parseXml, writeXml, type ClarkName, type XmlElement } from '@partage/dav-xml';
import {
  DavError,
  davConditions,
  makeResource,
  type ContentMeta,
  type DavPath,
  type Resource,
  type WriteResult,
  type ChangeSet,
} from '@partage/dav-core';
import {
  BlobTooLargeError,
  isUniqueViolation,
  repositories,
  withTransaction,
  type AccountRow,
  type BlobStore,
  type Db,
  type NodeRow,
  type ReadCache,
} from '@partage/storage';
import { etagFromSha256 } from './etag.js';
import { validateMemberName } from './names.js';

/** What node resources need from the composition root. */
export interface NodeStore {
  readonly db: Db;
  readonly blobStore: BlobStore;
  readonly readCache: ReadCache;
}

/** The account a node belongs to, as far as resources need it. */
export type NodeAccount = Pick<AccountRow, 'id' | 'email' | 'quotaBytes' | 'usedBytes'>;

/** A resource backed by a `node` row: an account's home, a folder, a files subfolder or a file. */
export interface NodeResource extends Resource {
  readonly kind: 'node';
  readonly node: NodeRow;
  readonly account: NodeAccount;
}

/** Narrows a resource to a node resource. */
export const isNodeResource = (r: Resource): r is NodeResource => r.kind === 'node';

/** Builds node resources and carries out their operations. */
export class NodeResources {
  constructor(private readonly store: NodeStore, private readonly principalHref: (email: string) => string) {}

  /** The resource for a node at a DAV path; `preloaded` dead properties avoid a query per member in listings. */
  resource(node: NodeRow, account: NodeAccount, path: DavPath, preloaded?: XmlElement[]): NodeResource {
    const { db, blobStore } = this.store;
    const self = this;
    const isFilesCollection = node.isCollection && (node.folderKind === 'files' || node.folderKind === 'home');
    const base = makeResource({
      kind: 'node',
      path,
      isCollection: node.isCollection,
      etag: node.etag ?? undefined,
      lastModified: node.modifiedAt,
      createdAt: node.createdAt,
      contentType: node.isCollection ? undefined : (node.contentType ?? 'application/octet-stream'),
      contentLength: node.isCollection ? undefined : Number(node.contentLength),
      displayName: node.displayName ?? undefined,
      ownerHref: this.principalHref(account.email),
      ops: {
        deadProperties: async () =>
          preloaded ?? (await repositories(db).nodes.deadProperties(node.id)).flatMap((p) => parseStored(p.xml)),
        patchProperties: (set, remove) => self.patchProperties(node, set, remove),
        ...(node.isCollection
          ? {
              children: () => self.children(node, account, path),
              syncToken: async () => syncTokenOf(node.id, (await repositories(db).nodes.latestChange(node.id)) ?? 0),
              changes: (token, limit) => self.changes(node, account, path, token, limit),
              quota: () => self.quota(account.id),
            }
          : { write: (body, meta) => self.write(node, account, body, meta) }),
        ...(!node.isCollection && node.blobId ? { read: (range) => blobStore.get(node.blobId ?? '', range) } : {}),
        ...(node.isCollection && node.folderKind === 'files'
          ? { createMember: (name, body, meta) => self.createFile(node, account, name, body, meta) }
          : {}),
        ...(isFilesCollection ? { createCollection: (name, body) => self.createCollection(node, account, name, body) } : {}),
        ...(node.parentId === null
          ? {}
          : {
              delete: () => self.delete(node, account),
              transfer: (mode, target, name, depth, existing) =>
                self.transfer(mode, node, account, target, name, depth, existing),
            }),
      },
    });
    return { ...base, kind: 'node', node, account };
  }

  private async children(node: NodeRow, account: NodeAccount, path: DavPath): Promise<Resource[]> {
    const nodes = repositories(this.store.db).nodes;
    const rows = await nodes.children(node.id);
    const props = await nodes.deadPropertiesOf(rows.map((r) => r.id));
    return rows.map((row) =>
      this.resource(row, account, [...path, row.name], (props.get(row.id) ?? []).flatMap((p) => parseStored(p))),
    );
  }

  /** RFC 6578 changes of a collection, from its change log. */
  private async changes(
    node: NodeRow,
    account: NodeAccount,
    path: DavPath,
    token: string | undefined,
    limit: number | undefined,
  ): Promise<ChangeSet> {
    const nodes = repositories(this.store.db).nodes;
    const latest = (await nodes.latestChange(node.id)) ?? 0;
    // The initial sync reads the whole log, so that a limit can be honoured and resumed.
    const seq = token === undefined ? 0 : parseSyncToken(token, node.id);
    if (seq === undefined || seq > latest) throw davConditions.validSyncToken();
    const { changes, truncated } = await nodes.changesSince(node.id, seq, limit);
    const lastSeq = changes.length > 0 ? (changes[changes.length - 1]?.seq ?? seq) : latest;
    const members = await this.children(node, account, path);
    const byName = new Map(members.map((m) => [m.path[m.path.length - 1] ?? '', m]));
    const changed: Resource[] = [];
    const removed: DavPath[] = [];
    for (const change of changes) {
      const member = byName.get(change.memberName);
      if (member) changed.push(member);
      else if (token !== undefined) removed.push([...path, change.memberName]);
    }
    return { syncToken: syncTokenOf(node.id, truncated ? lastSeq : latest), changed, removed, truncated };
  }

  private async quota(accountId: number): Promise<{ usedBytes: number; availableBytes: number | undefined }> {
    const account = await repositories(this.store.db).accounts.findAccount(accountId);
    const used = Number(account?.usedBytes ?? 0);
    const quota = account?.quotaBytes;
    return { usedBytes: used, availableBytes: quota === null || quota === undefined ? undefined : Math.max(0, Number(quota) - used) };
  }

  /** Bytes the account may still store, counting `freedBytes` that the write releases. */
  private async spaceLeft(accountId: number, freedBytes: number): Promise<number | undefined> {
    const { availableBytes } = await this.quota(accountId);
    return availableBytes === undefined ? undefined : availableBytes + freedBytes;
  }

  private async storeBody(accountId: number, body: AsyncIterable<Uint8Array>, meta: ContentMeta, freedBytes: number) {
    const left = await this.spaceLeft(accountId, freedBytes);
    if (left !== undefined && meta.contentLength !== undefined && meta.contentLength > left) {
      throw davConditions.quotaNotExceeded();
    }
    try {
      return await this.store.blobStore.put(body, left === undefined ? {} : { maxBytes: left });
    } catch (error) {
      if (error instanceof BlobTooLargeError) throw davConditions.quotaNotExceeded();
      throw error;
    }
  }

  private async createFile(
    parent: NodeRow,
    account: NodeAccount,
    name: string,
    body: AsyncIterable<Uint8Array>,
    meta: ContentMeta,
  ): Promise<WriteResult> {
    validateMemberName(name);
    const blob = await this.storeBody(account.id, body, meta, 0);
    const etag = etagFromSha256(blob.sha256);
    try {
      await withTransaction(this.store.db, async (repos) => {
        await repos.nodes.createFile({
          accountId: account.id,
          parentId: parent.id,
          name,
          contentType: meta.contentType ?? null,
          contentLength: blob.size,
          etag,
          blobId: blob.blobId,
        });
        await repos.accounts.addUsedBytes(account.id, blob.size);
      });
    } catch (error) {
      await this.store.blobStore.delete(blob.blobId);
      if (isUniqueViolation(error)) {
        throw new DavError(meta.mustNotExist ? 412 : 409, undefined, 'a member with this name was created meanwhile');
      }
      throw error;
    }
    return { etag };
  }

  private async write(node: NodeRow, account: NodeAccount, body: AsyncIterable<Uint8Array>, meta: ContentMeta): Promise<WriteResult> {
    const blob = await this.storeBody(account.id, body, meta, Number(node.contentLength));
    const etag = etagFromSha256(blob.sha256);
    let replaced: NodeRow | undefined;
    try {
      replaced = await withTransaction(this.store.db, async (repos) => {
        const before = await repos.nodes.replaceContent(
          node,
          { contentType: meta.contentType ?? node.contentType, contentLength: blob.size, etag, blobId: blob.blobId },
          meta.expectedEtag,
        );
        if (before) await repos.accounts.addUsedBytes(account.id, blob.size - Number(before.contentLength));
        return before;
      });
    } catch (error) {
      await this.store.blobStore.delete(blob.blobId);
      throw error;
    }
    if (!replaced) {
      await this.store.blobStore.delete(blob.blobId);
      throw new DavError(412, undefined, 'the resource changed since the entity tag given in If-Match');
    }
    if (replaced.blobId) await this.store.blobStore.delete(replaced.blobId);
    return { etag };
  }

  private async createCollection(parent: NodeRow, account: NodeAccount, name: string, body: XmlElement | undefined): Promise<void> {
    validateMemberName(name);
    if (body) throw new DavError(403, undefined, 'extended MKCOL is not supported in a files folder');
    try {
      await repositories(this.store.db).nodes.createCollection({
        accountId: account.id,
        parentId: parent.id,
        name,
        folderKind: 'files',
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new DavError(405, undefined, 'the resource already exists');
      throw error;
    }
  }

  private async delete(node: NodeRow, account: NodeAccount): Promise<void> {
    const freed = await withTransaction(this.store.db, async (repos) => {
      const result = await repos.nodes.deleteSubtree(node);
      await repos.accounts.addUsedBytes(account.id, -result.bytes);
      return result;
    });
    await Promise.all(freed.blobIds.map((id) => this.store.blobStore.delete(id)));
  }

  private async patchProperties(node: NodeRow, set: readonly XmlElement[], remove: readonly ClarkName[]): Promise<void> {
    const displayName = dav('displayname');
    await withTransaction(this.store.db, async (repos) => {
      const dead = set.filter((p) => p.name !== displayName);
      const setName = set.find((p) => p.name === displayName);
      if (setName) await repos.nodes.setDisplayName(node.id, textContent(setName));
      else if (remove.includes(displayName)) await repos.nodes.setDisplayName(node.id, null);
      await repos.nodes.patchDeadProperties(
        node.id,
        dead.map((p) => ({ name: p.name, xml: writeXml(p, { declaration: false }) })),
        remove.filter((n) => n !== displayName),
      );
    });
  }

  private async transfer(
    mode: 'copy' | 'move',
    node: NodeRow,
    account: NodeAccount,
    target: Resource,
    name: string,
    depth: '0' | 'infinity',
    existing: Resource | undefined,
  ): Promise<void> {
    validateMemberName(name);
    if (!isNodeResource(target) || !target.node.isCollection) {
      throw new DavError(502, undefined, 'the destination is not a folder of this server');
    }
    if (target.node.folderKind !== 'files' && !(node.isCollection && target.node.folderKind === 'home')) {
      throw new DavError(403, undefined, 'the destination folder does not accept this resource');
    }
    const replaced = existing && isNodeResource(existing) ? existing.node : undefined;
    if (mode === 'move') await this.move(node, account, target, name, replaced);
    else await this.copy(node, target, name, depth, replaced);
  }

  private async move(node: NodeRow, account: NodeAccount, target: NodeResource, name: string, replaced: NodeRow | undefined) {
    const size = (await repositories(this.store.db).nodes.subtree(node.id)).reduce((s, r) => s + Number(r.contentLength), 0);
    const freed = await withTransaction(this.store.db, async (repos) => {
      const removed = replaced ? await repos.nodes.deleteSubtree(replaced) : { blobIds: [], bytes: 0 };
      await repos.accounts.addUsedBytes(target.account.id, -removed.bytes);
      await repos.nodes.move(node, target.node.id, name, target.account.id);
      if (target.account.id !== account.id) {
        await repos.accounts.addUsedBytes(account.id, -size);
        await repos.accounts.addUsedBytes(target.account.id, size);
      }
      return removed.blobIds;
    });
    await Promise.all(freed.map((id) => this.store.blobStore.delete(id)));
  }

  private async copy(node: NodeRow, target: NodeResource, name: string, depth: '0' | 'infinity', replaced: NodeRow | undefined) {
    const nodes = repositories(this.store.db).nodes;
    const all = depth === '0' ? [node] : await nodes.subtree(node.id);
    const bytes = all.reduce((s, r) => s + Number(r.contentLength), 0);
    const left = await this.spaceLeft(target.account.id, replaced ? Number(replaced.contentLength) : 0);
    if (left !== undefined && bytes > left) throw davConditions.quotaNotExceeded();
    const copies = new Map<number, string>();
    try {
      for (const row of all) if (row.blobId) copies.set(row.id, await this.store.blobStore.copy(row.blobId));
    } catch (error) {
      await Promise.all([...copies.values()].map((id) => this.store.blobStore.delete(id)));
      throw error;
    }
    let freed: string[] = [];
    try {
      freed = await withTransaction(this.store.db, async (repos) => {
        const removed = replaced ? await repos.nodes.deleteSubtree(replaced) : { blobIds: [], bytes: 0 };
        const newIds = new Map<number, number>([[node.parentId ?? -1, target.node.id]]);
        for (const row of all) {
          const parentId = row.id === node.id ? target.node.id : newIds.get(Number(row.parentId));
          if (parentId === undefined) continue;
          const values = { accountId: target.account.id, parentId, name: row.id === node.id ? name : row.name };
          const created = row.isCollection
            ? await repos.nodes.createCollection({ ...values, folderKind: 'files', displayName: row.displayName })
            : await repos.nodes.createFile({
                ...values,
                contentType: row.contentType,
                contentLength: Number(row.contentLength),
                etag: row.etag ?? '""',
                blobId: copies.get(row.id) ?? '',
              });
          newIds.set(row.id, created.id);
          await repos.nodes.copyDeadProperties(row.id, created.id);
        }
        await repos.accounts.addUsedBytes(target.account.id, bytes - removed.bytes);
        return removed.blobIds;
      });
    } catch (error) {
      await Promise.all([...copies.values()].map((id) => this.store.blobStore.delete(id)));
      if (isUniqueViolation(error)) throw new DavError(409, undefined, 'the destination was created meanwhile');
      throw error;
    }
    await Promise.all(freed.map((id) => this.store.blobStore.delete(id)));
  }
}

const syncTokenPrefix = 'http://partage.invalid/ns/sync/';

/** A sync token is a URI (RFC 6578 §3.2) naming the collection and a change-log position. */
export const syncTokenOf = (collectionId: number, seq: number): string => `${syncTokenPrefix}${collectionId}/${seq}`;

function parseSyncToken(token: string, collectionId: number): number | undefined {
  if (!token.startsWith(syncTokenPrefix)) return undefined;
  const [id, seq] = token.slice(syncTokenPrefix.length).split('/');
  if (Number(id) !== collectionId || seq === undefined || !/^\d+$/.test(seq)) return undefined;
  return Number(seq);
}

function textContent(element: XmlElement): string {
  return element.children.map((c) => (typeof c === 'string' ? c : textContent(c))).join('');
}

/** Stored dead properties are standalone XML fragments written by `writeXml`. */
function parseStored(xml: string): XmlElement[] {
  try {
    return [parseXml(xml, { maxBytes: Number.MAX_SAFE_INTEGER, maxDepth: 1000 })];
  } catch {
    return [];
  }
}
