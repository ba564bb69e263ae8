import { galDirectory, withGalFlag, type GalScope } from '@partage/contacts';
import type { DavPath, RequestContext, Resource } from '@partage/dav-core';
import type { Db } from '@partage/storage';

/** The GAL's part of the URL space, which `PartageTree` consults (SPEC §3, §5). */
export interface GalTree {
  /** `/webdav/directory/…`: the caller's directory address book (RFC 6352 §6.4). */
  directory(segments: DavPath, ctx: RequestContext): Promise<Resource | undefined>;
  /**
   * A resource of a home as the caller sees it: address books take the `{urn:partage:ns}gal`
   * PROPPATCH. A caller without GroupWare is refused every address book, GALs included, by
   * the service policies (`withServicePolicies`), so there is nothing to hide here.
   */
  decorate(resource: Resource, ctx: RequestContext): Resource;
}

/**
 * Builds the {@link GalTree} over the store and the rights port.
 *
 * @example tree.gal = galTree(db, scope);
 */
export function galTree(db: Db, scope: GalScope): GalTree {
  const directory = galDirectory(db, scope);
  return {
    directory: (segments, ctx) => directory.resolve(segments, ctx),
    decorate: (resource, ctx) => withGalFlag(db, resource, ctx),
  };
}
