import { childElements, dav, el, findChild, textOf, type XmlElement } from '@partage/dav-xml';
import {
  hrefOf,
  multistatus,
  propertiesResponse,
  propRequestOf,
  readable,
  statusResponse,
  type PropRequest,
  type ReportHandler,
} from '@partage/dav-core';
import type { AddressFilter } from '@partage/ical';
import type { Db } from '@partage/storage';
import { contactsConditions } from '../conditions.js';
import { carddav } from '../names.js';
import { parseAddressFilter, prefilterOf } from '../reports/parse-address-filter.js';
import { entriesFor } from './directory-entries.js';
import { directoryCard, isDirectory } from './gal-directory.js';
import type { GalScope } from './gal-scope.js';

interface DirectoryQuery {
  readonly filter: AddressFilter;
  readonly properties: PropRequest;
  readonly limit: number | undefined;
}

/** The parsed request of both handlers: the address book's own and the directory's. */
interface EitherQuery {
  readonly book: unknown;
  readonly directory: DirectoryQuery;
}

function limitOf(body: XmlElement): number | undefined {
  const limit = findChild(body, carddav('limit'));
  if (!limit) return undefined;
  const nresults = childElements(limit).find((c) => c.name === carddav('nresults'));
  const value = nresults ? Number(textOf(nresults).trim()) : Number.NaN;
  if (!Number.isInteger(value) || value < 1) throw contactsConditions.validFilter('limit needs a positive nresults');
  return value;
}

function parseDirectoryQuery(body: XmlElement): DirectoryQuery {
  const prop = findChild(body, dav('prop'));
  return {
    filter: parseAddressFilter(findChild(body, carddav('filter'))),
    properties: prop ? propRequestOf(prop) : { kind: 'prop', names: [dav('getetag'), carddav('address-data')] },
    limit: limitOf(body),
  };
}

/**
 * Extends `addressbook-query` (RFC 6352 §8.6) to the directory address book (§6.4): a report
 * name has one handler (STYLE §2), so this one parses the request for both and hands an address
 * book to `base`. On the directory, the same filter machinery runs: the indexed prefilter for
 * GAL cards in SQL, then the exact filter on every entry; `limit` truncates with a 507 as for
 * address books (§8.6.1).
 */
export function withDirectoryQuery(base: ReportHandler, db: Db, scope: GalScope): ReportHandler {
  return {
    name: base.name,
    appliesTo: (resource) => base.appliesTo(resource) || isDirectory(resource),
    parse: (body): EitherQuery => ({ book: base.parse(body), directory: parseDirectoryQuery(body) }),
    run: async (parsed, resource, ctx, server) => {
      const query = parsed as EitherQuery; // produced by parse() above for this very request
      if (!isDirectory(resource)) return base.run(query.book, resource, ctx, server);
      const { filter, limit, properties } = query.directory;
      const entries = await entriesFor(db, scope, resource.caller, { prefilter: prefilterOf(filter), filter });
      const isTruncated = limit !== undefined && entries.length > limit;
      const kept = isTruncated ? entries.slice(0, limit) : entries;
      const found = await readable(ctx, server, kept.map(directoryCard));
      const responses = [];
      for (const card of found) responses.push(await propertiesResponse(card, properties, ctx, server));
      if (isTruncated) {
        responses.push(statusResponse(hrefOf(resource.path, true), 507, el(dav('number-of-matches-within-limits'))));
      }
      return multistatus(responses);
    },
  };
}
