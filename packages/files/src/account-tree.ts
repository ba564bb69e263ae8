import type { DavPath } from '@partage/dav-core';
import { repositories } from '@partage/storage';
import type { FolderKindSpec } from './item-content.js';
import { NodeResources } from './node-resource.js';
import type { NodeAccount, NodeResource, NodeStore } from './node-types.js';

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

  async resolve(account: NodeAccount, homePath: DavPath, segments: DavPath): Promise<NodeResource | undefined> {
    const node = await this.store.readCache.get(`node:${account.id}:${segments.join('/')}`, () =>
      repositories(this.store.db).nodes.resolvePath(account.id, segments),
    );
    return node && this.resources.resource(node, account, [...homePath, ...segments]);
  }
}
