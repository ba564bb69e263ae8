import type { Resource } from '@partage/dav-core';
import type { AccountRow, BlobStore, Db, NodeRow, ReadCache } from '@partage/storage';

/** What node resources need from the composition root. */
export interface NodeStore {
  readonly db: Db;
  readonly blobStore: BlobStore;
  readonly readCache: ReadCache;
}

/** The account a node belongs to, as far as resources need it. */
export type NodeAccount = Pick<AccountRow, 'id' | 'email' | 'quotaBytes'>;

/** A resource backed by a `node` row: an account's home, a folder, a files subfolder or an item. */
export interface NodeResource extends Resource {
  readonly kind: 'node';
  readonly node: NodeRow;
  readonly account: NodeAccount;
  /** The folder kind of the collection, or of the folder holding the item. */
  readonly folderKind: NonNullable<NodeRow['folderKind']>;
}

/** Narrows a resource to a node resource. */
export const isNodeResource = (r: Resource): r is NodeResource => r.kind === 'node';
