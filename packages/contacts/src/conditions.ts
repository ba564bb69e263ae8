import { dav, el } from '@partage/dav-xml';
import { DavError } from '@partage/dav-core';
import { carddav } from './names.js';

/** Every precondition the contacts module raises, with its RFC section (STYLE §4). */
export const contactsConditions = {
  /** RFC 6352 §6.3.2.1: a media type or version this server does not store or produce. */
  supportedAddressData: (detail: string) => new DavError(403, carddav('supported-address-data'), detail),
  /** RFC 6352 §6.3.2.1 */
  validAddressData: (detail: string) => new DavError(403, carddav('valid-address-data'), detail),
  /** RFC 6352 §6.3.2.1; the href names the card that already holds the UID. */
  noUidConflict: (existingHref: string) =>
    new DavError(409, el(carddav('no-uid-conflict'), [el(dav('href'), [existingHref])]), 'another card has this UID'),
  /** RFC 6352 §6.3.2.1 */
  maxResourceSize: (limitBytes: number) =>
    new DavError(403, carddav('max-resource-size'), `cards are limited to ${limitBytes} bytes`),
  /** RFC 6352 §8.3: a collation other than the three supported. */
  supportedCollation: (collation: string) =>
    new DavError(403, carddav('supported-collation'), `unsupported collation ${collation}`),
  /** RFC 6352 §8.6: a filter this server does not understand. */
  supportedFilter: (detail: string) => new DavError(403, carddav('supported-filter'), detail),
  /** RFC 6352 §8.6: a malformed query (no filter, a nameless prop-filter). */
  validFilter: (detail: string) => new DavError(400, carddav('supported-filter'), detail),
} as const;
