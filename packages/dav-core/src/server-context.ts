import type { XmlLimits } from '@partage/dav-xml';
import type { Registry } from './registry.js';
import type { Authorizer, LockStore, ResourceTree } from './ports.js';

/** Limits the core enforces (SPEC §7); each is a setting. */
export interface DavLimits {
  readonly xml: XmlLimits;
  /** Longest lock granted; a request for `Infinite` gets this (SPEC §7: one hour). */
  readonly maxLockSeconds: number;
}

/** Everything a handler may use besides its request. */
export interface DavServerContext {
  readonly registry: Registry;
  readonly tree: ResourceTree;
  readonly authorizer: Authorizer;
  readonly locks: LockStore;
  readonly limits: DavLimits;
  /** Hrefs of the collections under which principals live (RFC 3744 §5.8). */
  readonly principalCollections: readonly string[];
}
