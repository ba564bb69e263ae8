import { dav } from '@partage/dav-xml';
import { davConditions } from '../conditions.js';
import { defineMethod } from '../handlers.js';
import { readable, requirePrivilege, resolveOr404 } from '../guard.js';
import { multistatus } from '../multistatus.js';
import { pathKey } from '../dav-path.js';
import { parsePropfind, propertiesResponse } from '../propfind-engine.js';
import { depthOf, readXmlBody } from './body.js';

/** PROPFIND (RFC 4918 §9.1), Depth 0 and 1; a listing shows only the members the caller may read. */
export const propfindMethod = defineMethod({
  name: 'PROPFIND',
  run: async (ctx, server) => {
    const depth = depthOf(ctx, 'infinity');
    if (depth === 'infinity') throw davConditions.propfindFiniteDepth();
    const request = parsePropfind(await readXmlBody(ctx, server));
    const resource = await resolveOr404(ctx, server, ctx.path);
    await requirePrivilege(ctx, server, resource, dav('read'));
    const members =
      depth === '1' && resource.isCollection ? await readable(ctx, server, (await resource.ops.children?.()) ?? []) : [];
    if (members.length > 0) {
      const root = pathKey(resource.path);
      ctx.lockScope = { root, locks: await server.locks.locksAffecting(root, { below: true }) };
    }
    const responses = [];
    for (const r of [resource, ...members]) responses.push(await propertiesResponse(r, request, ctx, server));
    return multistatus(responses);
  },
});
