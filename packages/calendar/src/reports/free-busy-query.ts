import { findChild } from '@partage/dav-xml';
import { defineReport, type ReportHandler } from '@partage/dav-core';
import { repositories, type Db } from '@partage/storage';
import { busyPeriods, renderFreeBusy } from '@partage/ical';
import { isCalendarCollection } from '../calendar-kind.js';
import { folderTimezone } from '../calendar-memo.js';
import { calendarConditions } from '../conditions.js';
import { parseUtc } from '../ical-dates.js';
import { caldav } from '../names.js';

interface FreeBusyQuery {
  readonly start: Date;
  readonly end: Date;
}

/** free-busy-query (RFC 4791 §7.10): a VFREEBUSY of the calendar's busy time in the range. */
export function freeBusyQueryReport(db: Db, now: () => Date): ReportHandler {
  return defineReport<FreeBusyQuery>({
    name: caldav('free-busy-query'),
    appliesTo: isCalendarCollection,
    parse: (body) => {
      const range = findChild(body, caldav('time-range'));
      const start = parseUtc(range?.attributes['{}start'], 'time-range start');
      const end = parseUtc(range?.attributes['{}end'], 'time-range end');
      if (!start || !end || end <= start) throw calendarConditions.validFilter('free-busy-query needs a time-range with start and end');
      return { start, end };
    },
    run: async (query, collection, ctx) => {
      if (!isCalendarCollection(collection)) throw calendarConditions.validFilter('not a calendar');
      const rows = await repositories(db).calendarObjects.findCandidates(collection.node.id, ['VEVENT', 'VFREEBUSY'], query);
      const floatingTimezone = await folderTimezone(ctx, db, collection.node.id);
      const periods = busyPeriods(
        rows.map((r) => r.data),
        query,
        floatingTimezone ? { floatingTimezone } : {},
      );
      return {
        status: 200,
        headers: { 'content-type': 'text/calendar; charset=utf-8' },
        body: renderFreeBusy(periods, query, now()),
      };
    },
  });
}
