#!/usr/bin/env node
// CalDAV benchmark (issue 3, "Speed"). Runs the same workload, in the same run, against
// Partage (compiled server as a child process, embedded store and/or PostgreSQL) and against
// Radicale and Xandikos (Debian packages), each started here on a free loopback port with a
// fresh temporary storage. For each N:
//   bulk PUT of N events at concurrency 1 (separate calendar) and 16 (events/s);
//   one PUT once the calendar holds N (median of 20, ms); PROPFIND Depth 1 (median of 5);
//   a one-month calendar-query with and without expand (answers checked against counts
//   computed from the generated data); calendar-multiget of 100; initial and incremental
//   sync-collection (10 changed events); a 90/10 GET/PUT mix with If-Match over 32
//   connections (req/s, p99, lost updates detected through a counter in DESCRIPTION).
// Every step is bounded in time (--cap seconds); a step over the cap is reported as skipped.
// Usage: node bench/caldav-bench.mjs [--n 1000,10000] [--store embedded,postgres]
//          [--peers radicale,xandikos] [--cap 120] [--fill-cap 300] [--mix-seconds 10]
//          [--tag SUFFIX] (result file bench/results/caldav-<date>[-SUFFIX].json)
//          [--cpu-prof DIR]   (writes a V8 CPU profile of each Partage server into DIR)
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import { client } from './caldav/http.mjs';
import { makeEvent, icsOf, expectations, MONTH, ical } from './caldav/data.mjs';
import { partageNodeArgs } from './partage-node-args.mjs';

const argv = process.argv.slice(2);
const opt = (name, dflt) => { const i = argv.indexOf(`--${name}`); return i >= 0 ? argv[i + 1] : dflt; };
const list = (s) => (s ? s.split(',').map((x) => x.trim()).filter(Boolean) : []);
const sizes = list(opt('n', '1000,10000')).map(Number);
const stores = list(opt('store', 'embedded,postgres'));
const peers = list(opt('peers', 'radicale,xandikos')).filter((p) => p !== 'none'); // --peers none: Partage only
const capMs = Number(opt('cap', 120)) * 1000;
const fillCapMs = Number(opt('fill-cap', 300)) * 1000;
const mixSeconds = Number(opt('mix-seconds', 10));
const cpuProfDir = opt('cpu-prof', undefined);
const only = list(opt('only', '')); // optional: restrict to target names, e.g. partage-embedded@10000
const tag = opt('tag', ''); // optional suffix of the result file name
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

// ---------------------------------------------------------------- targets
async function startPartage(store) {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'partage-caldav-bench-'));
  let databaseName;
  const env = { ...process.env, PARTAGE_PORT: String(port), PARTAGE_DATA_DIR: dataDir, PARTAGE_ADMIN_PASSWORD: adminPassword, PARTAGE_LOG_LEVEL: 'warn' };
  if (store === 'postgres') {
    databaseName = `partage_caldav_bench_${Date.now()}`;
    execFileSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', 'test', '-qc', `create database ${databaseName}`]);
    env.DATABASE_URL = `postgres://postgres@127.0.0.1:5432/${databaseName}`;
  }
  const nodeArgs = cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`, `--cpu-prof-name=partage-${store}-${Date.now()}.cpuprofile`] : [];
  const child = spawn(process.execPath, [...partageNodeArgs, ...nodeArgs, cli, 'serve'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const stderr = [];
  child.stderr.on('data', (c) => { stderr.push(c.toString()); if (stderr.length > 200) stderr.shift(); });
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
    origin, pid: child.pid, headers: { Authorization: basic(user, password) }, stderr,
    calendar: `${home}Calendar/`, c1: `${home}bench-c1/`, check: `${home}bench-check/`, create: ['c1', 'check'],
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
  const dir = mkdtempSync(join(tmpdir(), 'radicale-bench-'));
  const config = join(dir, 'config');
  writeFileSync(config, `[server]\nhosts = 127.0.0.1:${port}\nmax_connections = 32\n[auth]\ntype = none\n[rights]\ntype = owner_only\n[storage]\nfilesystem_folder = ${dir}/collections\n[logging]\nlevel = warning\n`);
  const child = spawn('/usr/bin/python3', ['-m', 'radicale', '--config', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  const stderr = [];
  child.stderr.on('data', (c) => { stderr.push(c.toString()); if (stderr.length > 200) stderr.shift(); });
  const origin = `http://127.0.0.1:${port}`;
  // auth type none: the user is the Basic login name, and owner_only lets it write under /bench/
  const headers = { Authorization: basic('bench', 'x') };
  await waitFor(`${origin}/`, headers);
  return {
    origin, pid: child.pid, headers, stderr, calendar: '/bench/calendar/', c1: '/bench/c1/', check: '/bench/check/', create: ['calendar', 'c1', 'check'],
    stop: async () => { child.kill('SIGTERM'); await Promise.race([exitOf(child), sleep(10_000).then(() => child.kill('SIGKILL'))]); rmSync(dir, { recursive: true, force: true }); },
  };
}

