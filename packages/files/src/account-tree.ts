import type { DavPath } from '@partage/dav-core';
import { repositories, type NodeRow } from '@partage/storage';
import type { FolderKindSpec } from './item-content.js';
import { NodeResources } from './node-resource.js';
import type { NodeAccount, NodeResource, NodeStore } from './node-types.js';
import { serverPathEntry, type ServerPathEntry } from './server-path-resource.js';

/**
 * Resolves paths inside an account's home (`/webdav/<email>/…`) to node resources.
 *
 * @example const resource = await tree.resolve(account, ['webdav', email], ['Documents', 'a.txt']);
 */
export class AccountTree {
  readonly resources: NodeResources;

  constructor(
    private readonly store: NodeStore,
    principalHref: (email: string) => string,
    kinds: readonly FolderKindSpec[],
  ) {
    this.resources = new NodeResources(store, principalHref, kinds);
  }

  /**
   * The node at `segments`, or, below a top-level server-path folder (SPEC §5), the entry
   * of its directory there (403 for a path that leads out of it).
   */
  async resolve(account: NodeAccount, homePath: DavPath, segments: DavPath): Promise<NodeResource | ServerPathEntry | undefined> {
    const node = await this.node(account, segments);
    if (node) return this.resources.resource(node, account, [...homePath, ...segments]);
    const [first, ...below] = segments;
    if (first === undefined || below.length === 0) return undefined;
    const folder = await this.node(account, [first]);
    if (folder?.serverPath === null || folder === undefined) return undefined;
    return serverPathEntry(this.resources.resource(folder, account, [...homePath, first]), below);
  }

  /**
   * The node at `segments`. With the read cache, each folder on the way is looked up once and
   * kept, so a new path below a known folder costs one lookup of its last name; without it
   * (PostgreSQL), the whole path is one query.
   */
  private async node(account: NodeAccount, segments: DavPath): Promise<NodeRow | undefined> {
    const repos = repositories(this.store.db);
    if (!this.store.readCache.isEnabled) return repos.nodes.resolvePath(account.id, segments);
    const parentPath = segments.slice(0, -1);
    const name = segments.at(-1);
    const parent = name === undefined ? undefined : await this.node(account, parentPath);
    if (name !== undefined && !parent) return undefined;
    // A path that resolved changes only when a node row is updated or deleted (names are unique
    // in a folder); one that did not can also be taken by a new node.
    return this.store.readCache.get(
      `node:${account.id}:${segments.join('/')}`,
      () => (parent === undefined || name === undefined ? repos.nodes.home(account.id) : repos.nodes.child(parent.id, name)),
      (node) => (node ? ['node:existing'] : ['node']),
    );
  }
}
