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
import { isCalendarCollection } from '../calendar-kind.js';
import { rememberCalendarData } from '../calendar-memo.js';
import { caldav } from '../names.js';

interface MultigetQuery {
  readonly hrefs: readonly string[];
  readonly properties: PropRequest;
}

/**
 * calendar-multiget (RFC 4791 §7.9): the objects named by href, in two queries whatever
 * their number (nodes, then their data); unknown or foreign hrefs answer 404.
 */
export function calendarMultigetReport(db: Db, resources: NodeResources): ReportHandler {
  return defineReport<MultigetQuery>({
    name: caldav('calendar-multiget'),
    appliesTo: isCalendarCollection,
    parse: (body) => {
      const prop = findChild(body, dav('prop'));
      return {
        hrefs: childElements(body).filter((e) => e.name === dav('href')).map((e) => textOf(e).trim()),
        properties: prop ? propRequestOf(prop) : { kind: 'prop', names: [caldav('calendar-data'), dav('getetag')] },
      };
    },
    run: async (query, collection, ctx, server) => {
      if (!isCalendarCollection(collection)) return multistatus([]);
      const base = collection.path;
      const wanted = new Map<string, string>();
      for (const href of query.hrefs) {
        let path: readonly string[];
        try {
          path = parseRequestPath(new URL(href, 'http://placeholder').pathname).segments;
        } catch {
          continue;
        }
        const name = path[path.length - 1];
        if (path.length === base.length + 1 && base.every((s, i) => path[i] === s) && name !== undefined) wanted.set(name, href);
      }
      const nodes = await repositories(db).nodes.childrenNamed(collection.node.id, [...wanted.keys()]);
      const objects = nodes.filter((n) => !n.isCollection);
      rememberCalendarData(ctx, await repositories(db).calendarObjects.byNodes(objects.map((n) => n.id)));
      const found = await readable(
        ctx,
        server,
        await resources.members(objects, collection.account, base),
      );
      const responses = [];
      const foundNames = new Set(found.map((r) => r.path[r.path.length - 1]));
      for (const resource of found) responses.push(await propertiesResponse(resource, query.properties, ctx, server));
      for (const href of query.hrefs) {
        const match = [...wanted].find(([, h]) => h === href);
        if (!match || !foundNames.has(match[0])) responses.push(statusResponse(href, 404));
      }
      return multistatus(responses);
    },
  });
}
