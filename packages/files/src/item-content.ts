import type { Readable } from 'node:stream';
import type { ClarkName, XmlElement } from '@partage/dav-xml';
import type { ContentMeta, DavPath } from '@partage/dav-core';
import type { AttachedRows, FolderKind, NodeRow, Repositories } from '@partage/storage';
import type { NodeAccount } from './node-types.js';

/** A new version of an item's content, checked and ready to be recorded. */
export interface PreparedContent {
  readonly sizeBytes: number;
  readonly etag: string;
  readonly contentType: string | null;
  /** Set when the bytes live in the blob store. */
  readonly blobId: string | null;
  /** False when the server stored something other than the client's bytes (RFC 4791 §5.3.4: no ETag then). */
  readonly isVerbatim: boolean;
  /** The item's UID, kept with the change row of the write (the directory's sync, migration 0013). */
  readonly uid?: string;
  /** Writes the rows that go with the node, inside the node's transaction. */
  persist(repos: Repositories, node: NodeRow): Promise<void>;
  /**
   * For a new item, the same rows as statements of the one that creates its node: the item is
   * then written in one statement, without a transaction. Without it, `persist` runs after the
   * node is created, in one transaction.
   */
  readonly newRows?: AttachedRows;
  /** Undoes what `prepare` did outside the database (after a failed or refused write). */
  discard(): Promise<void>;
  /**
   * The error to answer with when the write's transaction failed with `error` on a rule of the
   * store that the content knows (a UID already used in the folder); undefined for others.
   * Called after the transaction was rolled back, so it may read the store.
   */
  explainFailure?(error: unknown): Promise<Error | undefined>;
}

/** Where an item is written: its folder, its current node when it exists, the space left. */
export interface WriteTarget {
  readonly folder: NodeRow;
  /** The folder's DAV path, to name other members in errors (`no-uid-conflict`). */
  readonly folderPath: DavPath;
  readonly existing: NodeRow | undefined;
  readonly account: NodeAccount;
  readonly name: string;
  /** Bytes the account may still store (undefined: no quota). */
  readonly spaceLeftBytes: number | undefined;
}

/**
 * How the items of one folder kind keep their content: blobs for files, iCalendar text
 * with prefilter columns for calendars, vCard text for address books.
 */
export interface ItemContent {
  /** Reads, checks and stages a body (outside any transaction: it may stream a large file). */
  prepare(body: AsyncIterable<Uint8Array>, meta: ContentMeta, target: WriteTarget): Promise<PreparedContent>;
  /** The reduced view of an item for callers whose access is restricted (confidential items, SPEC §4). */
  readRestricted?(node: NodeRow): Promise<Buffer>;
  /** The stored content. */
  read(node: NodeRow): Promise<Readable>;
  /** Copies the content of `from` for the new node `to` (inside the copy's transaction); returns a blob to drop if the transaction fails. */
  copy(repos: Repositories, from: NodeRow, to: NodeRow): Promise<void>;
  /** Follows an item moved to another folder of the same kind (inside the move's transaction). */
  moved?(repos: Repositories, node: NodeRow, folder: NodeRow): Promise<void>;
  /** Prepares what `copy` needs outside the transaction (blob copies); keyed by source node id. */
  stageCopies(nodes: readonly NodeRow[]): Promise<Map<number, string>>;
  /** Drops staged copies after a failed transaction. */
  discardCopies(staged: ReadonlyMap<number, string>): Promise<void>;
  /**
   * Another representation of the content for a GET `Accept` header (a vCard 3.0 card as
   * `text/vcard; version=4.0`, RFC 6352 §6.2.2); undefined serves the stored bytes.
   */
  represent?(node: NodeRow, accept: string): Promise<{ readonly contentType: string; readonly body: Buffer } | undefined>;
}

/** The items of a folder an export leaves out or reduces for the caller, by node id. */
export interface ExportVisibility {
  readonly hidden: ReadonlySet<number>;
  readonly restricted: ReadonlySet<number>;
}

/** A folder kind: how its collections look and how its items are stored (STYLE §1: one module each). */
export interface FolderKindSpec {
  readonly kind: FolderKind;
  /** `DAV:resourcetype` children of its collections besides `collection`. */
  readonly resourceTypes: readonly ClarkName[];
  /** Whether its collections may contain collections (files folders nest; calendars do not). */
  readonly allowsSubcollections: boolean;
  readonly content: ItemContent;
  /**
   * Creates a folder of this kind in a home from an extended MKCOL or MKCALENDAR body
   * (RFC 5689, RFC 4791 §5.3.1); returns the dead properties to store with it. Throws
   * DavError for a body it refuses.
   */
  readonly newFolder?: (body: XmlElement | undefined) => { components: string | null; properties: XmlElement[] };
  /**
   * GET on a folder of this kind: the whole folder as one document (a calendar as one `.ics`),
   * without the `hidden` items and with the `restricted` ones reduced (node ids, SPEC §4).
   */
  readonly exportFolder?: { readonly contentType: string; read(folder: NodeRow, members?: ExportVisibility): Promise<Readable> };
  /** Whether an extended MKCOL body asks for a folder of this kind (its resourcetype). */
  readonly accepts?: (body: XmlElement) => boolean;
}
