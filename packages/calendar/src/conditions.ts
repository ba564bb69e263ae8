import { dav, el } from '@partage/dav-xml';
import { DavError } from '@partage/dav-core';
import { caldav } from './names.js';

/** Every precondition the calendar module raises, with its RFC section (STYLE §4). */
export const calendarConditions = {
  /** RFC 4791 §5.3.2.1 */
  supportedCalendarData: (detail: string) => new DavError(403, caldav('supported-calendar-data'), detail),
  /** RFC 4791 §5.3.2.1 */
  validCalendarData: (detail: string) => new DavError(403, caldav('valid-calendar-data'), detail),
  /** RFC 4791 §5.3.2.1 */
  validCalendarObjectResource: (detail: string) => new DavError(403, caldav('valid-calendar-object-resource'), detail),
  /** RFC 4791 §5.3.2.1 */
  supportedCalendarComponent: (detail: string) => new DavError(403, caldav('supported-calendar-component'), detail),
  /** RFC 4791 §5.3.2.1; the href names the object that already holds the UID. */
  noUidConflict: (existingHref: string) =>
    new DavError(409, el(caldav('no-uid-conflict'), [el(dav('href'), [existingHref])]), 'another object has this UID'),
  /** RFC 4791 §5.3.2.1 */
  maxResourceSize: (limitBytes: number) =>
    new DavError(403, caldav('max-resource-size'), `calendar objects are limited to ${limitBytes} bytes`),
  /** RFC 4791 §5.3.2.1 */
  minDateTime: () => new DavError(403, caldav('min-date-time'), 'a date is before the earliest one accepted'),
  /** RFC 4791 §5.3.2.1 */
  maxDateTime: () => new DavError(403, caldav('max-date-time'), 'a date is after the latest one accepted'),
  /** RFC 4791 §5.3.2.1 */
  maxInstances: () => new DavError(403, caldav('max-instances'), 'the recurrence makes too many instances'),
  /** RFC 4791 §5.3.1.1: calendars go in a home, not inside another calendar or a files folder. */
  calendarCollectionLocationOk: () =>
    new DavError(403, caldav('calendar-collection-location-ok'), 'a calendar can only be created in a home'),
  /** RFC 4791 §9.7: a filter this server does not understand. */
  supportedFilter: (detail: string) => new DavError(403, caldav('supported-filter'), detail),
  /** RFC 4791 §7.5.1: an unsupported collation. */
  supportedCollation: (collation: string) =>
    new DavError(403, caldav('supported-collation'), `unsupported collation ${collation}`),
  /** RFC 4791 §9.9: a time-range with a bad value. */
  validFilter: (detail: string) => new DavError(400, caldav('valid-filter'), detail),
  /** RFC 4791 §7.9, §9.6.5: expansion past the instance limit. */
  numberOfMatchesWithinLimits: () =>
    new DavError(403, dav('number-of-matches-within-limits'), 'the query matches too many instances'),
  /** RFC 4791 §5.3.1.2: MKCALENDAR on an existing resource. */
  resourceMustBeNull: () => new DavError(403, dav('resource-must-be-null'), 'a resource exists at this URL'),
  /** RFC 4791 §5.3.2.1 / §5.2.2: an invalid calendar-timezone. */
  validCalendarTimezone: (detail: string) => new DavError(403, caldav('valid-calendar-data'), detail),
} as const;
