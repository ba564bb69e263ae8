import type { PGlite, Results } from '@electric-sql/pglite';
import {
  AbortedTransactionError,
  type CompiledQuery,
  IdentifierNode,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  RawNode,
  createQueryId,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import type { WriteEffect } from '../read-cache.js';
import { FifoMutex } from './fifo-mutex.js';
import { PreparedStatements } from './prepared-statements.js';
import { writeEffectOf } from './write-effect.js';

/** Configuration of {@link PGliteDialect}. */
export interface PGliteDialectConfig {
  /** The PGlite instance; the dialect owns it and closes it on `db.destroy()`. */
  readonly pglite: PGlite;
  /**
   * Called after every statement that changed something, with the tables it changed, and
   * again with them at the end of the transaction (commit or rollback). The embedded store is
   * exclusive to one process, so this sees every change: the read cache uses it to know which
   * of its entries may be stale.
   */
  readonly onWrite?: ((effect: WriteEffect) => void) | undefined;
}

/**
 * A kysely dialect for PGlite, kept in-repo because the public `kysely-pglite` loses
 * rollbacks under concurrent transactions and reports 0 affected rows
 * (docs: shared/notes/dependencies.md §5).
 *
 * PGlite is a single session. The driver hands out one connection, guarded by a FIFO mutex
 * held from `acquireConnection` to `releaseConnection`: a transaction keeps it for its whole
 * life, so concurrent transactions queue instead of interleaving their BEGIN/COMMIT. The
 * price is that code inside `db.transaction()` must use the transaction object, never `db`
 * itself, or it waits for a lock its own caller holds.
 *
 * @example
 * ```ts
 * const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite: await PGlite.create() }) });
 * ```
 */
export class PGliteDialect implements Dialect {
  readonly #config: PGliteDialectConfig;

  constructor(config: PGliteDialectConfig) {
    this.#config = config;
  }

  createDriver(): Driver {
    return new PGliteDriver(this.#config.pglite, this.#config.onWrite);
  }

  createQueryCompiler(): QueryCompiler {
    return new PostgresQueryCompiler();
  }

  createAdapter(): DialectAdapter {
    return new PostgresAdapter();
  }

  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new PostgresIntrospector(db);
  }
}

class PGliteDriver implements Driver {
  readonly #pglite: PGlite;
  readonly #mutex = new FifoMutex();
  readonly #connection: PGliteConnection;

  constructor(pglite: PGlite, onWrite?: (effect: WriteEffect) => void) {
    this.#pglite = pglite;
    this.#connection = new PGliteConnection(pglite, onWrite);
  }

  async init(): Promise<void> {
    await this.#pglite.waitReady;
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    await this.#mutex.lock();
    return this.#connection;
  }

  async beginTransaction(_connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    let statement = 'begin';
    if (settings.isolationLevel !== undefined || settings.accessMode !== undefined) {
      statement = 'start transaction';
      if (settings.isolationLevel !== undefined) statement += ` isolation level ${settings.isolationLevel}`;
      if (settings.accessMode !== undefined) statement += ` ${settings.accessMode}`;
    }
    await this.#connection.run(statement, []);
    this.#connection.beginTransaction();
  }

  async commitTransaction(): Promise<void> {
    const result = await this.#connection.run('commit', []);
    this.#connection.endTransaction();
    // PostgreSQL answers COMMIT with a ROLLBACK tag when an earlier error aborted the transaction.
    if (result.command?.toUpperCase() === 'ROLLBACK') throw new AbortedTransactionError();
  }

  async rollbackTransaction(): Promise<void> {
    try {
      await this.#connection.run('rollback', []);
    } finally {
      this.#connection.endTransaction();
    }
  }

  async savepoint(
    connection: DatabaseConnection,
    name: string,
    compileQuery: QueryCompiler['compileQuery'],
  ): Promise<void> {
    await connection.executeQuery(compileQuery(savepointCommand('savepoint', name), createQueryId()));
  }

  async rollbackToSavepoint(
    connection: DatabaseConnection,
    name: string,
    compileQuery: QueryCompiler['compileQuery'],
  ): Promise<void> {
    await connection.executeQuery(compileQuery(savepointCommand('rollback to', name), createQueryId()));
  }

  async releaseSavepoint(
    connection: DatabaseConnection,
    name: string,
    compileQuery: QueryCompiler['compileQuery'],
  ): Promise<void> {
    await connection.executeQuery(compileQuery(savepointCommand('release', name), createQueryId()));
  }

  releaseConnection(): Promise<void> {
    this.#mutex.unlock();
    return Promise.resolve();
  }

  async destroy(): Promise<void> {
    // Wait for the running query or transaction so it is not cut off mid-statement.
    await this.#mutex.lock();
    try {
      if (!this.#pglite.closed) await this.#pglite.close();
    } finally {
      this.#mutex.unlock();
    }
  }
}

class PGliteConnection implements DatabaseConnection {
  readonly #onWrite: ((effect: WriteEffect) => void) | undefined;
  readonly #statements: PreparedStatements;
  /** What the open transaction changed, reported again when it ends; undefined outside one. */
  #transactionEffects: WriteEffect[] | undefined;

  constructor(pglite: PGlite, onWrite?: (effect: WriteEffect) => void) {
    this.#onWrite = onWrite;
    this.#statements = new PreparedStatements(pglite);
  }

  beginTransaction(): void {
    this.#transactionEffects = [];
  }

  /**
   * Reports the transaction's changes again: a value read inside the transaction and kept
   * may show a change that a rollback undid, and one read by the transaction's own statements
   * after a write is not yet committed.
   */
  endTransaction(): void {
    const effects = this.#transactionEffects ?? [];
    this.#transactionEffects = undefined;
    for (const effect of effects) this.#onWrite?.(effect);
  }

  /** Runs one statement, prepared, and returns PGlite's raw result (the driver reads its command tag). */
  run<R>(text: string, parameters: readonly unknown[]): Promise<Results<R>> {
    return this.#statements.query<R>(text, parameters);
  }

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const result = await this.#statements.query<R>(compiledQuery.sql, compiledQuery.parameters, isPlainSelect(compiledQuery));
    const command = result.command?.toUpperCase();
    const effect = writeEffectOf(compiledQuery, command);
    if (effect !== undefined) {
      // DDL may change what prepared statements return: prepare them again.
      if (effect === 'all') await this.#statements.clear();
      this.#onWrite?.(effect);
      this.#transactionEffects?.push(effect);
    }
    const isWrite = command === 'INSERT' || command === 'UPDATE' || command === 'DELETE' || command === 'MERGE';
    return isWrite
      ? { rows: result.rows, numAffectedRows: BigInt(result.affectedRows ?? result.rowCount ?? 0) }
      : { rows: result.rows };
  }

  /** PGlite has no cursors over its single session; the whole result is one chunk. */
  async *streamQuery<R>(compiledQuery: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    yield await this.executeQuery<R>(compiledQuery);
  }
}

/**
 * A SELECT built by kysely that neither writes (in a CTE) nor locks rows: its rows may come
 * aggregated (see PreparedStatements).
 */
function isPlainSelect(query: CompiledQuery): boolean {
  return (
    query.query.kind === 'SelectQueryNode' &&
    !/\bfor\s+(update|share|no\s+key\s+update|key\s+share)\b/i.test(query.sql) &&
    writeEffectOf(query, 'SELECT') === undefined
  );
}

function savepointCommand(command: string, name: string): RawNode {
  // IdentifierNode quotes the name, as kysely's own PostgresDriver does.
  return RawNode.createWithChildren([RawNode.createWithSql(`${command} `), IdentifierNode.create(name)]);
}
