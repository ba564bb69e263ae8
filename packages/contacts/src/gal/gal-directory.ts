import { Readable } from 'node:stream';
import { makeResource, type DavPath, type RequestContext, type Resource } from '@partage/dav-core';
import { convertVcard } from '@partage/ical';
import type { Db } from '@partage/storage';
import { acceptedVersion } from '../address-data-request.js';
import { carddav } from '../names.js';
import { directoryEntries, directoryView, type DirectoryEntry } from './directory-entries.js';
import { directoryChanges, directoryState, directoryToken } from './directory-sync.js';
import type { GalCaller, GalScope } from './gal-scope.js';

/**
 * `/webdav/directory/`: one URL for every account, whose members depend on the caller
 * (RFC 6352 §6.4). It is outside the homes, so it never collides with a folder name, and
 * the second segment of an account URL always holds an `@` (SPEC §3).
 */
export const directoryPath: DavPath = ['webdav', 'directory'];

/** The directory address book as seen by one caller. */
export interface DirectoryResource extends Resource {
  readonly kind: 'gal-directory';
  readonly caller: GalCaller;
}

/** One card of the directory: read-only, generated or taken from a GAL. */
export interface DirectoryCardResource extends Resource {
  readonly kind: 'gal-card';
  readonly data: string;
}

export const isDirectory = (r: Resource): r is DirectoryResource => r.kind === 'gal-directory';
export const isDirectoryCard = (r: Resource): r is DirectoryCardResource => r.kind === 'gal-card';

/** The resource of one directory entry. */
export function directoryCard(entry: DirectoryEntry): DirectoryCardResource {
  const bytes = Buffer.from(entry.data, 'utf8');
  const base = makeResource({
    kind: 'gal-card',
    path: [...directoryPath, entry.name],
    isCollection: false,
    etag: entry.etag,
    contentType: 'text/vcard; charset=utf-8',
    contentLength: bytes.length,
    ops: {
      read: (range) => Promise.resolve(Readable.from([range ? bytes.subarray(range.start, range.end + 1) : bytes])),
      represent: (accept) => {
        const version = acceptedVersion(accept);
        if (version === undefined || entry.data.includes(`VERSION:${version}`)) return Promise.resolve(undefined);
        const body = Buffer.from(convertVcard(entry.data, version), 'utf8');
        return Promise.resolve({ contentType: `text/vcard; version=${version}; charset=utf-8`, body });
      },
    },
  });
  return { ...base, kind: 'gal-card', data: entry.data };
}

/**
 * Resolves `/webdav/directory/…` for the caller: the address book and its cards, or nothing
 * for an anonymous caller. A caller without GroupWare is refused by the authorizer (SPEC §2:
 * the GAL then only feeds autocomplete).
 *
 * @example const resource = await galDirectory(db, scope).resolve(['g42.vcf'], ctx);
 */
export function galDirectory(db: Db, scope: GalScope) {
  const callerOf = async (ctx: RequestContext): Promise<GalCaller | undefined> => {
    const principal = ctx.principal;
    if (!principal) return undefined;
    return { id: principal.id, isAdmin: principal.isAdmin };
  };
  return {
    resolve: async (segments: DavPath, ctx: RequestContext): Promise<Resource | undefined> => {
      const caller = await callerOf(ctx);
      if (!caller || segments.length > 1) return undefined;
      const [name] = segments;
      if (name !== undefined) {
        const [entry] = await directoryEntries(db, await directoryView(db, scope, caller), { names: [name] });
        return entry && directoryCard(entry);
      }
      // The view (the GALs the caller may read now) is computed once per request and operation.
      const view = () => directoryView(db, scope, caller);
      const base = makeResource({
        kind: 'gal-directory',
        path: directoryPath,
        isCollection: true,
        resourceTypes: [carddav('addressbook')],
        displayName: 'Directory',
        ops: {
          children: async () => (await directoryEntries(db, await view())).map(directoryCard),
          syncToken: async () => directoryToken(db, await directoryState(db, await view())),
          changes: async (token, limit) => directoryChanges(db, await view(), directoryPath, directoryCard, token, limit),
        },
      });
      const directory: DirectoryResource = { ...base, kind: 'gal-directory', caller };
      return directory;
    },
  };
}
