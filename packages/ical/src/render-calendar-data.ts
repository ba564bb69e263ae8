import ICAL from 'ical.js';
import { groupComponents, loadCalendar, type LoadedCalendar } from './component-group.js';
import { expandComponents } from './expand-components.js';
import { expandOccurrences } from './expand-occurrences.js';
import { timeContext, type TimeContext } from './floating-zone.js';
import { rangeMs } from './instances-between.js';
import { selectComponents } from './select-components.js';
import type { CalendarDataRequest, FloatingOptions, TimeRange } from './types.js';

const maxIterations = 2_000_000;

/** limit-recurrence-set (RFC 4791 §9.6.6): keep the master and the overrides that overlap, by new or original time. */
function limitRecurrenceSet(calendar: LoadedCalendar, range: TimeRange, ctx: TimeContext): void {
  const window = rangeMs(range);
  for (const group of groupComponents(calendar.components, ctx)) {
    if (group.overrides.size === 0) continue;
    const kept = new Set(
      expandOccurrences({ ...group, master: undefined }, window, ctx, { maxIterations })
        .occurrences.filter((o) => o.spans.some((s) => s.overlaps(window.startMs, window.endMs)))
        .map((o) => o.component),
    );
    for (const [recurrenceIdMs, override] of group.overrides) {
      const isOriginalInRange = recurrenceIdMs >= window.startMs && recurrenceIdMs < window.endMs;
      if (!kept.has(override) && !isOriginalInRange) calendar.root.removeSubcomponent(override);
    }
  }
}

/** limit-freebusy-set (RFC 4791 §9.6.7): keep only FREEBUSY periods overlapping the range. */
function limitFreebusySet(calendar: LoadedCalendar, range: TimeRange, ctx: TimeContext): void {
  const { startMs, endMs } = rangeMs(range);
  for (const component of calendar.root.getAllSubcomponents('vfreebusy')) {
    for (const property of component.getAllProperties('freebusy')) {
      const periods = property.getValues().filter((v: unknown): v is ICAL.Period => v instanceof ICAL.Period);
      const overlapping = periods.filter((p) => startMs < ctx.toMs(p.getEnd()) && endMs > ctx.toMs(p.start));
      if (overlapping.length === 0) component.removeProperty(property);
      else if (overlapping.length !== periods.length) property.setValues(overlapping);
    }
  }
}

/**
 * Renders calendar-data for a report (RFC 4791 §9.6): applies `expand` (instances in UTC, §9.6.5),
 * then `limit-recurrence-set` (§9.6.6) and `limit-freebusy-set` (§9.6.7), then the partial
 * component/property selection (§9.6.1). Returns iCalendar text with CRLF line endings.
 *
 * @example
 * renderCalendarData(ics, { expand: { start, end } }, { floatingTimezone: 'Europe/Paris' });
 */
export function renderCalendarData(text: string, request: CalendarDataRequest, options: FloatingOptions): string {
  const calendar = loadCalendar(text);
  const ctx = timeContext(options.floatingTimezone);
  if (request.expand) expandComponents(calendar, request.expand, ctx);
  else if (request.limitRecurrenceSet) limitRecurrenceSet(calendar, request.limitRecurrenceSet, ctx);
  if (request.limitFreebusySet) limitFreebusySet(calendar, request.limitFreebusySet, ctx);
  if (request.select) selectComponents(calendar.root, request.select);
  return `${calendar.root.toString()}\r\n`;
}
