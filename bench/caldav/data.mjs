// Deterministic CalDAV workload for bench/caldav-bench.mjs: N events spread over a year
// around a fixed date (80 % simple, 15 % weekly recurring with one EXDATE and one overridden
// instance, 5 % with attendees), their iCalendar text, and an independent model of their
// instances so that calendar-query answers can be checked without any iCalendar library.

export const CENTER = Date.UTC(2026, 5, 15); // 2026-06-15, the fixed date the year spreads around
export const MONTH = { start: Date.UTC(2026, 5, 1), end: Date.UTC(2026, 6, 1) }; // June 2026
const HOUR = 3600_000;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;

// mulberry32: a small deterministic PRNG
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const ical = (ms) => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

/** Event i of the workload (deterministic). `kind` is simple | recurring | attendees. */
export function makeEvent(i, { offsetDays = 0 } = {}) {
  const r = rng(0x9e3779b9 ^ (i * 2654435761));
  const bucket = i % 20; // 16 simple, 3 recurring, 1 with attendees = 80 / 15 / 5 %
  const kind = bucket < 16 ? 'simple' : bucket < 19 ? 'recurring' : 'attendees';
  // start: any quarter-hour of the 365 days around CENTER, between 07:00 and 19:45 UTC
  const day = Math.floor(r() * 365) - 182 + offsetDays;
  const start = CENTER + day * DAY + (7 * 4 + Math.floor(r() * 52)) * 15 * 60_000;
  const duration = (1 + Math.floor(r() * 8)) * 15 * 60_000; // 15 min to 2 h
  const uid = `bench-${String(i).padStart(6, '0')}@partage.bench`;
  const ev = { i, uid, href: `ev-${String(i).padStart(6, '0')}.ics`, kind, start, duration };
  if (kind === 'recurring') {
    ev.count = 8 + Math.floor(r() * 20); // 8..27 weekly occurrences
    ev.exdate = 1 + Math.floor(r() * (ev.count - 2)); // occurrence index removed
    ev.override = ev.exdate === ev.count - 1 ? 1 : ev.exdate + 1; // occurrence index moved
    ev.overrideShift = (Math.floor(r() * 5) - 2) * DAY + 3 * HOUR; // moved by -2..+2 days and 3 h
  }
  return ev;
}

/** Instances of an event as [start, end) pairs in ms (independent of any iCalendar library). */
export function instances(ev) {
  if (ev.kind !== 'recurring') return [[ev.start, ev.start + ev.duration]];
  const out = [];
  for (let k = 0; k < ev.count; k++) {
    if (k === ev.exdate) continue;
    let s = ev.start + k * WEEK;
    if (k === ev.override) s += ev.overrideShift;
    out.push([s, s + ev.duration]);
  }
  return out;
}

const overlaps = ([s, e], range) => s < range.end && e > range.start;

/** Expected answers for a time-range query: objects matching, and instances for expand. */
export function expectations(events, range = MONTH) {
  let objects = 0;
  let expanded = 0;
  const hrefs = new Set();
  for (const ev of events) {
    const n = instances(ev).filter((x) => overlaps(x, range)).length;
    if (n > 0) { objects++; hrefs.add(ev.href); }
    expanded += n;
  }
  return { objects, expanded, hrefs };
}

const fold = (line) => {
  if (line.length <= 75) return line;
  const parts = [line.slice(0, 75)];
  for (let p = 75; p < line.length; p += 74) parts.push(' ' + line.slice(p, p + 74));
  return parts.join('\r\n');
};

/** The iCalendar text of an event; `counter` goes into DESCRIPTION (used by the GET/PUT mix). */
export function icsOf(ev, counter = 0) {
  const stamp = '20260101T000000Z';
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Partage//caldav-bench//EN', 'CALSCALE:GREGORIAN', 'BEGIN:VEVENT',
    `UID:${ev.uid}`, `DTSTAMP:${stamp}`, `DTSTART:${ical(ev.start)}`, `DTEND:${ical(ev.start + ev.duration)}`,
    `SUMMARY:Bench event ${ev.i} (${ev.kind})`, `DESCRIPTION:counter=${counter}`, `LOCATION:Room ${ev.i % 37}`, 'STATUS:CONFIRMED'];
  if (ev.kind === 'recurring') {
    lines.push(`RRULE:FREQ=WEEKLY;COUNT=${ev.count}`, `EXDATE:${ical(ev.start + ev.exdate * WEEK)}`);
  }
  if (ev.kind === 'attendees') {
    lines.push('ORGANIZER;CN=Organizer:mailto:organizer@example.com');
    for (let a = 0; a < 4; a++) lines.push(`ATTENDEE;CN=Guest ${a};ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:guest${a}-${ev.i}@example.com`);
  }
  lines.push('END:VEVENT');
  if (ev.kind === 'recurring') {
    const orig = ev.start + ev.override * WEEK;
    const s = orig + ev.overrideShift;
    lines.push('BEGIN:VEVENT', `UID:${ev.uid}`, `DTSTAMP:${stamp}`, `RECURRENCE-ID:${ical(orig)}`, `DTSTART:${ical(s)}`, `DTEND:${ical(s + ev.duration)}`,
      `SUMMARY:Bench event ${ev.i} (moved occurrence)`, `DESCRIPTION:counter=${counter}`, 'END:VEVENT');
  }
  lines.push('END:VCALENDAR');
  return lines.map(fold).join('\r\n') + '\r\n';
}
