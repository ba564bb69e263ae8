import { Readable } from 'node:stream';
import { parseXml, type XmlElement } from '@partage/dav-xml';
import { DavError, type DavPath, type Resource, type ResourceOps } from '@partage/dav-core';
import { repositories, type FolderKind, type NodeRow } from '@partage/storage';
import type { FolderKindSpec } from './item-content.js';
import { serverPathFolder } from './server-path-resource.js';
import { changesOf, currentSyncToken } from './node-sync.js';
import { transfer } from './node-transfer.js';
import type { NodeAccount, NodeResource, NodeStore } from './node-types.js';
import { createCollection, createItem, deleteNode, patchProperties, replaceItem } from './node-writes.js';

/**
 * Builds the resources of an account's tree and wires their operations to the node
 * machinery: writes, deletes, copies and moves, properties and sync are the same for every
 * folder kind; only item content differs (`FolderKindSpec`).
 */
export class NodeResources {
  private readonly kinds: ReadonlyMap<FolderKind, FolderKindSpec>;

  constructor(
    private readonly store: NodeStore,
    private readonly principalHref: (email: string) => string,
    kinds: readonly FolderKindSpec[],
  ) {
    this.kinds = new Map(kinds.map((k) => [k.kind, k]));
  }

  /** The spec of a folder kind (null: files, as items written before kinds were recorded). */
  spec(kind: FolderKind | null): FolderKindSpec {
    return this.kinds.get(kind ?? 'files') ?? unservedKind(kind ?? 'files');
  }

  /**
   * The resource for a node at a DAV path; `preloaded` dead properties (or their loader, shared
   * by the members of a listing) spare a query per member
   * in listings, and `ownerHref` (the account's principal) a string per member.
   */
  resource(
    node: NodeRow,
    account: NodeAccount,
    path: DavPath,
    preloaded?: DeadProperties,
    ownerHref = this.principalHref(account.email),
  ): NodeResource {
    const folderKind = node.folderKind ?? 'files';
    const spec = folderKind === 'home' ? undefined : this.spec(folderKind);
    // The operations are built on first use: listings and reports make many resources and
    // most of them are only read (their properties), never written, copied or synced. `ops`
    // stays an own property, so that spreading a resource keeps it.
    const operations = () => this.operations(node, account, path, folderKind, preloaded);
    let ops: ResourceOps | undefined;
    const resource: NodeResource = {
      kind: 'node',
      path,
      isCollection: node.isCollection,
      resourceTypes: node.isCollection && spec ? spec.resourceTypes : noResourceTypes,
      etag: node.etag ?? undefined,
      lastModified: node.modifiedAt,
      createdAt: node.createdAt,
      contentType: node.isCollection ? spec?.exportFolder?.contentType : (node.contentType ?? 'application/octet-stream'),
      contentLength: node.isCollection ? undefined : node.contentLength,
      displayName: node.displayName ?? undefined,
      ownerHref,
      node,
      account,
      folderKind,
      get ops(): ResourceOps {
        return (ops ??= operations());
      },
    };
    return node.isCollection && node.serverPath !== null ? serverPathFolder(resource) : resource;
  }

  private operations(
    node: NodeRow,
    account: NodeAccount,
    path: DavPath,
    folderKind: FolderKind,
    preloaded: DeadProperties | undefined,
  ): ResourceOps {
    const { store } = this;
    const common: ResourceOps = {
      deadProperties: async () =>
        typeof preloaded === 'function'
          ? preloaded()
          : (preloaded ?? (await repositories(store.db).nodes.deadProperties(node.id)).flatMap((p) => parseStored(p.xml))),
      patchProperties: (set, remove) => patchProperties(store, node, set, remove),
    };
    const removable: ResourceOps =
      node.parentId === null
        ? {}
        : {
            delete: () => deleteNode(store, node, account),
            transfer: (mode, target, name, depth, existing) =>
              transfer(
                store,
                { mode, source: node, sourceAccount: account, sourceKind: this.spec(folderKind), target, name, depth, existing },
                (folder) => this.spec(folder.folderKind),
              ),
          };
    if (!node.isCollection) {
      const spec = this.spec(folderKind);
      return {
        ...common,
        ...removable,
        ...(spec.content.readRestricted
          ? { readRestricted: () => spec.content.readRestricted?.(node) ?? Promise.resolve(Buffer.alloc(0)) }
          : {}),
        ...(spec.content.represent
          ? { represent: (accept: string) => spec.content.represent?.(node, accept) ?? Promise.resolve(undefined) }
          : {}),
        read: async (range) => {
          const stream = await spec.content.read(node);
          return range ? sliceStream(stream, range.start, range.end) : stream;
        },
        write: async (body, meta) => {
          const folder = node.parentId === null ? undefined : await repositories(store.db).nodes.byId(node.parentId);
          if (!folder) throw new DavError(409, undefined, 'the folder of this item is gone');
          return replaceItem(store, spec, folder, path.slice(0, -1), node, account, body, meta);
        },
      };
    }
    const members = () => this.children(node, account, path);
    const collection: ResourceOps = {
      ...common,
      ...removable,
      children: members,
      syncToken: () => currentSyncToken(store.db, node),
      changes: (token, limit) =>
        changesOf(store.db, node, path, async (names) => {
          const nodes = repositories(store.db).nodes;
          // A long list of names (an initial sync) is cheaper as the whole membership.
          const rows = names.length > 500 ? await nodes.children(node.id) : await nodes.childrenNamed(node.id, names);
          return this.members(rows, account, path);
        }, token, limit),
      quota: () => this.quota(account.id),
    };
    if (folderKind === 'home') {
      return {
        ...collection,
        createCollection: (name, body) => createCollection(store, node, account, name, this.kindOfNewFolder(body), body),
      };
    }
    const spec = this.spec(folderKind);
    const exported = spec.exportFolder;
    return {
      ...collection,
      ...(exported
        ? {
            read: async (_range, members) => {
              if (!members || (members.hidden.size === 0 && members.restricted.size === 0)) return exported.read(node);
              const named = await repositories(store.db).nodes.childrenNamed(node.id, [...members.hidden, ...members.restricted]);
              const ids = (names: ReadonlySet<string>) => new Set(named.filter((n) => names.has(n.name)).map((n) => n.id));
              return exported.read(node, { hidden: ids(members.hidden), restricted: ids(members.restricted) });
            },
          }
        : {}),
      createMember: (name, body, meta) => createItem(store, spec, node, path, account, name, body, meta),
      ...(spec.allowsSubcollections
        ? { createCollection: (name, body) => createCollection(store, node, account, name, spec, body) }
        : {}),
    };
  }

