import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { StoreBusyError, UniqueViolation, isUniqueViolation } from './errors.js';
import { openDatabase, type OpenedDatabase } from './open-database.js';
import { openTestDatabase } from './testing.js';

describe('openTestDatabase', () => {
  let opened: OpenedDatabase;
  beforeAll(async () => {
    opened = await openTestDatabase();
  });
  afterAll(() => opened.close());

  it('returns int8 as number, timestamptz as Date and bytea as bytes', async () => {
    const { db } = opened;
    const domain = await db.insertInto('domain').values({ name: 'types.example' }).returning('id').executeTakeFirstOrThrow();
    const account = await db
      .insertInto('account')
      .values({ email: 'a@types.example', domainId: domain.id, kind: 'user', displayName: null, passwordHash: null, quotaBytes: 5_000_000_000, groupwareEnabled: null, webdavEnabled: null })
      .returning(['id', 'quotaBytes', 'usedBytes', 'createdAt'])
      .executeTakeFirstOrThrow();
    expect(account.quotaBytes).toBe(5_000_000_000);
    expect(account.usedBytes).toBe(0);
    expect(account.createdAt).toBeInstanceOf(Date);
    const node = await db
      .insertInto('node')
      .values({ accountId: account.id, parentId: null, name: '', isCollection: true, folderKind: 'home', components: null, displayName: null, contentType: null, etag: null, blobId: null })
      .returning(['id', 'contentLength'])
      .executeTakeFirstOrThrow();
    expect(typeof node.id).toBe('number');
    expect(node.contentLength).toBe(0);
    await db.insertInto('blobChunk').values({ blobId: 'b', seq: 0, data: new Uint8Array([1, 2, 255]) }).execute();
    const chunk = await db.selectFrom('blobChunk').select('data').where('blobId', '=', 'b').executeTakeFirstOrThrow();
    expect(chunk.data).toBeInstanceOf(Uint8Array);
    expect([...chunk.data]).toEqual([1, 2, 255]);
  });

  it("bounds the pending list of the card values' trigram index, so that searches after an import do not scan a long unsorted list", async () => {
    const { rows } = await sql<{ options: string[] | null }>`select reloptions as options from pg_class where oid = to_regclass('card_value_trigram')`.execute(opened.db);
    expect(rows).toHaveLength(1); // both stores have pg_trgm (PGlite loads it, PostgreSQL ships it)
    expect(rows[0]?.options).toEqual(['gin_pending_list_limit=64']);
  });

  it('recognises a unique violation from the engine', async () => {
    await opened.db.insertInto('domain').values({ name: 'dup.example' }).execute();
    const error = await opened.db.insertInto('domain').values({ name: 'dup.example' }).execute().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isUniqueViolation(error)).toBe(true);
    expect(UniqueViolation.from(error)?.constraint).toBe('domain_name_key');
    expect(isUniqueViolation(new Error('other'))).toBe(false);
  });
});

describe('openDatabase with an embedded data directory', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'open-database-test-'));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it('locks the store against a second opener and releases it on close', async () => {
    const first = await openDatabase({ dataDir });
    try {
      expect(first.engine).toBe('pglite');
      expect((await readFile(join(dataDir, 'partage.lock'), 'utf8')).trim()).toBe(String(process.pid));
      await expect(openDatabase({ dataDir })).rejects.toThrow(
        `the embedded store in ${dataDir} is in use by process ${process.pid} (a running server); stop it or use the REST API`,
      );
      await expect(openDatabase({ dataDir })).rejects.toBeInstanceOf(StoreBusyError);
      const { blobId } = await first.blobStore.put((async function* () { yield new Uint8Array([7]); })());
      expect(existsSync(join(dataDir, 'blobs', blobId.slice(0, 2), blobId))).toBe(true);
    } finally {
      await first.close();
    }
    expect(existsSync(join(dataDir, 'partage.lock'))).toBe(false);
  });

  it('takes over a lock left by a dead process and keeps the data', async () => {
    const child = spawnSync(process.execPath, ['-e', '']);
    await writeFile(join(dataDir, 'partage.lock'), `${child.pid}\n`);
    const reopened = await openDatabase({ dataDir });
    try {
      expect((await readFile(join(dataDir, 'partage.lock'), 'utf8')).trim()).toBe(String(process.pid));
      const tables = await reopened.db.selectFrom('domain').selectAll().execute();
      expect(tables).toEqual([]);
    } finally {
      await reopened.close();
    }
  });
});
