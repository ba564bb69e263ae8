/**
 * The housekeeping PostgreSQL's autovacuum does and PGlite does not (ADR 0018): `VACUUM
 * (ANALYZE)` of the embedded store, run in the background by the process that holds it.
 *
 * Without it the rows that updates and deletes leave dead are never reclaimed (the store only
 * grows), the planner has no statistics, and no page is ever marked all-visible, so that every
 * scan checks each row's transaction (measured at 10,000 cards: the values a card query
 * scans, 20 ms on a store never vacuumed, 4.5 ms once its rows were read once, 2.4 ms after a
 * vacuum).
 *
 * When it runs, like autovacuum's thresholds: after `threshold` writes plus `scale` times the
 * rows the store held at the last run; and sooner, once the store has been quiet for `idleMs`
 * after at least `idleMinimum` writes, so that a burst of writes (an import, a first sync) is
 * followed by a vacuum while nobody waits. A vacuum skips the pages it found all-visible the
 * time before, so that the later runs cost in proportion to what changed.
 */
export interface MaintenanceSchedule {
  readonly threshold: number;
  readonly scale: number;
  readonly idleMs: number;
  readonly idleMinimum: number;
}

export const defaultMaintenanceSchedule: MaintenanceSchedule = { threshold: 5_000, scale: 0.2, idleMs: 2_000, idleMinimum: 500 };

export class StoreMaintenance {
  #writes = 0;
  #due: number;
  #lastWriteAt = 0;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #closed = false;
  #runs = 0;

  /** `vacuum` runs the maintenance and returns the number of rows the store holds. */
  constructor(
    private readonly vacuum: () => Promise<number>,
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
    this.#writes++;
    this.#lastWriteAt = Date.now();
    if (this.#writes >= this.#due) void this.start();
    else if (this.#writes >= this.schedule.idleMinimum && this.#timer === undefined && this.#running === undefined) this.#waitForQuiet(this.schedule.idleMs);
  }

  /**
   * Starts a run now (queued behind the statements already sent) unless one is running;
   * resolves when it ends. A failed run is not an error for anyone: it is tried again later.
   */
  start(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    if (this.#running) return this.#running;
    this.#clearTimer();
    this.#writes = 0;
    this.#running = this.vacuum()
      .then(
        (rows) => {
          this.#runs++;
          this.#due = this.schedule.threshold + Math.round(this.schedule.scale * rows);
        },
        () => undefined,
      )
      .finally(() => {
        this.#running = undefined;
        if (this.#writes >= this.schedule.idleMinimum) this.#waitForQuiet(this.schedule.idleMs);
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
      if (quietFor >= this.schedule.idleMs) void this.start();
      else this.#waitForQuiet(this.schedule.idleMs - quietFor);
    }, ms);
    this.#timer.unref();
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
