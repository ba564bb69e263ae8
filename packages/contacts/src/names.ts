import { clark, ns, type ClarkName } from '@partage/dav-xml';

/** A name in the CardDAV namespace (RFC 6352). */
export const carddav = (local: string): ClarkName => clark(ns.carddav, local);
/** A name in the CalendarServer namespace (`getctag`, read by Apple clients). */
export const calendarServer = (local: string): ClarkName => clark(ns.calendarServer, local);
