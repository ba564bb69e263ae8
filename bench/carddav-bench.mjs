#!/usr/bin/env node
// CardDAV benchmark (issue 4, "Proof": bench/). Runs the same workload, in the same run,
// against Partage (compiled server as a child process on a fresh store, embedded and/or
// PostgreSQL) and against Radicale and Xandikos (Debian packages), each started here on a free
// loopback port with a fresh temporary storage. For each N:
//   bulk PUT of N vCard 3.0 cards at concurrency 1 (separate address book) and 16 (cards/s);
//   addressbook-query FN contains "lefèvre" (i;ascii-casemap; the data says "Lefèvre") with
//   getetag only and with address-data, and EMAIL equals "team-7@entreprise.example" (the data
//   also has "ops.team-7@…", which "equals" must not match): 21 runs each, the median of the
//   first 7 right after the fill and the "warm" median of the 14 after them, answers checked
//   against the sets computed from the generated data;
//   initial and incremental sync-collection (10 changed cards; median of 5 rounds);
//   Partage only: GET /api/v1/autocomplete on the same cards (the Contacts folder flagged as a
//   GAL by its owner), median ms over a mix of queries.
// Every step is bounded (--cap seconds; filling the address book: --fill-cap); a step over its
// cap is reported as skipped, a fill stopped by its cap as capped (the later steps then skipped).
// Usage: node bench/carddav-bench.mjs [--n 1000,10000] [--store embedded,postgres]
//          [--peers radicale,xandikos|none] [--cap 120] [--fill-cap 300]
//          [--only partage-embedded@10000,radicale@10000] [--tag SUFFIX] [--repeat K]
//          [--baseline DIR]  (DIR: another built checkout, run on the embedded store as the
//          target partage-baseline, interleaved with this one: a change measured in one run)
//          [--node-args "--opt ..."] [--baseline-node-args "--opt ..."]  (Node options of the
//          Partage targets and of the baseline instead of those Partage ships with)
//          (result file bench/results/carddav-<date>[-SUFFIX].json)
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import { client } from './caldav/http.mjs';
import { makeCard, vcardOf, expectations, FN_TERM, EMAIL_TERM, ascii } from './carddav/data.mjs';
import { partageNodeArgs } from './partage-node-args.mjs';

const argv = process.argv.slice(2);
const opt = (name, dflt) => { const i = argv.indexOf(`--${name}`); return i >= 0 ? argv[i + 1] : dflt; };
const list = (s) => (s ? s.split(',').map((x) => x.trim()).filter(Boolean) : []);
const sizes = list(opt('n', '1000,10000')).map(Number);
const stores = list(opt('store', 'embedded,postgres'));
const peers = list(opt('peers', 'radicale,xandikos')).filter((p) => p !== 'none');
const capMs = Number(opt('cap', 120)) * 1000;
const fillCapMs = Number(opt('fill-cap', 300)) * 1000;
const only = list(opt('only', ''));
const tag = opt('tag', '');
const baselineDir = opt('baseline', '');
const nodeArgs = opt('node-args') === undefined ? partageNodeArgs : opt('node-args').split(/\s+/).filter(Boolean);
const baselineNodeArgs = opt('baseline-node-args') === undefined ? nodeArgs : opt('baseline-node-args').split(/\s+/).filter(Boolean);
const repeat = Math.max(1, Number(opt('repeat', 1))); // runs of each target at each N, interleaved; the table gives their medians
const root = join(import.meta.dirname, '..');
const cli = join(root, 'packages', 'server', 'dist', 'cli.js');
const adminPassword = 'bench admin password';
const user = 'bench@bench.test';
const password = 'bench user password';
const basic = (u, p) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

const median = (xs) => { if (!xs.length) return undefined; const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const percentile = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(s.length * p))]; };
const round = (x, d = 1) => (x === undefined ? undefined : Number(x.toFixed(d)));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (...a) => console.error(`[${new Date().toISOString().slice(11, 19)}]`, ...a);
const oneLine = (s, max = 300) => s.replace(/\s+/g, ' ').slice(0, max);

