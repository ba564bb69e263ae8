import ICAL from 'ical.js';
import { InvalidCalendarData } from './invalid-calendar-data.js';
import type { TimeContext } from './floating-zone.js';
import { nameOf, timeValue, tzidOf } from './ical-values.js';
import { ensureTimezone } from './register-timezones.js';

/** The components sharing one UID: the master (if any) and its overridden instances (RFC 5545 §3.8.4.4). */
export interface ComponentGroup {
  readonly type: string;
  readonly uid: string | undefined;
  readonly master: ICAL.Component | undefined;
  /** Overrides keyed by their RECURRENCE-ID in UTC epoch milliseconds. */
  readonly overrides: ReadonlyMap<number, ICAL.Component>;
}

/** A parsed VCALENDAR whose TZIDs all resolve. */
export interface LoadedCalendar {
  readonly root: ICAL.Component;
  /** Components other than VTIMEZONE, in document order. */
  readonly components: readonly ICAL.Component[];
}

/**
 * Parses iCalendar text into one VCALENDAR and makes every TZID it uses resolvable: embedded
 * VTIMEZONEs win (ical.js looks them up in the tree); other TZIDs are loaded from the IANA set.
 * Throws `valid-calendar-data` on syntax errors and on TZIDs that resolve nowhere, which ical.js
 * would otherwise read as floating time.
 */
export function loadCalendar(text: string): LoadedCalendar {
  let parsed: unknown;
  try {
    parsed = ICAL.parse(text);
  } catch (error) {
    throw new InvalidCalendarData('valid-calendar-data', `not iCalendar: ${String(error)}`, { cause: error });
  }
  if (!Array.isArray(parsed) || parsed.length === 0) throw new InvalidCalendarData('valid-calendar-data', 'no iCalendar object');
  if (Array.isArray(parsed[0])) throw new InvalidCalendarData('valid-calendar-data', 'more than one VCALENDAR');
  const root = new ICAL.Component(parsed);
  if (nameOf(root) !== 'VCALENDAR') throw new InvalidCalendarData('valid-calendar-data', 'the object is not a VCALENDAR');
  const embedded = new Set(
    root.getAllSubcomponents('vtimezone').map((tz) => String(tz.getFirstPropertyValue('tzid'))),
  );
  const components = root.getAllSubcomponents().filter((c) => nameOf(c) !== 'VTIMEZONE');
  const pending = [...components];
  for (let c = pending.pop(); c; c = pending.pop()) {
    pending.push(...c.getAllSubcomponents());
    for (const property of c.getAllProperties()) {
      const tzid = tzidOf(property);
      if (tzid !== undefined && !embedded.has(tzid) && !ensureTimezone(tzid)) {
        throw new InvalidCalendarData('valid-calendar-data', `unknown TZID ${tzid} without VTIMEZONE`);
      }
    }
  }
  return { root, components };
}

/** Groups components by type and UID, keying overrides by RECURRENCE-ID in UTC. */
export function groupComponents(components: readonly ICAL.Component[], ctx: TimeContext): ComponentGroup[] {
  const groups = new Map<string, { type: string; uid: string | undefined; master: ICAL.Component | undefined; overrides: Map<number, ICAL.Component> }>();
  for (const component of components) {
    const type = nameOf(component);
    const uidValue = component.getFirstPropertyValue('uid');
    const uid = typeof uidValue === 'string' ? uidValue : undefined;
    const key = `${type}\u0000${uid ?? ''}`;
    let group = groups.get(key);
    if (!group) {
      group = { type, uid, master: undefined, overrides: new Map() };
      groups.set(key, group);
    }
    const recurrenceId = timeValue(component, 'recurrence-id');
    if (recurrenceId) group.overrides.set(ctx.toMs(recurrenceId), component);
    else group.master ??= component;
  }
  return [...groups.values()];
}
