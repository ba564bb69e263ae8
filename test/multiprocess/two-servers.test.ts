import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';

/**
 * Two server processes on one PostgreSQL database (SPEC §7): nothing that decides
 * correctness lives in one process's memory. Runs when TEST_DATABASE_URL is set (CI's
 * PostgreSQL pass); needs the compiled CLI (`npm test` builds it first).
 */
const baseUrl = process.env['TEST_DATABASE_URL'];
const maybe = baseUrl ? describe : describe.skip;
const cli = join(import.meta.dirname, '..', '..', 'packages', 'server', 'dist', 'cli.js');
const adminPassword = 'two servers admin';

let databaseUrl = '';
let databaseName = '';
const servers: { process: ChildProcess; url: string }[] = [];

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A port free right now: the system's pick for a listener on port 0. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo; // a TCP listener has an AddressInfo
      probe.close(() => {
        resolve(port);
      });
    });
  });
}

/**
 * Starts a server process on a free port; if the port is taken between the pick and the
 * server's listen (other tests listen too), the process exits and another port is tried.
 */
async function startServer(): Promise<{ process: ChildProcess; url: string }> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const child = spawn(process.execPath, [cli, 'serve'], {
      env: { ...process.env, DATABASE_URL: databaseUrl, PARTAGE_PORT: String(port), PARTAGE_ADMIN_PASSWORD: adminPassword, PARTAGE_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const url = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 120 && child.exitCode === null && child.signalCode === null; i++) {
      try {
        if ((await fetch(`${url}/healthz`)).ok) return { process: child, url };
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    child.kill();
  }
  throw new Error('no server process started');
}

const auth = (password = adminPassword) => `Basic ${Buffer.from(`admin:${password}`).toString('base64')}`;
const home = '/webdav/admin@localhost/Documents';

maybe('two server processes on one PostgreSQL', () => {
  beforeAll(async () => {
    databaseName = `partage_mp_${randomBytes(6).toString('hex')}`;
    await admin(`create database ${databaseName}`);
    const url = new URL(baseUrl ?? '');
    url.pathname = `/${databaseName}`;
    databaseUrl = url.toString();
    servers.push(await startServer());
    servers.push(await startServer());
  }, 120_000);

  afterAll(async () => {
    for (const s of servers) s.process.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 1000));
    if (databaseName) await admin(`drop database if exists ${databaseName} with (force)`);
  });

  it('honours through one server a lock taken through the other', async () => {
    const [a, b] = servers;
    if (!a || !b) throw new Error('servers missing');
    await fetch(`${a.url}${home}/locked.txt`, { method: 'PUT', headers: { Authorization: auth() }, body: 'v1' });
    const lock = await fetch(`${a.url}${home}/locked.txt`, {
      method: 'LOCK',
      headers: { Authorization: auth(), 'Content-Type': 'application/xml' },
      body: '<D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype></D:lockinfo>',
    });
    expect(lock.status).toBe(200);
    const token = lock.headers.get('lock-token') ?? '';
    const refused = await fetch(`${b.url}${home}/locked.txt`, { method: 'PUT', headers: { Authorization: auth() }, body: 'v2' });
    expect(refused.status).toBe(423);
    const conflicting = await fetch(`${b.url}${home}/locked.txt`, {
      method: 'LOCK',
      headers: { Authorization: auth(), 'Content-Type': 'application/xml' },
      body: '<D:lockinfo xmlns:D="DAV:"><D:lockscope><D:shared/></D:lockscope><D:locktype><D:write/></D:locktype></D:lockinfo>',
    });
    expect(conflicting.status).toBe(423);
    const allowed = await fetch(`${b.url}${home}/locked.txt`, {
      method: 'PUT',
      headers: { Authorization: auth(), If: `(${token})` },
      body: 'v2',
    });
    expect(allowed.status).toBe(204);
    const unlock = await fetch(`${b.url}${home}/locked.txt`, { method: 'UNLOCK', headers: { Authorization: auth(), 'Lock-Token': token } });
    expect(unlock.status).toBe(204);
  });

  it('shows a PUT through one server with the same ETag through the other', async () => {
    const [a, b] = servers;
    if (!a || !b) throw new Error('servers missing');
    const put = await fetch(`${a.url}${home}/seen.txt`, { method: 'PUT', headers: { Authorization: auth() }, body: 'same bytes everywhere' });
    expect(put.status).toBe(201);
    const etag = put.headers.get('etag');
    const get = await fetch(`${b.url}${home}/seen.txt`, { headers: { Authorization: auth() } });
    expect(get.status).toBe(200);
    expect(get.headers.get('etag')).toBe(etag);
    expect(await get.text()).toBe('same bytes everywhere');
  });

  it('applies a policy set through one server at the next request of the other', async () => {
    const [a, b] = servers;
    if (!a || !b) throw new Error('servers missing');
    const propfind = (path: string) => fetch(`${b.url}${path}`, { method: 'PROPFIND', headers: { Authorization: auth(), Depth: '0' } });
    const setPolicies = (body: object) =>
      fetch(`${a.url}/api/v1/accounts/admin@localhost/policies`, {
        method: 'PUT',
        headers: { Authorization: auth(), 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await propfind('/webdav/admin@localhost/Calendar/')).status).toBe(207);
    expect((await setPolicies({ groupwareEnabled: false })).status).toBe(200);
    const refused = await propfind('/webdav/admin@localhost/Calendar/');
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('service-disabled');
    expect((await propfind(`${home}/`)).status).toBe(207);
    expect((await setPolicies({ groupwareEnabled: null })).status).toBe(200);
    expect((await propfind('/webdav/admin@localhost/Calendar/')).status).toBe(207);
  });

  it('ends cached credentials in both processes when the password changes', async () => {
    const [a, b] = servers;
    if (!a || !b) throw new Error('servers missing');
    expect((await fetch(`${b.url}${home}/`, { method: 'PROPFIND', headers: { Authorization: auth(), Depth: '0' } })).status).toBe(207);
    const change = await fetch(`${a.url}/api/v1/accounts/admin@localhost/password`, {
      method: 'PUT',
      headers: { Authorization: auth(), 'Content-Type': 'application/json' },
      body: JSON.stringify({ password: 'the new admin password' }),
    });
    expect(change.status).toBeLessThan(300);
    expect((await fetch(`${b.url}${home}/`, { method: 'PROPFIND', headers: { Authorization: auth(), Depth: '0' } })).status).toBe(401);
    expect(
      (await fetch(`${b.url}${home}/`, { method: 'PROPFIND', headers: { Authorization: auth('the new admin password'), Depth: '0' } })).status,
    ).toBe(207);
  });
});