  /** The kind a new top-level folder gets: the one whose `newFolder` accepts the body, else files. */
  private kindOfNewFolder(body: XmlElement | undefined): FolderKindSpec {
    if (!body) return this.spec('files');
    for (const spec of this.kinds.values()) {
      if (spec.newFolder && spec.accepts?.(body)) return spec;
    }
    return this.spec('files');
  }

  private async children(node: NodeRow, account: NodeAccount, path: DavPath): Promise<Resource[]> {
    return this.members(await repositories(this.store.db).nodes.children(node.id), account, path);
  }

  /**
   * Resources for member rows of the collection at `path`. Their dead properties are loaded in
   * one query for all of them when the first is asked for (a report of live properties only,
   * getetag say, makes none): what listings and reports use for many members at once.
   */
  async members(rows: readonly NodeRow[], account: NodeAccount, path: DavPath): Promise<NodeResource[]> {
    let batch: Promise<Map<number, string[]>> | undefined;
    const stored = () => (batch ??= repositories(this.store.db).nodes.deadPropertiesOf(rows.map((r) => r.id)));
    const ownerHref = this.principalHref(account.email);
    return rows.map((row) =>
      this.resource(row, account, [...path, row.name], async () => ((await stored()).get(row.id) ?? []).flatMap((p) => parseStored(p)), ownerHref),
    );
  }

  private async quota(accountId: number): Promise<{ usedBytes: number; availableBytes: number | undefined }> {
    const account = await repositories(this.store.db).accounts.findAccount(accountId);
    const used = account?.usedBytes ?? 0;
    const quota = account?.quotaBytes;
    return { usedBytes: used, availableBytes: quota === null || quota === undefined ? undefined : Math.max(0, quota - used) };
  }
}

const noResourceTypes: readonly never[] = [];

/** Dead properties given to a resource: parsed already, or loaded on first use. */
type DeadProperties = XmlElement[] | (() => Promise<XmlElement[]>);

/** A folder kind whose module is not installed: its folders exist but accept nothing. */
function unservedKind(kind: FolderKind): FolderKindSpec {
  const refuse = (): never => {
    throw new DavError(403, undefined, `${kind} folders are not served by this server yet`);
  };
  return {
    kind,
    resourceTypes: [],
    allowsSubcollections: false,
    content: {
      prepare: async () => refuse(),
      read: async () => refuse(),
      copy: async () => refuse(),
      stageCopies: async () => refuse(),
      discardCopies: async () => undefined,
    },
  };
}

/** Stored dead properties are standalone XML fragments written by `writeXml`. */
function parseStored(xml: string): XmlElement[] {
  try {
    return [parseXml(xml, { maxBytes: Number.MAX_SAFE_INTEGER, maxDepth: 1000 })];
  } catch {
    return [];
  }
}

/** Bytes [start, end] of a stream, for content kinds that cannot seek. */
async function sliceStream(stream: Readable, start: number, end: number): Promise<Readable> {
  const chunks: Buffer[] = [];
  let offset = 0;
  for await (const chunk of stream) {
    const buffer = Buffer.from(chunk as Uint8Array); // content streams yield bytes
    const from = Math.max(0, start - offset);
    const to = Math.min(buffer.length, end + 1 - offset);
    if (from < to) chunks.push(buffer.subarray(from, to));
    offset += buffer.length;
    if (offset > end) break;
  }
  return Readable.from([Buffer.concat(chunks)]);
}
