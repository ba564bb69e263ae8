import ICAL from 'ical.js';
import { groupComponents, type LoadedCalendar } from './component-group.js';
import { expandOccurrences, isRecurringMaster, type Occurrence } from './expand-occurrences.js';
import type { TimeContext } from './floating-zone.js';
import { nameOf } from './ical-values.js';
import { rangeMs } from './instances-between.js';
import type { TimeRange } from './types.js';

const maxIterations = 2_000_000;
const recurrenceProperties = ['rrule', 'rdate', 'exdate', 'exrule'];

/** Sets a date property to a UTC date-time (or keeps a DATE for all-day data), dropping TZID. */
function setUtc(component: ICAL.Component, name: string, ms: number, isDate: boolean, ctx: TimeContext): void {
  let value: ICAL.Time;
  if (isDate) {
    // DATE values have no UTC form; all-day instances stay all-day (a floating day).
    const local = ctx.floatingZone ? ICAL.Time.fromJSDate(new Date(ms), true).convertToZone(ctx.floatingZone) : ICAL.Time.fromJSDate(new Date(ms), true);
    value = ICAL.Time.fromData({ year: local.year, month: local.month, day: local.day, isDate: true });
  } else {
    value = ICAL.Time.fromJSDate(new Date(ms), true);
  }
  const property = component.getFirstProperty(name) ?? component.addPropertyWithValue(name, value);
  property.removeParameter('tzid');
  property.setValue(value);
}

function instanceComponent(occurrence: Occurrence, isRecurring: boolean, ctx: TimeContext): ICAL.Component | undefined {
  const span = occurrence.spans[0];
  if (!span || !occurrence.start) return undefined;
  const copy = new ICAL.Component(structuredClone(occurrence.component.jCal));
  for (const name of recurrenceProperties) copy.removeAllProperties(name);
  const isDate = occurrence.start.isDate;
  setUtc(copy, 'dtstart', span.startMs, isDate, ctx);
  if (copy.hasProperty('dtend')) setUtc(copy, 'dtend', span.endMs, isDate, ctx);
  if (copy.hasProperty('due') && Number.isFinite(span.endMs)) setUtc(copy, 'due', span.endMs, isDate, ctx);
  if (isRecurring && occurrence.recurrenceId) {
    copy.removeAllProperties('recurrence-id');
    setUtc(copy, 'recurrence-id', ctx.toMs(occurrence.recurrenceId), occurrence.recurrenceId.isDate, ctx);
  }
  return copy;
}

/**
 * Replaces the recurring components of a calendar by one component per instance overlapping
 * `range` (RFC 4791 §9.6.5): times in UTC, RECURRENCE-ID on each instance of a recurring set,
 * no RRULE/RDATE/EXDATE, VTIMEZONEs dropped as nothing refers to them any more.
 */
export function expandComponents(calendar: LoadedCalendar, range: TimeRange, ctx: TimeContext): void {
  const { root, components } = calendar;
  const window = rangeMs(range);
  for (const group of groupComponents(components, ctx)) {
    if (group.type === 'VFREEBUSY') continue;
    const isRecurring = group.overrides.size > 0 || (group.master ? isRecurringMaster(group.master) : false);
    const occurrences = expandOccurrences(group, window, ctx, { maxIterations }).occurrences;
    for (const c of [group.master, ...group.overrides.values()]) if (c) root.removeSubcomponent(c);
    for (const occurrence of occurrences) {
      if (!occurrence.spans.some((s) => s.overlaps(window.startMs, window.endMs))) continue;
      const copy = instanceComponent(occurrence, isRecurring, ctx);
      if (copy) root.addSubcomponent(copy);
      else if (nameOf(occurrence.component) !== 'VEVENT') root.addSubcomponent(occurrence.component);
    }
  }
  // Only now: ical.js resolves TZIDs against these lazily, while expanding.
  for (const tz of [...root.getAllSubcomponents('vtimezone')]) root.removeSubcomponent(tz);
}
