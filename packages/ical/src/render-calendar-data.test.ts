import { describe, expect, it } from '@jest/globals';
import { busyPeriods } from './busy-periods.js';
import { renderCalendarData } from './render-calendar-data.js';
import { renderFreeBusy } from './render-free-busy.js';
import type { CompSelector } from './types.js';

const cal = (...body: string[]) => ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', ...body, 'END:VCALENDAR', ''].join('\r\n');
const paris = ['BEGIN:VTIMEZONE', 'TZID:Europe/Paris', 'BEGIN:STANDARD', 'DTSTART:19701025T030000', 'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU', 'TZOFFSETFROM:+0200', 'TZOFFSETTO:+0100', 'END:STANDARD',
  'BEGIN:DAYLIGHT', 'DTSTART:19700329T020000', 'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU', 'TZOFFSETFROM:+0100', 'TZOFFSETTO:+0200', 'END:DAYLIGHT', 'END:VTIMEZONE'];
const weekly = cal(...paris,
  'BEGIN:VEVENT', 'UID:w', 'DTSTAMP:20240101T000000Z', 'SUMMARY:Standup', 'DTSTART;TZID=Europe/Paris:20240325T090000', 'DTEND;TZID=Europe/Paris:20240325T093000', 'RRULE:FREQ=WEEKLY;COUNT=3', 'END:VEVENT',
  'BEGIN:VEVENT', 'UID:w', 'DTSTAMP:20240101T000000Z', 'SUMMARY:Moved', 'RECURRENCE-ID;TZID=Europe/Paris:20240408T090000', 'DTSTART;TZID=Europe/Paris:20240408T110000', 'DTEND;TZID=Europe/Paris:20240408T113000', 'END:VEVENT');
const range = (start: string, end: string) => ({ start: new Date(start), end: new Date(end) });

describe('renderCalendarData', () => {
  it('expands instances in UTC with RECURRENCE-ID and no RRULE', () => {
    const out = renderCalendarData(weekly, { expand: range('2024-03-31T00:00:00Z', '2024-04-30T00:00:00Z') }, {});
    expect(out).not.toMatch(/RRULE|VTIMEZONE|TZID/);
    expect(out.match(/BEGIN:VEVENT/g)).toHaveLength(2);
    expect(out).toContain('RECURRENCE-ID:20240401T070000Z\r\n');
    expect(out).toContain('DTSTART:20240401T070000Z\r\nDTEND:20240401T073000Z\r\n');
    expect(out).toContain('RECURRENCE-ID:20240408T070000Z\r\n');
    expect(out).toContain('DTSTART:20240408T090000Z\r\n');
    expect(out.endsWith('END:VCALENDAR\r\n')).toBe(true);
  });

  it('limits the recurrence set to the master and overlapping overrides', () => {
    const early = renderCalendarData(weekly, { limitRecurrenceSet: range('2024-03-25T00:00:00Z', '2024-03-26T00:00:00Z') }, {});
    expect(early.match(/BEGIN:VEVENT/g)).toHaveLength(1);
    expect(early).toContain('RRULE:FREQ=WEEKLY;COUNT=3');
    const late = renderCalendarData(weekly, { limitRecurrenceSet: range('2024-04-08T00:00:00Z', '2024-04-09T00:00:00Z') }, {});
    expect(late.match(/BEGIN:VEVENT/g)).toHaveLength(2);
  });

  it('returns only the selected components and properties', () => {
    const select: CompSelector = { name: 'VCALENDAR', allProps: false, props: [{ name: 'VERSION', noValue: false }], allComps: false,
      comps: [{ name: 'VEVENT', allProps: false, props: [{ name: 'UID', noValue: false }, { name: 'SUMMARY', noValue: true }], allComps: true, comps: [] }] };
    const out = renderCalendarData(weekly, { select }, {});
    expect(out).toBe(['BEGIN:VCALENDAR', 'VERSION:2.0', 'BEGIN:VEVENT', 'UID:w', 'SUMMARY:', 'END:VEVENT', 'BEGIN:VEVENT', 'UID:w', 'SUMMARY:', 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n'));
  });

  it('limits FREEBUSY periods to the range', () => {
    const fb = cal('BEGIN:VFREEBUSY', 'UID:f', 'FREEBUSY:20240110T090000Z/20240110T100000Z,20240112T090000Z/20240112T100000Z', 'FREEBUSY:20240201T090000Z/PT1H', 'END:VFREEBUSY');
    const out = renderCalendarData(fb, { limitFreebusySet: range('2024-01-10T00:00:00Z', '2024-01-11T00:00:00Z') }, {});
    expect(out).toContain('FREEBUSY:20240110T090000Z/20240110T100000Z\r\n');
    expect(out).not.toContain('20240112');
    expect(out).not.toContain('20240201');
  });
});

describe('busyPeriods and renderFreeBusy', () => {
  const ev = (uid: string, ...props: string[]) => cal('BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20240101T000000Z', ...props, 'END:VEVENT');
  const texts = [
    ev('a', 'DTSTART:20240110T090000Z', 'DTEND:20240110T100000Z'),
    ev('b', 'DTSTART:20240110T093000Z', 'DTEND:20240110T110000Z'),
    ev('c', 'DTSTART:20240110T120000Z', 'DTEND:20240110T130000Z', 'STATUS:TENTATIVE'),
    ev('d', 'DTSTART:20240110T140000Z', 'DTEND:20240110T150000Z', 'TRANSP:TRANSPARENT'),
    ev('e', 'DTSTART:20240110T160000Z', 'DTEND:20240110T170000Z', 'STATUS:CANCELLED'),
    ev('f', 'DTSTART:20240109T230000Z', 'DTEND:20240110T010000Z'),
    cal('BEGIN:VFREEBUSY', 'UID:g', 'FREEBUSY;FBTYPE=BUSY-UNAVAILABLE:20240110T180000Z/PT1H', 'FREEBUSY;FBTYPE=FREE:20240110T200000Z/PT1H', 'END:VFREEBUSY'),
  ];
  const day = range('2024-01-10T00:00:00Z', '2024-01-11T00:00:00Z');

  it('merges busy time per type, clips to the range and skips transparent and cancelled events', () => {
    expect(busyPeriods(texts, day, {}).map((p) => [p.type, p.start.toISOString(), p.end.toISOString()])).toEqual([
      ['BUSY', '2024-01-10T00:00:00.000Z', '2024-01-10T01:00:00.000Z'],
      ['BUSY', '2024-01-10T09:00:00.000Z', '2024-01-10T11:00:00.000Z'],
      ['BUSY-TENTATIVE', '2024-01-10T12:00:00.000Z', '2024-01-10T13:00:00.000Z'],
      ['BUSY-UNAVAILABLE', '2024-01-10T18:00:00.000Z', '2024-01-10T19:00:00.000Z'],
    ]);
  });

  it('renders a VFREEBUSY for the range', () => {
    const out = renderFreeBusy(busyPeriods(texts.slice(0, 1), day, {}), day, new Date('2024-01-09T12:00:00Z'));
    expect(out).toContain('BEGIN:VFREEBUSY\r\nDTSTAMP:20240109T120000Z\r\nDTSTART:20240110T000000Z\r\nDTEND:20240111T000000Z\r\n');
    expect(out).toContain('FREEBUSY;FBTYPE=BUSY:20240110T090000Z/20240110T100000Z\r\n');
  });
});
