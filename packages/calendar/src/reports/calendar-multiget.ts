import { defineReport, multistatus, type ReportHandler } from '@partage/dav-core';
import { multigetResponse, parseMultiget, type MultigetQuery, type NodeResources } from '@partage/files';
import { repositories, type Db } from '@partage/storage';
import { isCalendarCollection } from '../calendar-kind.js';
import { rememberCalendarData } from '../calendar-memo.js';
import { caldav } from '../names.js';

/**
 * calendar-multiget (RFC 4791 §7.9): the objects named by href, in two queries whatever
 * their number (nodes, then their data); unknown or foreign hrefs answer 404.
 */
export function calendarMultigetReport(db: Db, resources: NodeResources): ReportHandler {
  return defineReport<MultigetQuery>({
    name: caldav('calendar-multiget'),
    appliesTo: isCalendarCollection,
    parse: (body) => parseMultiget(body, caldav('calendar-data')),
    run: async (query, collection, ctx, server) => {
      if (!isCalendarCollection(collection)) return multistatus([]);
      return multigetResponse(db, resources, collection, query, ctx, server, async (items) => {
        rememberCalendarData(ctx, await repositories(db).calendarObjects.byNodes(items.map((n) => n.id)));
      });
    },
  });
}
