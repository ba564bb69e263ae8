import pg from 'pg';
import { CompiledQuery, PostgresDialect } from 'kysely';
import { parseInt8 } from './type-parsers.js';

/** Options of {@link createPostgresDialect}. */
export interface PostgresDialectOptions {
  /** `postgres://…` connection string. */
  databaseUrl: string;
  /** When set, every pooled connection uses only this schema (`search_path`). */
  schema?: string | undefined;
  /** Pool size; 10 by default. */
  maxConnections?: number;
}

/** The OID parameter as pg-types declares it: an enum of the built-in types. */
type TypeId = Parameters<typeof pg.types.getTypeParser>[0];

/** A schema name we are willing to splice into `SET search_path` (tests use `test_<hex>`). */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * The kysely dialect for PostgreSQL over a `pg.Pool` (max 10 connections). int8 is parsed to
 * a number through the pool's own `types`, never the process-global `pg.types`, so other pg
 * users in the process keep their defaults. timestamptz (Date) and bytea (Buffer) use pg's
 * defaults.
 */
export function createPostgresDialect(options: PostgresDialectOptions): PostgresDialect {
  const { schema } = options;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new RangeError(`invalid schema name ${JSON.stringify(schema)}`);
  }
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    max: options.maxConnections ?? 10,
    types: {
      // builtins.INT8 is INT8_OID (20), typed as pg-types' enum.
      getTypeParser: (oid: TypeId, format?: 'text' | 'binary'): unknown =>
        oid === pg.types.builtins.INT8 ? parseInt8 : pg.types.getTypeParser(oid, format),
    },
  });
  return new PostgresDialect({
    pool,
    ...(schema !== undefined
      ? {
          onCreateConnection: async (connection) => {
            await connection.executeQuery(CompiledQuery.raw(`set search_path to "${schema}"`));
          },
        }
      : {}),
  });
}