function freePort() {
  return new Promise((resolve) => { const s = net.createServer(); s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); }); });
}
async function waitFor(url, headers, ms = 90_000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try { const r = await fetch(url, { method: 'OPTIONS', headers }); if (r.status < 500) return; } catch { /* starting */ }
    await sleep(200);
  }
  throw new Error(`${url} did not come up within ${ms} ms`);
}
function exitOf(child) { return new Promise((r) => { if (child.exitCode !== null || child.signalCode) r(); else child.once('exit', r); }); }
function collect(child) { const stderr = []; child.stderr.on('data', (c) => { stderr.push(c.toString()); if (stderr.length > 200) stderr.shift(); }); return stderr; }

// ---------------------------------------------------------------- targets
async function startPartage(store, serverCli = cli, args = nodeArgs) {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'partage-carddav-bench-'));
  let databaseName;
  const env = { ...process.env, PARTAGE_PORT: String(port), PARTAGE_DATA_DIR: dataDir, PARTAGE_ADMIN_PASSWORD: adminPassword, PARTAGE_LOG_LEVEL: 'warn' };
  if (store === 'postgres') {
    databaseName = `partage_carddav_bench_${Date.now()}`;
    execFileSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', 'test', '-qc', `create database ${databaseName}`]);
    env.DATABASE_URL = `postgres://postgres@127.0.0.1:5432/${databaseName}`;
  }
  const child = spawn(process.execPath, [...args, serverCli, 'serve'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const stderr = collect(child);
  const origin = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try { if ((await fetch(`${origin}/healthz`)).ok) break; } catch { /* starting */ }
    if (i > 600 || child.exitCode !== null) throw new Error(`Partage did not start: ${stderr.join('')}`);
    await sleep(200);
  }
  const created = await fetch(`${origin}/api/v1/accounts`, {
    method: 'POST', headers: { Authorization: basic('admin', adminPassword), 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: user, password }),
  });
  if (created.status !== 201) throw new Error(`could not create the bench user: ${created.status} ${await created.text()}`);
  const home = `/webdav/${user}/`;
  return {
    partage: true, origin, pid: child.pid, headers: { Authorization: basic(user, password) }, stderr,
    book: `${home}Contacts/`, c1: `${home}bench-c1/`, create: ['c1'],
    stop: async () => {
      child.kill('SIGTERM');
      await Promise.race([exitOf(child), sleep(15_000).then(() => child.kill('SIGKILL'))]);
      rmSync(dataDir, { recursive: true, force: true });
      if (databaseName) execFileSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', 'test', '-qc', `drop database ${databaseName} with (force)`]);
    },
  };
}

