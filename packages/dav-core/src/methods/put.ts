import { dav } from '@partage/dav-xml';
import { DavError } from '../dav-error.js';
import { parentOf } from '../dav-path.js';
import { checkIfAndLocks, requirePrivilege } from '../guard.js';
import { defineMethod } from '../handlers.js';
import type { Resource } from '../resource.js';
import type { RequestContext } from '../request-context.js';

function etagMatches(header: string, etag: string | undefined): boolean {
  if (header.trim() === '*') return etag !== undefined;
  return header.split(',').some((t) => t.trim() === etag);
}

/** If-Match and If-None-Match on a write (RFC 9110 §13.1): what makes concurrent writers safe. */
export function writePreconditions(ctx: RequestContext, existing: Resource | undefined): void {
  const { headers } = ctx.request;
  const ifMatch = headers['if-match'];
  if (ifMatch !== undefined && !etagMatches(ifMatch, existing?.etag)) {
    throw new DavError(412, undefined, 'If-Match does not match the current entity tag');
  }
  const ifNoneMatch = headers['if-none-match'];
  if (ifNoneMatch !== undefined && existing && (ifNoneMatch.trim() === '*' || etagMatches(ifNoneMatch, existing.etag))) {
    throw new DavError(412, undefined, 'the resource exists (If-None-Match)');
  }
}

function contentLengthOf(ctx: RequestContext): number | undefined {
  const value = ctx.request.headers['content-length'];
  if (value === undefined) {
    // macOS Finder sends chunked bodies and announces the size here.
    const expected = ctx.request.headers['x-expected-entity-length'];
    return expected !== undefined && /^\d+$/.test(expected) ? Number(expected) : undefined;
  }
  if (!/^\d+$/.test(value)) throw new DavError(400, undefined, 'invalid Content-Length');
  return Number(value);
}

/**
 * PUT (RFC 9110 §9.3.4, RFC 4918 §9.7): streams the body into a new version; the previous
 * content stays until the new one is complete. A missing parent is 409; a collection 405.
 */
export const putMethod = defineMethod({
  name: 'PUT',
  run: async (ctx, server) => {
    if (ctx.request.headers['content-range'] !== undefined) {
      throw new DavError(400, undefined, 'partial PUT with Content-Range is not supported');
    }
    const parentPath = parentOf(ctx.path);
    if (!parentPath || parentPath.length === 0) throw new DavError(405, undefined, 'cannot PUT here');
    const existing = await server.tree.resolve(ctx.path, ctx);
    if (existing?.isCollection) throw new DavError(405, undefined, 'cannot PUT to a collection');
    const meta = {
      contentType: ctx.request.headers['content-type'],
      contentLength: contentLengthOf(ctx),
      expectedEtag: ctx.request.headers['if-match'] !== undefined ? existing?.etag : undefined,
      mustNotExist: ctx.request.headers['if-none-match']?.trim() === '*',
    };
    if (existing) {
      await requirePrivilege(ctx, server, existing, dav('write-content'));
      writePreconditions(ctx, existing);
      await checkIfAndLocks(ctx, server, existing, [{ path: ctx.path, withDescendants: false }]);
      if (!existing.ops.write) throw new DavError(405, undefined, 'this resource cannot be written');
      const result = await existing.ops.write(ctx.request.body, meta);
      return { status: 204, headers: result.etag ? { etag: result.etag } : {} };
    }
    const parent = await server.tree.resolve(parentPath, ctx);
    if (!parent?.isCollection) throw new DavError(409, undefined, 'the parent collection does not exist');
    await requirePrivilege(ctx, server, parent, dav('bind'));
    writePreconditions(ctx, undefined);
    await checkIfAndLocks(ctx, server, undefined, [{ path: parentPath, withDescendants: false }]);
    if (!parent.ops.createMember) throw new DavError(405, undefined, 'this collection does not accept members');
    const name = ctx.path[ctx.path.length - 1] ?? '';
    const result = await parent.ops.createMember(name, ctx.request.body, meta);
    return { status: 201, headers: result.etag ? { etag: result.etag } : {} };
  },
});

