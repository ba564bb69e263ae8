#!/usr/bin/env node
// Sharing benchmark (issue 5, "Proof"). A calendar of N events (10,000 by default) owned by
// one account and shared to a sharee that holds its rights through a group grant, with a
// domain grant and narrower grants in play (another level of the same group, an account
// grant to someone else, a denial to every authenticated account), so that the rule of
// SPEC §4 has work to do. The sharee subscribes, so it reaches the calendar through its
// binding (`/webdav/<sharee>/<owner>~Calendar/`) and through the owner's URL.
// Measured: PROPFIND Depth 1 and a one-month calendar-query by the owner, by the sharee
// through its binding and by the sharee through the owner's URL, interleaved in a shuffled
// order each round (so that the noise of a shared machine hits all of them alike), medians
// and the sharee/owner ratios. Every answer is checked (same number of responses for all).
// The compiled server runs as a child process on a free port; the calendar is filled with
// `partage import` (in process, no HTTP), the bulk path that exists.
// Usage: node bench/sharing-bench.mjs [--n 10000] [--rounds 9] [--store embedded|postgres]
//          [--tag SUFFIX] (result file bench/results/sharing-<date>[-SUFFIX].json)
//          [--cpu-prof DIR]
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import { client } from './caldav/http.mjs';
import { makeEvent, icsOf, expectations, MONTH, ical } from './caldav/data.mjs';
import { partageNodeArgs } from './partage-node-args.mjs';

const argv = process.argv.slice(2);
const opt = (name, dflt) => { const i = argv.indexOf(`--${name}`); return i >= 0 ? argv[i + 1] : dflt; };
const n = Number(opt('n', 10000));
const rounds = Number(opt('rounds', 9));
const store = opt('store', 'embedded');
const tag = opt('tag', '');
const cpuProfDir = opt('cpu-prof', undefined);
const root = join(import.meta.dirname, '..');
const cli = join(root, 'packages', 'server', 'dist', 'cli.js');
const adminPassword = 'bench admin password';
const password = 'bench user password';
const domain = 'share.bench';
const owner = `owner@${domain}`;
const sharee = `sharee@${domain}`;
const other = `other@${domain}`;
const team = `team@${domain}`;
const basic = (u, p) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const round = (x, d = 1) => Number(x.toFixed(d));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (...a) => console.error(`[${new Date().toISOString().slice(11, 19)}]`, ...a);

function freePort() {
  return new Promise((resolve) => { const s = net.createServer(); s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); }); });
}
function exitOf(child) { return new Promise((r) => { if (child.exitCode !== null || child.signalCode) r(); else child.once('exit', r); }); }

const dataDir = mkdtempSync(join(tmpdir(), 'partage-sharing-bench-'));
const env = { ...process.env, PARTAGE_DATA_DIR: dataDir, PARTAGE_ADMIN_PASSWORD: adminPassword, PARTAGE_LOG_LEVEL: 'warn' };
let databaseName;
if (store === 'postgres') {
  databaseName = `partage_sharing_bench_${Date.now()}`;
  execFileSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', 'test', '-qc', `create database ${databaseName}`]);
  env.DATABASE_URL = `postgres://postgres@127.0.0.1:5432/${databaseName}`;
}

