#!/usr/bin/env node
// GAL autocomplete benchmark (issue 4: "autocomplete ≤ 20 ms on 10,000 cards"). Starts the
// compiled server in-process on a fresh store (embedded PGlite, or PostgreSQL with
// --database-url), fills one GAL with N cards (default 10,000) through the repositories,
// grants the searching account read on it, then times GET /api/v1/autocomplete over HTTP
// for a mix of queries (name prefix, surname inside, exact email, no match) and prints the
// median and p95 in ms. Build first: npx tsc -b packages/server.
// Usage: node bench/gal-autocomplete.mjs [--n 10000] [--rounds 50] [--database-url postgres://…]
import { createServer } from 'node:http';
import { sql } from 'kysely';
import { openDatabase, withTransaction } from '@partage/storage';
import { indexFold, parseVcard } from '@partage/ical';
import { createPartage, loadConfig } from '@partage/server';

const argv = process.argv.slice(2);
const opt = (name, dflt) => { const i = argv.indexOf(`--${name}`); return i >= 0 ? argv[i + 1] : dflt; };
const n = Number(opt('n', 10000));
const rounds = Number(opt('rounds', 50));
const databaseUrl = opt('database-url', undefined);
const password = 'bench user password';
const basic = (u) => `Basic ${Buffer.from(`${u}:${password}`).toString('base64')}`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p95 = (xs) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))];

const first = ['Élodie', 'Jean', 'François', 'Marius', 'Isalie', 'Zoë', 'Anne', 'Bernard', 'Claire', 'David', 'Emma', 'Hugo', 'Louise', 'Nina', 'Paul'];
const last = ['Dupré', 'Martin', 'Bernard', 'Lefèvre', 'Moreau', 'Laurent', 'Simon', 'Michel', 'Garcia', 'Roux', 'Fournier', 'Girard', 'Bonnet', 'Mercier'];
const cardOf = (i) => {
  const fn = `${first[i % first.length]} ${last[Math.floor(i / first.length) % last.length]} ${i}`;
  const mail = `contact${i}@annuaire.example`;
  return ['BEGIN:VCARD', 'VERSION:3.0', `UID:bench-${i}`, `FN:${fn}`, `N:${fn};;;;`, `EMAIL;TYPE=INTERNET:${mail}`, `TEL:+33 1 00 00 ${String(i).padStart(5, '0')}`, 'END:VCARD', ''].join('\r\n');
};

const schema = `bench_gal_${Date.now()}`;
const database = databaseUrl
  ? await openDatabase({ databaseUrl, schema })
  : await openDatabase({ inMemory: true });
const partage = await createPartage(loadConfig({ PARTAGE_PORT: '0', PARTAGE_LOG_LEVEL: 'silent' }), { database });
await partage.accounts.create({ email: 'annuaire@bench.test', password });
await partage.accounts.create({ email: 'lecteur@bench.test', password });
const owner = await partage.accounts.get('annuaire@bench.test');
const reader = await partage.accounts.get('lecteur@bench.test');
await partage.gal.setGal({ id: owner.id, isAdmin: false }, owner.email, 'Contacts', true);

const started = Date.now();
const { db } = database;
const folder = (await db.selectFrom('node').selectAll().where('accountId', '=', owner.id).where('name', '=', 'Contacts').executeTakeFirstOrThrow());
for (let from = 0; from < n; from += 500) {
  await withTransaction(db, async (repos) => {
    for (let i = from; i < Math.min(n, from + 500); i += 1) {
      const text = cardOf(i);
      const summary = parseVcard(text);
      const node = await repos.nodes.createFile({ accountId: owner.id, parentId: folder.id, name: `c${i}.vcf`, folderKind: 'contacts', contentType: 'text/vcard', contentLength: text.length, etag: `"b${i}"`, blobId: null });
      await repos.cards.upsert(node.id, folder.id, { uid: summary.uid, version: summary.version, kind: summary.kind, fn: summary.fn, data: text },
        summary.values.map((v) => ({ property: v.property, value: v.value, valueFolded: indexFold(v.value) })));
    }
  });
}
await db.insertInto('grant').values({ ownerId: owner.id, folderId: folder.id, granteeKind: 'account', granteeAccountId: reader.id, granteeDomainId: null, rights: 'read' }).execute();
await sql`analyze`.execute(db);
console.error(`filled ${n} cards in ${((Date.now() - started) / 1000).toFixed(1)} s (${databaseUrl ? 'postgres' : 'embedded'})`);

const server = createServer(partage.app);
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${server.address().port}/api/v1/autocomplete?q=`;
const queries = ['jea', 'élo', 'dupr', 'contact123', 'contact4242@annuaire.example', 'laurent 1', 'zzz'];
const ask = async (q) => {
  const t = process.hrtime.bigint();
  const response = await fetch(url + encodeURIComponent(q), { headers: { authorization: basic(reader.email) } });
  const body = await response.json();
  if (response.status !== 200) throw new Error(`${q}: ${response.status} ${JSON.stringify(body)}`);
  return { ms: Number(process.hrtime.bigint() - t) / 1e6, count: body.length, top: body[0]?.email };
};
for (const q of queries) await ask(q); // warm-up (first authentication hashes the password)
const all = [];
const perQuery = {};
for (let r = 0; r < rounds; r += 1) {
  for (const q of queries) {
    const { ms, count, top } = await ask(q);
    all.push(ms);
    (perQuery[q] ??= { times: [], count, top }).times.push(ms);
  }
}
for (const [q, { times, count, top }] of Object.entries(perQuery)) {
  console.error(`  ${q.padEnd(30)} median ${median(times).toFixed(2)} ms  (${count} results, first ${top ?? '-'})`);
}
console.log(`gal autocomplete, ${n} cards, ${all.length} requests: median ${median(all).toFixed(2)} ms, p95 ${p95(all).toFixed(2)} ms`);
server.closeAllConnections();
server.close();
if (databaseUrl) await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(database.db);
await partage.close();
