import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../schema/index.js';

/** What a repository runs its queries on: the database or a transaction of it. */
export type Executor = Kysely<Database> | Transaction<Database>;

/** The database handle other packages pass around without importing kysely. */
export type Db = Kysely<Database>;
