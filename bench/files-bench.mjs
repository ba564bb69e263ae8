#!/usr/bin/env node
// Files benchmark (issue: foundation). Starts the compiled server as a child process on a
// fresh store, then measures: 1,000 small PUTs and a PROPFIND Depth 1 of them; a 1 GiB
// PUT and GET with the server's resident memory sampled during each transfer; and
// authenticated small GETs per second with and without the credential cache (wrk).
// Figures are printed as JSON and written to bench/results/; medians over repeats.
// Usage: node bench/files-bench.mjs [--store embedded|postgres] [--gib 1] [--files 1000]
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { partageNodeArgs } from './partage-node-args.mjs';

const args = Object.fromEntries(process.argv.slice(2).join(' ').split('--').filter(Boolean).map((a) => a.trim().split(/\s+/)));
const store = args.store?.[0] ?? 'embedded';
const gib = Number(args.gib?.[0] ?? 1);
const fileCount = Number(args.files?.[0] ?? 1000);
const root = join(import.meta.dirname, '..');
const cli = join(root, 'packages', 'server', 'dist', 'cli.js');
const adminPassword = 'bench admin password';
const user = 'bench@bench.test';
const password = 'bench user password';

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const rssOf = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;

async function startServer(env) {
  const port = 30000 + Math.floor(Math.random() * 20000);
  const dataDir = mkdtempSync(join(tmpdir(), 'partage-bench-'));
  let databaseName;
  const childEnv = { ...process.env, PARTAGE_PORT: String(port), PARTAGE_DATA_DIR: dataDir, PARTAGE_ADMIN_PASSWORD: adminPassword, PARTAGE_LOG_LEVEL: 'warn', ...env };
  if (store === 'postgres') {
    databaseName = `partage_bench_${Date.now()}`;
    execFileSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', 'test', '-qc', `create database ${databaseName}`]);
    childEnv.DATABASE_URL = `postgres://postgres@127.0.0.1:5432/${databaseName}`;
  }
  const child = spawn(process.execPath, [...partageNodeArgs, cli, 'serve'], { env: childEnv, stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 240; i++) {
    try { if ((await fetch(`${url}/healthz`)).ok) break; } catch { /* starting */ }
    await new Promise((r) => setTimeout(r, 250));
  }
  const auth = (u, p) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
  const created = await fetch(`${url}/api/v1/accounts`, {
    method: 'POST', headers: { Authorization: auth('admin', adminPassword), 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: user, password }),
  });
  if (created.status !== 201) throw new Error(`could not create the bench user: ${created.status} ${await created.text()}`);
  return {
    url, child, authorization: auth(user, password),
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dataDir, { recursive: true, force: true });
      if (databaseName) execFileSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', 'test', '-qc', `drop database ${databaseName} with (force)`]);
    },
  };
}

async function smallFiles(server) {
  const folder = `${server.url}/webdav/${user}/Documents/small`;
  await fetch(folder, { method: 'MKCOL', headers: { Authorization: server.authorization } });
  const started = performance.now();
  const concurrency = 8;
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < fileCount) {
      const i = next++;
      const r = await fetch(`${folder}/file-${i}.txt`, { method: 'PUT', headers: { Authorization: server.authorization }, body: `small file ${i}\n`.repeat(8) });
      if (r.status !== 201) throw new Error(`PUT ${i}: ${r.status}`);
    }
  }));
  const putSeconds = (performance.now() - started) / 1000;
  const propfindMs = [];
  for (let i = 0; i < 7; i++) {
    const t = performance.now();
    const r = await fetch(folder + '/', { method: 'PROPFIND', headers: { Authorization: server.authorization, Depth: '1' } });
    const body = await r.text();
    propfindMs.push(performance.now() - t);
    const responses = (body.match(/<D:response>/g) ?? []).length;
    if (responses !== fileCount + 1) throw new Error(`PROPFIND listed ${responses} entries, expected ${fileCount + 1}`);
  }
  return { files: fileCount, putConcurrency: concurrency, putsPerSecond: Math.round(fileCount / putSeconds), propfindDepth1MedianMs: Math.round(median(propfindMs)) };
}

