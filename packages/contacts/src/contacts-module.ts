import type { DavModule } from '@partage/dav-core';
import type { FolderKindSpec, NodeResources } from '@partage/files';
import type { Db } from '@partage/storage';
import { contactsKind } from './contacts-kind.js';
import { defaultContactsLimits, type ContactsLimits } from './contacts-limits.js';
import { contactsProperties, noPrincipalAddress } from './properties/contacts-properties.js';
import { addressbookMultigetReport } from './reports/addressbook-multiget.js';
import { addressbookQueryReport } from './reports/addressbook-query.js';
import { withDirectoryMultiget } from './gal/directory-multiget.js';
import { withDirectoryQuery } from './gal/directory-query.js';
import { galProperties } from './gal/gal-properties.js';
import type { GalScope } from './gal/gal-scope.js';

/** What the contacts module needs from the composition root. */
export interface ContactsModuleOptions {
  readonly db: Db;
  readonly limits?: Partial<ContactsLimits>;
  /** The rights behind the Global Address List (SPEC §5); without it the GAL properties and the directory's reports are absent. */
  readonly galScope?: GalScope;
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
      properties: [
        ...contactsProperties(options.db, limits),
        ...(options.galScope ? galProperties(options.db, options.galScope) : [noPrincipalAddress]),
      ],
      reports: [
        options.galScope
          ? withDirectoryQuery(addressbookQueryReport(options.db, resources), options.db, options.galScope)
          : addressbookQueryReport(options.db, resources),
        options.galScope
          ? withDirectoryMultiget(addressbookMultigetReport(options.db, resources), options.db, options.galScope)
          : addressbookMultigetReport(options.db, resources),
      ],
      methods: [],
    }),
  };
}
