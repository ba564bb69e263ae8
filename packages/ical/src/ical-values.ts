import ICAL from 'ical.js';

/** The first value of a property when it is a date or date-time, else undefined. */
export function timeValue(component: ICAL.Component, name: string): ICAL.Time | undefined {
  const value = component.getFirstPropertyValue(name);
  return value instanceof ICAL.Time ? value : undefined;
}

/** The first value of a property when it is a duration, else undefined. */
export function durationValue(component: ICAL.Component, name: string): ICAL.Duration | undefined {
  const value = component.getFirstPropertyValue(name);
  return value instanceof ICAL.Duration ? value : undefined;
}

/** The first value of a property as text (upper-cased when `upper`), else undefined. */
export function textValue(component: ICAL.Component, name: string, upper = false): string | undefined {
  const value = component.getFirstPropertyValue(name);
  if (typeof value !== 'string') return undefined;
  return upper ? value.toUpperCase() : value;
}

/** Every value of every property `name` (RDATE, EXDATE and FREEBUSY are multi-valued and repeatable). */
export function allValues(component: ICAL.Component, name: string): unknown[] {
  return component.getAllProperties(name).flatMap((p): unknown[] => p.getValues());
}

/** A TZID parameter as a single string, or undefined. */
export function tzidOf(property: ICAL.Property): string | undefined {
  const tzid: unknown = property.getParameter('tzid');
  if (typeof tzid === 'string') return tzid;
  if (Array.isArray(tzid) && typeof tzid[0] === 'string') return tzid[0];
  return undefined;
}

/** The upper-case component name (`VEVENT`); ical.js keeps names lower-case. */
export function nameOf(component: ICAL.Component): string {
  return component.name.toUpperCase();
}
