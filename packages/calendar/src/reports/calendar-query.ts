import { dav, findChild } from '@partage/dav-xml';
import {
  defineReport,
  multistatus,
  propertiesResponse,
  propRequestOf,
  readable,
  type PropRequest,
  type ReportHandler,
} from '@partage/dav-core';
import type { NodeResources } from '@partage/files';
import { repositories, type CalendarObjectRow, type Db } from '@partage/storage';
import { matchesFilter, TooManyInstances, type CompFilter } from '@partage/ical';
import { isCalendarCollection } from '../calendar-kind.js';
import { calendarDataOf, folderTimezone, rememberCalendarData } from '../calendar-memo.js';
import { calendarConditions } from '../conditions.js';
import { caldav } from '../names.js';
import { eventTimeRangeOnly, parseFilter, prefilterOf } from './parse-filter.js';

interface CalendarQuery {
  readonly filter: CompFilter;
  readonly properties: PropRequest;
}

/**
 * calendar-query (RFC 4791 §7.8): SQL narrows the candidates by component type and the
 * stored first start and last end (STYLE §3); `ical` then applies the exact filter.
 */
export function calendarQueryReport(db: Db, resources: NodeResources): ReportHandler {
  return defineReport<CalendarQuery>({
    name: caldav('calendar-query'),
    appliesTo: isCalendarCollection,
    parse: (body) => {
      const prop = findChild(body, dav('prop'));
      return {
        filter: parseFilter(findChild(body, caldav('filter'))),
        properties: prop ? propRequestOf(prop) : { kind: 'allprop', include: [] },
      };
    },
    run: async (query, collection, ctx, server) => {
      if (!isCalendarCollection(collection)) return multistatus([]);
      const objects = repositories(db).calendarObjects;
      const floatingTimezone = await folderTimezone(ctx, db, collection.node.id);
      const exactly = (row: CalendarObjectRow) => {
        try {
          return matchesFilter(row.data, query.filter, floatingTimezone ? { floatingTimezone } : {});
        } catch (error) {
          if (error instanceof TooManyInstances) throw calendarConditions.numberOfMatchesWithinLimits();
          throw error;
        }
      };
      let matchingIds: number[];
      const eventRange = eventTimeRangeOnly(query.filter);
      if (eventRange) {
        // The common query (events in a time range) is decided in SQL: single events by their
        // columns, recurring ones by the instance index; only unindexed objects are parsed.
        const { matched, unindexed } = await objects.eventsOverlapping(collection.node.id, eventRange.start, eventRange.end);
        matchingIds = [...matched, ...unindexed.filter(exactly).map((r) => r.nodeId)];
        rememberCalendarData(ctx, unindexed);
      } else {
        const { componentTypes, range } = prefilterOf(query.filter);
        const matching = (await objects.findCandidates(collection.node.id, componentTypes, range)).filter(exactly);
        rememberCalendarData(ctx, matching);
        matchingIds = matching.map((r) => r.nodeId);
      }
      if (query.properties.kind !== 'prop' || query.properties.names.includes(caldav('calendar-data'))) {
        await calendarDataOf(ctx, db, matchingIds);
      }
      const nodes = await repositories(db).nodes.byIds(matchingIds);
      const found = await readable(
        ctx,
        server,
        await resources.members(nodes, collection.account, collection.path),
      );
      const responses = [];
      for (const resource of found) responses.push(await propertiesResponse(resource, query.properties, ctx, server));
      return multistatus(responses);
    },
  });
}
