import type ICAL from 'ical.js';

/** The value part of a serialized property line, after the first colon outside quotes. */
function serializedValue(property: ICAL.Property): string {
  const line = property.toICALString();
  let isQuoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === '"') isQuoted = !isQuoted;
    else if (ch === ':' && !isQuoted) return line.slice(i + 1);
  }
  return line;
}

/**
 * The values of a property as text for text-match: each text value unescaped (so each CATEGORIES
 * entry matches on its own), other types in their iCalendar form (a date-time as `20240101T090000Z`).
 */
export function propertyTexts(property: ICAL.Property): string[] {
  const values: unknown[] = property.getValues();
  if (values.length > 0 && values.every((v): v is string => typeof v === 'string')) return values;
  return [serializedValue(property)];
}

/** A parameter's values as text (a parameter may hold a list, as MEMBER does), or undefined when absent. */
export function parameterTexts(property: ICAL.Property, name: string): string[] | undefined {
  const value: unknown = property.getParameter(name.toLowerCase());
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return undefined;
}
