import { sql, type ExpressionBuilder, type Expression, type Insertable, type Selectable, type SqlBool } from 'kysely';
import type { CardTable, Database, NodeTable } from '../schema/index.js';
import type { Executor } from './executor.js';
import type { AttachedRows } from './node-repository.js';

export type CardRow = Selectable<CardTable>;
export type NewCard = Omit<Insertable<CardTable>, 'nodeId' | 'folderId'>;

/** One indexed value of a card, with its fold computed by the caller. */
export interface NewCardValue {
  readonly property: string;
  readonly value: string;
  readonly valueFolded: string;
}

/**
 * What SQL can test before the exact addressbook-query filter (STYLE §3): a text condition on
 * an indexed property's values, or any/all of several. `isFolded` compares `valueFolded` with a
 * pattern the caller folded the same way; otherwise the raw value (i;octet).
 */
export type CardPrefilter = CardTextPrefilter | { readonly kind: 'anyof' | 'allof'; readonly parts: readonly CardPrefilter[] };

/** A text condition of a {@link CardPrefilter}: some value of `property` matches. */
export interface CardTextPrefilter {
  readonly kind: 'text';
  readonly property: string;
  readonly matchType: 'equals' | 'contains' | 'starts-with' | 'ends-with';
  readonly value: string;
  readonly isFolded: boolean;
}

const escapeLike = (value: string): string => value.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The condition a `card_value` row meets for a text prefilter: equality, or a LIKE pattern. */
function valueMatches(eb: ExpressionBuilder<Database, 'cardValue'>, filter: CardTextPrefilter): Expression<SqlBool> {
  const column = filter.isFolded ? 'cardValue.valueFolded' : 'cardValue.value';
  if (filter.matchType === 'equals') return eb(column, '=', filter.value);
  const escaped = escapeLike(filter.value);
  return eb(column, 'like', filter.matchType === 'contains' ? `%${escaped}%` : filter.matchType === 'starts-with' ? `${escaped}%` : `%${escaped}`);
}

/**
 * The SQL condition of a prefilter on `card`. A text condition reads the matching values through
 * `card_value`'s indexes (the folder/property/fold b-tree for equals and starts-with, the trigram
 * index of migration 0008 for contains and ends-with) into an array the card's primary key is
 * looked up in: a correlated EXISTS would probe every card of the address book instead.
 */
function condition(eb: ExpressionBuilder<Database, 'card'>, folderId: number, filter: CardPrefilter): Expression<SqlBool> {
  if (filter.kind !== 'text') {
    const parts = filter.parts.map((p) => condition(eb, folderId, p));
    return filter.kind === 'anyof' ? eb.or(parts) : eb.and(parts);
  }
  const matching = eb
    .selectFrom('cardValue')
    .select('cardValue.nodeId')
    .where('cardValue.folderId', '=', folderId)
    .where('cardValue.property', '=', filter.property)
    .where((inner) => valueMatches(inner, filter));
  return sql<SqlBool>`${sql.ref('card.nodeId')} = any(array(${matching}))`;
}

/** The one text condition a prefilter comes down to, if it does (`anyof` of one part, and so on). */
function singleCondition(prefilter: CardPrefilter): CardTextPrefilter | undefined {
  if (prefilter.kind === 'text') return prefilter;
  const [only, ...others] = prefilter.parts;
  return only && others.length === 0 ? singleCondition(only) : undefined;
}

/** A candidate of a query with its node: its data when asked for, and its values of some properties. */
export interface CandidateCard {
  readonly node: Selectable<NodeTable>;
  /** The vCard text, when asked for. */
  readonly data: string | undefined;
  /** The card's indexed values of the properties asked for, in no order. */
  readonly values: readonly { readonly property: string; readonly value: string }[];
}

/** A card with its member name in its folder. */
export interface NamedCardRow {
  readonly nodeId: number;
  readonly folderId: number;
  readonly name: string;
  readonly uid: string;
  readonly data: string;
  /** `PRIVATE`, `CONFIDENTIAL`, or null for a public card (SPEC §4, ADR 0017). */
  readonly classification: string | null;
}

