import { childElements, dav, el, findChild, textOf, type XmlElement } from '@partage/dav-xml';
import {
  defineReport,
  hrefOf,
  multistatus,
  propertiesResponse,
  propRequestOf,
  statusResponse,
  type PropRequest,
  type ReportHandler,
} from '@partage/dav-core';
import type { NodeResources } from '@partage/files';
import { matchesAddressFilter, reduceConfidentialCard, type AddressFilter } from '@partage/ical';
import { repositories, type Db } from '@partage/storage';
import { contactsConditions } from '../conditions.js';
import { isAddressBook } from '../contacts-kind.js';
import { rememberCardData } from '../contacts-memo.js';
import { carddav } from '../names.js';
import { parseAddressFilter, prefilterOf } from './parse-address-filter.js';

interface AddressbookQuery {
  readonly filter: AddressFilter;
  readonly properties: PropRequest;
  /** CARDDAV:limit/nresults (RFC 6352 §8.6.1). */
  readonly limit: number | undefined;
}

function limitOf(body: XmlElement): number | undefined {
  const limit = findChild(body, carddav('limit'));
  if (!limit) return undefined;
  const nresults = childElements(limit).find((c) => c.name === carddav('nresults'));
  const value = nresults ? Number(textOf(nresults).trim()) : Number.NaN;
  if (!Number.isInteger(value) || value < 1) throw contactsConditions.validFilter('limit needs a positive nresults');
  return value;
}

/**
 * addressbook-query (RFC 6352 §8.6): SQL narrows the cards by the indexed values (STYLE §3),
 * `ical` applies the exact filter, and past `limit` the answer is truncated with a 507 for the
 * address book carrying `DAV:number-of-matches-within-limits` (RFC 6352 §8.6.1).
 */
export function addressbookQueryReport(db: Db, resources: NodeResources): ReportHandler {
  return defineReport<AddressbookQuery>({
    name: carddav('addressbook-query'),
    appliesTo: isAddressBook,
    parse: (body) => {
      const prop = findChild(body, dav('prop'));
      return {
        filter: parseAddressFilter(findChild(body, carddav('filter'))),
        properties: prop ? propRequestOf(prop) : { kind: 'allprop', include: [] },
        limit: limitOf(body),
      };
    },
    run: async (query, collection, ctx, server) => {
      if (!isAddressBook(collection)) return multistatus([]);
      const rows = await repositories(db).cards.findCandidates(collection.node.id, prefilterOf(query.filter));
      const matching = rows.filter((row) => matchesAddressFilter(row.data, query.filter));
      rememberCardData(ctx, matching);
      const data = new Map(matching.map((r) => [r.nodeId, r.data]));
      const nodes = await repositories(db).nodes.byIds(matching.map((r) => r.nodeId));
      const members = await resources.members(nodes, collection.account, collection.path);
      // Private cards are absent, and a confidential one matches only on what the caller sees of
      // it (SPEC §4), before the limit counts the results.
      const accesses = await server.authorizer.access(ctx, members);
      const visible = members.filter((m, i) => {
        const access = accesses[i];
        if (!access?.privileges.has(dav('read'))) return false;
        return !access.isRestricted || matchesAddressFilter(reduceConfidentialCard(data.get(m.node.id) ?? ''), query.filter);
      });
      const isTruncated = query.limit !== undefined && visible.length > query.limit;
      const found = isTruncated ? visible.slice(0, query.limit) : visible;
      const responses = [];
      for (const resource of found) responses.push(await propertiesResponse(resource, query.properties, ctx, server));
      if (isTruncated) {
        responses.push(statusResponse(hrefOf(collection.path, true), 507, el(dav('number-of-matches-within-limits'))));
      }
      return multistatus(responses);
    },
  });
}
