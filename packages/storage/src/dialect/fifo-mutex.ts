/**
 * A first-in, first-out async mutex: waiters get the lock in the order they asked for it,
 * so a burst of requests cannot starve an earlier one.
 */
export class FifoMutex {
  #isLocked = false;
  readonly #waiters: Array<() => void> = [];

  /** Resolves once the caller holds the lock; the caller must call {@link unlock} exactly once. */
  async lock(): Promise<void> {
    if (!this.#isLocked) {
      this.#isLocked = true;
      return;
    }
    await new Promise<void>((resolve) => this.#waiters.push(resolve));
  }

  /** Hands the lock to the oldest waiter, or frees it. */
  unlock(): void {
    const next = this.#waiters.shift();
    if (next) next();
    else this.#isLocked = false;
  }
}
