import { DavError, makeResource, type DavPath, type Resource, type ResourceOps } from '@partage/dav-core';
import { ConfinedDirectory, etagOf, type ConfinedEntry } from './confined-directory.js';
import { isNodeResource, type NodeResource } from './node-types.js';

/**
 * A file or directory inside a server-path folder (SPEC §5). It is not a node: its
 * content, listing and ETag come from the directory on disk. Rights are those of the
 * folder that serves it (`folder`), which is a node like any other folder, so grants,
 * subscriptions and the policies apply unchanged.
 */
export interface ServerPathEntry extends Resource {
  readonly kind: 'server-path';
  /** The server-path folder (a node) this entry lies in. */
  readonly folder: NodeResource;
  /** Segments below the folder. */
  readonly segments: readonly string[];
}

/** Narrows a resource to an entry of a server-path folder. */
export const isServerPathEntry = (r: Resource): r is ServerPathEntry => r.kind === 'server-path';

/** The confined directory of a server-path folder node, or undefined for any other node. */
export function confinedDirectoryOf(folder: NodeResource): ConfinedDirectory | undefined {
  const { serverPath, serverPathRecursive } = folder.node;
  return serverPath === null ? undefined : new ConfinedDirectory(serverPath, serverPathRecursive);
}

/**
 * The operations a server-path folder's directory (at `segments`, [] for the folder itself)
 * offers: listing, PUT of members, MKCOL (recursive folders), and for entries GET with
 * ranges, PUT, DELETE, COPY and MOVE within the same directory tree. PROPPATCH is not
 * offered on entries (403: there is nowhere to keep dead properties), nor sync-collection.
 */
function directoryOps(folder: NodeResource, directory: ConfinedDirectory, segments: readonly string[]): ResourceOps {
  return {
    children: async () => (await directory.list(segments)).map((e) => entryResource(folder, directory, e)),
    createMember: async (name, body, meta) => {
      const stats = await directory.write([...segments, name], body, { mustNotExist: meta.mustNotExist });
      return { etag: etagOf(stats) };
    },
    createCollection: async (name, body) => {
      if (body) throw new DavError(403, undefined, 'a server-path folder holds plain directories only');
      await directory.makeDirectory([...segments, name]);
    },
  };
}

/** The resource of an entry found on disk. */
function entryResource(folder: NodeResource, directory: ConfinedDirectory, entry: ConfinedEntry): ServerPathEntry {
  const path: DavPath = [...folder.path, ...entry.segments];
  const removable: ResourceOps = {
    delete: () => directory.remove(entry.segments),
    transfer: async (mode, target, name, _depth, existing) => {
      const targetSegments = segmentsIn(target, directory);
      if (!targetSegments) {
        throw new DavError(403, undefined, 'COPY and MOVE stay within the same server-path folder');
      }
      await directory.transfer(mode, entry.segments, [...targetSegments, name], existing !== undefined);
    },
  };
  const ops: ResourceOps = entry.isDirectory
    ? { ...directoryOps(folder, directory, entry.segments), ...removable }
    : {
        ...removable,
        read: (range) => directory.read(entry.segments, range),
        write: async (body, meta) => {
          const stats = await directory.write(entry.segments, body, { expectedEtag: meta.expectedEtag });
          return { etag: etagOf(stats) };
        },
      };
  const base = makeResource({
    kind: 'server-path',
    path,
    isCollection: entry.isDirectory,
    etag: entry.isDirectory ? undefined : etagOf(entry.stats),
    lastModified: entry.stats.mtime,
    createdAt: entry.stats.birthtime,
    contentType: entry.isDirectory ? undefined : 'application/octet-stream',
    contentLength: entry.isDirectory ? undefined : entry.stats.size,
    ownerHref: folder.ownerHref,
    ops,
  });
  return { ...base, kind: 'server-path', folder, segments: entry.segments };
}

/** Where `target` lies in `directory`: [] for the folder itself, its segments for an entry; undefined elsewhere. */
function segmentsIn(target: Resource, directory: ConfinedDirectory): readonly string[] | undefined {
  if (isServerPathEntry(target)) return target.folder.node.serverPath === directory.root ? target.segments : undefined;
  if (isNodeResource(target)) return target.node.serverPath === directory.root ? [] : undefined;
  return undefined;
}

/**
 * A server-path folder node with its members served from its directory: the folder keeps
 * the node's own operations that concern the folder (dead properties, DELETE, which
 * detaches it and leaves the directory alone) and takes its members from the disk.
 */
export function serverPathFolder(folder: NodeResource): NodeResource {
  const directory = confinedDirectoryOf(folder);
  if (!directory) return folder;
  const own = folder.ops;
  const deadProperties = own.deadProperties?.bind(own);
  const patchProperties = own.patchProperties?.bind(own);
  const detach = own.delete?.bind(own);
  return {
    ...folder,
    ops: {
      ...(deadProperties ? { deadProperties } : {}),
      ...(patchProperties ? { patchProperties } : {}),
      ...(detach ? { delete: detach } : {}),
      ...directoryOps(folder, directory, []),
    },
  };
}

/** The entry at `segments` below a server-path folder, or undefined; 403 for a path that leads out. */
export async function serverPathEntry(folder: NodeResource, segments: readonly string[]): Promise<ServerPathEntry | undefined> {
  const directory = confinedDirectoryOf(folder);
  if (!directory || segments.length === 0) return undefined;
  const entry = await directory.entry(segments);
  return entry && entryResource(folder, directory, entry);
}
