import { DavError, hrefOf, makeResource, type DavPath, type Resource } from '@partage/dav-core';
import { serverPathEntry, type NodeResource, type NodeResources } from '@partage/files';
import { repositories, type AccountRow, type Db, type NodeRow } from '@partage/storage';

/** One subscribed folder as it appears in a sharee's home. */
interface Binding {
  /** Path below the sharee's home: one segment for calendars and address books, under the shared prefix for files. */
  readonly segments: readonly string[];
  readonly owner: AccountRow;
  readonly folder: NodeRow;
}

/**
 * Subscriptions shown in the sharee's home (SPEC §5): a subscribed calendar, task list,
 * note list or address book is a binding at depth 1 named `<owner>~<folder>`, shown as
 * `<folder display name> (<owner>)`; subscribed files folders appear below the shared
 * prefix (`Shared/accounts/<owner>/<folder>/`). A binding is the owner's folder under
 * another URL, not a copy; the caller's rights on it are those on the owner's folder, so
 * what it may not read is absent. Deleting a binding unsubscribes. A whole-account
 * subscription binds every top-level folder of the owner, now and later.
 */
export class SubscriptionBindings {
  constructor(
    private readonly db: Db,
    private readonly resources: NodeResources,
    private readonly sharedPrefix: readonly string[],
  ) {}

  private async bindings(sharee: Pick<AccountRow, 'id'>): Promise<Binding[]> {
    const repos = repositories(this.db);
    const subscriptions = await repos.grants.subscriptions(sharee.id);
    const result: Binding[] = [];
    const seen = new Set<number>();
    for (const subscription of subscriptions) {
      const owner = await repos.accounts.findAccount(subscription.ownerId);
      if (!owner) continue;
      let folders: NodeRow[];
      if (subscription.folderId === null) {
        const home = await repos.nodes.home(owner.id);
        folders = home ? (await repos.nodes.children(home.id)).filter((n) => n.isCollection) : [];
      } else {
        const folder = await repos.nodes.byId(subscription.folderId);
        folders = folder ? [folder] : [];
      }
      for (const folder of folders) {
        if (seen.has(folder.id)) continue;
        seen.add(folder.id);
        const below = await repos.nodes.pathBelowHome(folder.id);
        const segments =
          folder.folderKind === 'files'
            ? [...this.sharedPrefix, owner.email, ...below]
            : [`${owner.email}~${below.join('~')}`];
        result.push({ segments, owner, folder });
      }
    }
    return result;
  }

  /**
   * The href of the binding of an owner's folder in the sharee's home, or of the home itself
   * for a whole account (`CS:shared-as` of an accepted invitation); undefined when unbound.
   */
  async hrefOf(sharee: Pick<AccountRow, 'id' | 'email'>, folderId: number | null): Promise<string | undefined> {
    if (folderId === null) return hrefOf(['webdav', sharee.email], true);
    const binding = (await this.bindings(sharee)).find((b) => b.folder.id === folderId);
    return binding && hrefOf(['webdav', sharee.email, ...binding.segments], true);
  }

  /** Whether a first segment below a home can be a binding (`<owner>~<folder>` or the shared prefix): no query otherwise. */
  mayHold(firstSegment: string): boolean {
    return firstSegment.includes('~') || firstSegment === this.sharedPrefix[0];
  }

  /** The bound folders and the shared-prefix collection, as members of the sharee's home. */
  async homeMembers(sharee: AccountRow, homePath: DavPath): Promise<Resource[]> {
    const bindings = await this.bindings(sharee);
    const members: Resource[] = bindings
      .filter((b) => b.segments.length === 1)
      .map((b) => this.bound(b, homePath, b.segments));
    if (bindings.some((b) => b.segments.length > 1) && this.sharedPrefix[0] !== undefined) {
      members.push(this.virtual(sharee, homePath, [this.sharedPrefix[0]]));
    }
    return members;
  }

  /** The resource at `segments` below the sharee's home when it lies in a binding, else undefined. */
  async resolve(sharee: AccountRow, homePath: DavPath, segments: DavPath): Promise<Resource | undefined> {
    if (segments.length === 0) return undefined;
    const bindings = await this.bindings(sharee);
    for (const binding of bindings) {
      const n = binding.segments.length;
      if (segments.length < n || !binding.segments.every((s, i) => segments[i] === s)) continue;
      const rest = segments.slice(n);
      if (rest.length === 0) return this.bound(binding, homePath, binding.segments);
      const below = await repositories(this.db).nodes.pathBelowHome(binding.folder.id);
      const node = await repositories(this.db).nodes.resolvePath(binding.owner.id, [...below, ...rest]);
      if (node) return this.resources.resource(node, binding.owner, [...homePath, ...segments]);
      // Below a bound server-path folder, the members come from its directory (SPEC §5).
      return serverPathEntry(this.bound(binding, homePath, binding.segments), rest);
    }
    const isPrefix = bindings.some(
      (b) => b.segments.length > segments.length && segments.every((s, i) => b.segments[i] === s),
    );
    return isPrefix ? this.virtual(sharee, homePath, segments) : undefined;
  }

  /** The owner's folder at its binding path; DELETE unsubscribes instead of deleting the folder. */
  private bound(binding: Binding, homePath: DavPath, segments: readonly string[]): NodeResource {
    const resource = this.resources.resource(binding.folder, binding.owner, [...homePath, ...segments]);
    const name = binding.folder.displayName ?? binding.folder.name;
    const ops = { ...resource.ops };
    delete ops.transfer;
    delete ops.delete;
    return {
      ...resource,
      // CS:shared: a folder of another account shared to the caller (caldav-sharing §5.1).
      resourceTypes: [...resource.resourceTypes, '{http://calendarserver.org/ns/}shared'],
      displayName: `${name} (${binding.owner.email})`,
      ops: {
        ...ops,
        delete: async () => {
          const repos = repositories(this.db);
          const shareeId = await this.shareeOf(homePath);
          await repos.grants.unsubscribe(shareeId, binding.owner.id, binding.folder.id);
        },
      },
    };
  }

  private async shareeOf(homePath: DavPath): Promise<number> {
    const account = await repositories(this.db).accounts.findAccountByEmail(homePath[homePath.length - 1] ?? '');
    if (!account) throw new DavError(404, undefined, 'no such home');
    return account.id;
  }

  /** A collection of the shared prefix (`Shared/`, `Shared/accounts/`, `…/<owner>/`): lists what lies below it. */
  private virtual(sharee: AccountRow, homePath: DavPath, segments: readonly string[]): Resource {
    return makeResource({
      kind: 'shared-prefix',
      path: [...homePath, ...segments],
      isCollection: true,
      displayName: segments[segments.length - 1],
      ops: {
        children: async () => {
          const bindings = await this.bindings(sharee);
          const below = bindings.filter(
            (b) => b.segments.length > segments.length && segments.every((s, i) => b.segments[i] === s),
          );
          const members: Resource[] = [];
          const names = new Set<string>();
          for (const binding of below) {
            const next = binding.segments[segments.length] ?? '';
            if (names.has(next)) continue;
            names.add(next);
            members.push(
              binding.segments.length === segments.length + 1
                ? this.bound(binding, homePath, binding.segments)
                : this.virtual(sharee, homePath, [...segments, next]),
            );
          }
          return members;
        },
      },
    });
  }
}
