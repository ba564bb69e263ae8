/** Limits of calendar object resources (SPEC §7), reported as CalDAV properties. */
export interface CalendarLimits {
  /** `CALDAV:max-resource-size`: 5 MiB by default. */
  readonly maxResourceBytes: number;
  /** `CALDAV:max-instances`: instances one expansion may produce. */
  readonly maxInstances: number;
  /** `CALDAV:max-attendees-per-instance`. */
  readonly maxAttendeesPerInstance: number;
  /** `CALDAV:min-date-time` and `max-date-time`. */
  readonly minDateTime: Date;
  readonly maxDateTime: Date;
}

export const defaultCalendarLimits: CalendarLimits = {
  maxResourceBytes: 5 * 1024 * 1024,
  maxInstances: 10_000,
  maxAttendeesPerInstance: 500,
  minDateTime: new Date(Date.UTC(1900, 0, 1)),
  maxDateTime: new Date(Date.UTC(2100, 11, 31, 23, 59, 59)),
};

/** An iCalendar UTC DATE-TIME (`19000101T000000Z`). */
export const icalUtc = (date: Date): string => date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
