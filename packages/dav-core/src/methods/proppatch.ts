import { childElements, dav, el, type ClarkName, type XmlElement } from '@partage/dav-xml';
import { davConditions } from '../conditions.js';
import { DavError } from '../dav-error.js';
import { hrefOf } from '../dav-path.js';
import { checkIfAndLocks, requirePrivilege, resolveOr404 } from '../guard.js';
import { defineMethod } from '../handlers.js';
import { multistatus, propstatResponse, statusLine } from '../multistatus.js';
import { readXmlBody } from './body.js';

/**
 * PROPPATCH (RFC 4918 §9.2): all instructions succeed or none does. A protected live
 * property fails with 403 `cannot-modify-protected-property` and the rest with 424.
 */
export const proppatchMethod = defineMethod({
  name: 'PROPPATCH',
  run: async (ctx, server) => {
    const body = await readXmlBody(ctx, server);
    if (!body || body.name !== dav('propertyupdate')) throw new DavError(400, undefined, 'expected DAV:propertyupdate');
    const resource = await resolveOr404(ctx, server, ctx.path);
    await requirePrivilege(ctx, server, resource, dav('write-properties'));
    await checkIfAndLocks(ctx, server, resource, [{ path: resource.path, withDescendants: false }]);

    const set = new Map<ClarkName, XmlElement>();
    const remove = new Set<ClarkName>();
    const order: ClarkName[] = [];
    for (const instruction of childElements(body)) {
      const isSet = instruction.name === dav('set');
      if (!isSet && instruction.name !== dav('remove')) continue;
      const prop = childElements(instruction).find((e) => e.name === dav('prop'));
      for (const property of prop ? childElements(prop) : []) {
        order.push(property.name);
        if (isSet) {
          set.set(property.name, property);
          remove.delete(property.name);
        } else {
          remove.add(property.name);
          set.delete(property.name);
        }
      }
    }
    const forbidden = new Set(
      order.filter((name) => {
        const handler = server.registry.property(name, resource);
        return handler !== undefined && !handler.isWritable;
      }),
    );
    const href = hrefOf(resource.path, resource.isCollection);
    const names = [...new Set(order)];
    if (forbidden.size > 0 || !resource.ops.patchProperties) {
      const failed = forbidden.size > 0 ? forbidden : new Set(names);
      const other = names.filter((n) => !failed.has(n)).map((n) => el(n));
      return multistatus([
        el(dav('response'), [
          el(dav('href'), [href]),
          el(dav('propstat'), [
            el(dav('prop'), [...failed].map((n) => el(n))),
            el(dav('status'), [statusLine(403)]),
            el(dav('error'), [davConditions.cannotModifyProtectedProperty()]),
          ]),
          other.length > 0 &&
            el(dav('propstat'), [el(dav('prop'), other), el(dav('status'), [statusLine(424)])]),
        ]),
      ]);
    }
    await resource.ops.patchProperties([...set.values()], [...remove]);
    return multistatus([propstatResponse(href, new Map([[200, names.map((n) => el(n))]]))]);
  },
});
