import { dav, type XmlElement, type XmlNode } from '@partage/dav-xml';
import { DavError, type RequestContext, type Resource } from '@partage/dav-core';
import { withTransaction, type Db } from '@partage/storage';
import { isAddressBook } from '../contacts-kind.js';
import { galProperty } from './gal-names.js';

const textOf = (nodes: readonly XmlNode[]): string =>
  nodes.map((n) => (typeof n === 'string' ? n : textOf(n.children))).join('');

/** `true`/`false` (any case, surrounding space ignored); anything else is refused. */
function flagValue(element: XmlElement): boolean {
  const text = textOf(element.children).trim().toLowerCase();
  if (text === 'true' || text === '1') return true;
  if (text === 'false' || text === '0' || text === '') return false;
  throw new DavError(409, undefined, `${galProperty} takes true or false, not ${text}`);
}

/**
 * Gives an address book's PROPPATCH the `{urn:partage:ns}gal` flag (SPEC §5): stored in
 * `gal_folder`, not as a dead property, and only the folder's owner or an administrator may
 * change it (a sharee with `modify` gets 403). The other properties go to the folder as before.
 * Other resources are returned unchanged.
 *
 * @example return withGalFlag(db, resource, ctx);
 */
export function withGalFlag(db: Db, resource: Resource, ctx: RequestContext): Resource {
  if (!isAddressBook(resource)) return resource;
  const patch = resource.ops.patchProperties?.bind(resource.ops);
  if (!patch) return resource;
  return {
    ...resource,
    ops: {
      ...resource.ops,
      patchProperties: async (set, remove) => {
        const flag = set.find((p) => p.name === galProperty);
        const isRemoved = remove.includes(galProperty);
        if (flag || isRemoved) {
          const principal = ctx.principal;
          if (!principal || (!principal.isAdmin && principal.id !== resource.account.id)) {
            throw new DavError(403, dav('need-privileges'), 'only the owner or an administrator flags a GAL');
          }
        }
        const isOn = flag ? flagValue(flag) : false;
        const otherSet = set.filter((p) => p.name !== galProperty);
        const otherRemove = remove.filter((n) => n !== galProperty);
        if (otherSet.length > 0 || otherRemove.length > 0) await patch(otherSet, otherRemove);
        if (!flag && !isRemoved) return;
        await withTransaction(db, async (repos) => {
          if (isOn) await repos.gal.flag(resource.node.id, resource.account.id);
          else await repos.gal.unflag(resource.node.id);
        });
      },
    },
  };
}
