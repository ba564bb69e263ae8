/**
 * The housekeeping PostgreSQL's autovacuum does and PGlite does not (ADR 0018): `VACUUM` and
 * `ANALYZE` of the embedded store, run in the background by the process that holds it.
 *
 * Without it the rows that updates and deletes leave dead are never reclaimed (the store only
 * grows), the planner has no statistics, and no page is ever marked all-visible, so that every
 * scan checks each row's transaction (measured at 10,000 cards: the values a card query
 * scans, 20 ms on a store never vacuumed, 4.5 ms once its rows were read once, 2.4 ms after a
 * vacuum).
 *
 * Two kinds of run:
 * - a plain vacuum once the store has been quiet for `idleMs` after at least `idleMinimum`
 *   writes: it visits only the pages changed since the last one (the others are marked
 *   all-visible), so that it costs little (measured: 8 ms on a vacuumed store of 10,000 cards)
 *   and a burst of writes (an import, a first sync) is followed by one while nobody waits.
 *   200 ms of quiet, not more: the reads right after an import scan pages no vacuum has marked
 *   yet (the values of an FN query at 10,000 cards, 4.7 ms against 2.3 once vacuumed);
 * - a vacuum with statistics (`VACUUM (ANALYZE)`) after `threshold` writes plus `scale` times
 *   the rows the store held at the last one, like autovacuum's thresholds: the sampling of
 *   ANALYZE is what costs (150 ms at 10,000 cards, whatever changed).
 */
export interface MaintenanceSchedule {
  readonly threshold: number;
  readonly scale: number;
  readonly idleMs: number;
  readonly idleMinimum: number;
}

export const defaultMaintenanceSchedule: MaintenanceSchedule = { threshold: 5_000, scale: 0.2, idleMs: 200, idleMinimum: 500 };

/** Runs a vacuum, with statistics or not; resolves to the number of rows the store holds. */
export type Vacuum = (withStatistics: boolean) => Promise<number>;

export class StoreMaintenance {
  #sinceVacuum = 0;
  #sinceStatistics = 0;
  #due: number;
  #lastWriteAt = 0;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #closed = false;
  #runs = 0;

  constructor(
    private readonly vacuum: Vacuum,
    private readonly schedule: MaintenanceSchedule = defaultMaintenanceSchedule,
  ) {
    this.#due = schedule.threshold;
  }

  /** Number of runs finished (for tests and the operator's metrics). */
  get runs(): number {
    return this.#runs;
  }

  /** Counts one write; starts a run when enough writes have accumulated. */
  afterWrite(): void {
    this.#sinceVacuum++;
    this.#sinceStatistics++;
    this.#lastWriteAt = Date.now();
    if (this.#sinceStatistics >= this.#due) void this.start(true);
    else if (this.#sinceVacuum >= this.schedule.idleMinimum && this.#timer === undefined && this.#running === undefined) {
      this.#waitForQuiet(this.schedule.idleMs);
    }
  }

  /**
   * Starts a run now (queued behind the statements already sent) unless one is running;
   * resolves when it ends. A failed run is not an error for anyone: it is tried again later.
   */
  start(withStatistics = true): Promise<void> {
    if (this.#closed) return Promise.resolve();
    if (this.#running) return this.#running;
    this.#clearTimer();
    this.#sinceVacuum = 0;
    if (withStatistics) this.#sinceStatistics = 0;
    this.#running = this.vacuum(withStatistics)
      .then(
        (rows) => {
          this.#runs++;
          if (withStatistics) this.#due = this.schedule.threshold + Math.round(this.schedule.scale * rows);
        },
        () => undefined,
      )
      .finally(() => {
        this.#running = undefined;
        if (this.#sinceVacuum >= this.schedule.idleMinimum) this.#waitForQuiet(this.schedule.idleMs);
      });
    return this.#running;
  }

  /** Stops scheduling runs and waits for the one under way, if any. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#clearTimer();
    await this.#running;
  }

  #waitForQuiet(ms: number): void {
    if (this.#closed) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      const quietFor = Date.now() - this.#lastWriteAt;
      if (quietFor >= this.schedule.idleMs) void this.start(false);
      else this.#waitForQuiet(this.schedule.idleMs - quietFor);
    }, ms);
    this.#timer.unref();
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
