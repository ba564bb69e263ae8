import { childElements, dav, findChild, textOf } from '@partage/dav-xml';
import {
  defineReport,
  multistatus,
  parseRequestPath,
  propertiesResponse,
  propRequestOf,
  readable,
  statusResponse,
  type PropRequest,
  type ReportHandler,
} from '@partage/dav-core';
import type { NodeResources } from '@partage/files';
import { repositories, type Db } from '@partage/storage';
import { isAddressBook } from '../contacts-kind.js';
import { rememberCardData } from '../contacts-memo.js';
import { carddav } from '../names.js';

interface MultigetQuery {
  readonly hrefs: readonly string[];
  readonly properties: PropRequest;
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
 * addressbook-multiget (RFC 6352 §8.7): the cards named by href, in two queries whatever their
 * number (nodes, then their data); unknown or foreign hrefs answer 404.
 */
export function addressbookMultigetReport(db: Db, resources: NodeResources): ReportHandler {
  return defineReport<MultigetQuery>({
    name: carddav('addressbook-multiget'),
    appliesTo: isAddressBook,
    parse: (body) => {
      const prop = findChild(body, dav('prop'));
      return {
        hrefs: childElements(body).filter((e) => e.name === dav('href')).map((e) => textOf(e).trim()),
        properties: prop ? propRequestOf(prop) : { kind: 'prop', names: [dav('getetag'), carddav('address-data')] },
      };
    },
    run: async (query, collection, ctx, server) => {
      if (!isAddressBook(collection)) return multistatus([]);
      const base = collection.path;
      const names = new Map<string, string>();
      for (const href of query.hrefs) {
        const name = memberName(href, base);
        if (name !== undefined) names.set(href, name);
      }
      const nodes = await repositories(db).nodes.childrenNamed(collection.node.id, [...new Set(names.values())]);
      const cards = nodes.filter((n) => !n.isCollection);
      rememberCardData(ctx, await repositories(db).cards.byNodes(cards.map((n) => n.id)));
      const found = await readable(
        ctx,
        server,
        await resources.members(cards, collection.account, base),
      );
      const foundNames = new Set(found.map((r) => r.path[r.path.length - 1]));
      const responses = [];
      for (const resource of found) responses.push(await propertiesResponse(resource, query.properties, ctx, server));
      for (const href of query.hrefs) {
        const name = names.get(href);
        if (name === undefined || !foundNames.has(name)) responses.push(statusResponse(href, 404));
      }
      return multistatus(responses);
    },
  });
}
