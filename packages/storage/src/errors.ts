/**
 * Errors raised by the storage layer. They carry no DAV or HTTP words: the modules that
 * call storage translate them at their boundary (STYLE.md §4).
 */

/** PostgreSQL SQLSTATE for `unique_violation`. */
const UNIQUE_VIOLATION_CODE = '23505';

/**
 * A blob source delivered more than the `maxBytes` the caller allowed. Nothing was stored.
 *
 * @example
 * ```ts
 * try { await blobStore.put(body, { maxBytes: quotaLeft }); }
 * catch (e) { if (e instanceof BlobTooLargeError) return insufficientStorage(); throw e; }
 * ```
 */
export class BlobTooLargeError extends Error {
  override readonly name = 'BlobTooLargeError';
  /** The limit that was exceeded. */
  readonly maxBytes: number;

  constructor(maxBytes: number) {
    super(`the blob exceeds the limit of ${maxBytes} bytes`);
    this.maxBytes = maxBytes;
  }
}

/** A blob id names no stored blob (it was never written, or it was deleted). */
export class BlobNotFoundError extends Error {
  override readonly name = 'BlobNotFoundError';
  /** The id that was looked up. */
  readonly blobId: string;

  constructor(blobId: string) {
    super(`no blob with id ${blobId}`);
    this.blobId = blobId;
  }
}

/**
 * The embedded (PGlite) store is already open in a live process. PGlite runs in single-user
 * mode, so a second process opening the same data directory would corrupt it; an admin CLI
 * must go through the running server's REST API instead.
 */
export class StoreBusyError extends Error {
  override readonly name = 'StoreBusyError';
  /** The data directory that is locked. */
  readonly dataDir: string;
  /** The process id recorded in the lock file. */
  readonly pid: number;

  constructor(dataDir: string, pid: number) {
    super(
      `the embedded store in ${dataDir} is in use by process ${pid} (a running server); stop it or use the REST API`,
    );
    this.dataDir = dataDir;
    this.pid = pid;
  }
}

/**
 * A write collided with a unique constraint (SQLSTATE 23505). Repositories throw it so that
 * callers can map it to a protocol error (for example CalDAV `no-uid-conflict`) without
 * knowing the driver.
 */
export class UniqueViolation extends Error {
  override readonly name = 'UniqueViolation';
  /** The violated constraint or index, when the database reported it. */
  readonly constraint: string | undefined;

  constructor(message: string, options: { cause?: unknown; constraint?: string | undefined } = {}) {
    super(message, { cause: options.cause });
    this.constraint = options.constraint;
  }

  /**
   * Wraps a driver error when it is a unique violation, else returns `undefined`.
   *
   * @example
   * ```ts
   * try { await insertNode(...); }
   * catch (e) { throw UniqueViolation.from(e) ?? e; }
   * ```
   */
  static from(e: unknown): UniqueViolation | undefined {
    if (e instanceof UniqueViolation) return e;
    if (!isDriverUniqueViolation(e)) return undefined;
    const constraint = typeof e.constraint === 'string' ? e.constraint : undefined;
    const message = typeof e.message === 'string' ? e.message : 'unique violation';
    return new UniqueViolation(message, { cause: e, constraint });
  }
}

/**
 * Whether `e` is a unique violation: a {@link UniqueViolation}, or a driver error with
 * SQLSTATE 23505. Both pg's and PGlite's `DatabaseError` expose the SQLSTATE as `code`.
 */
export function isUniqueViolation(e: unknown): boolean {
  return e instanceof UniqueViolation || isDriverUniqueViolation(e);
}

/** Whether `e` is the driver's unique violation of the index or constraint `name`. */
export function violatesUnique(e: unknown, name: string): boolean {
  return isDriverUniqueViolation(e) && e.constraint === name;
}

function isDriverUniqueViolation(
  e: unknown,
): e is { code: string; constraint?: unknown; message?: unknown } {
  return typeof e === 'object' && e !== null && 'code' in e && e.code === UNIQUE_VIOLATION_CODE;
}

/** The `code` of a Node system error (`ENOENT`, `EEXIST`…), if `e` is one. For storage internals. */
export function errorCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : undefined;
}
