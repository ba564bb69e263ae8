import { childElements, dav, findChild, textOf, type ClarkName, type XmlElement } from '@partage/dav-xml';
import {
  multistatus,
  parseRequestPath,
  propertiesResponse,
  propRequestOf,
  readable,
  statusResponse,
  type DavResponse,
  type PropRequest,
  type RequestContext,
  type DavServerContext,
  type Resource,
} from '@partage/dav-core';
import { repositories, type Db, type NodeRow } from '@partage/storage';
import type { NodeResources } from './node-resource.js';
import type { NodeResource } from './node-types.js';

/** A parsed multiget request (RFC 4791 §7.9, RFC 6352 §8.7): hrefs and the properties wanted. */
export interface MultigetQuery {
  readonly hrefs: readonly string[];
  readonly properties: PropRequest;
}

/** Reads a multiget body; without `DAV:prop`, the ETag and the given data property. */
export function parseMultiget(body: XmlElement, dataProperty: ClarkName): MultigetQuery {
  const prop = findChild(body, dav('prop'));
  return {
    hrefs: childElements(body).filter((e) => e.name === dav('href')).map((e) => textOf(e).trim()),
    properties: prop ? propRequestOf(prop) : { kind: 'prop', names: [dav('getetag'), dataProperty] },
  };
}

/** The member name an href designates in a collection, or undefined for an href elsewhere. */
function memberName(href: string, base: readonly string[]): string | undefined {
  let path: readonly string[];
  try {
    path = parseRequestPath(new URL(href, 'http://placeholder').pathname).segments;
  } catch {
    return undefined;
  }
  const name = path[path.length - 1];
  return path.length === base.length + 1 && base.every((s, i) => path[i] === s) ? name : undefined;
}

/**
 * Answers a multiget on any collection (RFC 4791 §7.9, RFC 6352 §8.7): `load` turns the member
 * names the hrefs designate into the members that exist, in one call whatever their number;
 * those the caller may read are answered with the properties asked for, every other href
 * (unknown, elsewhere, or not readable) with 404, in the order of the hrefs.
 *
 * @example return multigetOf(directory.path, query, ctx, server, (names) => cardsNamed(names));
 */
export async function multigetOf(
  collectionPath: readonly string[],
  query: MultigetQuery,
  ctx: RequestContext,
  server: DavServerContext,
  load: (names: readonly string[]) => Promise<Resource[]>,
): Promise<DavResponse> {
  const names = new Map<string, string>();
  for (const href of query.hrefs) {
    const name = memberName(href, collectionPath);
    if (name !== undefined) names.set(href, name);
  }
  const wanted = [...new Set(names.values())];
  const found = await readable(ctx, server, wanted.length === 0 ? [] : await load(wanted));
  const byName = new Map(found.map((r) => [r.path[r.path.length - 1], r]));
  // One response per href, in the order of the request, whatever order the store read them in.
  const responses = [];
  const answered = new Set<string>();
  for (const href of new Set(query.hrefs)) {
    const name = names.get(href);
    const resource = name === undefined ? undefined : byName.get(name);
    if (name === undefined || resource === undefined) responses.push(statusResponse(href, 404));
    else if (!answered.has(name)) {
      answered.add(name);
      responses.push(await propertiesResponse(resource, query.properties, ctx, server));
    }
  }
  return multistatus(responses);
}

/**
 * Answers a multiget on a node collection: the items named by href in one query whatever their
 * number, `prefetch` loading their kind's data in bulk, the others (unknown, foreign or not
 * readable) as 404.
 */
export async function multigetResponse(
  db: Db,
  resources: NodeResources,
  collection: NodeResource,
  query: MultigetQuery,
  ctx: RequestContext,
  server: DavServerContext,
  prefetch: (items: readonly NodeRow[]) => Promise<void>,
): Promise<DavResponse> {
  return multigetOf(collection.path, query, ctx, server, async (names) => {
    const items = (await repositories(db).nodes.childrenNamed(collection.node.id, names)).filter((n) => !n.isCollection);
    await prefetch(items);
    return resources.members(items, collection.account, collection.path);
  });
}

/** The properties an extended MKCOL or MKCALENDAR body sets (RFC 5689 §5.1, RFC 4791 §5.3.1). */
export function propertiesToSet(body: XmlElement): XmlElement[] {
  return childElements(body)
    .filter((e) => e.name === dav('set'))
    .flatMap((set) => {
      const prop = findChild(set, dav('prop'));
      return prop ? childElements(prop) : [];
    });
}
