import ICAL from 'ical.js';
import { InvalidCalendarData } from './invalid-calendar-data.js';
import { prodId } from './render-free-busy.js';

/**
 * One VCALENDAR holding the components of many calendar objects (the export of a whole
 * calendar, `GET` on a collection): each VTIMEZONE once by TZID, every other component as
 * stored. Objects that do not parse are skipped (they were validated when stored).
 */
export function mergeCalendars(texts: Iterable<string>): string {
  const merged = new ICAL.Component(['vcalendar', [], []]);
  merged.addPropertyWithValue('version', '2.0');
  merged.addPropertyWithValue('prodid', prodId);
  const timezones = new Set<string>();
  for (const text of texts) {
    let root: ICAL.Component;
    try {
      root = new ICAL.Component(ICAL.parse(text) as unknown[]); // ICAL.parse returns jCal arrays
    } catch {
      continue;
    }
    // A copy: adding a component to `merged` takes it out of `root`'s list.
    for (const component of [...root.getAllSubcomponents()]) {
      if (component.name === 'vtimezone') {
        const tzid = String(component.getFirstPropertyValue('tzid'));
        if (timezones.has(tzid)) continue;
        timezones.add(tzid);
      }
      merged.addSubcomponent(component);
    }
  }
  return merged.toString().replace(/\r?\n/g, '\r\n') + '\r\n';
}

/**
 * Splits an iCalendar file (an export, or any .ics) into calendar object resources: one
 * VCALENDAR per UID with its components and the VTIMEZONEs they use (RFC 4791 §4.1).
 * Throws InvalidCalendarData when the file is not iCalendar at all.
 */
export function splitCalendar(text: string): { uid: string; text: string }[] {
  let parsed: unknown;
  try {
    parsed = ICAL.parse(text);
  } catch (error) {
    throw new InvalidCalendarData('valid-calendar-data', `not iCalendar: ${String(error)}`, { cause: error });
  }
  const roots = (Array.isArray(parsed) && Array.isArray(parsed[0]) ? parsed : [parsed]).map(
    (jcal) => new ICAL.Component(jcal as unknown[]), // ICAL.parse returns jCal arrays
  );
  const timezones = new Map<string, ICAL.Component>();
  const byUid = new Map<string, ICAL.Component[]>();
  const order: string[] = [];
  for (const root of roots) {
    for (const component of [...root.getAllSubcomponents()]) {
      if (component.name === 'vtimezone') {
        timezones.set(String(component.getFirstPropertyValue('tzid')), component);
        continue;
      }
      const uid = String(component.getFirstPropertyValue('uid') ?? '');
      if (!byUid.has(uid)) {
        byUid.set(uid, []);
        order.push(uid);
      }
      byUid.get(uid)?.push(component);
    }
  }
  return order.map((uid) => {
    const object = new ICAL.Component(['vcalendar', [], []]);
    object.addPropertyWithValue('version', '2.0');
    object.addPropertyWithValue('prodid', prodId);
    const components = byUid.get(uid) ?? [];
    const used = new Set<string>();
    for (const component of components) {
      for (const property of component.getAllProperties()) {
        const tzid = property.getParameter('tzid');
        if (typeof tzid === 'string') used.add(tzid);
      }
    }
    for (const tzid of used) {
      const tz = timezones.get(tzid);
      if (tz) object.addSubcomponent(tz);
    }
    for (const component of components) object.addSubcomponent(component);
    return { uid, text: object.toString().replace(/\r?\n/g, '\r\n') + '\r\n' };
  });
}
