import type { Readable } from 'node:stream';
import type { ClarkName, XmlElement } from '@partage/dav-xml';
import type { DavPath } from './dav-path.js';

/** Metadata a client sent with a body (PUT). */
export interface ContentMeta {
  readonly contentType: string | undefined;
  /** From Content-Length; undefined for a chunked upload (macOS Finder). */
  readonly contentLength: number | undefined;
  /**
   * The entity tag the client's If-Match required: the write applies only if the stored
   * tag still equals it when the write commits (otherwise 412), so no update is lost.
   */
  readonly expectedEtag?: string | undefined;
  /** If-None-Match: * — the creation must not replace a resource created meanwhile (412). */
  readonly mustNotExist?: boolean | undefined;
}

/** The outcome of a write of content. */
export interface WriteResult {
  /** Undefined when the server changed the data it stored (RFC 4791 §5.3.4). */
  readonly etag: string | undefined;
}

/** What changed in a collection since a sync token (RFC 6578 §3). */
export interface ChangeSet {
  readonly syncToken: string;
  readonly changed: readonly Resource[];
  /** Paths of members that no longer exist. */
  readonly removed: readonly DavPath[];
  /** More changes exist than `limit` allowed (RFC 6578 §3.6). */
  readonly truncated: boolean;
}

/**
 * The members of a collection the caller may not see whole, by member name: what a
 * collection's generated content (a folder exported as one document) leaves out or shows
 * reduced, as listings do (SPEC §4).
 */
export interface MemberVisibility {
  readonly hidden: ReadonlySet<string>;
  readonly restricted: ReadonlySet<string>;
}

/** A byte range, inclusive at both ends. */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/**
 * Operations a resource offers. Each is optional: a method handler refuses the request
 * (405 or 403) when the operation it needs is absent. Implementations throw `DavError`
 * for protocol failures.
 */
export interface ResourceOps {
  /** Members of a collection. */
  children?(): Promise<Resource[]>;
  /**
   * The entity body, or a range of it. A collection's generated content gets the visibility
   * of its members for the caller, and leaves out or reduces them accordingly.
   */
  read?(range?: ByteRange, members?: MemberVisibility): Promise<Readable>;
  /**
   * Another representation of the content for a GET's `Accept` header (a vCard 3.0 card
   * asked for as 4.0, RFC 6352 §6.3.2.1); undefined when the stored one will do.
   */
  represent?(accept: string): Promise<{ readonly contentType: string; readonly body: Buffer } | undefined>;
  /** The reduced view of the content for callers whose access is restricted. */
  readRestricted?(): Promise<Buffer>;
  /** Dead properties as stored elements. */
  deadProperties?(): Promise<XmlElement[]>;
  /**
   * Applies a PROPPATCH atomically: all or nothing. `set` holds the property elements to
   * store (dead ones and the writable live ones such as `displayname`).
   */
  patchProperties?(set: readonly XmlElement[], remove: readonly ClarkName[]): Promise<void>;
  /** Replaces the content of this existing resource. */
  write?(body: AsyncIterable<Uint8Array>, meta: ContentMeta): Promise<WriteResult>;
  /** Creates a member of this collection from a body. */
  createMember?(name: string, body: AsyncIterable<Uint8Array>, meta: ContentMeta): Promise<WriteResult>;
  /** Creates a member collection (MKCOL); `body` is an extended-MKCOL request (RFC 5689) when present. */
  createCollection?(name: string, body: XmlElement | undefined): Promise<void>;
  /** Removes this resource and, for a collection, everything below it. */
  delete?(): Promise<void>;
  /**
   * Copies or moves this resource to `name` in the collection `target`, replacing
   * `existing` when given (the caller checked Overwrite). Depth applies to collections.
   */
  transfer?(
    mode: 'copy' | 'move',
    target: Resource,
    name: string,
    depth: '0' | 'infinity',
    existing: Resource | undefined,
  ): Promise<void>;
  /** The collection's current sync token (RFC 6578 §4), a URI. */
  syncToken?(): Promise<string>;
  /**
   * Members changed or removed since `syncToken` (undefined: the initial sync, every
   * member), at most `limit` of them. Throws DavError 403 `valid-sync-token` for a token
   * this collection did not issue (RFC 6578 §3.2).
   */
  changes?(syncToken: string | undefined, limit: number | undefined): Promise<ChangeSet>;
  /** Quota figures (RFC 4331) for the space this resource belongs to. */
  quota?(): Promise<{ usedBytes: number; availableBytes: number | undefined }>;
}

/**
 * A resource as dav-core sees it: a path, a few generic attributes, and operations.
 * Modules add their own resource kinds (`kind` discriminates) and properties.
 */
export interface Resource {
  readonly kind: string;
  readonly path: DavPath;
  readonly isCollection: boolean;
  /** Extra `DAV:resourcetype` children besides `collection` (e.g. `principal`). */
  readonly resourceTypes: readonly ClarkName[];
  readonly etag: string | undefined;
  readonly lastModified: Date | undefined;
  readonly createdAt: Date | undefined;
  readonly contentType: string | undefined;
  readonly contentLength: number | undefined;
  readonly displayName: string | undefined;
  /** The href of the principal that owns the resource, when it has one. */
  readonly ownerHref: string | undefined;
  readonly ops: ResourceOps;
}

/** Fills the optional attributes of a resource with `undefined`. */
export function makeResource(
  fields: Pick<Resource, 'kind' | 'path' | 'isCollection'> & Partial<Omit<Resource, 'kind' | 'path' | 'isCollection'>>,
): Resource {
  return {
    resourceTypes: [],
    etag: undefined,
    lastModified: undefined,
    createdAt: undefined,
    contentType: undefined,
    contentLength: undefined,
    displayName: undefined,
    ownerHref: undefined,
    ops: {},
    ...fields,
  };
}
