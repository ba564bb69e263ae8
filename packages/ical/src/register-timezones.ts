import ICAL from 'ical.js';
import { tzlib_get_ical_block, tzlib_get_timezones } from 'timezones-ical-library';

const utcAliases = ['UTC', 'Z', 'GMT', 'Etc/UTC', 'Etc/GMT', 'Etc/Zulu', 'Zulu', 'Etc/Universal', 'Universal', 'Etc/UCT', 'UCT'];

let knownNames: ReadonlySet<string> | undefined;

function ianaNames(): ReadonlySet<string> {
  if (!knownNames) {
    const list = tzlib_get_timezones();
    knownNames = new Set(typeof list === 'string' ? parseNameList(list) : list);
  }
  return knownNames;
}

function parseNameList(json: string): string[] {
  const parsed: unknown = JSON.parse(json);
  return Array.isArray(parsed) ? parsed.filter((n): n is string => typeof n === 'string') : [];
}

function registerUtcAliases(): void {
  for (const alias of utcAliases) {
    if (!ICAL.TimezoneService.has(alias)) ICAL.TimezoneService.register(ICAL.Timezone.utcTimezone, alias);
  }
}

/**
 * Makes `tzid` known to ical.js, loading it from timezones-ical-library on first use.
 * Returns false when the name is not an IANA zone: the caller must then reject the data,
 * because ical.js would silently read such times as floating.
 */
export function ensureTimezone(tzid: string): boolean {
  registerUtcAliases();
  if (ICAL.TimezoneService.has(tzid)) return true;
  if (!ianaNames().has(tzid)) return false;
  const block = tzlib_get_ical_block(tzid);
  const vtimezone = Array.isArray(block) ? block[0] : undefined;
  if (vtimezone === undefined || vtimezone === '') return false;
  const component = ICAL.Component.fromString(vtimezone);
  // The library returns an alias's target zone; register it under the name the data uses.
  ICAL.TimezoneService.register(new ICAL.Timezone({ component, tzid }), tzid);
  return true;
}

/** The registered ical.js zone for an IANA name; throws on an unknown name (a configuration error). */
export function requireTimezone(tzid: string): ICAL.Timezone {
  const zone = ensureTimezone(tzid) ? ICAL.TimezoneService.get(tzid) : undefined;
  if (!zone) throw new RangeError(`unknown time zone ${tzid}`);
  return zone;
}

/**
 * Registers the whole IANA set from timezones-ical-library with ical.js (about 600 zones, ~200 ms).
 * Idempotent; call once at start. Zones are also loaded lazily on first use, so calling this is
 * an optimisation of first-request latency, not a correctness requirement: an unregistered TZID
 * never silently becomes UTC or floating, because parsing rejects unknown TZIDs.
 *
 * @example
 * registerTimezones(); // in the composition root, before serving requests
 */
export function registerTimezones(): void {
  for (const name of ianaNames()) ensureTimezone(name);
}
