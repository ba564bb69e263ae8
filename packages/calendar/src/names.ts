import { clark, ns, type ClarkName } from '@partage/dav-xml';

/** A name in the CalDAV namespace (RFC 4791). */
export const caldav = (local: string): ClarkName => clark(ns.caldav, local);
/** A name in the CalendarServer namespace (Apple clients). */
export const calendarServer = (local: string): ClarkName => clark(ns.calendarServer, local);
/** A name in Apple's iCal namespace (`calendar-color`, `calendar-order`). */
export const apple = (local: string): ClarkName => clark(ns.apple, local);