function streamTransfer(server, method, path, bytes) {
  return new Promise((resolve, reject) => {
    const url = new URL(server.url + path);
    const baseline = rssOf(server.child.pid);
    let peak = baseline;
    const sampler = setInterval(() => { peak = Math.max(peak, rssOf(server.child.pid)); }, 50);
    const started = performance.now();
    const req = request({ host: url.hostname, port: url.port, method, path: url.pathname, headers: { Authorization: server.authorization, ...(method === 'PUT' ? { 'Content-Length': String(bytes) } : {}) } }, (res) => {
      let received = 0;
      res.on('data', (c) => { received += c.length; });
      res.on('end', () => {
        clearInterval(sampler);
        const seconds = (performance.now() - started) / 1000;
        if (method === 'GET' && received !== bytes) return reject(new Error(`GET returned ${received} bytes`));
        if (res.statusCode >= 300) return reject(new Error(`${method}: ${res.statusCode}`));
        resolve({ seconds: Number(seconds.toFixed(2)), mibPerSecond: Math.round(bytes / 1048576 / seconds), rssBaselineMiB: Math.round(baseline / 1048576), rssPeakMiB: Math.round(peak / 1048576), rssGrowthMiB: Math.round((peak - baseline) / 1048576) });
      });
    });
    req.on('error', reject);
    if (method === 'PUT') {
      const chunk = Buffer.alloc(1 << 20, 97);
      let sent = 0;
      const pump = () => {
        while (sent < bytes) {
          const piece = sent + chunk.length <= bytes ? chunk : chunk.subarray(0, bytes - sent);
          sent += piece.length;
          if (!req.write(piece)) { req.once('drain', pump); return; }
        }
        req.end();
      };
      pump();
    } else req.end();
  });
}

function wrkRate(server, path, seconds = 8) {
  const script = join(tmpdir(), 'partage-wrk.lua');
  writeFileSync(script, `wrk.headers["Authorization"] = "${server.authorization}"\n`);
  const out = execFileSync('wrk', ['-t2', '-c16', `-d${seconds}s`, '-s', script, '--latency', server.url + path], { encoding: 'utf8' });
  const rate = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0);
  const p99 = /99%\s+([\d.]+)(\w+)/.exec(out);
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
  return { requestsPerSecond: Math.round(rate), p99: p99 ? `${p99[1]}${p99[2]}` : undefined, non2xx };
}

const results = { date: new Date().toISOString(), store, node: process.version, cpus: (await import('node:os')).cpus().length };
let server = await startServer({});
try {
  results.smallFiles = await smallFiles(server);
  const bytes = Math.round(gib * 1024 * 1024 * 1024);
  results.largeFile = { bytes, put: await streamTransfer(server, 'PUT', `/webdav/${user}/Documents/large.bin`, bytes), get: await streamTransfer(server, 'GET', `/webdav/${user}/Documents/large.bin`, bytes) };
  await fetch(`${server.url}/webdav/${user}/Documents/hello.txt`, { method: 'PUT', headers: { Authorization: server.authorization }, body: 'hello\n' });
  results.authenticatedSmallGet = existsSync('/usr/bin/wrk') ? wrkRate(server, `/webdav/${user}/Documents/hello.txt`) : 'wrk not installed';
} finally {
  await server.stop();
}
server = await startServer({ PARTAGE_CREDENTIAL_CACHE_SECONDS: '0' });
try {
  await fetch(`${server.url}/webdav/${user}/Documents/hello.txt`, { method: 'PUT', headers: { Authorization: server.authorization }, body: 'hello\n' });
  results.authenticatedSmallGetWithoutCache = existsSync('/usr/bin/wrk') ? wrkRate(server, `/webdav/${user}/Documents/hello.txt`, 5) : 'wrk not installed';
} finally {
  await server.stop();
}
const json = JSON.stringify(results, null, 2);
console.log(json);
writeFileSync(join(import.meta.dirname, 'results', `files-${store}-${results.date.slice(0, 10)}.json`), json + '\n');
