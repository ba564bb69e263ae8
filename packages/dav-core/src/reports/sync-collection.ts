import { dav, el, findChild, textOf } from '@partage/dav-xml';
import { davConditions } from '../conditions.js';
import { DavError } from '../dav-error.js';
import { hrefOf } from '../dav-path.js';
import { defineReport } from '../handlers.js';
import { multistatus, statusResponse } from '../multistatus.js';
import { propertiesResponse, propRequestOf, type PropRequest } from '../propfind-engine.js';
import { readable } from '../guard.js';
import type { Resource } from '../resource.js';

/** A parsed `DAV:sync-collection` request (RFC 6578 §6.1). */
export interface SyncCollectionQuery {
  readonly syncToken: string | undefined;
  readonly limit: number | undefined;
  readonly properties: PropRequest;
}

/** Resources that keep a change log. */
export const isSyncable = (r: Resource): boolean => r.isCollection && r.ops.changes !== undefined;

/**
 * The sync-collection report (RFC 6578): members changed since a token, removed ones as
 * 404 responses, and a new token; with `limit`, a truncated answer carries a 507 response
 * for the collection (§3.6) and a token that resumes after the last change returned.
 */
export const syncCollectionReport = defineReport<SyncCollectionQuery>({
  name: dav('sync-collection'),
  appliesTo: isSyncable,
  parse: (body) => {
    const level = findChild(body, dav('sync-level'));
    if (level && textOf(level).trim() !== '1') throw davConditions.syncTraversalSupported();
    const tokenElement = findChild(body, dav('sync-token'));
    const token = tokenElement ? textOf(tokenElement).trim() : '';
    const limitElement = findChild(body, dav('limit'));
    const nresults = limitElement && findChild(limitElement, dav('nresults'));
    let limit: number | undefined;
    if (nresults) {
      limit = Number(textOf(nresults).trim());
      if (!Number.isInteger(limit) || limit < 1) throw new DavError(400, undefined, 'invalid nresults');
    }
    const prop = findChild(body, dav('prop'));
    return {
      syncToken: token === '' ? undefined : token,
      limit,
      properties: prop ? propRequestOf(prop) : { kind: 'prop', names: [] },
    };
  },
  run: async (query, collection, ctx, server) => {
    const { ops } = collection;
    if (!ops.changes) throw davConditions.supportedReport();
    const set = await ops.changes(query.syncToken, query.limit);
    const visible = await readable(ctx, server, set.changed);
    const responses = [];
    for (const member of visible) responses.push(await propertiesResponse(member, query.properties, ctx, server));
    // A member the caller may no longer read (an item made private) is gone as far as it knows.
    const hidden = query.syncToken === undefined ? [] : set.changed.filter((m) => !visible.includes(m)).map((m) => m.path);
    for (const path of [...set.removed, ...hidden]) responses.push(statusResponse(hrefOf(path, false), 404));
    if (set.truncated) responses.push(statusResponse(hrefOf(collection.path, true), 507));
    return multistatus(responses, [el(dav('sync-token'), [set.syncToken])]);
  },
});
