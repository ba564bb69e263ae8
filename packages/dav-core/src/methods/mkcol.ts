import { dav } from '@partage/dav-xml';
import { DavError } from '../dav-error.js';
import { parentOf } from '../dav-path.js';
import { checkIfAndLocks, requirePrivilege } from '../guard.js';
import { defineMethod } from '../handlers.js';
import { readXmlBody } from './body.js';

/** MKCOL (RFC 4918 §9.3), and extended MKCOL bodies (RFC 5689) handed to the module. */
export const mkcolMethod = defineMethod({
  name: 'MKCOL',
  run: async (ctx, server) => {
    const contentType = ctx.request.headers['content-type'] ?? '';
    const hasBody =
      (ctx.request.headers['content-length'] ?? '0') !== '0' || ctx.request.headers['transfer-encoding'] !== undefined;
    if (hasBody && !/\b(text|application)\/xml\b/i.test(contentType)) {
      await ctx.readBody().catch(() => '');
      throw new DavError(415, undefined, 'MKCOL does not accept this body');
    }
    const body = hasBody ? await readXmlBody(ctx, server) : undefined;
    if (body && body.name !== dav('mkcol')) throw new DavError(415, undefined, 'expected an extended MKCOL body');
    const parentPath = parentOf(ctx.path);
    if (!parentPath || parentPath.length === 0) throw new DavError(403, undefined, 'cannot create a collection here');
    if (await server.tree.resolve(ctx.path, ctx)) throw new DavError(405, undefined, 'the resource already exists');
    const parent = await server.tree.resolve(parentPath, ctx);
    if (!parent?.isCollection) throw new DavError(409, undefined, 'the parent collection does not exist');
    await requirePrivilege(ctx, server, parent, dav('bind'));
    await checkIfAndLocks(ctx, server, undefined, [{ path: parentPath, withDescendants: false }]);
    if (!parent.ops.createCollection) throw new DavError(403, undefined, 'this collection does not accept collections');
    await parent.ops.createCollection(ctx.path[ctx.path.length - 1] ?? '', body);
    return { status: 201, headers: { 'content-length': '0' } };
  },
});
