import type { RequestContext } from '@partage/dav-core';
import { repositories, type Db, type NodeRow } from '@partage/storage';
import { floatingTimezoneOf } from './calendar-folder.js';

const key = Symbol('calendar');

interface CalendarMemo {
  readonly data: Map<number, string>;
  readonly timezones: Map<number, string | undefined>;
}

function memoOf(ctx: RequestContext): CalendarMemo {
  let memo = ctx.memo.get(key) as CalendarMemo | undefined; // only this module writes under its symbol
  if (!memo) {
    memo = { data: new Map(), timezones: new Map() };
    ctx.memo.set(key, memo);
  }
  return memo;
}

/** Records calendar data a report already loaded, so that rendering it costs no query. */
export function rememberCalendarData(ctx: RequestContext, rows: readonly { nodeId: number; data: string }[]): void {
  const { data } = memoOf(ctx);
  for (const row of rows) data.set(row.nodeId, row.data);
}

/** The calendar data of objects, in one query for those not yet loaded in this request. */
export async function calendarDataOf(ctx: RequestContext, db: Db, nodeIds: readonly number[]): Promise<Map<number, string>> {
  const { data } = memoOf(ctx);
  const missing = nodeIds.filter((id) => !data.has(id));
  if (missing.length > 0) rememberCalendarData(ctx, await repositories(db).calendarObjects.byNodes(missing));
  return data;
}

/** The floating time zone of a calendar folder, once per request. */
export async function folderTimezone(ctx: RequestContext, db: Db, folderId: number): Promise<string | undefined> {
  const { timezones } = memoOf(ctx);
  if (!timezones.has(folderId)) {
    const folder: NodeRow | undefined = await repositories(db).nodes.byId(folderId);
    timezones.set(folderId, folder ? await floatingTimezoneOf(db, folder) : undefined);
  }
  return timezones.get(folderId);
}
