import { sql, type Expression, type OperationNodeSource, type QueryCreator, type Selectable } from 'kysely';
import type { ChangeTable, Database, NodeTable } from '../schema/index.js';
import type { Executor } from './executor.js';

export type NodeRow = Selectable<NodeTable>;
export type FolderKind = NonNullable<NodeTable['folderKind']>;
export type ChangeKind = ChangeTable['changeKind'];

/**
 * The inserts of a new item's own rows (a card and its values), given the new node's id as an
 * expression: {@link NodeRepository.createFile} runs them as common table expressions of the
 * statement that creates the node.
 */
export type AttachedRows = (
  db: QueryCreator<Database>,
  nodeId: Expression<number>,
) => readonly OperationNodeSource[];

/** New content of a file node. */
export interface NodeContent {
  contentType: string | null;
  contentLength: number;
  etag: string;
  /** Null when the content lives in a table of its kind (calendar objects, cards). */
  blobId: string | null;
}

/** The tree of an account: home, folders, subfolders and items (one `node` row each). */
export class NodeRepository {
  constructor(private readonly db: Executor) {}

  home(accountId: number): Promise<NodeRow | undefined> {
    return this.db
      .selectFrom('node')
      .selectAll()
      .where('accountId', '=', accountId)
      .where('parentId', 'is', null)
      .executeTakeFirst();
  }

