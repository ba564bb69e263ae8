import { galDirectory, isAddressBook, isAddressObject, withGalFlag, type GalScope } from '@partage/contacts';
import type { DavPath, RequestContext, Resource } from '@partage/dav-core';
import { isNodeResource } from '@partage/files';
import { repositories, type Db } from '@partage/storage';

/** The GAL's part of the URL space, which `PartageTree` consults (SPEC §3, §5). */
export interface GalTree {
  /** `/webdav/directory/…`: the caller's directory address book (RFC 6352 §6.4). */
  directory(segments: DavPath, ctx: RequestContext): Promise<Resource | undefined>;
  /**
   * A resource of a home as the caller sees it: address books take the `{urn:partage:ns}gal`
   * PROPPATCH; a GAL folder and its cards are absent (undefined) for a caller without
   * GroupWare, and homes list no GAL folder to it (SPEC §2, reference guide: the GAL then only
   * serves autocomplete).
   */
  decorate(resource: Resource, ctx: RequestContext): Promise<Resource | undefined>;
}

const memoKey = Symbol('gal-tree');

/**
 * Builds the {@link GalTree} over the store and the rights port.
 *
 * @example tree.gal = galTree(db, scope);
 */
export function galTree(db: Db, scope: GalScope): GalTree {
  const directory = galDirectory(db, scope);

  /** Whether the caller has GroupWare, once per request. */
  function hasGroupware(ctx: RequestContext): Promise<boolean> {
    const principal = ctx.principal;
    if (!principal) return Promise.resolve(true);
    let known = ctx.memo.get(memoKey) as Promise<boolean> | undefined; // only this module writes under its symbol
    if (!known) {
      known = scope.hasGroupware(principal.id);
      ctx.memo.set(memoKey, known);
    }
    return known;
  }

  async function isHiddenGal(resource: Resource, ctx: RequestContext): Promise<boolean> {
    if (!isNodeResource(resource) || !(isAddressBook(resource) || isAddressObject(resource))) return false;
    const folderId = resource.isCollection ? resource.node.id : resource.node.parentId;
    if (folderId === null || !(await repositories(db).gal.isFlagged(folderId))) return false;
    return !(await hasGroupware(ctx));
  }

  return {
    directory: (segments, ctx) => directory.resolve(segments, ctx),
    decorate: async (resource, ctx) => {
      if (await isHiddenGal(resource, ctx)) return undefined;
      const isHome = isNodeResource(resource) && resource.node.parentId === null;
      const children = resource.ops.children?.bind(resource.ops);
      if (!isHome || !children) return withGalFlag(db, resource, ctx);
      return {
        ...resource,
        ops: {
          ...resource.ops,
          children: async () => {
            const members = await children();
            if (await hasGroupware(ctx)) return members;
            const hidden = await Promise.all(members.map((m) => isHiddenGal(m, ctx)));
            return members.filter((_, i) => !hidden[i]);
          },
        },
      };
    },
  };
}
