import { describe, expect, it } from '@jest/globals';
import { mergeCalendars, splitCalendar } from './merge-calendars.js';

const paris = ['BEGIN:VTIMEZONE', 'TZID:Europe/Paris', 'BEGIN:STANDARD', 'DTSTART:19701025T030000', 'TZOFFSETFROM:+0200', 'TZOFFSETTO:+0100', 'END:STANDARD', 'END:VTIMEZONE'];
const object = (uid: string, tz: boolean) =>
  ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:x', ...(tz ? paris : []), 'BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20261101T000000Z', tz ? 'DTSTART;TZID=Europe/Paris:20261201T100000' : 'DTSTART:20261201T100000Z', 'END:VEVENT', 'END:VCALENDAR'].join('\r\n');

describe('mergeCalendars and splitCalendar', () => {
  it('merges objects into one calendar with each time zone once, and splits it back by UID', () => {
    const merged = mergeCalendars([object('a', true), object('b', true), object('c', false)]);
    expect(merged.match(/BEGIN:VTIMEZONE/g)).toHaveLength(1);
    expect(merged.match(/BEGIN:VEVENT/g)).toHaveLength(3);
    const parts = splitCalendar(merged);
    expect(parts.map((p) => p.uid)).toEqual(['a', 'b', 'c']);
    expect(parts[0]?.text).toContain('TZID:Europe/Paris');
    expect(parts[2]?.text).not.toContain('VTIMEZONE');
  });

  it('keeps an override with its master', () => {
    const text = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:x', 'BEGIN:VEVENT', 'UID:r', 'DTSTART:20261201T100000Z', 'RRULE:FREQ=DAILY;COUNT=3', 'END:VEVENT', 'BEGIN:VEVENT', 'UID:r', 'RECURRENCE-ID:20261202T100000Z', 'DTSTART:20261202T110000Z', 'END:VEVENT', 'END:VCALENDAR'].join('\r\n');
    const parts = splitCalendar(text);
    expect(parts).toHaveLength(1);
    expect(parts[0]?.text.match(/BEGIN:VEVENT/g)).toHaveLength(2);
  });
});
