import type { DavModule } from '@partage/dav-core';
import type { FolderKindSpec, NodeResources } from '@partage/files';
import type { Db } from '@partage/storage';
import { contactsKind } from './contacts-kind.js';
import { defaultContactsLimits, type ContactsLimits } from './contacts-limits.js';
import { contactsProperties } from './properties/contacts-properties.js';
import { addressbookMultigetReport } from './reports/addressbook-multiget.js';
import { addressbookQueryReport } from './reports/addressbook-query.js';

/** What the contacts module needs from the composition root. */
export interface ContactsModuleOptions {
  readonly db: Db;
  readonly limits?: Partial<ContactsLimits>;
}

/**
 * CardDAV (RFC 6352): the `contacts` folder kind (address books, extended MKCOL) and its
 * properties and reports. Writes, COPY/MOVE, sync-collection and expand-property come from the
 * node machinery and dav-core, as for calendars.
 *
 * @example
 * const contacts = contactsModule({ db });
 * const tree = new PartageTree(db, blobStore, cache, [filesKind(blobStore), calendar.kind, contacts.kind]);
 * createDavServer({ modules: [contacts.davModule(tree.resources)], ... });
 */
export function contactsModule(options: ContactsModuleOptions): {
  readonly kind: FolderKindSpec;
  readonly davModule: (resources: NodeResources) => DavModule;
} {
  const limits = { ...defaultContactsLimits, ...options.limits };
  return {
    kind: contactsKind(options.db, limits),
    davModule: (resources) => ({
      name: 'carddav',
      features: ['addressbook'],
      properties: contactsProperties(options.db, limits),
      reports: [addressbookQueryReport(options.db, resources), addressbookMultigetReport(options.db, resources)],
      methods: [],
    }),
  };
}
