import { describe, expect, it } from '@jest/globals';
import { matchesFilter } from './matches-filter.js';
import type { CompFilter, PropFilter, TextMatch, TimeRange } from './types.js';

const cal = (...body: string[]) => ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', ...body, 'END:VCALENDAR', ''].join('\r\n');
const comp = (name: string, more: Partial<CompFilter> = {}): CompFilter => ({ name, isNotDefined: false, propFilters: [], compFilters: [], ...more });
const top = (...compFilters: CompFilter[]) => comp('VCALENDAR', { compFilters });
const range = (start: string, end: string): TimeRange => ({ start: new Date(start), end: new Date(end) });
const inRange = (text: string, name: string, r: TimeRange) => matchesFilter(text, top(comp(name, { timeRange: r })), {});
const todo = (...props: string[]) => cal('BEGIN:VTODO', 'UID:t', ...props, 'END:VTODO');

describe('matchesFilter time-range on VTODO (RFC 4791 §9.9, all eight rows)', () => {
  const day = range('2024-01-10T00:00:00Z', '2024-01-11T00:00:00Z');
  it.each([
    ['DTSTART+DURATION ending at the range start', ['DTSTART:20240109T230000Z', 'DURATION:PT1H'], true],
    ['DTSTART+DURATION before the range', ['DTSTART:20240109T220000Z', 'DURATION:PT1H'], false],
    ['DTSTART+DUE spanning the range', ['DTSTART:20240101T000000Z', 'DUE:20240120T000000Z'], true],
    ['DTSTART+DUE after the range', ['DTSTART:20240111T000000Z', 'DUE:20240112T000000Z'], false],
    ['DTSTART only, at the range start', ['DTSTART:20240110T000000Z'], true],
    ['DTSTART only, at the range end', ['DTSTART:20240111T000000Z'], false],
    ['DUE only, at the range end', ['DUE:20240111T000000Z'], true],
    ['DUE only, at the range start', ['DUE:20240110T000000Z'], false],
    ['COMPLETED+CREATED around the range', ['CREATED:20240101T000000Z', 'COMPLETED:20240120T000000Z'], true],
    ['COMPLETED+CREATED after the range', ['CREATED:20240112T000000Z', 'COMPLETED:20240120T000000Z'], false],
    ['COMPLETED only, inside', ['COMPLETED:20240110T120000Z'], true],
    ['COMPLETED only, before', ['COMPLETED:20240109T120000Z'], false],
    ['CREATED only, before the range end', ['CREATED:20231201T000000Z'], true],
    ['CREATED only, after the range', ['CREATED:20240111T000000Z'], false],
    ['no dates at all', [], true],
  ])('%s', (_name, props, expected) => {
    expect(inRange(todo(...props), 'VTODO', day)).toBe(expected);
  });

  it('shifts DUE with each instance of a recurring VTODO', () => {
    const text = todo('DTSTART:20240101T090000Z', 'DUE:20240101T100000Z', 'RRULE:FREQ=WEEKLY;COUNT=3');
    expect(inRange(text, 'VTODO', range('2024-01-15T09:30:00Z', '2024-01-15T09:40:00Z'))).toBe(true);
    expect(inRange(text, 'VTODO', range('2024-01-22T09:30:00Z', '2024-01-22T09:40:00Z'))).toBe(false);
  });
});

describe('matchesFilter time-range on other components', () => {
  const event = cal('BEGIN:VEVENT', 'UID:e', 'DTSTART;TZID=Europe/Paris:20240101T090000', 'DTEND;TZID=Europe/Paris:20240101T100000', 'RRULE:FREQ=DAILY',
    'BEGIN:VALARM', 'ACTION:DISPLAY', 'TRIGGER:-PT15M', 'END:VALARM', 'END:VEVENT');

  it('finds an instance of an unbounded rule years later', () => {
    expect(inRange(event, 'VEVENT', range('2030-06-01T07:30:00Z', '2030-06-01T07:31:00Z'))).toBe(true);
    expect(inRange(event, 'VEVENT', range('2030-06-01T09:00:00Z', '2030-06-01T10:00:00Z'))).toBe(false);
  });

  it('matches a VALARM trigger of a later instance of a recurring event, outside the event itself', () => {
    const alarm = (r: TimeRange) => matchesFilter(event, top(comp('VEVENT', { compFilters: [comp('VALARM', { timeRange: r })] })), {});
    expect(alarm(range('2024-01-05T07:44:00Z', '2024-01-05T07:46:00Z'))).toBe(true);
    expect(alarm(range('2024-01-05T07:50:00Z', '2024-01-05T07:55:00Z'))).toBe(false);
  });

  it('applies the VJOURNAL rows', () => {
    expect(inRange(cal('BEGIN:VJOURNAL', 'UID:j', 'DTSTART;VALUE=DATE:20240110', 'END:VJOURNAL'), 'VJOURNAL', range('2024-01-10T12:00:00Z', '2024-01-10T13:00:00Z'))).toBe(true);
    expect(inRange(cal('BEGIN:VJOURNAL', 'UID:j', 'DTSTART:20240110T120000Z', 'END:VJOURNAL'), 'VJOURNAL', range('2024-01-10T12:00:00Z', '2024-01-10T13:00:00Z'))).toBe(true);
    expect(inRange(cal('BEGIN:VJOURNAL', 'UID:j', 'END:VJOURNAL'), 'VJOURNAL', range('2000-01-01T00:00:00Z', '2100-01-01T00:00:00Z'))).toBe(false);
  });

  it('applies the VFREEBUSY rows', () => {
    const fb = cal('BEGIN:VFREEBUSY', 'UID:f', 'FREEBUSY:20240110T090000Z/20240110T100000Z', 'END:VFREEBUSY');
    expect(inRange(fb, 'VFREEBUSY', range('2024-01-10T09:30:00Z', '2024-01-10T09:40:00Z'))).toBe(true);
    expect(inRange(fb, 'VFREEBUSY', range('2024-01-10T10:00:00Z', '2024-01-10T11:00:00Z'))).toBe(false);
  });

  it('tests DATE-TIME properties with a prop-filter time-range', () => {
    const text = todo('COMPLETED:20240110T120000Z');
    const completed: PropFilter = { name: 'COMPLETED', isNotDefined: false, timeRange: range('2024-01-10T00:00:00Z', '2024-01-11T00:00:00Z'), paramFilters: [] };
    expect(matchesFilter(text, top(comp('VTODO', { propFilters: [completed] })), {})).toBe(true);
  });
});

