import type { Insertable, Selectable } from 'kysely';
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

  /** The classification (`PUBLIC`, `PRIVATE`, `CONFIDENTIAL`) of objects, in one query. */
  async classificationsOf(nodeIds: readonly number[]): Promise<Map<number, string>> {
    if (nodeIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('calendarObject')
      .select(['nodeId', 'classification'])
      .where('nodeId', 'in', [...nodeIds])
      .execute();
    return new Map(rows.map((r) => [Number(r.nodeId), r.classification]));
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