async function startRadicale() {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'radicale-carddav-bench-'));
  const config = join(dir, 'config');
  writeFileSync(config, `[server]\nhosts = 127.0.0.1:${port}\nmax_connections = 32\n[auth]\ntype = none\n[rights]\ntype = owner_only\n[storage]\nfilesystem_folder = ${dir}/collections\n[logging]\nlevel = warning\n`);
  const child = spawn('/usr/bin/python3', ['-m', 'radicale', '--config', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  const stderr = collect(child);
  const origin = `http://127.0.0.1:${port}`;
  const headers = { Authorization: basic('bench', 'x') }; // auth none: the Basic login is the user
  await waitFor(`${origin}/`, headers);
  return {
    origin, pid: child.pid, headers, stderr, book: '/bench/contacts/', c1: '/bench/c1/', create: ['book', 'c1'],
    stop: async () => { child.kill('SIGTERM'); await Promise.race([exitOf(child), sleep(10_000).then(() => child.kill('SIGKILL'))]); rmSync(dir, { recursive: true, force: true }); },
  };
}

async function startXandikos() {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'xandikos-carddav-bench-'));
  const child = spawn('/usr/bin/xandikos', ['--defaults', '-d', dir, '-l', '127.0.0.1', '-p', String(port), '--current-user-principal', '/user/'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const stderr = collect(child);
  const origin = `http://127.0.0.1:${port}`;
  await waitFor(`${origin}/`, {});
  return {
    origin, pid: child.pid, headers: {}, stderr,
    // --defaults creates /user/contacts/addressbook/; the concurrency-1 book is made by extended MKCOL
    book: '/user/contacts/addressbook/', c1: '/user/contacts/c1/', create: ['c1'],
    stop: async () => { child.kill('SIGTERM'); await Promise.race([exitOf(child), sleep(10_000).then(() => child.kill('SIGKILL'))]); rmSync(dir, { recursive: true, force: true }); },
  };
}

const starters = {
  'partage-embedded': () => startPartage('embedded'),
  'partage-postgres': () => startPartage('postgres'),
  'partage-baseline': () => startPartage('embedded', join(baselineDir, 'packages', 'server', 'dist', 'cli.js'), baselineNodeArgs),
  radicale: startRadicale,
  xandikos: startXandikos,
};

// ---------------------------------------------------------------- XML
const NS = 'xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav"';
const xml = (s) => `<?xml version="1.0" encoding="utf-8"?>\n${s}`;
const mkcolBody = xml(`<D:mkcol ${NS}><D:set><D:prop><D:resourcetype><D:collection/><C:addressbook/></D:resourcetype><D:displayname>bench</D:displayname></D:prop></D:set></D:mkcol>`);
const queryBody = (prop, match, term, data) => xml(`<C:addressbook-query ${NS}><D:prop><D:getetag/>${data ? '<C:address-data/>' : ''}</D:prop>` +
  `<C:filter test="anyof"><C:prop-filter name="${prop}"><C:text-match collation="i;ascii-casemap" match-type="${match}">${term}</C:text-match></C:prop-filter></C:filter></C:addressbook-query>`);
const syncBody = (token) => xml(`<D:sync-collection ${NS}><D:sync-token>${token ?? ''}</D:sync-token><D:sync-level>1</D:sync-level><D:prop><D:getetag/></D:prop></D:sync-collection>`);

function responses(body) {
  const out = [];
  for (const m of body.matchAll(/<(?:[\w-]+:)?response\b[^>]*>([\s\S]*?)<\/(?:[\w-]+:)?response>/g)) {
    const href = /<(?:[\w-]+:)?href\b[^>]*>([^<]*)</.exec(m[1])?.[1]?.trim() ?? '';
    let decoded = href; try { decoded = decodeURIComponent(href); } catch { /* keep */ }
    out.push({ href: decoded, name: decoded.split('/').filter(Boolean).pop() ?? '', body: m[1] });
  }
  return out;
}
const syncToken = (body) => /<(?:[\w-]+:)?sync-token\b[^>]*>([^<]*)</.exec(body.replace(/<(?:[\w-]+:)?response\b[\s\S]*<\/(?:[\w-]+:)?response>/g, ''))?.[1]?.trim();
const cardCount = (body) => (body.match(/BEGIN:VCARD/g) ?? []).length;

class Skip extends Error {}

// ---------------------------------------------------------------- one target at one N
async function runTarget(name, n) {
  const result = { target: name, n, steps: {}, errors: [] };
  log(`${name} N=${n}: starting`);
  let t;
  try { t = await starters[name](); } catch (e) { result.errors.push(`start: ${e.message}`); return result; }
  const http = client(t.origin, { connections: 32, headers: t.headers });
  const req = (method, path, o = {}) => http.request(method, path, o);
  const wrong = (what, detail) => { result.errors.push(`${what}: ${detail}`); log(`${name} N=${n}: WRONG ${what}: ${detail}`); };

  async function step(label, fn, cap = capMs) {
    const started = Date.now();
    const ctx = { expired: false, deadline: performance.now() + cap };
    let timer;
    try {
      const value = await Promise.race([fn(ctx), new Promise((_, rej) => { timer = setTimeout(() => { ctx.expired = true; rej(new Skip(`skipped: exceeded ${cap / 1000} s`)); }, cap + 30_000); })]);
      result.steps[label] = value;
      log(`${name} N=${n}: ${label} ${JSON.stringify(value)} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
      return value;
    } catch (e) {
      ctx.expired = true;
      result.steps[label] = { skipped: e instanceof Skip ? e.message : undefined, error: e instanceof Skip ? undefined : e.message };
      if (!(e instanceof Skip)) result.errors.push(`${label}: ${e.message}`);
      log(`${name} N=${n}: ${label} ${e.message}`);
      return undefined;
    } finally { clearTimeout(timer); }
  }
  const put = (collection, c, revision = 0, headers = {}) =>
    req('PUT', collection + c.href, { headers: { 'Content-Type': 'text/vcard; charset=utf-8', ...headers }, body: vcardOf(c, revision) });

  try {
    for (const key of t.create) {
      const r = await req('MKCOL', t[key], { headers: { 'Content-Type': 'application/xml' }, body: mkcolBody });
      if (r.status !== 201) throw new Error(`extended MKCOL ${t[key]}: ${r.status} ${oneLine(r.body)}`);
    }
    // functional check before any timing: PUT, GET back, If-None-Match
    {
      const c = makeCard(n + 1_000_000);
      const r = await put(t.c1, c, 0, { 'If-None-Match': '*' });
      const g = await req('GET', t.c1 + c.href);
      const again = await put(t.c1, c, 1, { 'If-None-Match': '*' });
      result.checks = { putStatus: r.status, putReturnsEtag: Boolean(r.headers.etag), getStatus: g.status, getHasFn: g.body.includes(`FN:${c.fn}`), ifNoneMatchStar412: again.status === 412 };
      log(`${name} N=${n}: checks ${JSON.stringify(result.checks)}`);
      if (r.status >= 300 || g.status !== 200) throw new Error(`functional check failed: ${JSON.stringify(result.checks)} ${oneLine(r.body)}`);
      await req('DELETE', t.c1 + c.href);
    }

    const cards = Array.from({ length: n }, (_, i) => makeCard(i));
    const model = new Map(); // href -> card, for what the main address book holds

    await step('bulkPutC1', async (ctx) => {
      const started = performance.now();
      let done = 0;
      for (const c of cards) {
        if (ctx.expired || performance.now() > ctx.deadline) break;
        const r = await put(t.c1, c, 0, { 'If-None-Match': '*' });
        if (r.status !== 201 && r.status !== 204) throw new Error(`PUT ${t.c1}${c.href}: ${r.status} ${oneLine(r.body)}`);
        done++;
      }
      const s = (performance.now() - started) / 1000;
      return { cardsPerSecond: Math.round(done / s), cards: done, seconds: round(s), ...(done < cards.length ? { capped: `stopped after ${done} of ${cards.length} cards at the ${capMs / 1000} s cap` } : {}) };
    });
    if (!t.partage) await req('DELETE', t.c1).catch(() => {}); // peers: keep their disk work to the measured book

    const filled = await step('bulkPutC16', async (ctx) => {
      const started = performance.now();
      let next = 0;
      await Promise.all(Array.from({ length: 16 }, async () => {
        while (next < cards.length && !ctx.expired && performance.now() < ctx.deadline) {
          const c = cards[next++];
          const r = await put(t.book, c, 0, { 'If-None-Match': '*' });
          if (r.status !== 201 && r.status !== 204) throw new Error(`PUT ${t.book}${c.href}: ${r.status} ${oneLine(r.body)}`);
          model.set(c.href, c);
        }
      }));
      const s = (performance.now() - started) / 1000;
      return { cardsPerSecond: Math.round(model.size / s), cards: model.size, seconds: round(s), ...(model.size < cards.length ? { capped: `stopped after ${model.size} of ${cards.length} cards at the ${fillCapMs / 1000} s cap` } : {}) };
    }, fillCapMs);
    if (!filled || model.size < n) { result.errors.push(`address book not filled to N=${n} within ${fillCapMs / 1000} s: the remaining steps were skipped`); return result; }

    const exp = expectations([...model.values()]);
    const queries = [
      ['queryFnMs', 'FN', 'contains', FN_TERM, false, exp.fn],
      ['queryFnDataMs', 'FN', 'contains', FN_TERM, true, exp.fn],
      ['queryEmailMs', 'EMAIL', 'equals', EMAIL_TERM, false, exp.email],
    ];
    for (const [label, prop, match, term, data, expected] of queries) {
      await step(label, async (ctx) => {
        const ms = [];
        let verdict = 'right';
        let got;
        const body = queryBody(prop, match, term, data);
        for (let k = 0; k < 21 && !ctx.expired; k++) {
          const t0 = performance.now();
          const r = await req('REPORT', t.book, { headers: { Depth: '1', 'Content-Type': 'application/xml; charset=utf-8' }, body });
          ms.push(performance.now() - t0);
          if (k > 0) continue;
          const names = new Set(responses(r.body).map((x) => x.name).filter((x) => x.endsWith('.vcf')));
          got = names.size;
          const missing = [...expected].filter((h) => !names.has(h));
          const extra = [...names].filter((h) => !expected.has(h));
          const cardsInBody = cardCount(r.body);
          if (r.status !== 207 || missing.length || extra.length || (data && cardsInBody !== expected.size)) {
            verdict = r.status === 207 ? 'wrong' : `HTTP ${r.status}`;
            wrong(`addressbook-query ${prop} ${match} "${term}"${data ? ' with address-data' : ''}`,
              `status ${r.status}${r.status !== 207 ? ` (${oneLine(r.body, 200)})` : ''}, ${names.size} cards, expected ${expected.size}; missing ${missing.length} (e.g. ${missing.slice(0, 3).join(' ')}), extra ${extra.length} (e.g. ${extra.slice(0, 3).join(' ')})${data ? `; ${cardsInBody} address-data` : ''}`);
            if (r.status !== 207) break; // an error answer: its time is not a query time
          }
        }
        // The first 7 right after the fill (as in earlier runs: caches, JIT and the store's
        // maintenance still settling), then 14 more: what a server that has been answering for
        // a while gives.
        const ok = !verdict.startsWith('HTTP');
        return {
          medianMs: ok ? round(median(ms.slice(0, 7))) : undefined,
          warmMedianMs: ok && ms.length > 7 ? round(median(ms.slice(7))) : undefined,
          firstMs: round(ms[0]), runs: ms.length, results: got, expected: expected.size, answer: verdict,
          runsMs: ms.map((x) => round(x)), // every run in order: where the first runs' time goes
        };
      });
    }

    let token;
    await step('syncInitialMs', async (ctx) => {
      const ms = [];
      for (let k = 0; k < 5 && !ctx.expired; k++) {
        const t0 = performance.now();
        const r = await req('REPORT', t.book, { headers: { Depth: '1', 'Content-Type': 'application/xml' }, body: syncBody() });
        ms.push(performance.now() - t0);
        const count = responses(r.body).filter((x) => x.name.endsWith('.vcf')).length;
        token = syncToken(r.body);
        if (r.status !== 207 || count !== model.size || !token) { wrong('sync-collection initial', `status ${r.status}, ${count} members, expected ${model.size}, token ${token}${r.status !== 207 ? ` (${oneLine(r.body, 200)})` : ''}`); token = undefined; return { wrong: true }; }
      }
      return { medianMs: round(median(ms)), members: model.size };
    });

    if (token) await step('syncIncrementalMs', async (ctx) => {
      const ms = [];
      for (let round_ = 1; round_ <= 5 && !ctx.expired; round_++) {
        const changed = Array.from({ length: 10 }, (_, k) => cards[(round_ * 977 + k * 101) % n]);
        for (const c of changed) {
          const r = await put(t.book, c, round_);
          if (r.status >= 300) throw new Error(`PUT ${c.href}: ${r.status}`);
        }
        const t0 = performance.now();
        const r = await req('REPORT', t.book, { headers: { Depth: '1', 'Content-Type': 'application/xml' }, body: syncBody(token) });
        ms.push(performance.now() - t0);
        const names = new Set(responses(r.body).map((x) => x.name).filter((x) => x.endsWith('.vcf')));
        token = syncToken(r.body);
        if (r.status !== 207 || names.size !== 10 || changed.some((c) => !names.has(c.href))) { wrong('sync-collection incremental', `status ${r.status}, ${names.size} changed members, expected 10`); return { wrong: true }; }
      }
      return { medianMs: round(median(ms)), changed: 10 };
    });

    if (t.partage) await step('autocomplete', async (ctx) => {
      const g = await req('PUT', `/api/v1/accounts/${encodeURIComponent(user)}/gal`, { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ folder: 'Contacts', enabled: true }) });
      if (g.status !== 200) throw new Error(`PUT /api/v1/accounts/${user}/gal: ${g.status} ${oneLine(g.body)}`);
      const probe = cards[Math.floor(n / 2)];
      const fnHits = [...model.values()].filter((c) => c.fn.toLowerCase().includes('lef')).length;
      // [query, check of the answer]
      const qs = [
        ['lef', (a) => a.length >= Math.min(20, fnHits) && a.every((m) => ascii(`${m.name} ${m.email}`).includes('lef'))],
        ['élo', (a) => a.length > 0 && a.every((m) => ascii(`${m.name} ${m.email}`).includes('elo'))],
        [probe.emails[0], (a) => a[0]?.email === probe.emails[0]],
        ['team-7@', (a) => a.some((m) => m.email === EMAIL_TERM)],
        ['zzzq', (a) => a.length === 0],
      ];
      const per = {};
      const all = [];
      for (let k = 0; k < 21 && !ctx.expired; k++) {
        for (const [q, ok] of qs) {
          const t0 = performance.now();
          const r = await req('GET', `/api/v1/autocomplete?q=${encodeURIComponent(q)}`);
          const ms = performance.now() - t0;
          const entry = (per[q] ??= { times: [] });
          if (k === 0) { // first round: warm-up and answer check
            let answer; try { answer = JSON.parse(r.body); } catch { answer = undefined; }
            entry.results = Array.isArray(answer) ? answer.length : undefined;
            entry.first = Array.isArray(answer) ? answer[0]?.email : undefined;
            entry.answer = r.status === 200 && Array.isArray(answer) && ok(answer) ? 'right' : 'wrong';
            if (entry.answer === 'wrong') wrong(`GET /api/v1/autocomplete?q=${q}`, `status ${r.status}, ${oneLine(r.body, 300)}`);
            continue;
          }
          entry.times.push(ms); all.push(ms);
        }
      }
      const perQuery = Object.fromEntries(Object.entries(per).map(([q, e]) => [q, { medianMs: round(median(e.times)), results: e.results, first: e.first, answer: e.answer }]));
      return { medianMs: round(median(all)), p95Ms: round(percentile(all, 0.95)), requests: all.length, answer: Object.values(per).every((e) => e.answer === 'right') ? 'right' : 'wrong', perQuery };
    });
  } catch (e) {
    result.errors.push(e.message);
    log(`${name} N=${n}: ${e.message}`);
  } finally {
    http.close();
    const errs = t.stderr.join('').split('\n').filter((l) => /error|exception|traceback/i.test(l));
    if (errs.length) result.serverErrors = errs.slice(0, 20);
    await t.stop().catch((e) => result.errors.push(`stop: ${e.message}`));
  }
  return result;
}

// ---------------------------------------------------------------- run and report
const targets = [...stores.map((s) => `partage-${s}`), ...(baselineDir ? ['partage-baseline'] : []), ...peers];
const results = {
  date: new Date().toISOString(), node: process.version, cpus: cpus().length,
  radicale: (() => { try { return execFileSync('/usr/bin/python3', ['-m', 'radicale', '--version'], { encoding: 'utf8' }).trim(); } catch { return undefined; } })(),
  xandikos: (() => { try { return execFileSync('dpkg-query', ['-W', '-f', '${Version}', 'xandikos'], { encoding: 'utf8' }).trim(); } catch { return undefined; } })(),
  queries: { fn: `FN contains "${FN_TERM}" (i;ascii-casemap)`, email: `EMAIL equals "${EMAIL_TERM}" (i;ascii-casemap)` },
  capSeconds: capMs / 1000, fillCapSeconds: fillCapMs / 1000, argv, runs: [],
  nodeArgs, ...(baselineDir ? { baselineNodeArgs } : {}),
  ...(baselineDir ? { baseline: { dir: baselineDir, commit: (() => { try { return execFileSync('git', ['-C', baselineDir, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim(); } catch { return undefined; } })() } } : {}),
};
for (const n of sizes) {
  for (let round = 1; round <= repeat; round++) {
    for (const name of targets) {
      if (only.length && !only.includes(name) && !only.includes(`${name}@${n}`)) continue;
      results.runs.push({ ...(await runTarget(name, n)), ...(repeat > 1 ? { round } : {}) });
    }
  }
}

const answerMark = (s) => (s?.answer && s.answer !== 'right' ? ` ${s.answer.toUpperCase()}` : '');
const rows = [
  ['PUT c=1 (cards/s)', (r) => r.steps.bulkPutC1?.cardsPerSecond, (r) => (r.steps.bulkPutC1?.capped ? ' (capped)' : '')],
  ['PUT c=16 (cards/s)', (r) => r.steps.bulkPutC16?.cardsPerSecond, (r) => (r.steps.bulkPutC16?.capped ? ' (capped: not filled)' : '')],
  ['query FN contains (ms)', (r) => r.steps.queryFnMs?.medianMs, (r) => answerMark(r.steps.queryFnMs)],
  ['  the same, warm (ms)', (r) => r.steps.queryFnMs?.warmMedianMs, (r) => answerMark(r.steps.queryFnMs)],
  ['query FN + address-data (ms)', (r) => r.steps.queryFnDataMs?.medianMs, (r) => answerMark(r.steps.queryFnDataMs)],
  ['  the same, warm (ms)', (r) => r.steps.queryFnDataMs?.warmMedianMs, (r) => answerMark(r.steps.queryFnDataMs)],
  ['query EMAIL equals (ms)', (r) => r.steps.queryEmailMs?.medianMs, (r) => answerMark(r.steps.queryEmailMs)],
  ['  the same, warm (ms)', (r) => r.steps.queryEmailMs?.warmMedianMs, (r) => answerMark(r.steps.queryEmailMs)],
  ['sync initial (ms)', (r) => r.steps.syncInitialMs?.medianMs, (r) => (r.steps.syncInitialMs?.wrong ? ' WRONG' : '')],
  ['sync incremental (ms)', (r) => r.steps.syncIncrementalMs?.medianMs, (r) => (r.steps.syncIncrementalMs?.wrong ? ' WRONG' : '')],
  ['autocomplete (ms)', (r) => r.steps.autocomplete?.medianMs, (r) => answerMark(r.steps.autocomplete)],
];
const lines = [];
for (const n of sizes) {
  // Each target's runs at this N (several with --repeat): a cell gives their median, and with
  // several runs their range; ratios are of medians.
  const groups = targets.map((name) => results.runs.filter((r) => r.target === name && r.n === n)).filter((g) => g.length);
  if (!groups.length) continue;
  const base = groups.find((g) => g[0].target === 'partage-embedded') ?? groups[0];
  const several = groups.some((g) => g.length > 1);
  lines.push(`\nN = ${n}   (ratio = other / ${base[0].target}; rates: < 1 is slower; times: > 1 is slower)${several ? `; median of ${repeat} runs [range]` : ''}`);
  const head = ['', ...groups.map((g) => (g === base ? g[0].target : `${g[0].target} (ratio)`))];
  const table = [head];
  const valuesOf = (g, get) => g.map(get).filter((v) => v !== undefined);
  for (const [label, get, mark] of rows) {
    const baseValues = valuesOf(base, get);
    const b = median(baseValues);
    table.push([label, ...groups.map((g) => {
      const values = valuesOf(g, get);
      const v = median(values);
      const m = g.map(mark).find((x) => x) ?? '';
      if (v === undefined) {
        if (label.startsWith('autocomplete') && !g[0].target.startsWith('partage')) return 'n/a';
        return m ? m.trim() : 'skipped';
      }
      const range = values.length > 1 ? ` [${Math.min(...values)}–${Math.max(...values)}]` : '';
      if (g === base || !b) return `${v}${range}${m}`;
      return `${v}${range} (${(v / b).toFixed(v / b < 10 ? 2 : 0)})${m}`;
    })]);
  }
  const widths = head.map((_, c) => Math.max(...table.map((row) => String(row[c]).length)));
  for (const row of table) lines.push(row.map((cell, c) => String(cell).padEnd(widths[c])).join('  '));
}
const json = JSON.stringify(results, null, 2);
console.log(json);
console.log(lines.join('\n'));
for (const r of results.runs) if (r.errors.length) console.log(`\n${r.target} N=${r.n}: ${r.errors.join('; ')}`);
mkdirSync(join(import.meta.dirname, 'results'), { recursive: true });
const out = join(import.meta.dirname, 'results', `carddav-${results.date.slice(0, 10)}${tag ? `-${tag}` : ''}.json`);
writeFileSync(out, json + '\n');
log(`written ${out}`);
