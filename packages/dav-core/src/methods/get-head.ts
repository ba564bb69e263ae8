import { dav, escapeXml } from '@partage/dav-xml';
import { DavError } from '../dav-error.js';
import { encodeSegment } from '../dav-path.js';
import { readable, requirePrivilege, resolveOr404 } from '../guard.js';
import { defineMethod, type MethodHandler } from '../handlers.js';
import type { ByteRange, MemberVisibility, Resource } from '../resource.js';
import type { DavResponse, RequestContext } from '../request-context.js';
import type { DavServerContext } from '../server-context.js';

/** Parses a single `bytes=` range (RFC 9110 §14.2); several ranges or nonsense fall back to the whole body. */
export function parseRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | undefined {
  if (header === undefined) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return undefined;
  const [, from = '', to = ''] = match;
  if (from === '' && to === '') return undefined;
  if (from === '') {
    const suffix = Number(to);
    if (suffix === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(from);
  const end = to === '' ? size - 1 : Math.min(Number(to), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

function etagMatches(header: string, etag: string | undefined): boolean {
  if (header.trim() === '*') return etag !== undefined;
  return header.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}

/** Answers the conditional headers of RFC 9110 §13 for a read; returns a response when one applies. */
function readPreconditions(ctx: RequestContext, resource: Resource): DavResponse | undefined {
  const h = ctx.request.headers;
  if (h['if-match'] !== undefined && !etagMatches(h['if-match'], resource.etag)) {
    throw new DavError(412, undefined, 'If-Match does not match');
  }
  const notModified = { status: 304, headers: resource.etag ? { etag: resource.etag } : {} };
  if (h['if-none-match'] !== undefined) {
    if (etagMatches(h['if-none-match'], resource.etag)) return notModified;
  } else if (h['if-modified-since'] !== undefined && resource.lastModified) {
    const since = Date.parse(h['if-modified-since']);
    if (!Number.isNaN(since) && Math.floor(resource.lastModified.getTime() / 1000) <= Math.floor(since / 1000)) {
      return notModified;
    }
  }
  return undefined;
}

async function collectionPage(ctx: RequestContext, server: DavServerContext, resource: Resource): Promise<string> {
  const members = await readable(ctx, server, (await resource.ops.children?.()) ?? []);
  const rows = members
    .map((m) => {
      const name = m.path[m.path.length - 1] ?? '';
      const href = encodeSegment(name) + (m.isCollection ? '/' : '');
      return `<li><a href="${escapeXml(href)}">${escapeXml(name)}${m.isCollection ? '/' : ''}</a></li>`;
    })
    .join('\n');
  const title = escapeXml(`/${resource.path.join('/')}/`);
  return `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1><ul>\n${rows}\n</ul></body></html>\n`;
}

/** Which members of a collection the caller may not read, or sees reduced (one authorizer call for all). */
async function memberVisibility(ctx: RequestContext, server: DavServerContext, resource: Resource): Promise<MemberVisibility | undefined> {
  if (!resource.isCollection || !resource.ops.children) return undefined;
  const members = await resource.ops.children();
  const accesses = await server.authorizer.access(ctx, members);
  const hidden = new Set<string>();
  const restricted = new Set<string>();
  members.forEach((member, i) => {
    const name = member.path[member.path.length - 1] ?? '';
    const access = accesses[i];
    if (!access?.privileges.has(dav('read'))) hidden.add(name);
    else if (access.isRestricted) restricted.add(name);
  });
  return { hidden, restricted };
}

async function get(ctx: RequestContext, server: DavServerContext, withBody: boolean): Promise<DavResponse> {
  const resource = await resolveOr404(ctx, server, ctx.path);
  const access = await requirePrivilege(ctx, server, resource, dav('read'));
  if (access.isRestricted) {
    // A reduced view: never the stored bytes, so no ETag of them and no ranges.
    const reduced = resource.ops.readRestricted ? await resource.ops.readRestricted() : Buffer.alloc(0);
    return {
      status: 200,
      headers: { 'content-type': resource.contentType ?? 'application/octet-stream', 'content-length': String(reduced.length) },
      body: withBody ? reduced : undefined,
    };
  }
  const early = readPreconditions(ctx, resource);
  if (early) return early;
  const headers: Record<string, string> = {};
  if (resource.etag) headers['etag'] = resource.etag;
  if (resource.lastModified) headers['last-modified'] = resource.lastModified.toUTCString();
  if (!resource.ops.read) {
    if (!resource.isCollection) throw new DavError(405, undefined, 'this resource has no content');
    const page = await collectionPage(ctx, server, resource);
    return {
      status: 200,
      headers: { ...headers, 'content-type': 'text/html; charset=utf-8', 'content-length': String(Buffer.byteLength(page)) },
      body: withBody ? page : undefined,
    };
  }
  const accept = ctx.request.headers['accept'];
  const other = accept !== undefined && resource.ops.represent ? await resource.ops.represent(accept) : undefined;
  if (other) {
    // A converted representation: its own type and length, no strong ETag of the stored bytes.
    return {
      status: 200,
      headers: { 'content-type': other.contentType, 'content-length': String(other.body.length), vary: 'Accept' },
      body: withBody ? other.body : undefined,
    };
  }
  headers['content-type'] = resource.contentType ?? 'application/octet-stream';
  if (resource.contentLength === undefined) {
    // Generated content (a collection exported as one document): streamed, no ranges, and
    // without the members the caller may not see whole (SPEC §4).
    return { status: 200, headers, body: withBody ? await resource.ops.read(undefined, await memberVisibility(ctx, server, resource)) : undefined };
  }
  const size = resource.contentLength;
  headers['accept-ranges'] = 'bytes';
  const ifRange = ctx.request.headers['if-range'];
  const range = ifRange !== undefined && ifRange !== resource.etag ? undefined : parseRange(ctx.request.headers['range'], size);
  if (range === 'unsatisfiable') {
    return { status: 416, headers: { 'content-range': `bytes */${size}` } };
  }
  if (range) {
    headers['content-range'] = `bytes ${range.start}-${range.end}/${size}`;
    headers['content-length'] = String(range.end - range.start + 1);
    return { status: 206, headers, body: withBody ? await resource.ops.read(range) : undefined };
  }
  headers['content-length'] = String(size);
  if (!withBody || size === 0) return { status: 200, headers, body: withBody ? '' : undefined };
  return { status: 200, headers, body: await resource.ops.read() };
}

/** GET (RFC 9110 §9.3.1) with Range and conditional requests; a collection answers an HTML index of what the caller may read. */
export const getMethod: MethodHandler = defineMethod({ name: 'GET', run: (ctx, server) => get(ctx, server, true) });
/** HEAD: GET without the body. */
export const headMethod: MethodHandler = defineMethod({ name: 'HEAD', run: (ctx, server) => get(ctx, server, false) });
