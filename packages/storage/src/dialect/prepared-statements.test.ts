import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PGlite } from '@electric-sql/pglite';
import { INT8_OID, parseInt8 } from './type-parsers.js';
import { ordersItsRows, PreparedStatements } from './prepared-statements.js';

let pglite: PGlite;
beforeAll(async () => {
  pglite = await PGlite.create({ parsers: { [INT8_OID]: parseInt8 } });
  await pglite.exec(`
    create table sample (
      id bigserial primary key, label text, flag boolean, amount numeric, at timestamptz, day date,
      bytes bytea, doc jsonb, tags text[]);
    insert into sample (label, flag, amount, at, day, bytes, doc, tags)
      select case when g % 7 = 0 then null else 'é "quoted", line' || chr(10) || g end, g % 2 = 0,
             (g * 1.25)::numeric, timestamptz '2026-11-29 05:13:00.123456+00' + g * interval '1 minute',
             date '2026-01-01' + g, decode(lpad(to_hex(g), 4, '0'), 'hex'), jsonb_build_object('n', g), array['a', g::text]
      from generate_series(1, 60) g;`);
}, 60_000);
afterAll(() => pglite.close());

describe('PreparedStatements', () => {
  it('returns the rows PGlite.query returns, plain or aggregated, in the same order and with the same types', async () => {
    const statements = new PreparedStatements(pglite);
    const text = 'select * from sample where id > $1 order by id desc';
    const expected = (await pglite.query<Record<string, unknown>>(text, [3], { rowMode: 'object' })).rows;
    const first = await statements.query<Record<string, unknown>>(text, [3], true); // never run: aggregated
    const second = await statements.query<Record<string, unknown>>(text, [3], true); // returned many rows: aggregated
    const few = await statements.query<Record<string, unknown>>(text, [58], true); // aggregated, learns it returns few
    const plain = await statements.query<Record<string, unknown>>(text, [58], true); // plain
    const plainMany = await statements.query<Record<string, unknown>>(text, [3], true); // plain, learns it returns many
    expect(first.rows).toEqual(expected);
    expect(second.rows).toEqual(expected);
    expect(plainMany.rows).toEqual(expected);
    expect(few.rows).toEqual(expected.slice(0, 2));
    expect(plain.rows).toEqual(expected.slice(0, 2));
    for (const rows of [first.rows, plain.rows]) {
      expect(rows[0]?.['at']).toBeInstanceOf(Date);
      expect(rows[0]?.['bytes']).toBeInstanceOf(Uint8Array);
      expect(typeof rows[0]?.['amount']).toBe('string');
    }
  });

  it('aggregates an unordered statement without numbering its rows, and returns the same rows', async () => {
    const statements = new PreparedStatements(pglite);
    const text = 'select id, label, at from sample where id > $1';
    const expected = (await pglite.query<{ id: number }>(text, [3], { rowMode: 'object' })).rows;
    const byId = (a: { id: number }, b: { id: number }) => a.id - b.id;
    for (let i = 0; i < 2; i++) {
      const got = await statements.query<{ id: number }>(text, [3], true);
      expect([...got.rows].sort(byId)).toEqual([...expected].sort(byId));
    }
    const aggregated = (await pglite.query<{ statement: string }>("select statement from pg_prepared_statements where statement like '%json_agg%sample where id > $1)%'")).rows;
    expect(aggregated.map((r) => r.statement.includes('row_number'))).toEqual([false]);
  });

  it('aggregates an unordered statement column by column, each type as plain rows give it, and no rows at all', async () => {
    const statements = new PreparedStatements(pglite);
    const text = 'select * from sample where id > $1';
    const expected = (await pglite.query<{ id: number }>(text, [3], { rowMode: 'object' })).rows;
    const byId = (a: { id: number }, b: { id: number }) => a.id - b.id;
    const got = await statements.query<{ id: number }>(text, [3], true);
    // nulls (label), booleans, numeric as text, dates, byte strings, JSON and arrays
    expect([...got.rows].sort(byId)).toEqual([...expected].sort(byId));
    expect(got.fields.map((f) => f.name)).toEqual(['id', 'label', 'flag', 'amount', 'at', 'day', 'bytes', 'doc', 'tags']);
    expect((await statements.query(text, [1_000], true)).rows).toEqual([]);
    const [wrapped] = (await pglite.query<{ statement: string }>("select statement from pg_prepared_statements where statement like '%sample where id > $1)%' and statement like '%json_agg(partage_rows.\"tags\")%'")).rows;
    expect(wrapped?.statement).toMatch(/^select json_build_array\(coalesce\(json_agg\(partage_rows\."id"\)/);
  });

  it('gives timestamps aggregated as plain rows give them: microseconds, before 1970, the last microsecond of a millisecond, null, infinity', async () => {
    await pglite.exec(`
      create table moment (id int primary key, at timestamptz);
      insert into moment values (1, '2026-11-29 05:13:00.123456+00'), (2, '2026-11-29 05:13:00.999999+00'),
        (3, '1969-12-31 23:59:59.9995+00'), (4, '1900-01-01 00:00:00.000001+00'), (5, null), (6, '2262-04-11 23:47:16.854775+00'),
        (7, '2026-06-01 12:00:00+02'), (8, 'infinity'), (9, '-infinity');
      insert into moment select 100 + g, timestamptz '2000-01-01 00:00:00+00' + g * interval '1 hour 1 minute 1.001001 second' from generate_series(1, 40) g;`);
    const statements = new PreparedStatements(pglite);
    const text = 'select id, at from moment';
    type Moment = { id: number; at: Date | number | null }; // infinity comes as a number
    const expected = (await pglite.query<Moment>(text, [], { rowMode: 'object' })).rows;
    const got = await statements.query<Moment>(text, [], true);
    const times = (rows: readonly Moment[]) =>
      [...rows].sort((a, b) => a.id - b.id).map((r) => [r.id, r.at instanceof Date ? r.at.getTime() : r.at]);
    expect(times(got.rows)).toEqual(times(expected));
    expect(times(got.rows).filter(([, at]) => typeof at === 'number' && !Number.isFinite(at))).toEqual([[8, Infinity], [9, -Infinity]]);
    const iso = (id: number) => { const at = got.rows.find((r) => r.id === id)?.at; return at instanceof Date ? at.toISOString() : at; };
    expect(iso(1)).toBe('2026-11-29T05:13:00.123Z');
    expect(iso(2)).toBe('2026-11-29T05:13:00.999Z');
    expect(iso(3)).toBe('1969-12-31T23:59:59.999Z');
    expect(iso(7)).toBe('2026-06-01T10:00:00.000Z');
    const [wrapped] = (await pglite.query<{ statement: string }>("select statement from pg_prepared_statements where statement like '%from moment)%'")).rows;
    expect(wrapped?.statement).toContain(`date_part('epoch', partage_rows."at")`);
  });

  it('tells a top-level order by from one in a subquery, a window, a string or an identifier', () => {
    expect(ordersItsRows('select * from node where id = $1 order by id')).toBe(true);
    expect(ordersItsRows('select * from node ORDER\n  BY id desc limit 3')).toBe(true);
    expect(ordersItsRows('select id from node where id = (select id from node order by id limit 1)')).toBe(false);
    expect(ordersItsRows('select row_number() over (order by id) as n from node')).toBe(false);
    expect(ordersItsRows("select 'order by x' as label, \"order by\" from node")).toBe(false);
    expect(ordersItsRows("select 'it''s' as a from node where name = ')' order by a")).toBe(true);
    expect(ordersItsRows('select * from node -- order by id')).toBe(true);
    expect(ordersItsRows('select * from node where id = any($1::bigint[]) and parent_id = $2')).toBe(false);
  });

  it('aggregates pattern matches too, planned for their pattern', async () => {
    const statements = new PreparedStatements(pglite);
    const text = "select id, label from sample where label like $1 order by id";
    const expected = (await pglite.query<Record<string, unknown>>(text, ['é%'], { rowMode: 'object' })).rows;
    expect(expected.length).toBeGreaterThan(16);
    for (let i = 0; i < 3; i++) expect((await statements.query(text, ['é%'], true)).rows).toEqual(expected);
  });

  it('serializes parameters by their inferred types: dates, arrays, booleans, null', async () => {
    const statements = new PreparedStatements(pglite);
    const rows = await statements.query<{ id: number }>(
      'select id from sample where at > $1 and id = any($2) and flag = $3 and ($4::text is null or label = $4) order by id',
      [new Date('2026-11-29T05:20:00Z'), [8, 9, 10, 12], true, null],
    );
    expect(rows.rows.map((r) => r.id)).toEqual([8, 10, 12]);
  });

  it('reports errors with their SQLSTATE and keeps working after them', async () => {
    const statements = new PreparedStatements(pglite);
    await expect(statements.query('insert into sample (id) values ($1)', [1])).rejects.toMatchObject({ code: '23505' });
    await expect(statements.query('select nothing from nowhere', [])).rejects.toMatchObject({ code: '42P01' });
    const after = await statements.query<{ n: number }>('select count(*)::int as n from sample', []);
    expect(after.rows[0]?.n).toBe(60);
  });

  it('keeps at most its capacity of statements prepared, and prepares evicted ones again', async () => {
    const count = async () =>
      (await pglite.query<{ n: number }>("select count(*)::int as n from pg_prepared_statements where name like 'partage_%'")).rows[0]?.n ?? 0;
    const before = await count();
    const statements = new PreparedStatements(pglite, 3);
    for (let round = 0; round < 2; round++) {
      for (let i = 1; i <= 5; i++) {
        const result = await statements.query<{ v: number }>(`select ${i}::int + $1::int as v`, [round]);
        expect(result.rows[0]?.v).toBe(i + round);
      }
    }
    expect((await count()) - before).toBe(3);
  });
});
