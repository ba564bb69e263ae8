import { childElements, type XmlElement } from '@partage/dav-xml';
import type { CalendarDataRequest, CompSelector, TimeRange } from '@partage/ical';
import { calendarConditions } from './conditions.js';
import { parseUtc } from './ical-dates.js';
import { caldav } from './names.js';

function rangeOf(element: XmlElement | undefined, what: string): TimeRange | undefined {
  if (!element) return undefined;
  const start = parseUtc(element.attributes['{}start'], `${what} start`);
  const end = parseUtc(element.attributes['{}end'], `${what} end`);
  if (!start || !end) throw calendarConditions.validFilter(`${what} needs start and end`);
  return { start, end };
}

function selectorOf(comp: XmlElement): CompSelector {
  const children = childElements(comp);
  return {
    name: (comp.attributes['{}name'] ?? '').toUpperCase(),
    allProps: children.some((c) => c.name === caldav('allprop')) || !children.some((c) => c.name === caldav('prop')),
    props: children
      .filter((c) => c.name === caldav('prop'))
      .map((c) => ({ name: (c.attributes['{}name'] ?? '').toUpperCase(), noValue: c.attributes['{}novalue'] === 'yes' })),
    allComps: children.some((c) => c.name === caldav('allcomp')) || !children.some((c) => c.name === caldav('comp')),
    comps: children.filter((c) => c.name === caldav('comp')).map(selectorOf),
  };
}

/** Reads a `CALDAV:calendar-data` request element (RFC 4791 §9.6). */
export function parseCalendarDataRequest(element: XmlElement | undefined): CalendarDataRequest {
  if (!element) return {};
  const children = childElements(element);
  const type = element.attributes['{}content-type'];
  if (type !== undefined && type !== 'text/calendar') {
    throw calendarConditions.supportedCalendarData(`calendar-data is only available as text/calendar`);
  }
  const comp = children.find((c) => c.name === caldav('comp'));
  return {
    select: comp ? selectorOf(comp) : undefined,
    expand: rangeOf(children.find((c) => c.name === caldav('expand')), 'expand'),
    limitRecurrenceSet: rangeOf(children.find((c) => c.name === caldav('limit-recurrence-set')), 'limit-recurrence-set'),
    limitFreebusySet: rangeOf(children.find((c) => c.name === caldav('limit-freebusy-set')), 'limit-freebusy-set'),
  };
}

/** Whether a request asks for anything but the stored text. */
export const transformsData = (request: CalendarDataRequest): boolean =>
  request.select !== undefined ||
  request.expand !== undefined ||
  request.limitRecurrenceSet !== undefined ||
  request.limitFreebusySet !== undefined;
