import type { DavModule } from '@partage/dav-core';
import type { FolderKindSpec, NodeResources } from '@partage/files';
import type { Db } from '@partage/storage';
import { registerTimezones } from '@partage/ical';
import { calendarKind } from './calendar-kind.js';
import { defaultCalendarLimits, type CalendarLimits } from './calendar-limits.js';
import { mkcalendarMethod } from './methods/mkcalendar.js';
import { calendarProperties } from './properties/calendar-properties.js';
import { calendarMultigetReport } from './reports/calendar-multiget.js';
import { calendarQueryReport } from './reports/calendar-query.js';
import { freeBusyQueryReport } from './reports/free-busy-query.js';

/** What the calendar module needs from the composition root. */
export interface CalendarModuleOptions {
  readonly db: Db;
  readonly limits?: Partial<CalendarLimits>;
  readonly now?: () => Date;
}

/**
 * CalDAV (RFC 4791): the `calendar` folder kind and its properties, reports and
 * MKCALENDAR. Registers the IANA time zones with ical.js once.
 *
 * @example
 * const calendar = calendarModule({ db });
 * const tree = new PartageTree(db, blobStore, cache, [filesKind(blobStore), calendar.kind]);
 * createDavServer({ modules: [calendar.davModule(tree.resources)], ... });
 */
export function calendarModule(options: CalendarModuleOptions): {
  readonly kind: FolderKindSpec;
  readonly davModule: (resources: NodeResources) => DavModule;
} {
  registerTimezones();
  const limits = { ...defaultCalendarLimits, ...options.limits };
  const now = options.now ?? (() => new Date());
  return {
    kind: calendarKind(options.db, limits),
    davModule: (resources) => ({
      name: 'caldav',
      features: ['calendar-access'],
      properties: calendarProperties(options.db, limits),
      reports: [
        calendarQueryReport(options.db, resources),
        calendarMultigetReport(options.db, resources),
        freeBusyQueryReport(options.db, now),
      ],
      methods: [mkcalendarMethod],
    }),
  };
}
