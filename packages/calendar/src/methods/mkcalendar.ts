import {
  checkIfAndLocks,
  DavError,
  defineMethod,
  parentOf,
  requirePrivilege,
} from '@partage/dav-core';
import { isNodeResource } from '@partage/files';
import { dav, parseXml, XmlParseError } from '@partage/dav-xml';
import { calendarConditions } from '../conditions.js';
import { caldav } from '../names.js';

/** MKCALENDAR (RFC 4791 §5.3.1): creates a calendar in a home, with its initial properties. */
export const mkcalendarMethod = defineMethod({
  name: 'MKCALENDAR',
  run: async (ctx, server) => {
    const text = await ctx.readBody();
    let body;
    if (text.trim() !== '') {
      try {
        body = parseXml(text, server.limits.xml);
      } catch (error) {
        if (error instanceof XmlParseError) throw new DavError(400, undefined, error.message);
        throw error;
      }
      if (body.name !== caldav('mkcalendar')) throw new DavError(400, undefined, 'expected CALDAV:mkcalendar');
    }
    if (await server.tree.resolve(ctx.path, ctx)) throw calendarConditions.resourceMustBeNull();
    const parentPath = parentOf(ctx.path);
    const parent = parentPath && (await server.tree.resolve(parentPath, ctx));
    if (!parent) throw new DavError(409, undefined, 'the parent collection does not exist');
    if (!isNodeResource(parent) || parent.folderKind !== 'home') throw calendarConditions.calendarCollectionLocationOk();
    await requirePrivilege(ctx, server, parent, dav('bind'));
    await checkIfAndLocks(ctx, server, undefined, [{ path: parent.path, withDescendants: false }]);
    if (!parent.ops.createCollection) throw calendarConditions.calendarCollectionLocationOk();
    await parent.ops.createCollection(ctx.path[ctx.path.length - 1] ?? '', body ?? { name: caldav('mkcalendar'), attributes: {}, children: [] });
    return { status: 201, headers: { 'content-length': '0', 'cache-control': 'no-cache' } };
  },
});
