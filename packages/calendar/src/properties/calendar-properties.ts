import { dav, el } from '@partage/dav-xml';
import { defineProperty, hrefOf, type PropertyHandler, type Resource } from '@partage/dav-core';
import type { Db } from '@partage/storage';
import { reduceConfidential, renderCalendarData, TooManyInstances } from '@partage/ical';
import { componentsOf } from '../calendar-folder.js';
import { isCalendarCollection, isCalendarObject } from '../calendar-kind.js';
import { icalUtc, type CalendarLimits } from '../calendar-limits.js';
import { parseCalendarDataRequest, transformsData } from '../calendar-data-request.js';
import { calendarDataOf, folderTimezone } from '../calendar-memo.js';
import { calendarConditions } from '../conditions.js';
import { caldav, calendarServer } from '../names.js';

const isPrincipal = (r: Resource): r is Resource => r.kind === 'principal';
const principalEmail = (r: Resource): string => r.path[r.path.length - 1] ?? '';

/** The CalDAV properties (RFC 4791 §5.2, §6.2, §9.6; Apple and CalendarServer extensions). */
export function calendarProperties(db: Db, limits: CalendarLimits): PropertyHandler[] {
  return [
    defineProperty({
      name: caldav('supported-calendar-component-set'),
      appliesTo: isCalendarCollection,
      inAllprop: false,
      get: async (r) => componentsOf(r.node).map((c) => el(caldav('comp'), [], { '{}name': c })),
    }),
    defineProperty({
      name: caldav('supported-calendar-data'),
      appliesTo: isCalendarCollection,
      inAllprop: false,
      get: async () => el(caldav('calendar-data'), [], { '{}content-type': 'text/calendar', '{}version': '2.0' }),
    }),
    defineProperty({
      name: caldav('supported-collation-set'),
      appliesTo: isCalendarCollection,
      inAllprop: false,
      get: async () =>
        ['i;ascii-casemap', 'i;octet', 'i;unicode-casemap'].map((c) => el(caldav('supported-collation'), [c])),
    }),
    defineProperty({
      name: caldav('max-resource-size'),
      appliesTo: isCalendarCollection,
      inAllprop: false,
      get: async () => String(limits.maxResourceBytes),
    }),
    defineProperty({
      name: caldav('min-date-time'),
      appliesTo: isCalendarCollection,
      inAllprop: false,
      get: async () => icalUtc(limits.minDateTime),
    }),
    defineProperty({
      name: caldav('max-date-time'),
      appliesTo: isCalendarCollection,
      inAllprop: false,
      get: async () => icalUtc(limits.maxDateTime),
    }),
    defineProperty({
      name: caldav('max-instances'),
      appliesTo: isCalendarCollection,
      inAllprop: false,
      get: async () => String(limits.maxInstances),
    }),
    defineProperty({
      name: caldav('max-attendees-per-instance'),
      appliesTo: isCalendarCollection,
      inAllprop: false,
      get: async () => String(limits.maxAttendeesPerInstance),
    }),
    defineProperty({
      name: calendarServer('getctag'),
      appliesTo: isCalendarCollection,
      inAllprop: false,
      get: async (r) => r.ops.syncToken?.(),
    }),
    defineProperty({
      name: caldav('calendar-home-set'),
      appliesTo: isPrincipal,
      inAllprop: false,
      get: async (r) => el(dav('href'), [hrefOf(['webdav', principalEmail(r)], true)]),
    }),
    defineProperty({
      name: caldav('calendar-user-address-set'),
      appliesTo: isPrincipal,
      inAllprop: false,
      get: async (r) => [
        el(dav('href'), [`mailto:${principalEmail(r)}`]),
        el(dav('href'), [hrefOf(r.path, true)]),
      ],
    }),
    defineProperty({
      name: caldav('calendar-data'),
      appliesTo: isCalendarObject,
      inAllprop: false,
      get: async (r, ctx, server, requested) => {
        const stored = (await calendarDataOf(ctx, db, [r.node.id])).get(r.node.id);
        if (stored === undefined) return undefined;
        const [access] = await server.authorizer.access(ctx, [r]);
        const data = access?.isRestricted ? reduceConfidential(stored) : stored;
        const request = parseCalendarDataRequest(requested);
        if (!transformsData(request)) return data;
        const floatingTimezone = r.node.parentId === null ? undefined : await folderTimezone(ctx, db, r.node.parentId);
        try {
          return renderCalendarData(data, request, floatingTimezone ? { floatingTimezone } : {});
        } catch (error) {
          if (error instanceof TooManyInstances) throw calendarConditions.numberOfMatchesWithinLimits();
          throw error;
        }
      },
    }),
  ];
}

