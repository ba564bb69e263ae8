import type { Kysely } from 'kysely';
import type { Database } from '../schema/index.js';
import { AccountRepository } from './account-repository.js';
import { CalendarObjectRepository } from './calendar-object-repository.js';
import { CardRepository } from './card-repository.js';
import { DirectoryRepository } from './directory-repository.js';
import { GalRepository } from './gal-repository.js';
import { GrantRepository } from './grant-repository.js';
import type { Executor } from './executor.js';
import { LockRepository } from './lock-repository.js';
import { LoginFailureRepository } from './login-failure-repository.js';
import { NodeRepository } from './node-repository.js';

/** Every repository, bound to one executor. */
export interface Repositories {
  readonly accounts: AccountRepository;
  readonly nodes: NodeRepository;
  readonly locks: LockRepository;
  readonly loginFailures: LoginFailureRepository;
  readonly calendarObjects: CalendarObjectRepository;
  readonly cards: CardRepository;
  readonly grants: GrantRepository;
  readonly gal: GalRepository;
  readonly directory: DirectoryRepository;
}

/** Repositories over the database or a transaction. */
export function repositories(db: Executor): Repositories {
  return {
    accounts: new AccountRepository(db),
    nodes: new NodeRepository(db),
    locks: new LockRepository(db),
    loginFailures: new LoginFailureRepository(db),
    calendarObjects: new CalendarObjectRepository(db),
    cards: new CardRepository(db),
    grants: new GrantRepository(db),
    gal: new GalRepository(db),
    directory: new DirectoryRepository(db),
  };
}

/**
 * Runs `work` in one transaction with repositories bound to it: all its writes commit
 * together or none does (STYLE §3).
 *
 * @example await withTransaction(db, (repos) => repos.nodes.createFile({...}))
 */
export function withTransaction<T>(db: Kysely<Database>, work: (repos: Repositories) => Promise<T>): Promise<T> {
  return db.transaction().execute((trx) => work(repositories(trx)));
}
