import { dav } from '@partage/dav-xml';
import { DavError } from '../dav-error.js';
import { parentOf, pathKey } from '../dav-path.js';
import { checkIfAndLocks, refuseIfRestricted, requireParentPrivilege, resolveOr404 } from '../guard.js';
import { defineMethod } from '../handlers.js';
import { writePreconditions } from './put.js';

/** DELETE (RFC 4918 §9.6): removes a resource and everything below it, and the locks on them. */
export const deleteMethod = defineMethod({
  name: 'DELETE',
  run: async (ctx, server) => {
    const resource = await resolveOr404(ctx, server, ctx.path);
    const parentPath = parentOf(ctx.path);
    const parent = parentPath && (await server.tree.resolve(parentPath, ctx));
    if (!parent || !resource.ops.delete) throw new DavError(403, undefined, 'this resource cannot be deleted');
    await requireParentPrivilege(ctx, server, resource, parent, dav('unbind'));
    await refuseIfRestricted(ctx, server, resource);
    const depth = ctx.request.headers['depth'];
    if (resource.isCollection && depth !== undefined && depth.toLowerCase() !== 'infinity') {
      throw new DavError(400, undefined, 'DELETE of a collection requires Depth: infinity');
    }
    writePreconditions(ctx, resource);
    await checkIfAndLocks(ctx, server, resource, [
      { path: parent.path, withDescendants: false },
      { path: resource.path, withDescendants: true },
    ]);
    await resource.ops.delete();
    await server.locks.removeAt(pathKey(resource.path));
    return { status: 204, headers: {} };
  },
});
