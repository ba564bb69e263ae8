import type { DavPath } from '@partage/dav-core';
import { repositories } from '@partage/storage';
import { NodeResources, type NodeAccount, type NodeResource, type NodeStore } from './node-resource.js';

/**
 * Resolves paths inside an account's home (`/webdav/<email>/…`) to node resources.
 *
 * @example const resource = await tree.resolve(account, ['webdav', email], ['Documents', 'a.txt']);
 */
export class AccountTree {
  private readonly resources: NodeResources;

  constructor(private readonly store: NodeStore, principalHref: (email: string) => string) {
    this.resources = new NodeResources(store, principalHref);
  }

  async resolve(account: NodeAccount, homePath: DavPath, segments: DavPath): Promise<NodeResource | undefined> {
    const node = await this.store.readCache.get(`node:${account.id}:${segments.join('/')}`, () =>
      repositories(this.store.db).nodes.resolvePath(account.id, segments),
    );
    return node && this.resources.resource(node, account, [...homePath, ...segments]);
  }
}
