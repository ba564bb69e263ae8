import { calendarConditions } from './conditions.js';

/** Parses a UTC DATE-TIME attribute of a CalDAV request (`20060104T000000Z`, RFC 4791 §9.9). */
export function parseUtc(value: string | undefined, what: string): Date | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value.trim());
  if (!match) throw calendarConditions.validFilter(`${what} must be a UTC date-time like 20060104T000000Z, not ${value}`);
  const [, y, mo, d, h, mi, s] = match.map(Number);
  const date = new Date(Date.UTC(y ?? 0, (mo ?? 1) - 1, d ?? 1, h ?? 0, mi ?? 0, s ?? 0));
  if (Number.isNaN(date.getTime())) throw calendarConditions.validFilter(`invalid ${what}: ${value}`);
  return date;
}
