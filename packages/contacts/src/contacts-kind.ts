import { Readable } from 'node:stream';
import { childElements, dav, type XmlElement } from '@partage/dav-xml';
import type { Resource } from '@partage/dav-core';
import { isNodeResource, propertiesToSet, type FolderKindSpec, type NodeResource } from '@partage/files';
import { reduceConfidentialCard } from '@partage/ical';
import { repositories, type Db } from '@partage/storage';
import { cardContent } from './card-content.js';
import type { ContactsLimits } from './contacts-limits.js';
import { carddav } from './names.js';

/** An address book collection (RFC 6352 §5.2). */
export const isAddressBook = (r: Resource): r is NodeResource =>
  isNodeResource(r) && r.isCollection && r.folderKind === 'contacts';

/** An address object resource: one vCard (RFC 6352 §5.1). */
export const isAddressObject = (r: Resource): r is NodeResource =>
  isNodeResource(r) && !r.isCollection && r.folderKind === 'contacts';


/** Whether an extended MKCOL body (RFC 5689) asks for an address book (RFC 6352 §6.3.1). */
function asksForAddressBook(body: XmlElement): boolean {
  if (body.name !== dav('mkcol')) return false;
  const type = propertiesToSet(body).find((p) => p.name === dav('resourcetype'));
  return type !== undefined && childElements(type).some((c) => c.name === carddav('addressbook'));
}

/** The `contacts` folder kind: address books in a home, cards stored as vCard text with indexed values. */
export function contactsKind(db: Db, limits: ContactsLimits): FolderKindSpec {
  return {
    kind: 'contacts',
    resourceTypes: [carddav('addressbook')],
    allowsSubcollections: false,
    content: cardContent(db, limits),
    // The other properties of the MKCOL (displayname, addressbook-description) are stored with the folder.
    newFolder: (body) => ({
      components: null,
      properties: body ? propertiesToSet(body).filter((p) => p.name !== dav('resourcetype')) : [],
    }),
    exportFolder: {
      contentType: 'text/vcard; charset=utf-8',
      read: async (folder, members) => {
        const rows = await repositories(db).cards.findCandidates(folder.id, undefined);
        return Readable.from(
          rows.flatMap((r) => {
            if (members?.hidden.has(r.nodeId)) return [];
            const data = members?.restricted.has(r.nodeId) ? reduceConfidentialCard(r.data) : r.data;
            return [Buffer.from(data.endsWith('\n') ? data : `${data}\r\n`, 'utf8')];
          }),
        );
      },
    },
    accepts: asksForAddressBook,
  };
}
