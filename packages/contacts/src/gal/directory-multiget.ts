import type { ReportHandler } from '@partage/dav-core';
import { multigetOf, parseMultiget, type MultigetQuery } from '@partage/files';
import type { Db } from '@partage/storage';
import { carddav } from '../names.js';
import { entriesFor } from './directory-entries.js';
import { directoryCard, isDirectory } from './gal-directory.js';
import type { GalScope } from './gal-scope.js';

/**
 * Extends `addressbook-multiget` (RFC 6352 §8.7) to the directory address book (§6.4): a report
 * name has one handler (STYLE §2), so this one hands address books to `base`. On the directory,
 * the hrefs name account cards and GAL cards; the shared multiget answers those the caller's
 * directory holds (a card another source hides is not one of them) and 404 for the others.
 * `address-data` is the directory card's, converted to the version asked for.
 */
export function withDirectoryMultiget(base: ReportHandler, db: Db, scope: GalScope): ReportHandler {
  return {
    name: base.name,
    appliesTo: (resource) => base.appliesTo(resource) || isDirectory(resource),
    parse: (body) => ({ book: base.parse(body), directory: parseMultiget(body, carddav('address-data')) }),
    run: async (parsed, resource, ctx, server) => {
      const query = parsed as { book: unknown; directory: MultigetQuery }; // produced by parse() above for this very request
      if (!isDirectory(resource)) return base.run(query.book, resource, ctx, server);
      return multigetOf(resource.path, query.directory, ctx, server, async (names) =>
        (await entriesFor(db, scope, resource.caller, { names })).map(directoryCard),
      );
    },
  };
}