async function startServer(label) {
  const port = await freePort();
  const nodeArgs = cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`, `--cpu-prof-name=sharing-${label}-${Date.now()}.cpuprofile`] : [];
  const child = spawn(process.execPath, [...partageNodeArgs, ...nodeArgs, cli, 'serve'], { env: { ...env, PARTAGE_PORT: String(port) }, stdio: ['ignore', 'ignore', 'pipe'] });
  const stderr = [];
  child.stderr.on('data', (c) => { stderr.push(c.toString()); if (stderr.length > 200) stderr.shift(); });
  const origin = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try { if ((await fetch(`${origin}/healthz`)).ok) break; } catch { /* starting */ }
    if (i > 600 || child.exitCode !== null) throw new Error(`Partage did not start: ${stderr.join('')}`);
    await sleep(200);
  }
  return {
    origin,
    stop: async () => { child.kill('SIGTERM'); await Promise.race([exitOf(child), sleep(15_000).then(() => child.kill('SIGKILL'))]); },
  };
}

async function rest(origin, who, pass, method, path, body) {
  const r = await fetch(origin + path, { method, headers: { Authorization: basic(who, pass), 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
}

/** The accounts, the group, the grants and the sharee's subscription, through the REST API. */
async function setUp(origin) {
  for (const email of [owner, sharee, other]) await rest(origin, 'admin', adminPassword, 'POST', '/api/v1/accounts', { email, password });
  await rest(origin, 'admin', adminPassword, 'POST', '/api/v1/accounts', { email: team, kind: 'group', members: [sharee, other] });
  const grant = (folder, grantee, rights) => rest(origin, owner, password, 'PUT', `/api/v1/accounts/${owner}/grants`, { folder, grantee, rights });
  await grant(null, `@${domain}`, ['read']); // domain class, whole account
  await grant(null, team, ['read']); // group class, whole account: a farther level of the class that wins
  await grant('Calendar', team, ['read', 'create', 'modify', 'delete']); // group class, the folder: what the sharee holds
  await grant('Calendar', other, ['freebusy']); // account class, someone else
  await grant('Calendar', 'authenticated', []); // a denial in the last class
  await rest(origin, sharee, password, 'POST', '/api/v1/subscriptions', { owner, folder: 'Calendar' });
}

/** One iCalendar file with the N events (each event's components, in one VCALENDAR). */
function calendarFile(events) {
  const parts = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Partage//sharing-bench//EN'];
  for (const ev of events) {
    const text = icsOf(ev);
    parts.push(text.slice(text.indexOf('BEGIN:VEVENT'), text.lastIndexOf('END:VEVENT') + 'END:VEVENT'.length));
  }
  parts.push('END:VCALENDAR', '');
  return parts.join('\r\n');
}

const NS = 'xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"';
const propfindBody = `<?xml version="1.0" encoding="utf-8"?><D:propfind ${NS}><D:prop><D:resourcetype/><D:getetag/><D:getcontenttype/></D:prop></D:propfind>`;
const range = `start="${ical(MONTH.start)}" end="${ical(MONTH.end)}"`;
const queryBody = `<?xml version="1.0" encoding="utf-8"?><C:calendar-query ${NS}><D:prop><D:getetag/><C:calendar-data/></D:prop><C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:time-range ${range}/></C:comp-filter></C:comp-filter></C:filter></C:calendar-query>`;
const responseCount = (body) => (body.match(/<D:response>/g) ?? []).length;

async function main() {
  const started = Date.now();
  const events = Array.from({ length: n }, (_, i) => makeEvent(i));
  const expected = expectations(events);
  log(`store ${store}, N=${n}, ${expected.objects} events in the month; data in ${dataDir}`);

  let server = await startServer('setup');
  await setUp(server.origin);
  await server.stop();

  const file = join(dataDir, 'events.ics');
  writeFileSync(file, calendarFile(events));
  const importStarted = Date.now();
  execFileSync(process.execPath, [cli, 'import', file, '--to', `${owner}/Calendar`], { env, stdio: ['ignore', 'inherit', 'inherit'] });
  const importSeconds = (Date.now() - importStarted) / 1000;
  log(`imported ${n} events in ${importSeconds.toFixed(1)} s (${round(n / importSeconds)} events/s)`);

  server = await startServer('measure');
  const clients = {
    owner: client(server.origin, { connections: 2, headers: { Authorization: basic(owner, password) }, timeoutMs: 600_000 }),
    sharee: client(server.origin, { connections: 2, headers: { Authorization: basic(sharee, password) }, timeoutMs: 600_000 }),
  };
  const ownerUrl = `/webdav/${owner}/Calendar/`;
  const bindingUrl = `/webdav/${sharee}/${owner}~Calendar/`;
  const variants = {
    owner: { who: 'owner', url: ownerUrl },
    shareeBinding: { who: 'sharee', url: bindingUrl },
    shareeOwnerUrl: { who: 'sharee', url: ownerUrl },
  };
  const requests = {
    propfindDepth1: { method: 'PROPFIND', headers: { Depth: '1', 'Content-Type': 'application/xml' }, body: propfindBody, responses: n + 1 },
    calendarQuery: { method: 'REPORT', headers: { Depth: '1', 'Content-Type': 'application/xml' }, body: queryBody, responses: expected.objects },
  };
  const times = {};
  const errors = [];
  const once = async (requestName, variantName) => {
    const r = requests[requestName];
    const v = variants[variantName];
    const t0 = performance.now();
    const reply = await clients[v.who].request(r.method, v.url, { headers: r.headers, body: r.body });
    const ms = performance.now() - t0;
    const count = responseCount(reply.body);
    if (reply.status !== 207 || count !== r.responses) errors.push(`${requestName} ${variantName}: status ${reply.status}, ${count} responses, expected ${r.responses}`);
    return ms;
  };
  // Warm-up: one of each (credential cache, read cache, JIT).
  for (const requestName of Object.keys(requests)) for (const variantName of Object.keys(variants)) await once(requestName, variantName);
  let shuffle = 1;
  for (let k = 0; k < rounds; k++) {
    for (const requestName of Object.keys(requests)) {
      const order = Object.keys(variants);
      for (let i = order.length - 1; i > 0; i--) {
        shuffle = (shuffle * 48271) % 2147483647;
        const j = shuffle % (i + 1);
        [order[i], order[j]] = [order[j], order[i]];
      }
      for (const variantName of order) {
        const ms = await once(requestName, variantName);
        ((times[requestName] ??= {})[variantName] ??= []).push(ms);
      }
    }
    log(`round ${k + 1}/${rounds}: ${Object.entries(times).map(([r, v]) => `${r} ${Object.entries(v).map(([w, xs]) => `${w} ${round(xs[xs.length - 1])}`).join(' ')}`).join('; ')}`);
  }
  await server.stop();
  Object.values(clients).forEach((c) => c.close());

  const results = {};
  for (const [requestName, byVariant] of Object.entries(times)) {
    const medians = Object.fromEntries(Object.entries(byVariant).map(([v, xs]) => [v, round(median(xs))]));
    results[requestName] = {
      medianMs: medians,
      ratio: { shareeBinding: round(medians.shareeBinding / medians.owner, 3), shareeOwnerUrl: round(medians.shareeOwnerUrl / medians.owner, 3) },
      samplesMs: Object.fromEntries(Object.entries(byVariant).map(([v, xs]) => [v, xs.map((x) => round(x))])),
    };
  }
  const report = {
    benchmark: 'sharing',
    date: new Date().toISOString(),
    store,
    n,
    rounds,
    eventsInQueryRange: expected.objects,
    grants: ['whole account → @domain: read', 'whole account → group: read', 'Calendar → group: read and write (the sharee\'s)', 'Calendar → another account: freebusy', 'Calendar → authenticated: denial'],
    fill: { method: 'partage import (in process)', seconds: round(importSeconds), eventsPerSecond: round(n / importSeconds) },
    machine: { cpus: cpus().length, loadAverageAtEnd: loadavg().map((x) => round(x, 2)) },
    results,
    target: 'sharee within 20 % of the owner (ratio ≤ 1.2)',
    errors,
    seconds: round((Date.now() - started) / 1000),
  };
  console.log(JSON.stringify(report, null, 2));
  mkdirSync(join(root, 'bench', 'results'), { recursive: true });
  const out = join(root, 'bench', 'results', `sharing-${report.date.slice(0, 10)}-n${n}-${store}${tag ? `-${tag}` : ''}.json`);
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  log(`written ${out}`);
}

try {
  await main();
} finally {
  rmSync(dataDir, { recursive: true, force: true });
  if (databaseName) execFileSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', 'test', '-qc', `drop database ${databaseName} with (force)`]);
}
