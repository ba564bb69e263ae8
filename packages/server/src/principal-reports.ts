import { childElements, dav, el, findChild, textOf, writeXml, type ClarkName, type XmlElement } from '@partage/dav-xml';
import {
  defineReport,
  DavError,
  multistatus,
  parseRequestPath,
  propertiesResponse,
  propRequestOf,
  readable,
  requirePrivilege,
  type PropRequest,
  type ReportHandler,
  type Resource,
} from '@partage/dav-core';
import { repositories, type Db } from '@partage/storage';
import { Delegation, proxyKinds, proxyNames } from '@partage/sharing';
import { principalResource } from './principals.js';

const caldav = (local: string): ClarkName => `{urn:ietf:params:xml:ns:caldav}${local}`;
const calendarServer = (local: string): ClarkName => `{http://calendarserver.org/ns/}${local}`;
const isPrincipalCollection = (r: Resource) => r.kind === 'principals';
const searchable = [dav('displayname'), caldav('calendar-user-address-set'), calendarServer('email-address-set')];
const maxResults = 50;

const propsOf = (body: XmlElement): PropRequest => {
  const prop = childElements(body).find((e) => e.name === dav('prop'));
  return prop ? propRequestOf(prop) : { kind: 'prop', names: [dav('displayname')] };
};

interface SearchQuery {
  readonly test: 'anyof' | 'allof';
  readonly conditions: readonly { readonly properties: readonly ClarkName[]; readonly match: string }[];
  readonly properties: PropRequest;
}

/**
 * principal-property-search (RFC 3744 §9.4): case-insensitive substring search on display
 * names and email addresses of the principals of the caller's domain (all of them for an
 * administrator), at most 50. Clients use it to find attendees and sharees.
 */
export function principalPropertySearchReport(db: Db): ReportHandler {
  return defineReport<SearchQuery>({
    name: dav('principal-property-search'),
    appliesTo: isPrincipalCollection,
    parse: (body) => ({
      test: body.attributes['{}test'] === 'allof' ? 'allof' : 'anyof',
      conditions: childElements(body)
        .filter((e) => e.name === dav('property-search'))
        .map((search) => {
          const prop = findChild(search, dav('prop'));
          const match = findChild(search, dav('match'));
          if (!prop || !match) throw new DavError(400, undefined, 'property-search needs prop and match');
          return { properties: childElements(prop).map((p) => p.name), match: textOf(match).trim().toLowerCase() };
        }),
      properties: propsOf(body),
    }),
    run: async (query, _collection, ctx, server) => {
      const unsupported = query.conditions.flatMap((c) => c.properties).filter((p) => !searchable.includes(p));
      if (unsupported.length > 0) throw new DavError(403, undefined, `cannot search ${unsupported.join(', ')}`);
      const repos = repositories(db);
      const caller = ctx.principal && (await repos.accounts.findAccount(ctx.principal.id));
      if (!caller) return multistatus([]);
      const candidates = (await repos.accounts.listAccounts()).filter((a) => caller.isAdmin || a.domainId === caller.domainId);
      const matches = candidates.filter((account) => {
        const results = query.conditions.map((c) =>
          c.properties.some((p) =>
            p === dav('displayname')
              ? (account.displayName ?? account.email).toLowerCase().includes(c.match)
              : account.email.includes(c.match.replace(/^mailto:/, '')),
          ),
        );
        return query.test === 'allof' ? results.every(Boolean) : results.some(Boolean);
      });
      const responses = [];
      for (const account of matches.slice(0, maxResults)) {
        responses.push(await propertiesResponse(principalResource(account), query.properties, ctx, server));
      }
      return multistatus(responses);
    },
  });
}