  byId(id: number): Promise<NodeRow | undefined> {
    return this.db.selectFrom('node').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** The folder chain of a node: itself, then each ancestor up to (not including) the home; one query. */
  async folderChain(id: number): Promise<number[]> {
    const result = await sql<{ id: number; depth: number }>`
      with recursive up(id, parent_id, depth) as (
        select id, parent_id, 0 from node where id = ${id}
        union all
        select n.id, n.parent_id, up.depth + 1 from node n join up on n.id = up.parent_id
      ) select id, depth from up where parent_id is not null order by depth`.execute(this.db);
    return result.rows.map((r) => r.id);
  }

  /** The names from the top-level folder down to the node (its path below the home); one query. */
  async pathBelowHome(id: number): Promise<string[]> {
    const result = await sql<{ name: string; depth: number }>`
      with recursive up(id, parent_id, name, depth) as (
        select id, parent_id, name, 0 from node where id = ${id}
        union all
        select n.id, n.parent_id, n.name, up.depth + 1 from node n join up on n.id = up.parent_id
      ) select name, depth from up where parent_id is not null order by depth desc`.execute(this.db);
    return result.rows.map((r) => r.name);
  }

  /** Nodes by id, in one query. */
  byIds(ids: readonly number[]): Promise<NodeRow[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.db.selectFrom('node').selectAll().where('id', '=', sql<number>`any(${[...ids]}::bigint[])`).execute();
  }

  /** The folders of one kind of an account, at any depth (its calendars, for delegation). */
  foldersOfKind(accountId: number, kind: FolderKind): Promise<NodeRow[]> {
    return this.db
      .selectFrom('node')
      .selectAll()
      .where('accountId', '=', accountId)
      .where('isCollection', '=', true)
      .where('folderKind', '=', kind)
      .orderBy('id')
      .execute();
  }

  /** Members of a collection by name, in one query. */
  childrenNamed(parentId: number, names: readonly string[]): Promise<NodeRow[]> {
    if (names.length === 0) return Promise.resolve([]);
    return this.db
      .selectFrom('node')
      .selectAll()
      .where('parentId', '=', parentId)
      .where('name', '=', sql<string>`any(${[...names]}::text[])`)
      .execute();
  }

  child(parentId: number, name: string): Promise<NodeRow | undefined> {
    return this.db
      .selectFrom('node')
      .selectAll()
      .where('parentId', '=', parentId)
      .where('name', '=', name)
      .executeTakeFirst();
  }

  children(parentId: number): Promise<NodeRow[]> {
    return this.db.selectFrom('node').selectAll().where('parentId', '=', parentId).orderBy('name').execute();
  }

  /** The node at `segments` below an account's home, in one query (a recursive walk by name). */
  async resolvePath(accountId: number, segments: readonly string[]): Promise<NodeRow | undefined> {
    if (segments.length === 0) return this.home(accountId);
    const result = await sql<NodeRow>`
      with recursive walk(depth, id) as (
        select 0, id from node where account_id = ${accountId} and parent_id is null
        union all
        select walk.depth + 1, n.id from walk
          join node n on n.parent_id = walk.id and n.name = (${[...segments]}::text[])[walk.depth + 1]
        where walk.depth < ${segments.length}
      )
      select node.* from walk join node on node.id = walk.id where walk.depth = ${segments.length}`.execute(this.db);
    return result.rows[0];
  }

  createHome(accountId: number): Promise<NodeRow> {
    return this.db
      .insertInto('node')
      .values({ accountId, parentId: null, name: '', isCollection: true, folderKind: 'home' })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** Creates a collection; a unique violation means the name is taken. */
  async createCollection(values: {
    accountId: number;
    parentId: number;
    name: string;
    folderKind: FolderKind;
    components?: string | null;
    displayName?: string | null;
    /** A server-path folder's directory (real path) and whether it is recursive. */
    serverPath?: string | null;
    serverPathRecursive?: boolean;
  }): Promise<NodeRow> {
    const row = await this.db
      .insertInto('node')
      .values({ ...values, isCollection: true })
      .returningAll()
      .executeTakeFirstOrThrow();
    await this.appendChange(values.parentId, values.name, 'created');
    return row;
  }

  /**
   * Creates an item; `folderKind` is the kind of item (the kind of its folder). One statement
   * (the embedded store pays per statement, ADR 0011): the change row, with `countUsage` the
   * account's usage, and the item's own rows that `attached` inserts (ADR 0021) are common
   * table expressions of the node's insert. One statement is atomic without a transaction;
   * foreign keys (a card's to its node) are checked at its end, when the node row exists.
   */
  async createFile(
    values: { accountId: number; parentId: number; name: string; folderKind?: FolderKind } & NodeContent,
    options: { countUsage?: boolean; changeUid?: string | undefined; attached?: AttachedRows } = {},
  ): Promise<NodeRow> {
    const countUsage = options.countUsage === true;
    let query = this.db
      .with('created', (db) => db.insertInto('node').values({ ...values, isCollection: false }).returningAll())
      .with('logged', (db) =>
        db
          .insertInto('change')
          .values({ collectionId: values.parentId, memberName: values.name, changeKind: 'created', uid: options.changeUid ?? null }),
      )
      .with('counted', (db) =>
        db
          .updateTable('account')
          .set({ usedBytes: sql`greatest(0, used_bytes + ${values.contentLength})` })
          .where('id', '=', values.accountId)
          .where(sql<boolean>`${countUsage}`),
      );
    // Built with the query builder rather than as SQL text, so that the store's read cache
    // learns which tables and columns the statement writes (of the account, its usage only).
    const nodeId = sql<number>`(select id from created)`;
    options.attached?.(this.db, nodeId).forEach((insert, i) => {
      // kysely types a CTE by its builder; the attached inserts return nothing the query reads.
      query = query.with(`attached_${i}`, (() => insert) as never) as unknown as typeof query;
    });
    return query.selectFrom('created').selectAll().executeTakeFirstOrThrow();
  }

  /**
   * Replaces the content of a file node if its stored entity tag is still `expectedEtag`
   * (compare-and-swap; pass undefined to replace unconditionally). Returns the replaced
   * row, or undefined when the tag no longer matches or the node is gone.
   */
  async replaceContent(node: NodeRow, content: NodeContent, expectedEtag?: string, changeUid?: string): Promise<NodeRow | undefined> {
    const before = await this.db
      .selectFrom('node')
      .selectAll()
      .where('id', '=', node.id)
      .forUpdate()
      .executeTakeFirst();
    if (!before || (expectedEtag !== undefined && before.etag !== expectedEtag)) return undefined;
    const set = { ...content, modifiedAt: new Date() };
    const parentId = node.parentId;
    if (parentId === null) await this.db.updateTable('node').set(set).where('id', '=', node.id).execute();
    else {
      // One statement with its change row (the embedded store pays per statement, ADR 0011).
      await this.db
        .with('logged', (db) =>
          db.insertInto('change').values({ collectionId: parentId, memberName: node.name, changeKind: 'modified', uid: changeUid ?? null }),
        )
        .updateTable('node')
        .set(set)
        .where('id', '=', node.id)
        .execute();
    }
    return before;
  }

  async setDisplayName(id: number, displayName: string | null): Promise<void> {
    await this.db.updateTable('node').set({ displayName }).where('id', '=', id).execute();
  }

  /** The node and everything below it. */
  subtree(id: number): Promise<NodeRow[]> {
    return sql<NodeRow>`
      with recursive sub as (
        select * from node where id = ${id}
        union all
        select n.* from node n join sub on n.parent_id = sub.id
      ) select * from sub`
      .execute(this.db)
      .then((r) => r.rows);
  }

  /** Deletes a node and its subtree; returns the blobs to drop after commit and the bytes freed. */
  async deleteSubtree(node: NodeRow): Promise<{ blobIds: string[]; bytes: number }> {
    const rows = await this.subtree(node.id);
    await this.db.deleteFrom('node').where('id', '=', node.id).execute();
    if (node.parentId !== null) await this.appendChange(node.parentId, node.name, 'deleted');
    return {
      blobIds: rows.flatMap((r) => (r.blobId ? [r.blobId] : [])),
      bytes: rows.reduce((sum, r) => sum + r.contentLength, 0),
    };
  }

  /** Moves and/or renames a node, and hands its subtree to `accountId`. */
  async move(node: NodeRow, parentId: number, name: string, accountId: number): Promise<void> {
    await this.db.updateTable('node').set({ parentId, name, modifiedAt: new Date() }).where('id', '=', node.id).execute();
    if (accountId !== node.accountId) {
      await sql`
        with recursive sub as (
          select id from node where id = ${node.id}
          union all
          select n.id from node n join sub on n.parent_id = sub.id
        ) update node set account_id = ${accountId} where id in (select id from sub)`.execute(this.db);
    }
    if (node.parentId !== null) await this.appendChange(node.parentId, node.name, 'deleted');
    await this.appendChange(parentId, name, 'created');
  }

  async deadProperties(nodeId: number): Promise<{ name: string; xml: string }[]> {
    return this.db.selectFrom('deadProperty').select(['name', 'xml']).where('nodeId', '=', nodeId).orderBy('name').execute();
  }

  /** Dead properties of many nodes in one query, by node id (for listings). */
  async deadPropertiesOf(nodeIds: readonly number[]): Promise<Map<number, string[]>> {
    const byNode = new Map<number, string[]>();
    if (nodeIds.length === 0) return byNode;
    const rows = await this.db
      .selectFrom('deadProperty')
      .select(['nodeId', 'xml'])
      // One array parameter: the same statement text (and prepared plan) for any number of ids.
      .where('nodeId', '=', sql<number>`any(${[...nodeIds]}::bigint[])`)
      .orderBy('name')
      .execute();
    for (const row of rows) byNode.set(row.nodeId, [...(byNode.get(row.nodeId) ?? []), row.xml]);
    return byNode;
  }

  async patchDeadProperties(
    nodeId: number,
    set: readonly { name: string; xml: string }[],
    remove: readonly string[],
  ): Promise<void> {
    if (remove.length > 0) {
      await this.db.deleteFrom('deadProperty').where('nodeId', '=', nodeId).where('name', 'in', [...remove]).execute();
    }
    for (const property of set) {
      await this.db
        .insertInto('deadProperty')
        .values({ nodeId, name: property.name, xml: property.xml })
        .onConflict((oc) => oc.columns(['nodeId', 'name']).doUpdateSet({ xml: property.xml }))
        .execute();
    }
  }

  /** Copies the dead properties of one node to another. */
  async copyDeadProperties(fromId: number, toId: number): Promise<void> {
    await sql`insert into dead_property (node_id, name, xml) select ${toId}, name, xml from dead_property where node_id = ${fromId}`.execute(
      this.db,
    );
  }

  /** Appends to the change log of a collection (the source of sync tokens and CTags). */
  async appendChange(collectionId: number, memberName: string, changeKind: ChangeKind): Promise<void> {
    await this.db.insertInto('change').values({ collectionId, memberName, changeKind }).execute();
  }

  /**
   * Members of a collection changed after `seq`, each with its latest change, oldest
   * first; at most `limit` (then `truncated`). Member names are those of the change log.
   */
  async changesSince(
    collectionId: number,
    seq: number,
    limit: number | undefined,
  ): Promise<{ changes: { memberName: string; changeKind: ChangeKind; seq: number }[]; truncated: boolean }> {
    const rows = await sql<{ memberName: string; changeKind: ChangeKind; seq: number }>`
      select member_name, (array_agg(change_kind order by seq desc))[1] as change_kind, max(seq) as seq
      from change where collection_id = ${collectionId} and seq > ${seq}
      group by member_name order by max(seq)
      ${limit === undefined ? sql`` : sql`limit ${limit + 1}`}`.execute(this.db);
    const all = rows.rows;
    const truncated = limit !== undefined && all.length > limit;
    return { changes: truncated ? all.slice(0, limit) : all, truncated };
  }

  async latestChange(collectionId: number): Promise<number | undefined> {
    const row = await this.db
      .selectFrom('change')
      .select((eb) => eb.fn.max<number | null>('seq').as('seq'))
      .where('collectionId', '=', collectionId)
      .executeTakeFirst();
    return row?.seq ?? undefined;
  }
}

