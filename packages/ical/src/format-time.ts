import ICAL from 'ical.js';
import type { TimeContext } from './floating-zone.js';

/** A DATE stays a DATE; a DATE-TIME becomes its UTC iCalendar form (`20240101T080000Z`). */
export function formatUtcValue(time: ICAL.Time, ctx: TimeContext): string {
  if (time.isDate) return time.toICALString();
  return ICAL.Time.fromJSDate(new Date(ctx.toMs(time)), true).toICALString();
}

/** The iCalendar UTC form of a JS date (`20240101T080000Z`). */
export function formatUtcDate(date: Date): string {
  return ICAL.Time.fromJSDate(date, true).toICALString();
}
