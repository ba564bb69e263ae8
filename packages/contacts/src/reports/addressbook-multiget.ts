import { defineReport, multistatus, type ReportHandler } from '@partage/dav-core';
import { multigetResponse, parseMultiget, type MultigetQuery, type NodeResources } from '@partage/files';
import { repositories, type Db } from '@partage/storage';
import { isAddressBook } from '../contacts-kind.js';
import { rememberCardData } from '../contacts-memo.js';
import { carddav } from '../names.js';

/**
 * addressbook-multiget (RFC 6352 §8.7): the cards named by href, in two queries whatever their
 * number (nodes, then their data); unknown or foreign hrefs answer 404.
 */
export function addressbookMultigetReport(db: Db, resources: NodeResources): ReportHandler {
  return defineReport<MultigetQuery>({
    name: carddav('addressbook-multiget'),
    appliesTo: isAddressBook,
    parse: (body) => parseMultiget(body, carddav('address-data')),
    run: async (query, collection, ctx, server) => {
      if (!isAddressBook(collection)) return multistatus([]);
      return multigetResponse(db, resources, collection, query, ctx, server, async (items) => {
        rememberCardData(ctx, await repositories(db).cards.byNodes(items.map((n) => n.id)));
      });
    },
  });
}
