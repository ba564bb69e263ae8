import { dav, el } from '@partage/dav-xml';
import { defineProperty, hrefOf, type PropertyHandler, type Resource } from '@partage/dav-core';
import { reduceConfidentialCard, renderAddressData, transformsAddressData } from '@partage/ical';
import type { Db } from '@partage/storage';
import { parseAddressDataRequest } from '../address-data-request.js';
import { isAddressBook, isAddressObject } from '../contacts-kind.js';
import type { ContactsLimits } from '../contacts-limits.js';
import { cardDataOf } from '../contacts-memo.js';
import { calendarServer, carddav } from '../names.js';

const isPrincipal = (r: Resource): r is Resource => r.kind === 'principal';
const principalEmail = (r: Resource): string => r.path[r.path.length - 1] ?? '';

/**
 * CARDDAV:principal-address (RFC 6352 §7.1.2) where there is no directory (no GAL scope wired):
 * accounts then have no card anywhere, so the property is reported not found. With the GAL, the
 * directory's account cards answer it (`galProperties`).
 */
export const noPrincipalAddress = defineProperty({
  name: carddav('principal-address'),
  appliesTo: isPrincipal,
  inAllprop: false,
  get: async () => undefined,
});

/** The collations addressbook-query accepts (RFC 6352 §8.3). */
export const supportedCollations = ['i;ascii-casemap', 'i;octet', 'i;unicode-casemap'] as const;

/** The CardDAV properties (RFC 6352 §6.2, §7.1, §10.4; CalendarServer's getctag). */
export function contactsProperties(db: Db, limits: ContactsLimits): PropertyHandler[] {
  return [
    defineProperty({
      name: carddav('supported-address-data'),
      appliesTo: isAddressBook,
      inAllprop: false,
      get: async () =>
        ['3.0', '4.0'].map((version) =>
          el(carddav('address-data-type'), [], { '{}content-type': 'text/vcard', '{}version': version }),
        ),
    }),
    defineProperty({
      name: carddav('supported-collation-set'),
      appliesTo: isAddressBook,
      inAllprop: false,
      get: async () => supportedCollations.map((c) => el(carddav('supported-collation'), [c])),
    }),
    defineProperty({
      name: carddav('max-resource-size'),
      appliesTo: isAddressBook,
      inAllprop: false,
      get: async () => String(limits.maxResourceBytes),
    }),
    defineProperty({
      name: calendarServer('getctag'),
      appliesTo: isAddressBook,
      inAllprop: false,
      get: async (r) => r.ops.syncToken?.(),
    }),
    defineProperty({
      name: carddav('addressbook-home-set'),
      appliesTo: isPrincipal,
      inAllprop: false,
      get: async (r) => el(dav('href'), [hrefOf(['webdav', principalEmail(r)], true)]),
    }),
    defineProperty({
      name: carddav('address-data'),
      appliesTo: isAddressObject,
      inAllprop: false,
      get: async (r, ctx, server, requested) => {
        const stored = (await cardDataOf(ctx, db, [r.node.id])).get(r.node.id);
        if (stored === undefined) return undefined;
        // A confidential card shows to a sharee without admin reduced (SPEC §4).
        const [access] = await server.authorizer.access(ctx, [r]);
        const data = access?.isRestricted ? reduceConfidentialCard(stored) : stored;
        const request = parseAddressDataRequest(requested);
        return transformsAddressData(request) ? renderAddressData(data, request) : data;
      },
    }),
  ];
}
