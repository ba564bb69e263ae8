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
import { repositories, type Db } from '@partage/storage';
import { matchesFilter, TooManyInstances, type CompFilter } from '@partage/ical';
import { isCalendarCollection } from '../calendar-kind.js';
import { folderTimezone, rememberCalendarData } from '../calendar-memo.js';
import { calendarConditions } from '../conditions.js';
import { caldav } from '../names.js';
import { parseFilter, prefilterOf } from './parse-filter.js';

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
      const { componentTypes, range } = prefilterOf(query.filter);
      const rows = await repositories(db).calendarObjects.findCandidates(collection.node.id, componentTypes, range);
      const floatingTimezone = await folderTimezone(ctx, db, collection.node.id);
      const matching = rows.filter((row) => {
        try {
          return matchesFilter(row.data, query.filter, floatingTimezone ? { floatingTimezone } : {});
        } catch (error) {
          if (error instanceof TooManyInstances) throw calendarConditions.numberOfMatchesWithinLimits();
          throw error;
        }
      });
      rememberCalendarData(ctx, matching);
      const nodes = await repositories(db).nodes.byIds(matching.map((r) => r.nodeId));
      const found = await readable(
        ctx,
        server,
        nodes.map((n) => resources.resource(n, collection.account, [...collection.path, n.name])),
      );
      const responses = [];
      for (const resource of found) responses.push(await propertiesResponse(resource, query.properties, ctx, server));
      return multistatus(responses);
    },
  });
}