const namedColumns = ['card.nodeId', 'card.folderId', 'node.name', 'card.uid', 'card.data', 'card.classification'] as const;

/**
 * The rows of a new card and its values, written in the statement that creates its node
 * (`NodeRepository.createFile`'s `attached`); the values go as three arrays, as in
 * {@link CardRepository.upsert}. Builds statements only: nothing is read or run here.
 */
export function newCardRows(folderId: number, card: NewCard, values: readonly NewCardValue[]): AttachedRows {
  return (db, nodeId) => [
    db.insertInto('card').values({ ...card, kind: card.kind ?? 'individual', nodeId, folderId }),
    db
      .insertInto('cardValue')
      .columns(['nodeId', 'folderId', 'property', 'value', 'valueFolded'])
      .expression(
        sql`select ${nodeId}, ${folderId}::bigint, v.property, v.value, v.value_folded
          from unnest(${values.map((v) => v.property)}::text[], ${values.map((v) => v.value)}::text[], ${values.map((v) => v.valueFolded)}::text[])
            as v(property, value, value_folded)`,
      ),
  ];
}

/** vCards and their indexed values, one card per address object node (RFC 6352 §5.1). */
export class CardRepository {
  constructor(private readonly db: Executor) {}

  byNode(nodeId: number): Promise<CardRow | undefined> {
    return this.db.selectFrom('card').selectAll().where('nodeId', '=', nodeId).executeTakeFirst();
  }

  byNodes(nodeIds: readonly number[]): Promise<CardRow[]> {
    if (nodeIds.length === 0) return Promise.resolve([]);
    return this.db.selectFrom('card').selectAll().where('nodeId', 'in', [...nodeIds]).execute();
  }

