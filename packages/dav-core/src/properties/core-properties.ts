import { dav, el, type XmlElement } from '@partage/dav-xml';
import { defineProperty, type PropertyHandler } from '../handlers.js';
import { hrefOf, pathKey } from '../dav-path.js';
import { activeLockElement } from '../lock-xml.js';
import type { Resource } from '../resource.js';

const any = (_: Resource): _ is Resource => true;
const nonCollection = (r: Resource): r is Resource => !r.isCollection;

/** DAV:resourcetype (RFC 4918 §15.9). */
export const resourceType = defineProperty({
  name: dav('resourcetype'),
  appliesTo: any,
  inAllprop: true,
  get: async (r) => [...(r.isCollection ? [el(dav('collection'))] : []), ...r.resourceTypes.map((n) => el(n))],
});

/** DAV:getetag (RFC 4918 §15.6). */
export const getEtag = defineProperty({
  name: dav('getetag'),
  appliesTo: any,
  inAllprop: true,
  get: async (r) => r.etag,
});

/** DAV:getcontentlength (RFC 4918 §15.4). */
export const getContentLength = defineProperty({
  name: dav('getcontentlength'),
  appliesTo: nonCollection,
  inAllprop: true,
  get: async (r) => (r.contentLength === undefined ? undefined : String(r.contentLength)),
});

/** DAV:getcontenttype (RFC 4918 §15.5). */
export const getContentType = defineProperty({
  name: dav('getcontenttype'),
  appliesTo: any,
  inAllprop: true,
  get: async (r) => r.contentType,
});

/** DAV:getlastmodified (RFC 4918 §15.7), an HTTP-date. */
export const getLastModified = defineProperty({
  name: dav('getlastmodified'),
  appliesTo: any,
  inAllprop: true,
  get: async (r) => r.lastModified?.toUTCString(),
});

/** DAV:creationdate (RFC 4918 §15.1), RFC 3339. */
export const creationDate = defineProperty({
  name: dav('creationdate'),
  appliesTo: any,
  inAllprop: true,
  get: async (r) => r.createdAt?.toISOString().replace(/\.\d{3}Z$/, 'Z'),
});

/** DAV:displayname (RFC 4918 §15.2); writable, stored by the resource. */
export const displayName = defineProperty({
  name: dav('displayname'),
  appliesTo: any,
  inAllprop: true,
  isWritable: true,
  get: async (r) => r.displayName,
});

/** DAV:supportedlock (RFC 4918 §15.10): exclusive and shared write locks. */
export const supportedLock = defineProperty({
  name: dav('supportedlock'),
  appliesTo: any,
  inAllprop: true,
  get: async () =>
    ['exclusive', 'shared'].map((scope) =>
      el(dav('lockentry'), [el(dav('lockscope'), [el(dav(scope))]), el(dav('locktype'), [el(dav('write'))])]),
    ),
});

/** DAV:lockdiscovery (RFC 4918 §15.8): the locks that apply, from the lock store. */
export const lockDiscovery = defineProperty({
  name: dav('lockdiscovery'),
  appliesTo: any,
  inAllprop: true,
  get: async (r, ctx, server) => {
    const key = pathKey(r.path);
    const scope = ctx.lockScope;
    const locks =
      scope && (key === scope.root || key.startsWith(`${scope.root}/`))
        ? scope.locks.filter((l) => l.path === key || (l.depth === 'infinity' && key.startsWith(l.path === '/' ? '/' : `${l.path}/`)))
        : await server.locks.locksAffecting(key, { below: false });
    return locks.map((l) => activeLockElement(l));
  },
});

/** DAV:current-user-principal (RFC 5397). */
export const currentUserPrincipal = defineProperty({
  name: dav('current-user-principal'),
  appliesTo: any,
  inAllprop: false,
  get: async (_r, ctx) =>
    ctx.principal ? el(dav('href'), [ctx.principal.href]) : el(dav('unauthenticated')),
});

/** DAV:principal-collection-set (RFC 3744 §5.8). */
export const principalCollectionSet = defineProperty({
  name: dav('principal-collection-set'),
  appliesTo: any,
  inAllprop: false,
  get: async (_r, _ctx, server) => server.principalCollections.map((h) => el(dav('href'), [h])),
});

/** DAV:owner (RFC 3744 §5.1). */
export const owner = defineProperty({
  name: dav('owner'),
  appliesTo: (r): r is Resource => r.ownerHref !== undefined,
  inAllprop: false,
  get: async (r) => (r.ownerHref ? el(dav('href'), [r.ownerHref]) : undefined),
});

/** DAV:quota-used-bytes (RFC 4331 §4). */
export const quotaUsedBytes = defineProperty({
  name: dav('quota-used-bytes'),
  appliesTo: (r): r is Resource => r.isCollection && r.ops.quota !== undefined,
  inAllprop: false,
  get: async (r) => {
    const quota = await r.ops.quota?.();
    return quota && String(quota.usedBytes);
  },
});

/** DAV:quota-available-bytes (RFC 4331 §3); absent when the account has no quota. */
export const quotaAvailableBytes = defineProperty({
  name: dav('quota-available-bytes'),
  appliesTo: (r): r is Resource => r.isCollection && r.ops.quota !== undefined,
  inAllprop: false,
  get: async (r) => {
    const quota = await r.ops.quota?.();
    return quota?.availableBytes === undefined ? undefined : String(quota.availableBytes);
  },
});

/** DAV:supported-report-set (RFC 3253 §3.1.5), computed from the report registry. */
export const supportedReportSet = defineProperty({
  name: dav('supported-report-set'),
  appliesTo: any,
  inAllprop: false,
  get: async (r, _ctx, server) =>
    server.registry
      .reportsFor(r)
      .map((report) => el(dav('supported-report'), [el(dav('report'), [el(report.name)])])),
});

/** DAV:current-user-privilege-set (RFC 3744 §5.4), with the aggregates whose members are all held (SPEC §4). */
export const currentUserPrivilegeSet = defineProperty({
  name: dav('current-user-privilege-set'),
  appliesTo: any,
  inAllprop: false,
  get: async (r, ctx, server) => {
    const [access] = await server.authorizer.access(ctx, [r]);
    const held = access?.privileges ?? new Set();
    const privileges: XmlElement[] = [...held].map((p) => el(dav('privilege'), [el(p)]));
    const write = [dav('write-content'), dav('write-properties'), dav('bind'), dav('unbind')];
    if (write.every((p) => held.has(p))) privileges.push(el(dav('privilege'), [el(dav('write'))]));
    const all = [...write, dav('read'), dav('read-acl'), dav('write-acl'), dav('unlock')];
    if (all.every((p) => held.has(p))) privileges.push(el(dav('privilege'), [el(dav('all'))]));
    return privileges;
  },
});

/** DAV:sync-token (RFC 6578 §4) of a collection that keeps a change log. */
export const syncToken = defineProperty({
  name: dav('sync-token'),
  appliesTo: (r): r is Resource => r.isCollection && r.ops.syncToken !== undefined,
  inAllprop: false,
  get: async (r) => r.ops.syncToken?.(),
});

/** The live properties every resource has. */
export const coreProperties: readonly PropertyHandler[] = [
  resourceType, getEtag, getContentLength, getContentType, getLastModified, creationDate, displayName,
  supportedLock, lockDiscovery, currentUserPrincipal, principalCollectionSet, owner, quotaUsedBytes,
  quotaAvailableBytes, supportedReportSet, currentUserPrivilegeSet, syncToken,
];

/** Href helper re-exported for modules that build principal properties. */
export { hrefOf };
