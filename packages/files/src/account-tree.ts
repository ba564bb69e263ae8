import type { DavPath } from '@partage/dav-core';
import { repositories } from '@partage/storage';
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

  private node(account: NodeAccount, segments: DavPath) {
    return this.store.readCache.get(`node:${account.id}:${segments.join('/')}`, () =>
      repositories(this.store.db).nodes.resolvePath(account.id, segments),
    );
  }
}