describe('matchesFilter text-match and is-not-defined', () => {
  const text = cal('BEGIN:VEVENT', 'UID:x', 'DTSTART:20240101T090000Z', 'SUMMARY:Réunion d\'ÉTÉ', 'CATEGORIES:Work,Travel',
    'ATTENDEE;PARTSTAT=ACCEPTED;CN=Zoë:mailto:zoe@example.com', 'END:VEVENT');
  const tm = (value: string, collation: TextMatch['collation'], more: Partial<TextMatch> = {}): TextMatch =>
    ({ value, collation, negate: false, matchType: 'contains', ...more });
  const prop = (name: string, more: Partial<PropFilter> = {}): PropFilter => ({ name, isNotDefined: false, paramFilters: [], ...more });
  const withProp = (p: PropFilter) => matchesFilter(text, top(comp('VEVENT', { propFilters: [p] })), {});

  it('folds case with i;unicode-casemap, ASCII only with i;ascii-casemap, nothing with i;octet', () => {
    expect(withProp(prop('SUMMARY', { textMatch: tm('été', 'i;unicode-casemap') }))).toBe(true);
    expect(withProp(prop('SUMMARY', { textMatch: tm('e\u0301te\u0301', 'i;unicode-casemap') }))).toBe(true);
    expect(withProp(prop('SUMMARY', { textMatch: tm('été', 'i;ascii-casemap') }))).toBe(false);
    expect(withProp(prop('SUMMARY', { textMatch: tm("RÉUNION D'", 'i;ascii-casemap') }))).toBe(false);
    expect(withProp(prop('SUMMARY', { textMatch: tm("réUNION D'", 'i;ascii-casemap') }))).toBe(true);
    expect(withProp(prop('SUMMARY', { textMatch: tm('réunion', 'i;octet') }))).toBe(false);
    expect(withProp(prop('SUMMARY', { textMatch: tm('Réunion', 'i;octet', { matchType: 'starts-with' }) }))).toBe(true);
  });

  it('honours match types, negate-condition and multi-valued properties', () => {
    expect(withProp(prop('CATEGORIES', { textMatch: tm('travel', 'i;ascii-casemap', { matchType: 'equals' }) }))).toBe(true);
    expect(withProp(prop('SUMMARY', { textMatch: tm('été', 'i;unicode-casemap', { matchType: 'ends-with', negate: true }) }))).toBe(false);
    expect(withProp(prop('SUMMARY', { textMatch: tm('hiver', 'i;unicode-casemap', { negate: true }) }))).toBe(true);
  });

  it('evaluates is-not-defined and param-filters', () => {
    expect(withProp(prop('LOCATION', { isNotDefined: true }))).toBe(true);
    expect(withProp(prop('SUMMARY', { isNotDefined: true }))).toBe(false);
    expect(matchesFilter(text, top(comp('VTODO', { isNotDefined: true })), {})).toBe(true);
    expect(matchesFilter(text, top(comp('VEVENT', { isNotDefined: true })), {})).toBe(false);
    expect(withProp(prop('ATTENDEE', { paramFilters: [{ name: 'PARTSTAT', isNotDefined: false, textMatch: tm('accepted', 'i;ascii-casemap', { matchType: 'equals' }) }] }))).toBe(true);
    expect(withProp(prop('ATTENDEE', { paramFilters: [{ name: 'ROLE', isNotDefined: true }] }))).toBe(true);
    expect(withProp(prop('ATTENDEE', { paramFilters: [{ name: 'CN', isNotDefined: false, textMatch: tm('ZOË', 'i;unicode-casemap') }] }))).toBe(true);
  });
});
