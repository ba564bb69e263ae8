import type { Executor } from './executor.js';

/** Failed-login counting per (account, address), shared by every server process (SPEC §7). */
export class LoginFailureRepository {
  constructor(private readonly db: Executor) {}

  /** The time until which the pair is blocked, if it is. */
  async blockedUntil(accountKey: string, address: string, now = new Date()): Promise<Date | undefined> {
    const row = await this.db
      .selectFrom('loginFailure')
      .select('blockedUntil')
      .where('accountKey', '=', accountKey)
      .where('address', '=', address)
      .executeTakeFirst();
    return row?.blockedUntil && row.blockedUntil > now ? row.blockedUntil : undefined;
  }

  /**
   * Counts a failure; once `maxFailures` fall within `windowMs`, blocks the pair for
   * `blockMs`. Returns the block end when this failure triggered one.
   */
  async recordFailure(
    accountKey: string,
    address: string,
    limits: { maxFailures: number; windowMs: number; blockMs: number },
    now = new Date(),
  ): Promise<Date | undefined> {
    const row = await this.db
      .selectFrom('loginFailure')
      .selectAll()
      .where('accountKey', '=', accountKey)
      .where('address', '=', address)
      .executeTakeFirst();
    const windowOpen = row && now.getTime() - row.windowStartedAt.getTime() < limits.windowMs;
    const failures = windowOpen ? row.failures + 1 : 1;
    const windowStartedAt = windowOpen ? row.windowStartedAt : now;
    const blockedUntil = failures >= limits.maxFailures ? new Date(now.getTime() + limits.blockMs) : null;
    await this.db
      .insertInto('loginFailure')
      .values({ accountKey, address, failures, windowStartedAt, blockedUntil })
      .onConflict((oc) =>
        oc.columns(['accountKey', 'address']).doUpdateSet({ failures, windowStartedAt, blockedUntil }),
      )
      .execute();
    return blockedUntil ?? undefined;
  }

  async clear(accountKey: string, address: string): Promise<void> {
    await this.db
      .deleteFrom('loginFailure')
      .where('accountKey', '=', accountKey)
      .where('address', '=', address)
      .execute();
  }
}
