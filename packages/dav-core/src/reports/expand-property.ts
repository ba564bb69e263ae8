import { childElements, clark, dav, el, isElement, textOf, type XmlElement, type XmlNode } from '@partage/dav-xml';
import { DavError } from '../dav-error.js';
import { hrefOf, parseRequestPath } from '../dav-path.js';
import { defineReport } from '../handlers.js';
import { multistatus, propstatResponse, statusResponse } from '../multistatus.js';
import { propertiesResponse } from '../propfind-engine.js';
import { readable } from '../guard.js';
import type { Resource } from '../resource.js';
import type { RequestContext } from '../request-context.js';
import type { DavServerContext } from '../server-context.js';

/** One `DAV:property` of an expand-property request, with the properties to expand below it. */
export interface ExpandedProperty {
  readonly name: `{${string}}${string}`;
  readonly children: readonly ExpandedProperty[];
}

function parseProperties(element: XmlElement): ExpandedProperty[] {
  return childElements(element)
    .filter((e) => e.name === dav('property'))
    .map((e) => {
      const local = e.attributes['{}name'];
      if (!local) throw new DavError(400, undefined, 'DAV:property needs a name');
      return { name: clark(e.attributes['{}namespace'] ?? 'DAV:', local), children: parseProperties(e) };
    });
}

const maxDepth = 3;

async function expand(
  resource: Resource,
  properties: readonly ExpandedProperty[],
  ctx: RequestContext,
  server: DavServerContext,
  depth: number,
): Promise<XmlElement> {
  const plain = properties.filter((p) => p.children.length === 0);
  const nested = properties.filter((p) => p.children.length > 0);
  const base = await propertiesResponse(resource, { kind: 'prop', names: plain.map((p) => p.name) }, ctx, server);
  if (nested.length === 0) return base;
  const found: XmlNode[] = [];
  const missing: XmlNode[] = [];
  for (const property of nested) {
    const value = await propertiesResponse(resource, { kind: 'prop', names: [property.name] }, ctx, server);
    const element = findProperty(value, property.name);
    if (!element) {
      missing.push(el(property.name));
      continue;
    }
    const expanded: XmlNode[] = [];
    for (const child of element.children) {
      if (!isElement(child) || child.name !== dav('href') || depth >= maxDepth) {
        expanded.push(child);
        continue;
      }
      const href = textOf(child).trim();
      let target: Resource | undefined;
      try {
        target = await server.tree.resolve(parseRequestPath(new URL(href, ctx.request.origin).pathname).segments, ctx);
      } catch {
        target = undefined;
      }
      const visible = target ? await readable(ctx, server, [target]) : [];
      const shown = visible[0];
      expanded.push(shown ? await expand(shown, property.children, ctx, server, depth + 1) : statusResponse(href, 404));
    }
    found.push(el(property.name, expanded));
  }
  const byStatus = new Map<number, XmlNode[]>([[200, found]]);
  if (missing.length > 0) byStatus.set(404, missing);
  const extra = propstatResponse(hrefOf(resource.path, resource.isCollection), byStatus).children.slice(1);
  return { ...base, children: [...base.children, ...extra] };
}

function findProperty(response: XmlElement, name: string): XmlElement | undefined {
  for (const propstat of childElements(response).filter((e) => e.name === dav('propstat'))) {
    const status = childElements(propstat).find((e) => e.name === dav('status'));
    if (status && !textOf(status).includes(' 200 ')) continue;
    const prop = childElements(propstat).find((e) => e.name === dav('prop'));
    const found = prop && childElements(prop).find((e) => e.name === name);
    if (found) return found;
  }
  return undefined;
}

/**
 * expand-property (RFC 3253 §3.8): properties whose values are hrefs are replaced by the
 * responses of the resources they name, to the depth asked (three levels at most).
 * Apple clients use it on principals (`calendar-proxy-*-for`, group members).
 */
export const expandPropertyReport = defineReport<ExpandedProperty[]>({
  name: dav('expand-property'),
  appliesTo: () => true,
  parse: (body) => parseProperties(body),
  run: async (properties, resource, ctx, server) => multistatus([await expand(resource, properties, ctx, server, 0)]),
});
