import type { RequestContext } from '@partage/dav-core';
import { repositories, type Db } from '@partage/storage';

const key = Symbol('contacts');

function memoOf(ctx: RequestContext): Map<number, string> {
  let memo = ctx.memo.get(key) as Map<number, string> | undefined; // only this module writes under its symbol
  if (!memo) {
    memo = new Map();
    ctx.memo.set(key, memo);
  }
  return memo;
}

/** Records card data a report already loaded, so that rendering `address-data` costs no query. */
export function rememberCardData(ctx: RequestContext, rows: readonly { nodeId: number; data: string }[]): void {
  const memo = memoOf(ctx);
  for (const row of rows) memo.set(row.nodeId, row.data);
}

/** The vCard text of cards, in one query for those not yet loaded in this request. */
export async function cardDataOf(ctx: RequestContext, db: Db, nodeIds: readonly number[]): Promise<Map<number, string>> {
  const memo = memoOf(ctx);
  const missing = nodeIds.filter((id) => !memo.has(id));
  if (missing.length > 0) rememberCardData(ctx, await repositories(db).cards.byNodes(missing));
  return memo;
}