async function startXandikos() {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'xandikos-bench-'));
  const child = spawn('/usr/bin/xandikos', ['--defaults', '-d', dir, '-l', '127.0.0.1', '-p', String(port), '--current-user-principal', '/user/'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const stderr = [];
  child.stderr.on('data', (c) => { stderr.push(c.toString()); if (stderr.length > 200) stderr.shift(); });
  const origin = `http://127.0.0.1:${port}`;
  await waitFor(`${origin}/`, {});
  return {
    origin, pid: child.pid, headers: {}, stderr,
    calendar: '/user/calendars/bench/', c1: '/user/calendars/c1/', check: '/user/calendars/check/', create: ['calendar', 'c1', 'check'],
    stop: async () => { child.kill('SIGTERM'); await Promise.race([exitOf(child), sleep(10_000).then(() => child.kill('SIGKILL'))]); rmSync(dir, { recursive: true, force: true }); },
  };
}

const starters = {
  'partage-embedded': () => startPartage('embedded'),
  'partage-postgres': () => startPartage('postgres'),
  radicale: startRadicale,
  xandikos: startXandikos,
};

// ---------------------------------------------------------------- XML
const NS = 'xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"';
const xml = (s) => `<?xml version="1.0" encoding="utf-8"?>\n${s}`;
const mkcalendarBody = xml(`<C:mkcalendar ${NS}><D:set><D:prop><D:displayname>bench</D:displayname><C:supported-calendar-component-set><C:comp name="VEVENT"/></C:supported-calendar-component-set></D:prop></D:set></C:mkcalendar>`);
const propfindBody = xml(`<D:propfind ${NS}><D:prop><D:resourcetype/><D:getetag/><D:getcontenttype/></D:prop></D:propfind>`);
const range = `start="${ical(MONTH.start)}" end="${ical(MONTH.end)}"`;
const queryBody = (expand) => xml(`<C:calendar-query ${NS}><D:prop><D:getetag/><C:calendar-data>${expand ? `<C:expand ${range}/>` : ''}</C:calendar-data></D:prop>` +
  `<C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:time-range ${range}/></C:comp-filter></C:comp-filter></C:filter></C:calendar-query>`);
const multigetBody = (hrefs) => xml(`<C:calendar-multiget ${NS}><D:prop><D:getetag/><C:calendar-data/></D:prop>${hrefs.map((h) => `<D:href>${h}</D:href>`).join('')}</C:calendar-multiget>`);
const syncBody = (token) => xml(`<D:sync-collection ${NS}><D:sync-token>${token ?? ''}</D:sync-token><D:sync-level>1</D:sync-level><D:prop><D:getetag/></D:prop></D:sync-collection>`);

function responses(body) {
  const out = [];
  for (const m of body.matchAll(/<(?:[\w-]+:)?response\b[^>]*>([\s\S]*?)<\/(?:[\w-]+:)?response>/g)) {
    const href = /<(?:[\w-]+:)?href\b[^>]*>([^<]*)</.exec(m[1])?.[1]?.trim() ?? '';
    out.push({ href: decodeURIComponent(href), name: decodeURIComponent(href).split('/').filter(Boolean).pop() ?? '', body: m[1] });
  }
  return out;
}
const syncToken = (body) => /<(?:[\w-]+:)?sync-token\b[^>]*>([^<]*)</.exec(body.replace(/<(?:[\w-]+:)?response\b[\s\S]*<\/(?:[\w-]+:)?response>/g, ''))?.[1]?.trim();
const veventCount = (body) => (body.match(/BEGIN:VEVENT/g) ?? []).length;

class Skip extends Error {}

// ---------------------------------------------------------------- one target at one N
async function runTarget(name, n) {
  const result = { target: name, n, steps: {}, errors: [] };
  log(`${name} N=${n}: starting`);
  let t;
  try { t = await starters[name](); } catch (e) { result.errors.push(`start: ${e.message}`); return result; }
  const http = client(t.origin, { connections: 32, headers: t.headers });
  const req = async (method, path, o = {}) => http.request(method, path, o);
  const wrong = (what, detail) => { result.errors.push(`${what}: ${detail}`); log(`${name} N=${n}: WRONG ${what}: ${detail}`); };
  const model = new Map(); // href -> event, for what the main calendar holds

  async function step(label, fn, cap = capMs) {
    const started = Date.now();
    // loops that can stop early (bulk PUT at concurrency 1) stop at ctx.deadline and report a partial rate
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

  async function put(collection, ev, counter = 0, headers = {}) {
    const r = await req('PUT', collection + ev.href, { headers: { 'Content-Type': 'text/calendar; charset=utf-8', ...headers }, body: icsOf(ev, counter) });
    return r;
  }

  try {
    // collections, then a functional check before any timing
    for (const key of t.create) {
      const r = await req('MKCALENDAR', t[key], { headers: { 'Content-Type': 'application/xml' }, body: mkcalendarBody });
      if (r.status !== 201) throw new Error(`MKCALENDAR ${t[key]}: ${r.status} ${r.body.slice(0, 300)}`);
    }
    const checks = {};
    {
      const ev = makeEvent(19 * 7 + 2, {}); // a recurring one
      const evs = [makeEvent(2), makeEvent(16), ev, makeEvent(19)];
      for (const e of evs) {
        const r = await put(t.check, e, 0, { 'If-None-Match': '*' });
        if (r.status !== 201 && r.status !== 204) throw new Error(`check PUT ${e.href}: ${r.status} ${r.body.slice(0, 300)}`);
      }
      checks.putReturnsEtag = Boolean((await put(t.check, evs[0], 1)).headers.etag);
      checks.ifNoneMatchStar412 = (await put(t.check, evs[0], 2, { 'If-None-Match': '*' })).status === 412;
      checks.ifMatchWrong412 = (await put(t.check, evs[0], 2, { 'If-Match': '"nope"' })).status === 412;
      const exp = expectations(evs);
      const q = await req('REPORT', t.check, { headers: { Depth: '1', 'Content-Type': 'application/xml' }, body: queryBody(true) });
      checks.queryStatus = q.status;
      checks.expandCorrect = q.status === 207 && responses(q.body).length === exp.objects && veventCount(q.body) === exp.expanded;
      const g = await req('GET', t.check + evs[2].href);
      checks.getStatus = g.status;
      result.checks = checks;
      log(`${name} N=${n}: checks ${JSON.stringify(checks)}`);
      if (!(g.status === 200 && q.status === 207)) throw new Error(`functional check failed: ${JSON.stringify(checks)}`);
    }

    const events = Array.from({ length: n }, (_, i) => makeEvent(i));

    await step('bulkPutC1', async (ctx) => {
      const started = performance.now();
      let done = 0;
      for (const ev of events) {
        if (ctx.expired || performance.now() > ctx.deadline) break;
        const r = await put(t.c1, ev, 0, { 'If-None-Match': '*' });
        if (r.status !== 201 && r.status !== 204) throw new Error(`PUT ${t.c1}${ev.href}: ${r.status} ${r.body.slice(0, 300)}`);
        done++;
      }
      const s = (performance.now() - started) / 1000;
      return { eventsPerSecond: Math.round(done / s), events: done, seconds: round(s), ...(done < events.length ? { capped: `stopped after ${done} of ${events.length} events at the ${capMs / 1000} s cap` } : {}) };
    });
    if (name !== 'partage-embedded' && name !== 'partage-postgres') await req('DELETE', t.c1).catch(() => {});

    const filled = await step('bulkPutC16', async (ctx) => {
      const started = performance.now();
      let next = 0;
      await Promise.all(Array.from({ length: 16 }, async () => {
        while (next < events.length && !ctx.expired && performance.now() < ctx.deadline) {
          const ev = events[next++];
          const r = await put(t.calendar, ev, 0, { 'If-None-Match': '*' });
          if (r.status !== 201 && r.status !== 204) throw new Error(`PUT ${t.calendar}${ev.href}: ${r.status} ${r.body.slice(0, 300)}`);
          model.set(ev.href, ev);
        }
      }));
      const s = (performance.now() - started) / 1000;
      return { eventsPerSecond: Math.round(model.size / s), events: model.size, seconds: round(s), ...(model.size < events.length ? { capped: `stopped after ${model.size} of ${events.length} events at the ${fillCapMs / 1000} s cap` } : {}) };
    }, fillCapMs);
    if (!filled || model.size < n) { result.errors.push(`calendar not filled to N=${n} within ${fillCapMs / 1000} s: the remaining steps were skipped`); return result; }

    await step('onePutMs', async (ctx) => {
      const ms = [];
      for (let k = 0; k < 20 && !ctx.expired; k++) {
        const ev = makeEvent(n + k, { offsetDays: 730 }); // two years later: outside the queried month
        const t0 = performance.now();
        const r = await put(t.calendar, ev, 0, { 'If-None-Match': '*' });
        ms.push(performance.now() - t0);
        if (r.status !== 201 && r.status !== 204) throw new Error(`PUT ${ev.href}: ${r.status} ${r.body.slice(0, 300)}`);
        model.set(ev.href, ev);
      }
      return { medianMs: round(median(ms)), maxMs: round(Math.max(...ms)) };
    });

    await step('propfindDepth1Ms', async (ctx) => {
      const ms = [];
      for (let k = 0; k < 5 && !ctx.expired; k++) {
        const t0 = performance.now();
        const r = await req('PROPFIND', t.calendar, { headers: { Depth: '1', 'Content-Type': 'application/xml' }, body: propfindBody });
        ms.push(performance.now() - t0);
        const count = responses(r.body).length;
        if (r.status !== 207 || count !== model.size + 1) { wrong('PROPFIND Depth 1', `status ${r.status}, ${count} responses, expected ${model.size + 1}`); return { wrong: true, medianMs: round(median(ms)) }; }
      }
      return { medianMs: round(median(ms)), responses: model.size + 1 };
    });

    const exp = expectations([...model.values()]);
    for (const expand of [false, true]) {
      await step(expand ? 'queryMonthExpandMs' : 'queryMonthMs', async (ctx) => {
        const ms = [];
        let verdict = 'right';
        for (let k = 0; k < 5 && !ctx.expired; k++) {
          const t0 = performance.now();
          const r = await req('REPORT', t.calendar, { headers: { Depth: '1', 'Content-Type': 'application/xml' }, body: queryBody(expand) });
          ms.push(performance.now() - t0);
          if (k > 0) continue;
          const rs = responses(r.body);
          const names = new Set(rs.map((x) => x.name));
          const missing = [...exp.hrefs].filter((h) => !names.has(h));
          const extra = [...names].filter((h) => !exp.hrefs.has(h));
          const vevents = veventCount(r.body);
          if (r.status !== 207 || missing.length || extra.length || rs.length !== exp.objects) {
            verdict = 'wrong';
            wrong(`calendar-query${expand ? ' expand' : ''}`, `status ${r.status}${r.status !== 207 ? ` (${r.body.replace(/\s+/g, ' ').slice(0, 200)})` : ''}, ${rs.length} objects, expected ${exp.objects}; missing ${missing.length} (e.g. ${missing.slice(0, 3).join(' ')}), extra ${extra.length} (e.g. ${extra.slice(0, 3).join(' ')})`);
          }
          if (expand && vevents !== exp.expanded) {
            verdict = 'wrong';
            // find the first object whose instance count differs, for the report
            const perObject = rs.map((x) => [x.name, veventCount(x.body)]);
            const bad = perObject.find(([h, c]) => { const ev = model.get(h); return ev && c !== expectations([ev]).expanded; });
            wrong('calendar-query expand', `${vevents} instances, expected ${exp.expanded}${bad ? `; e.g. ${bad[0]} (${model.get(bad[0]).kind}) gave ${bad[1]} VEVENTs, expected ${expectations([model.get(bad[0])]).expanded}` : ''}`);
          }
        }
        return { medianMs: round(median(ms)), objects: exp.objects, instances: expand ? exp.expanded : undefined, answer: verdict };
      });
    }

    await step('multiget100Ms', async (ctx) => {
      const stride = Math.floor(n / 100);
      const hrefs = Array.from({ length: 100 }, (_, k) => t.calendar + events[k * stride].href);
      const ms = [];
      for (let k = 0; k < 10 && !ctx.expired; k++) {
        const t0 = performance.now();
        const r = await req('REPORT', t.calendar, { headers: { Depth: '1', 'Content-Type': 'application/xml' }, body: multigetBody(hrefs) });
        ms.push(performance.now() - t0);
        const got = (r.body.match(/BEGIN:VCALENDAR/g) ?? []).length;
        if (r.status !== 207 || got !== 100) { wrong('calendar-multiget', `status ${r.status}, ${got} calendar-data, expected 100`); return { wrong: true, medianMs: round(median(ms)) }; }
      }
      return { medianMs: round(median(ms)) };
    });

    let token;
    await step('syncInitialMs', async (ctx) => {
      const ms = [];
      for (let k = 0; k < 5 && !ctx.expired; k++) {
        const t0 = performance.now();
        const r = await req('REPORT', t.calendar, { headers: { Depth: '1', 'Content-Type': 'application/xml' }, body: syncBody() });
        ms.push(performance.now() - t0);
        const count = responses(r.body).filter((x) => x.name.endsWith('.ics')).length;
        token = syncToken(r.body);
        if (r.status !== 207 || count !== model.size || !token) { wrong('sync-collection initial', `status ${r.status}, ${count} members, expected ${model.size}, token ${token}`); return { wrong: true }; }
      }
      return { medianMs: round(median(ms)), members: model.size };
    });

    if (token) await step('syncIncrementalMs', async (ctx) => {
      const ms = [];
      for (let round_ = 1; round_ <= 5 && !ctx.expired; round_++) {
        const changed = Array.from({ length: 10 }, (_, k) => events[(round_ * 977 + k * 101) % n]);
        for (const ev of changed) {
          const r = await put(t.calendar, ev, round_);
          if (r.status >= 300) throw new Error(`PUT ${ev.href}: ${r.status}`);
        }
        const t0 = performance.now();
        const r = await req('REPORT', t.calendar, { headers: { Depth: '1', 'Content-Type': 'application/xml' }, body: syncBody(token) });
        ms.push(performance.now() - t0);
        const names = new Set(responses(r.body).map((x) => x.name).filter((x) => x.endsWith('.ics')));
        token = syncToken(r.body);
        if (r.status !== 207 || names.size !== 10 || changed.some((ev) => !names.has(ev.href))) { wrong('sync-collection incremental', `status ${r.status}, ${names.size} changed members, expected 10`); return { wrong: true }; }
      }
      return { medianMs: round(median(ms)), changed: 10 };
    });

    await step('mix', async (ctx) => {
      const hot = Array.from({ length: 100 }, (_, k) => ({ ...makeEvent(k, { offsetDays: 1100 }), uid: `mix-${k}@partage.bench`, href: `mix-${String(k).padStart(3, '0')}.ics` }));
      for (const ev of hot) { const r = await put(t.calendar, ev, 0); if (r.status >= 300) throw new Error(`PUT ${ev.href}: ${r.status}`); }
      const successes = new Array(hot.length).fill(0);
      const latencies = [];
      const statuses = {};
      let gets = 0, puts = 0, conflicts = 0, putsWithoutEtag = 0;
      const until = performance.now() + mixSeconds * 1000;
      const r0 = rngOf(12345);
      const started = performance.now();
      await Promise.all(Array.from({ length: 32 }, async (_, w) => {
        const rand = rngOf(1000 + w);
        const cache = new Map(); // object -> { etag, counter } as this client last saw it
        const get = async (o) => {
          const t0 = performance.now();
          const r = await req('GET', t.calendar + hot[o].href);
          latencies.push(performance.now() - t0); gets++;
          statuses[`GET ${r.status}`] = (statuses[`GET ${r.status}`] ?? 0) + 1;
          const counter = Number(/DESCRIPTION:counter=(\d+)/.exec(r.body)?.[1]);
          if (r.status === 200 && r.headers.etag && Number.isFinite(counter)) cache.set(o, { etag: r.headers.etag, counter });
        };
        while (performance.now() < until && !ctx.expired) {
          const o = Math.floor(rand() * hot.length);
          if (rand() < 0.9 || !cache.has(o)) { await get(o); continue; }
          const seen = cache.get(o);
          const t0 = performance.now();
          const r = await put(t.calendar, hot[o], seen.counter + 1, { 'If-Match': seen.etag });
          latencies.push(performance.now() - t0); puts++;
          statuses[`PUT ${r.status}`] = (statuses[`PUT ${r.status}`] ?? 0) + 1;
          if (r.status >= 200 && r.status < 300) {
            successes[o]++;
            if (r.headers.etag) cache.set(o, { etag: r.headers.etag, counter: seen.counter + 1 }); else { cache.delete(o); putsWithoutEtag++; }
          } else { cache.delete(o); if (r.status === 412) conflicts++; }
        }
      }));
      const seconds = (performance.now() - started) / 1000;
      void r0;
      let lost = 0;
      for (let o = 0; o < hot.length; o++) {
        const r = await req('GET', t.calendar + hot[o].href);
        const counter = Number(/DESCRIPTION:counter=(\d+)/.exec(r.body)?.[1]);
        if (counter !== successes[o]) lost += Math.abs(successes[o] - counter);
      }
      if (lost) wrong('mix', `${lost} lost updates (final counters differ from the successful If-Match PUTs)`);
      return { requestsPerSecond: Math.round((gets + puts) / seconds), p99Ms: round(percentile(latencies, 0.99)), p50Ms: round(percentile(latencies, 0.5)), gets, puts, conflicts412: conflicts, putsWithoutEtag, lostUpdates: lost, statuses };
    }, Math.max(capMs, mixSeconds * 1000 + 60_000));
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

function rngOf(seed) { let a = seed >>> 0; return () => { a = (a + 0x6d2b79f5) >>> 0; let x = a; x = Math.imul(x ^ (x >>> 15), x | 1); x ^= x + Math.imul(x ^ (x >>> 7), x | 61); return ((x ^ (x >>> 14)) >>> 0) / 4294967296; }; }

// ---------------------------------------------------------------- run and report
const targets = [...stores.map((s) => `partage-${s}`), ...peers];
if (cpuProfDir) mkdirSync(cpuProfDir, { recursive: true });
const results = {
  date: new Date().toISOString(), node: process.version, cpus: cpus().length, month: [ical(MONTH.start), ical(MONTH.end)],
  radicale: (() => { try { return execFileSync('/usr/bin/python3', ['-m', 'radicale', '--version'], { encoding: 'utf8' }).trim(); } catch { return undefined; } })(),
  xandikos: (() => { try { return execFileSync('dpkg-query', ['-W', '-f', '${Version}', 'xandikos'], { encoding: 'utf8' }).trim(); } catch { return undefined; } })(),
  capSeconds: capMs / 1000, fillCapSeconds: fillCapMs / 1000, mixSeconds, runs: [],
};
for (const n of sizes) {
  for (const name of targets) {
    if (only.length && !only.includes(name) && !only.includes(`${name}@${n}`)) continue;
    results.runs.push(await runTarget(name, n));
  }
}

const rows = [
  ['bulk PUT c=1 (events/s)', (r) => r.steps.bulkPutC1?.eventsPerSecond, true],
  ['bulk PUT c=16 (events/s)', (r) => r.steps.bulkPutC16?.eventsPerSecond, true],
  ['one PUT at N (ms)', (r) => r.steps.onePutMs?.medianMs],
  ['PROPFIND Depth 1 (ms)', (r) => r.steps.propfindDepth1Ms?.medianMs, false, (r) => r.steps.propfindDepth1Ms?.wrong],
  ['query 1 month (ms)', (r) => r.steps.queryMonthMs?.medianMs, false, (r) => r.steps.queryMonthMs?.answer === 'wrong'],
  ['query 1 month expand (ms)', (r) => r.steps.queryMonthExpandMs?.medianMs, false, (r) => r.steps.queryMonthExpandMs?.answer === 'wrong'],
  ['multiget 100 (ms)', (r) => r.steps.multiget100Ms?.medianMs, false, (r) => r.steps.multiget100Ms?.wrong],
  ['sync initial (ms)', (r) => r.steps.syncInitialMs?.medianMs, false, (r) => r.steps.syncInitialMs?.wrong],
  ['sync incremental (ms)', (r) => r.steps.syncIncrementalMs?.medianMs, false, (r) => r.steps.syncIncrementalMs?.wrong],
  ['mix 90/10 (req/s)', (r) => r.steps.mix?.requestsPerSecond, true],
  ['mix p99 (ms)', (r) => r.steps.mix?.p99Ms],
  ['mix lost updates', (r) => r.steps.mix?.lostUpdates],
];
const lines = [];
for (const n of sizes) {
  const runs = targets.map((name) => results.runs.find((r) => r.target === name && r.n === n)).filter(Boolean);
  if (!runs.length) continue;
  const base = runs.find((r) => r.target === 'partage-embedded') ?? runs[0];
  lines.push(`\nN = ${n}   (ratio = other / ${base.target}; for rates < 1 means slower, for times > 1 means slower)`);
  const head = ['', ...runs.map((r) => (r === base ? r.target : `${r.target} (ratio)`))];
  const table = [head];
  for (const [label, get, , isWrong] of rows) {
    const b = get(base);
    table.push([label, ...runs.map((r) => {
      const v = get(r);
      const step = Object.values(r.steps).length ? undefined : 'not run';
      if (v === undefined) return step ?? 'skipped';
      const mark = isWrong?.(r) ? ' WRONG' : '';
      if (r === base || !b || typeof v !== 'number' || label.includes('lost')) return `${v}${mark}`;
      return `${v} (${(v / b).toFixed(v / b < 10 ? 2 : 0)})${mark}`;
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
const out = join(import.meta.dirname, 'results', `caldav-${results.date.slice(0, 10)}${tag ? `-${tag}` : ''}.json`);
writeFileSync(out, json + '\n');
log(`written ${out}`);
