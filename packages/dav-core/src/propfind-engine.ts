import { dav, el, childElements, findChild, type ClarkName, type XmlElement, type XmlNode } from '@partage/dav-xml';
import { DavError } from './dav-error.js';
import { hrefOf } from './dav-path.js';
import { propstatResponse } from './multistatus.js';
import type { PropValue } from './handlers.js';
import type { Resource } from './resource.js';
import type { RequestContext } from './request-context.js';
import type { DavServerContext } from './server-context.js';

/** What a PROPFIND (or a report's `DAV:prop`) asks for (RFC 4918 §9.1). */
export type PropRequest =
  | { readonly kind: 'allprop'; readonly include: readonly ClarkName[] }
  | { readonly kind: 'propname' }
  | { readonly kind: 'prop'; readonly names: readonly ClarkName[]; readonly elements?: readonly XmlElement[] };

/** Reads a `DAV:propfind` body; an empty body means allprop. */
export function parsePropfind(body: XmlElement | undefined): PropRequest {
  if (!body) return { kind: 'allprop', include: [] };
  if (body.name !== dav('propfind')) throw new DavError(400, undefined, 'expected DAV:propfind');
  const children = childElements(body);
  const first = children[0];
  if (!first) throw new DavError(400, undefined, 'empty DAV:propfind');
  if (first.name === dav('propname')) return { kind: 'propname' };
  if (first.name === dav('allprop')) {
    const include = findChild(body, dav('include'));
    return { kind: 'allprop', include: include ? childElements(include).map((e) => e.name) : [] };
  }
  if (first.name === dav('prop')) return propRequestOf(first);
  throw new DavError(400, undefined, `unexpected ${first.name} in DAV:propfind`);
}

/** The request of a `DAV:prop` element, keeping the elements for properties with parameters. */
export function propRequestOf(prop: XmlElement): PropRequest {
  const elements = childElements(prop);
  return { kind: 'prop', names: elements.map((e) => e.name), elements };
}

const isNodeList = (value: PropValue): value is readonly XmlNode[] => Array.isArray(value);

function toNodes(value: PropValue): readonly XmlNode[] {
  return typeof value === 'string' ? [value] : isNodeList(value) ? value : [value];
}

/** The names of a request without repeats, worked out once for all the resources a report answers. */
const distinctNames = new WeakMap<readonly ClarkName[], readonly ClarkName[]>();

function distinct(names: readonly ClarkName[]): readonly ClarkName[] {
  let unique = distinctNames.get(names);
  if (unique === undefined) {
    unique = [...new Set(names)];
    distinctNames.set(names, unique);
  }
  return unique;
}

function requestedElement(elements: readonly XmlElement[], name: ClarkName): XmlElement | undefined {
  for (const element of elements) if (element.name === name) return element;
  return undefined;
}

/** Builds the `DAV:response` for one resource: values in a 200 propstat, missing ones in 404. */
export async function propertiesResponse(
  resource: Resource,
  request: PropRequest,
  ctx: RequestContext,
  server: DavServerContext,
): Promise<XmlElement> {
  const href = hrefOf(resource.path, resource.isCollection);
  const found: XmlNode[] = [];
  const missing: XmlNode[] = [];
  let dead: XmlElement[] | undefined;
  const deadProperties = async () => (dead ??= (await resource.ops.deadProperties?.()) ?? []);

  if (request.kind === 'propname') {
    const live = server.registry.propertiesOf(resource);
    const liveNames = new Set(live.map((h) => h.name));
    for (const handler of live) found.push(el(handler.name));
    for (const property of await deadProperties()) if (!liveNames.has(property.name)) found.push(el(property.name));
  } else {
    let names: readonly ClarkName[];
    if (request.kind === 'prop') {
      // Only the named properties: no walk over every handler, no dead properties unless needed.
      names = request.names;
    } else {
      const live = server.registry.propertiesOf(resource);
      const liveNames = new Set(live.map((h) => h.name));
      names = [
        ...live.filter((h) => h.inAllprop || request.include.includes(h.name)).map((h) => h.name),
        ...(await deadProperties()).filter((p) => !liveNames.has(p.name)).map((p) => p.name),
      ];
    }
    for (const name of names.length <= 1 ? names : request.kind === 'prop' ? distinct(names) : new Set(names)) {
      const handler = server.registry.property(name, resource);
      let value: PropValue | undefined;
      if (handler) {
        const requested = request.kind === 'prop' && request.elements !== undefined ? requestedElement(request.elements, name) : undefined;
        value = await handler.get(resource, ctx, server, requested);
      }
      if (value === undefined) {
        const stored = (await deadProperties()).find((p) => p.name === name);
        if (stored) {
          found.push(stored);
          continue;
        }
        missing.push(el(name));
      } else {
        found.push(el(name, toNodes(value)));
      }
    }
  }
  const byStatus = new Map<number, XmlNode[]>();
  if (found.length > 0 || missing.length === 0) byStatus.set(200, found);
  if (missing.length > 0) byStatus.set(404, missing);
  return propstatResponse(href, byStatus);
}
