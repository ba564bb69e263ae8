import { sql, type Insertable, type Selectable } from 'kysely';
import type { CalendarObjectTable } from '../schema/index.js';
import type { Executor } from './executor.js';

export type CalendarObjectRow = Selectable<CalendarObjectTable>;
export type NewCalendarObject = Omit<Insertable<CalendarObjectTable>, 'nodeId' | 'folderId'>;

/** Calendar object data and its prefilter columns, one row per calendar item node. */
export class CalendarObjectRepository {
  constructor(private readonly db: Executor) {}

  byNode(nodeId: number): Promise<CalendarObjectRow | undefined> {
    return this.db.selectFrom('calendarObject').selectAll().where('nodeId', '=', nodeId).executeTakeFirst();
  }

  byNodes(nodeIds: readonly number[]): Promise<CalendarObjectRow[]> {
    if (nodeIds.length === 0) return Promise.resolve([]);
    return this.db.selectFrom('calendarObject').selectAll().where('nodeId', 'in', [...nodeIds]).execute();
  }

  /**
   * The private and confidential objects of some calendars, in one query: the few rows that
   * are not public, so a listing of thousands of objects sends its folder ids, not their ids.
   */
  async restrictedIn(folderIds: readonly number[]): Promise<Map<number, string>> {
    if (folderIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('calendarObject')
      .select(['nodeId', 'classification'])
      .where('folderId', 'in', [...folderIds])
      .where('classification', 'in', ['PRIVATE', 'CONFIDENTIAL'])
      .execute();
    return new Map(rows.map((r) => [r.nodeId, r.classification]));
  }

  /** The node holding a UID in a calendar, if any (for `no-uid-conflict`). */
  async nodeWithUid(folderId: number, uid: string): Promise<number | undefined> {
    const row = await this.db
      .selectFrom('calendarObject')
      .select('nodeId')
      .where('folderId', '=', folderId)
      .where('uid', '=', uid)
      .executeTakeFirst();
    return row?.nodeId;
  }

  async upsert(nodeId: number, folderId: number, values: NewCalendarObject): Promise<void> {
    await this.db
      .insertInto('calendarObject')
      .values({ ...values, nodeId, folderId })
      .onConflict((oc) => oc.column('nodeId').doUpdateSet({ ...values, folderId }))
      .execute();
  }

  /** Replaces the indexed instances of an object (recurring events); `indexedUntil` is written with the object. */
  async replaceInstances(nodeId: number, instances: readonly { start: Date; end: Date }[], isNew: boolean): Promise<void> {
    if (!isNew) await this.db.deleteFrom('calendarInstance').where('nodeId', '=', nodeId).execute();
    for (let i = 0; i < instances.length; i += 500) {
      await this.db
        .insertInto('calendarInstance')
        .values(instances.slice(i, i + 500).map((x) => ({ nodeId, startAt: x.start, endAt: x.end })))
        .execute();
    }
  }

  /** Copies the instance index of one object to another (COPY). */
  async copyInstances(fromId: number, toId: number): Promise<void> {
    await sql`insert into calendar_instance (node_id, start_at, end_at) select ${toId}, start_at, end_at from calendar_instance where node_id = ${fromId}`.execute(this.db);
  }

  /**
   * Events of a calendar overlapping `[start, end)` with the rule of RFC 4791 §9.9 for
   * VEVENT, decided in SQL: single events from their columns, recurring ones from the
   * instance index when it covers the range. Returns the matches, and the recurring events
   * that the index does not cover (the caller evaluates those exactly).
   */
  async eventsOverlapping(folderId: number, start: Date, end: Date): Promise<{ matched: number[]; unindexed: CalendarObjectRow[] }> {
    const overlaps = (s: string, e: string) =>
      sql<boolean>`((${sql.ref(e)} > ${sql.ref(s)} and ${sql.ref(s)} < ${end} and ${sql.ref(e)} > ${start})
        or (${sql.ref(e)} <= ${sql.ref(s)} and ${sql.ref(s)} >= ${start} and ${sql.ref(s)} < ${end}))`;
    const matched = await this.db
      .selectFrom('calendarObject as o')
      .select('o.nodeId')
      .where('o.folderId', '=', folderId)
      .where('o.componentType', '=', 'VEVENT')
      .where((eb) =>
        eb.or([
          eb.and([eb('o.isRecurring', '=', false), eb('o.firstStart', 'is not', null), overlaps('o.first_start', 'o.last_end')]),
          eb.and([
            eb('o.isRecurring', '=', true),
            eb('o.indexedUntil', '>=', end),
            eb.exists(
              eb.selectFrom('calendarInstance as i').select('i.nodeId').whereRef('i.nodeId', '=', 'o.nodeId').where(overlaps('i.start_at', 'i.end_at')),
            ),
          ]),
        ]),
      )
      .execute();
    const unindexed = await this.db
      .selectFrom('calendarObject')
      .selectAll()
      .where('folderId', '=', folderId)
      .where('componentType', '=', 'VEVENT')
      .where((eb) =>
        eb.or([
          eb.and([eb('isRecurring', '=', true), eb.or([eb('indexedUntil', 'is', null), eb('indexedUntil', '<', end)])]),
          eb.and([eb('isRecurring', '=', false), eb('firstStart', 'is', null)]),
        ]),
      )
      .where((eb) => eb.or([eb('lastEnd', 'is', null), eb('lastEnd', '>=', start)]))
      .where((eb) => eb.or([eb('firstStart', 'is', null), eb('firstStart', '<=', end)]))
      .execute();
    return { matched: matched.map((r) => r.nodeId), unindexed };
  }

  /** Moves the rows of nodes to another calendar (after a MOVE of the nodes). */
  async setFolder(nodeIds: readonly number[], folderId: number): Promise<void> {
    if (nodeIds.length === 0) return;
    await this.db.updateTable('calendarObject').set({ folderId }).where('nodeId', 'in', [...nodeIds]).execute();
  }

  /**
   * Objects of a calendar that may overlap a time range (STYLE §3): callers still apply
   * the exact filter. Without a range, every object of the component types.
   */
  findCandidates(
    folderId: number,
    componentTypes: readonly string[] | undefined,
    range: { start?: Date | undefined; end?: Date | undefined } | undefined,
  ): Promise<CalendarObjectRow[]> {
    let query = this.db.selectFrom('calendarObject').selectAll().where('folderId', '=', folderId);
    if (componentTypes && componentTypes.length > 0) query = query.where('componentType', 'in', [...componentTypes]);
    const start = range?.start;
    const end = range?.end;
    // Inclusive bounds: zero-length instances at a bound still match some RFC 4791 §9.9 tests.
    if (start) query = query.where((eb) => eb.or([eb('lastEnd', 'is', null), eb('lastEnd', '>=', start)]));
    if (end) query = query.where((eb) => eb.or([eb('firstStart', 'is', null), eb('firstStart', '<=', end)]));
    return query.execute();
  }
}
