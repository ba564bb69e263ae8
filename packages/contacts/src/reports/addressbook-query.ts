import { childElements, dav, el, findChild, textOf, type XmlElement } from '@partage/dav-xml';
import {
  defineReport,
  hrefOf,
  multistatus,
  MultistatusBody,
  propertiesResponse,
  propRequestOf,
  statusResponse,
  type PropRequest,
  type ReportHandler,
} from '@partage/dav-core';
import type { NodeResources } from '@partage/files';
import { isDecidableOnValues, matchesAddressFilter, matchesAddressValues, reduceConfidentialCard, type AddressFilter } from '@partage/ical';
import { repositories, type Db } from '@partage/storage';
import { contactsConditions } from '../conditions.js';
import { isAddressBook } from '../contacts-kind.js';
import { cardDataOf, rememberCardData } from '../contacts-memo.js';
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

/** One prop-filter with one positive text-match and nothing else: only a value passing the prefilter can match. */
function isOneTextMatch(filter: AddressFilter): boolean {
  const [only, ...others] = filter.propFilters;
  return (
    only !== undefined &&
    others.length === 0 &&
    !only.isNotDefined &&
    only.paramFilters.length === 0 &&
    only.textMatches.length === 1 &&
    only.textMatches[0]?.negate === false
  );
}

/** Whether a report's properties include address-data (allprop does not: RFC 6352 §10.4). */
const asksForAddressData = (properties: PropRequest): boolean =>
  properties.kind === 'prop' && properties.names.includes(carddav('address-data'));

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
      // A filter on indexed properties alone is decided on the stored values: the cards' text is
      // read only for another filter, or for address-data.
      const onValues = isDecidableOnValues(query.filter);
      const candidates = await repositories(db).cards.findCandidateCards(collection.node.id, prefilterOf(query.filter), {
        withData: !onValues || asksForAddressData(query.properties),
        properties: onValues ? query.filter.propFilters.map((p) => p.name) : [],
        matchedValuesSuffice: isOneTextMatch(query.filter),
      });
      const matching = candidates.filter((c) =>
        onValues ? matchesAddressValues(c.values, query.filter) : matchesAddressFilter(c.data ?? '', query.filter),
      );
      rememberCardData(ctx, matching.flatMap((c) => (c.data === undefined ? [] : [{ nodeId: c.node.id, data: c.data }])));
      const members = await resources.members(matching.map((c) => c.node), collection.account, collection.path);
      // Private cards are absent, and a confidential one matches only on what the caller sees of
      // it (SPEC §4), before the limit counts the results.
      const accesses = await server.authorizer.access(ctx, members);
      const restricted = members.filter((_, i) => accesses[i]?.isRestricted === true).map((m) => m.node.id);
      const data = restricted.length === 0 ? new Map<number, string>() : await cardDataOf(ctx, db, restricted);
      const visible = members.filter((m, i) => {
        const access = accesses[i];
        if (!access?.privileges.has(dav('read'))) return false;
        return !access.isRestricted || matchesAddressFilter(reduceConfidentialCard(data.get(m.node.id) ?? ''), query.filter);
      });
      const isTruncated = query.limit !== undefined && visible.length > query.limit;
      const found = isTruncated ? visible.slice(0, query.limit) : visible;
      const body = new MultistatusBody();
      for (const resource of found) body.add(await propertiesResponse(resource, query.properties, ctx, server));
      if (isTruncated) {
        body.add(statusResponse(hrefOf(collection.path, true), 507, el(dav('number-of-matches-within-limits'))));
      }
      return body.finish();
    },
  });
}