  /**
   * The private and confidential cards of some address books, in one query over the partial
   * index of migration 0012: the few classified rows, whatever the size of the address books.
   */
  async restrictedIn(folderIds: readonly number[]): Promise<Map<number, string>> {
    if (folderIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('card')
      .select(['nodeId', 'classification'])
      .where('folderId', 'in', [...folderIds])
      .where('classification', 'is not', null)
      .execute();
    return new Map(rows.flatMap((r) => (r.classification === null ? [] : [[r.nodeId, r.classification] as const])));
  }

  /** The node holding a UID in an address book, if any (for `no-uid-conflict`). */
  async nodeWithUid(folderId: number, uid: string): Promise<number | undefined> {
    const row = await this.db
      .selectFrom('card')
      .select('nodeId')
      .where('folderId', '=', folderId)
      .where('uid', '=', uid)
      .executeTakeFirst();
    return row?.nodeId;
  }

  /**
   * Stores a card and replaces its indexed values, in one statement: the card's upsert, the
   * removal of its old values and the insertion of the new ones are data-modifying CTEs of one
   * statement (the embedded store pays a fixed cost per statement, ADR 0011). The new values'
   * foreign key is checked at the end of the statement, once the card exists.
   */
  async upsert(
    nodeId: number,
    folderId: number,
    card: NewCard,
    values: readonly NewCardValue[],
    options: { changeHasUid?: boolean } = {},
  ): Promise<void> {
    // One statement: the card, the UID on the change row the node write just appended (the
    // directory's sync, migration 0013) unless that write gave it (`changeHasUid`: PUTs and
    // the GAL's member cards do; a COPY does not), and the values replaced, passed as three
    // arrays so that the SQL text, and its prepared plan, is the same for any number of values.
    await sql`
      with upserted as (
        insert into card (node_id, folder_id, uid, version, kind, fn, classification, data)
        values (${nodeId}, ${folderId}, ${card.uid}, ${card.version}, ${card.kind ?? 'individual'}, ${card.fn ?? null}, ${card.classification ?? null}, ${card.data})
        on conflict (node_id) do update set folder_id = excluded.folder_id, uid = excluded.uid, version = excluded.version,
          kind = excluded.kind, fn = excluded.fn, classification = excluded.classification, data = excluded.data
      ),
      tagged as (
        update change set uid = ${card.uid}
        where ${options.changeHasUid !== true} and seq = (
          select latest.seq from change latest
          where latest.collection_id = ${folderId} and latest.member_name = (select name from node where id = ${nodeId})
          order by latest.seq desc limit 1)
      ),
      removed as (delete from card_value where node_id = ${nodeId})
      insert into card_value (node_id, folder_id, property, value, value_folded)
      select ${nodeId}::bigint, ${folderId}::bigint, v.property, v.value, v.value_folded
      from unnest(${values.map((v) => v.property)}::text[], ${values.map((v) => v.value)}::text[], ${values.map((v) => v.valueFolded)}::text[])
        as v(property, value, value_folded)`.execute(this.db);
  }

  /** Copies a card and its values to a new node (COPY). */
  async copy(fromNodeId: number, toNodeId: number, toFolderId: number): Promise<void> {
    const card = await this.byNode(fromNodeId);
    if (!card) return;
    const values = await this.db
      .selectFrom('cardValue')
      .select(['property', 'value', 'valueFolded'])
      .where('nodeId', '=', fromNodeId)
      .execute();
    await this.upsert(toNodeId, toFolderId, { uid: card.uid, version: card.version, kind: card.kind, fn: card.fn, classification: card.classification, data: card.data }, values);
  }

  /** Follows cards moved to another address book (MOVE). */
  async setFolder(nodeIds: readonly number[], folderId: number): Promise<void> {
    if (nodeIds.length === 0) return;
    await this.db.updateTable('card').set({ folderId }).where('nodeId', 'in', [...nodeIds]).execute();
    await this.db.updateTable('cardValue').set({ folderId }).where('nodeId', 'in', [...nodeIds]).execute();
    // The `created` rows the move appended in the new folder record the UIDs (migration 0013).
    await sql`
      update change set uid = card.uid
      from card join node on node.id = card.node_id
      where card.node_id = any(${[...nodeIds]}::bigint[])
        and change.seq = (select max(c.seq) from change c where c.collection_id = node.parent_id and c.member_name = node.name)`.execute(this.db);
  }

  /**
   * Cards of an address book that may match a query, in node order (STYLE §3): callers still
   * apply the exact filter. Without a prefilter, every card.
   */
  findCandidates(folderId: number, prefilter: CardPrefilter | undefined): Promise<CardRow[]> {
    let query = this.db.selectFrom('card').selectAll().where('card.folderId', '=', folderId);
    if (prefilter) query = query.where((eb) => condition(eb, folderId, prefilter));
    return query.orderBy('card.nodeId').execute();
  }

  /**
   * The candidates of a query in one statement, with their node rows: each card's text only
   * when `withData` (a query that needs neither the exact filter on the whole card nor
   * address-data reads no card text), and its indexed values of `properties`.
   */
  async findCandidateCards(
    folderId: number,
    prefilter: CardPrefilter | undefined,
    options: {
      readonly withData: boolean;
      readonly properties: readonly string[];
      /**
       * The values the prefilter's single text condition let through are enough: the exact
       * filter is one positive text-match on that property, which no other value can satisfy.
       */
      readonly matchedValuesSuffice?: boolean;
    },
  ): Promise<CandidateCard[]> {
    const single = prefilter && singleCondition(prefilter);
    if (options.matchedValuesSuffice === true && single) return this.byMatchingValues(folderId, single, options.withData);
    let query = this.db
      .selectFrom('card')
      .innerJoin('node', 'node.id', 'card.nodeId')
      .selectAll('node')
      .select(options.withData ? sql<string | null>`card.data`.as('candidateData') : sql<string | null>`null`.as('candidateData'))
      .where('card.folderId', '=', folderId);
    if (prefilter) query = query.where((eb) => condition(eb, folderId, prefilter));
    const rows = await query.orderBy('card.nodeId').execute();
    // The values in a second statement by node id: cheaper than a subquery per card.
    const values = new Map<number, { property: string; value: string }[]>();
    if (options.properties.length > 0 && rows.length > 0) {
      const found = await this.db
        .selectFrom('cardValue')
        .select(['nodeId', 'property', 'value'])
        .where('nodeId', '=', sql<number>`any(${rows.map((r) => r.id)}::bigint[])`)
        .where('property', '=', sql<string>`any(${[...new Set(options.properties)]}::text[])`)
        .execute();
      for (const v of found) values.set(v.nodeId, [...(values.get(v.nodeId) ?? []), { property: v.property, value: v.value }]);
    }
    return rows.map(({ candidateData, ...node }) => ({ node, data: candidateData ?? undefined, values: values.get(node.id) ?? [] }));
  }

  /**
   * The cards with a value that passes a text prefilter, read from the values themselves (one
   * scan of `card_value`, no second look-up per card): each card comes with the values of the
   * property that passed. The caller uses this when the exact filter is one positive text-match
   * on that property, which only such a value can satisfy (the prefilter is the coarser test).
   */
  private async byMatchingValues(folderId: number, prefilter: CardTextPrefilter, withData: boolean): Promise<CandidateCard[]> {
    const matched = await this.db
      .selectFrom('cardValue')
      .select(['cardValue.nodeId', 'cardValue.value'])
      .where('cardValue.folderId', '=', folderId)
      .where('cardValue.property', '=', prefilter.property)
      .where((eb) => valueMatches(eb, prefilter))
      .execute();
    if (matched.length === 0) return [];
    const values = new Map<number, { property: string; value: string }[]>();
    for (const { nodeId, value } of matched) {
      const list = values.get(nodeId);
      if (list) list.push({ property: prefilter.property, value });
      else values.set(nodeId, [{ property: prefilter.property, value }]);
    }
    // The nodes by primary key in a second statement, and each card's text (when asked for) by
    // its key too: joined, the planner (which cannot tell how many values a pattern matches)
    // hashes every node or every card of the store instead (measured at 10,000 cards: 14 ms
    // against 5.7 for the nodes of 692 matches).
    const rows = await this.db
      .selectFrom('node')
      .selectAll('node')
      .select((eb) =>
        (withData
          ? sql<string | null>`(${eb.selectFrom('card').select('card.data').whereRef('card.nodeId', '=', 'node.id')})`
          : sql<string | null>`null`
        ).as('candidateData'),
      )
      .where('node.id', '=', sql<number>`any(${[...values.keys()]}::bigint[])`)
      .where('node.parentId', '=', folderId)
      .execute();
    // Sorted here rather than in SQL: an unordered statement's rows are aggregated without
    // numbering and sorting them (prepared-statements.ts).
    rows.sort((a, b) => a.id - b.id);
    return rows.map(({ candidateData, ...node }) => ({ node, data: candidateData ?? undefined, values: values.get(node.id) ?? [] }));
  }

  /** Like {@link findCandidates}, with each card's member name in its folder (the directory's hrefs). */
  findNamedCandidates(folderId: number, prefilter: CardPrefilter | undefined): Promise<NamedCardRow[]> {
    let query = this.db
      .selectFrom('card')
      .innerJoin('node', 'node.id', 'card.nodeId')
      .select(namedColumns)
      .where('card.folderId', '=', folderId);
    if (prefilter) query = query.where((eb) => condition(eb, folderId, prefilter));
    return query.orderBy('card.nodeId').execute();
  }

  /** The cards of a folder with these member names. */
  byNames(folderId: number, names: readonly string[]): Promise<NamedCardRow[]> {
    if (names.length === 0) return Promise.resolve([]);
    return this.db
      .selectFrom('card')
      .innerJoin('node', 'node.id', 'card.nodeId')
      .select(namedColumns)
      .where('node.parentId', '=', folderId)
      .where('node.name', 'in', [...names])
      .where('card.folderId', '=', folderId)
      .execute();
  }

  /** The cards of these folders holding one of these UIDs (`card_folder_uid`), in no order. */
  withUids(folderIds: readonly number[], uids: readonly string[]): Promise<NamedCardRow[]> {
    if (folderIds.length === 0 || uids.length === 0) return Promise.resolve([]);
    return this.db
      .selectFrom('card')
      .innerJoin('node', 'node.id', 'card.nodeId')
      .select(namedColumns)
      .where('card.folderId', 'in', [...folderIds])
      .where('card.uid', 'in', [...uids])
      .execute();
  }
}