/** principal-search-property-set (RFC 3744 §9.5): what principal-property-search can search. */
export const principalSearchPropertySetReport: ReportHandler = defineReport<null>({
  name: dav('principal-search-property-set'),
  appliesTo: isPrincipalCollection,
  parse: () => null,
  run: async () => ({
    status: 200,
    headers: { 'content-type': 'application/xml; charset=utf-8' },
    body: writeXml(
      el(
        dav('principal-search-property-set'),
        searchable.map((name) =>
          el(dav('principal-search-property'), [
            el(dav('prop'), [el(name)]),
            el(dav('description'), [name.split('}')[1] ?? ''], { '{http://www.w3.org/XML/1998/namespace}lang': 'en' }),
          ]),
        ),
      ),
    ),
  }),
});

interface MatchQuery {
  readonly self: boolean;
  readonly properties: PropRequest;
}

/**
 * principal-match (RFC 3744 §9.3) with `DAV:self` on the principals collection: the
 * caller's principal and those of its groups; on another collection, the members whose
 * owner is the caller (`DAV:principal-property` with `DAV:owner`).
 */
export function principalMatchReport(db: Db): ReportHandler {
  return defineReport<MatchQuery>({
    name: dav('principal-match'),
    appliesTo: (r) => r.isCollection,
    parse: (body) => {
      const self = findChild(body, dav('self')) !== undefined;
      const property = findChild(body, dav('principal-property'));
      if (!self && !(property && findChild(property, dav('owner')))) {
        throw new DavError(400, undefined, 'principal-match supports DAV:self and DAV:principal-property with DAV:owner');
      }
      return { self, properties: propsOf(body) };
    },
    run: async (query, collection, ctx, server) => {
      if (!ctx.principal) return multistatus([]);
      const repos = repositories(db);
      let found: Resource[];
      if (query.self) {
        const me = await repos.accounts.findAccount(ctx.principal.id);
        const facts = await repos.grants.callerFacts(ctx.principal.id);
        const groups = await Promise.all((facts?.groupIds ?? []).map((id) => repos.accounts.findAccount(id)));
        found = [me, ...groups].flatMap((a) => (a ? [principalResource(a)] : []));
        // The proxy groups it belongs to are its groups too (caldav-proxy.txt §5.2).
        const memberships = me ? await new Delegation(db).memberships(me) : { read: [], write: [] };
        for (const kind of proxyKinds) {
          for (const owner of memberships[kind]) {
            const group = await server.tree.resolve(['webdav', 'principals', owner.email, proxyNames[kind]], ctx);
            if (group) found.push(group);
          }
        }
      } else {
        const members = (await collection.ops.children?.()) ?? [];
        found = members.filter((m) => m.ownerHref === ctx.principal?.href);
      }
      const responses = [];
      for (const resource of await readable(ctx, server, found)) {
        responses.push(await propertiesResponse(resource, query.properties, ctx, server));
      }
      return multistatus(responses);
    },
  });
}

/**
 * acl-principal-prop-set (RFC 3744 §9.2): the requested properties of every principal named
 * in the resource's ACL; needs `read-acl`.
 */
export const aclPrincipalPropSetReport: ReportHandler = defineReport<PropRequest>({
  name: dav('acl-principal-prop-set'),
  appliesTo: (r) => r.kind === 'node',
  parse: (body) => propsOf(body),
  run: async (properties, resource, ctx, server) => {
    await requirePrivilege(ctx, server, resource, dav('read-acl'));
    const handler = server.registry.property(dav('acl'), resource);
    const value = handler ? await handler.get(resource, ctx, server) : undefined;
    const aces = Array.isArray(value) ? (value as XmlElement[]) : []; // the acl handler answers a list of ACE elements
    const hrefs = new Set(
      aces.flatMap((ace) => {
        const principal = findChild(ace, dav('principal'));
        const href = principal && findChild(principal, dav('href'));
        return href ? [textOf(href)] : [];
      }),
    );
    const responses = [];
    for (const href of hrefs) {
      let path: readonly string[];
      try {
        path = parseRequestPath(href).segments;
      } catch {
        continue;
      }
      const principal = await server.tree.resolve(path, ctx);
      if (principal) responses.push(await propertiesResponse(principal, properties, ctx, server));
    }
    return multistatus(responses);
  },
});

