import type { ClarkName } from '@partage/dav-xml';
import type { DavError } from './dav-error.js';
import type { DavPath } from './dav-path.js';
import type { Resource } from './resource.js';
import type { RequestContext } from './request-context.js';

/** The authenticated caller, as the server's authentication established it. */
export interface Principal {
  readonly id: number;
  /** `/webdav/principals/<email>/` */
  readonly href: string;
  readonly name: string;
  readonly isAdmin: boolean;
}

/** Finds the resource at a path; the composition root implements it over the modules. */
export interface ResourceTree {
  resolve(path: DavPath, ctx: RequestContext): Promise<Resource | undefined>;
}

/** What the caller may do with a resource. */
export interface Access {
  /** Leaf DAV privileges held (RFC 3744 §3). */
  readonly privileges: ReadonlySet<ClarkName>;
  /**
   * The caller may not even learn that the resource exists (another account's home with
   * nothing readable in it, SPEC §4): any refusal is 404.
   */
  readonly isHidden?: boolean;
  /**
   * The caller sees a reduced view of the content (a confidential item shown to a sharee
   * without `admin`, SPEC §4): GET serves `ResourceOps.readRestricted`.
   */
  readonly isRestricted?: boolean;
  /**
   * The caller may not use the service this resource belongs to at all (a policy that
   * switches a service off for an account, SPEC §2): every request on the resource answers
   * this error, whatever privilege it needs, and listings leave the resource out. Set only
   * where the caller would otherwise have some privilege, so it reveals nothing more.
   */
  readonly refusal?: DavError;
}

/**
 * The one place where rights are decided (SPEC §4). dav-core asks it for every method and
 * in bulk for listings and reports, so a Depth 1 PROPFIND costs one call, not one per member.
 */
export interface Authorizer {
  access(ctx: RequestContext, resources: readonly Resource[]): Promise<Access[]>;
}

/** A lock as stored (RFC 4918 §6). */
export interface ActiveLock {
  readonly token: string;
  /** Decoded path key (see `pathKey`). */
  readonly path: string;
  readonly depth: '0' | 'infinity';
  readonly scope: 'exclusive' | 'shared';
  /** The `DAV:owner` element as the client sent it, serialized. */
  readonly ownerXml: string | undefined;
  readonly principalId: number | undefined;
  readonly timeoutSeconds: number;
  readonly expiresAt: Date;
}

/**
 * Lock persistence. Locks live in the store, never only in a process's memory, so that
 * several server processes honour each other's locks.
 */
export interface LockStore {
  /** Unexpired locks on `path` itself or on an ancestor with depth infinity, or (with `below`) on any descendant. */
  locksAffecting(path: string, options: { below: boolean }): Promise<ActiveLock[]>;
  /**
   * Creates a lock unless a conflicting one exists; atomic against concurrent creators.
   * Returns the conflicting lock instead when there is one.
   */
  create(lock: ActiveLock): Promise<ActiveLock | undefined>;
  refresh(token: string, timeoutSeconds: number): Promise<ActiveLock | undefined>;
  remove(token: string): Promise<boolean>;
  /** Drops the locks on a path and below it (after DELETE or MOVE). */
  removeAt(path: string): Promise<void>;
}
