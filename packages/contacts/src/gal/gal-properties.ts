import { dav, el } from '@partage/dav-xml';
import { defineProperty, hrefOf, type PropertyHandler, type Resource } from '@partage/dav-core';
import { renderAddressData, transformsAddressData } from '@partage/ical';
import { repositories, type Db } from '@partage/storage';
import { parseAddressDataRequest } from '../address-data-request.js';
import { isAddressBook } from '../contacts-kind.js';
import { calendarServer, carddav } from '../names.js';
import { supportedCollations } from '../properties/contacts-properties.js';
import { accountEntryName } from './directory-entries.js';
import { directoryPath, isDirectory, isDirectoryCard } from './gal-directory.js';
import { galProperty } from './gal-names.js';
import type { GalScope } from './gal-scope.js';

const isPrincipal = (r: Resource): r is Resource => r.kind === 'principal';

/**
 * The GAL's properties: `{urn:partage:ns}gal` on address books (writable by the owner or an
 * administrator; the write itself goes through {@link withGalFlag}), `CARDDAV:directory-gateway`
 * on the caller's principal (RFC 6352 §6.4), `CARDDAV:principal-address` on the principals of its
 * domain (§7.1.2), and the address book properties of the directory.
 */
export function galProperties(db: Db, scope: GalScope): PropertyHandler[] {
  return [
    defineProperty({
      name: galProperty,
      appliesTo: isAddressBook,
      inAllprop: false,
      isWritable: true,
      get: async (r) => ((await repositories(db).gal.isFlagged(r.node.id)) ? 'true' : 'false'),
    }),
    defineProperty({
      name: carddav('directory-gateway'),
      appliesTo: isPrincipal,
      inAllprop: false,
      get: async (r, ctx) => {
        const principal = ctx.principal;
        const isOwn = principal !== undefined && r.path[r.path.length - 1] === principal.name;
        if (!isOwn || !(await scope.hasGroupware(principal.id))) return undefined;
        return el(dav('href'), [hrefOf(directoryPath, true)]);
      },
    }),
    defineProperty({
      name: carddav('principal-address'),
      appliesTo: isPrincipal,
      inAllprop: false,
      // RFC 6352 §7.1.2: the account's own card, in the caller's directory. The directory holds the
      // accounts of the caller's domain only, so a principal of another domain has none the caller
      // may see (404, as for a caller without GroupWare, which has no directory).
      get: async (r, ctx) => {
        const principal = ctx.principal;
        if (!principal || !(await scope.hasGroupware(principal.id))) return undefined;
        const accounts = repositories(db).accounts;
        const account = await accounts.findAccountByEmail(r.path[r.path.length - 1] ?? '');
        const self = account?.id === principal.id ? account : await accounts.findAccount(principal.id);
        if (!account || !self || account.domainId !== self.domainId) return undefined;
        return el(dav('href'), [hrefOf([...directoryPath, accountEntryName(account.id)], false)]);
      },
    }),
    defineProperty({
      name: calendarServer('getctag'),
      appliesTo: isDirectory,
      inAllprop: false,
      get: async (r) => r.ops.syncToken?.(),
    }),
    defineProperty({
      name: carddav('supported-address-data'),
      appliesTo: isDirectory,
      inAllprop: false,
      get: () =>
        Promise.resolve(
          ['3.0', '4.0'].map((version) => el(carddav('address-data-type'), [], { '{}content-type': 'text/vcard', '{}version': version })),
        ),
    }),
    defineProperty({
      name: carddav('supported-collation-set'),
      appliesTo: isDirectory,
      inAllprop: false,
      get: () => Promise.resolve(supportedCollations.map((c) => el(carddav('supported-collation'), [c]))),
    }),
    defineProperty({
      name: carddav('address-data'),
      appliesTo: isDirectoryCard,
      inAllprop: false,
      get: (r, _ctx, _server, requested) => {
        const request = parseAddressDataRequest(requested);
        return Promise.resolve(transformsAddressData(request) ? renderAddressData(r.data, request) : r.data);
      },
    }),
  ];
}
