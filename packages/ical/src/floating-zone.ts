import ICAL from 'ical.js';
import { requireTimezone } from './register-timezones.js';

/** Converts ical.js times to UTC epoch milliseconds, reading floating times and DATEs in one zone. */
export interface TimeContext {
  readonly floatingZone: ICAL.Timezone | undefined;
  toMs(time: ICAL.Time): number;
}

/** Builds the conversion for `floatingTimezone` (an IANA name; UTC when omitted). */
export function timeContext(floatingTimezone: string | undefined): TimeContext {
  const floatingZone = floatingTimezone === undefined ? undefined : requireTimezone(floatingTimezone);
  return {
    floatingZone,
    toMs(time: ICAL.Time): number {
      const isFloating = time.isDate || time.zone === ICAL.Timezone.localTimezone || time.zone.tzid === 'floating';
      if (!isFloating) return time.toUnixTime() * 1000;
      const wall = { year: time.year, month: time.month, day: time.day, hour: time.hour, minute: time.minute, second: time.second, isDate: false };
      if (time.isDate) Object.assign(wall, { hour: 0, minute: 0, second: 0 });
      return new ICAL.Time(wall, floatingZone ?? ICAL.Timezone.utcTimezone).toUnixTime() * 1000;
    },
  };
}

/** The UTC time for epoch milliseconds, as an ical.js time. */
export function utcTime(ms: number): ICAL.Time {
  return ICAL.Time.fromJSDate(new Date(ms), true);
}
