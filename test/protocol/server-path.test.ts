import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdir, mkdtemp, readFile, rm, stat, symlink, unlink, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer, type TestServer } from '../support/test-server.js';

/**
 * Server-path folders (SPEC §5): a files folder backed by a directory of the server, every
 * access confined to it. Real trees in a temporary directory, with links that lead out,
 * and traversal attempts sent as raw bytes (fetch would normalise the URL).
 */
let server: TestServer;
let base: string;
let allowed: string;
let shared: string;
let outside: string;
const jean = 'jean@sp.test';
const francois = 'francois@sp.test';
const adminAuth = () => server.basic('root@sp.test', 'root password 1');
const folder = `/webdav/${jean}/Serveur`;
const flat = `/webdav/${jean}/Plat`;

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'partage-sp-'));
  allowed = join(base, 'allowed');
  shared = join(allowed, 'shared');
  outside = join(base, 'outside');
  await mkdir(join(shared, 'sub'), { recursive: true });
  await mkdir(outside);
  await writeFile(join(shared, 'a.txt'), 'abcdefghij');
  await writeFile(join(shared, 'sub', 'b.txt'), 'in sub');
  await writeFile(join(outside, 'secret.txt'), 'top secret');
  await symlink(join(outside, 'secret.txt'), join(shared, 'link-out.txt'));
  await symlink(outside, join(shared, 'dir-out'));
  await symlink(join(shared, 'a.txt'), join(shared, 'link-in.txt'));
  server = await startTestServer({ PARTAGE_SERVER_PATH_ROOTS: allowed });
  await server.createUser('root@sp.test', 'root password 1', { isAdmin: true });
  await server.createUser(jean);
  await server.createUser(francois);
  expect((await api('POST', `/api/v1/accounts/${jean}/server-folders`, { name: 'Serveur', path: shared, recursive: true })).status).toBe(201);
  expect((await api('POST', `/api/v1/accounts/${jean}/server-folders`, { name: 'Plat', path: shared })).status).toBe(201);
});
afterAll(async () => {
  await server.stop();
  await rm(base, { recursive: true, force: true });
});

async function api(method: string, path: string, body?: unknown, authorization = adminAuth()) {
  const response = await fetch(server.url + path, {
    method,
    headers: { Authorization: authorization, 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, text: await response.text() };
}

async function dav(method: string, path: string, body?: string, headers: Record<string, string> = {}, who = jean) {
  const response = await fetch(server.url + path, {
    method,
    headers: { Authorization: server.basic(who), ...headers },
    ...(body === undefined ? {} : { body }),
  });
  return { status: response.status, text: await response.text(), headers: response.headers };
}

/** Sends a request line exactly as given, and returns the status code. */
function raw(method: string, target: string, who = jean): Promise<{ status: number; text: string }> {
  const url = new URL(server.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => {
      socket.write(
        Buffer.concat([
          Buffer.from(`${method} `, 'latin1'),
          Buffer.from(target, 'latin1'),
          Buffer.from(` HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: ${server.basic(who)}\r\nDepth: 0\r\nConnection: close\r\n\r\n`, 'latin1'),
        ]),
      );
    });
    let data = '';
    socket.on('data', (chunk: Buffer) => (data += chunk.toString('latin1')));
    socket.on('end', () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? '0');
      resolve({ status, text: data });
    });
    socket.on('error', reject);
  });
}

const hrefs = (text: string) => [...text.matchAll(/<D:href>([^<]+)<\/D:href>/g)].map((m) => decodeURIComponent(m[1] ?? ''));

describe('creating a server-path folder', () => {
  it('is for administrators, under the configured roots, of an existing directory, once', async () => {
    expect((await api('POST', `/api/v1/accounts/${jean}/server-folders`, { name: 'X', path: shared }, server.basic(jean))).status).toBe(403);
    const out = await api('POST', `/api/v1/accounts/${jean}/server-folders`, { name: 'X', path: outside });
    expect(out.status).toBe(403);
    expect(out.text).toContain('PARTAGE_SERVER_PATH_ROOTS');
    // A link under the root that leads out is judged by where it leads.
    expect((await api('POST', `/api/v1/accounts/${jean}/server-folders`, { name: 'X', path: join(shared, 'dir-out') })).status).toBe(403);
    expect((await api('POST', `/api/v1/accounts/${jean}/server-folders`, { name: 'X', path: join(shared, 'nothing') })).status).toBe(400);
    expect((await api('POST', `/api/v1/accounts/${jean}/server-folders`, { name: 'X', path: 'relative/dir' })).status).toBe(400);
    expect((await api('POST', `/api/v1/accounts/${jean}/server-folders`, { name: 'a/b', path: shared })).status).toBe(400);
    expect((await api('POST', `/api/v1/accounts/${jean}/server-folders`, { name: 'Serveur', path: shared })).status).toBe(409);
  });
});

describe('WebDAV on a recursive server-path folder', () => {
  it('lists the directory, leaving out links that lead out', async () => {
    const listing = await dav('PROPFIND', `${folder}/`, undefined, { Depth: '1' });
    expect(listing.status).toBe(207);
    const names = hrefs(listing.text);
    expect(names).toEqual(expect.arrayContaining([`${folder}/`, `${folder}/a.txt`, `${folder}/sub/`, `${folder}/link-in.txt`]));
    expect(names.some((h) => h.includes('link-out') || h.includes('dir-out'))).toBe(false);
    const home = await dav('PROPFIND', `/webdav/${jean}/`, undefined, { Depth: '1' });
    expect(hrefs(home.text)).toContain(`${folder}/`);
  });

  it('serves GET with ETag, conditional requests and ranges', async () => {
    const got = await dav('GET', `${folder}/a.txt`);
    expect(got.status).toBe(200);
    expect(got.text).toBe('abcdefghij');
    const etag = got.headers.get('etag') ?? '';
    expect(etag).toMatch(/^"sp-/);
    expect((await dav('GET', `${folder}/a.txt`, undefined, { 'If-None-Match': etag })).status).toBe(304);
    const range = await dav('GET', `${folder}/a.txt`, undefined, { Range: 'bytes=2-4' });
    expect(range.status).toBe(206);
    expect(range.text).toBe('cde');
    expect((await dav('GET', `${folder}/sub/b.txt`)).text).toBe('in sub');
  });

  it('writes through PUT, honours If-Match, and makes directories with MKCOL', async () => {
    const created = await dav('PUT', `${folder}/sub/new.txt`, 'nouveau');
    expect(created.status).toBe(201);
    expect(await readFile(join(shared, 'sub', 'new.txt'), 'utf8')).toBe('nouveau');
    const etag = created.headers.get('etag') ?? '';
    expect((await dav('PUT', `${folder}/sub/new.txt`, 'lost', { 'If-Match': '"sp-other"' })).status).toBe(412);
    expect(await readFile(join(shared, 'sub', 'new.txt'), 'utf8')).toBe('nouveau');
    expect((await dav('PUT', `${folder}/sub/new.txt`, 'second', { 'If-Match': etag })).status).toBe(204);
    expect(await readFile(join(shared, 'sub', 'new.txt'), 'utf8')).toBe('second');
    expect((await dav('MKCOL', `${folder}/made/`)).status).toBe(201);
    expect((await stat(join(shared, 'made'))).isDirectory()).toBe(true);
    expect((await dav('PUT', `${folder}/nowhere/x.txt`, 'x')).status).toBe(409);
  });

  it('moves, copies and deletes within the directory', async () => {
    await writeFile(join(shared, 'moved.txt'), 'to move');
    expect((await dav('MOVE', `${folder}/moved.txt`, undefined, { Destination: `${server.url}${folder}/made/moved.txt` })).status).toBe(201);
    expect(await readFile(join(shared, 'made', 'moved.txt'), 'utf8')).toBe('to move');
    expect((await dav('COPY', `${folder}/made/`, undefined, { Destination: `${server.url}${folder}/copied/` })).status).toBe(201);
    expect(await readFile(join(shared, 'copied', 'moved.txt'), 'utf8')).toBe('to move');
    expect((await dav('DELETE', `${folder}/copied/`)).status).toBe(204);
    await expect(stat(join(shared, 'copied'))).rejects.toThrow();
    // Out of the folder: refused, the file stays.
    expect((await dav('MOVE', `${folder}/made/moved.txt`, undefined, { Destination: `${server.url}/webdav/${jean}/Documents/moved.txt` })).status).toBe(403);
    expect(await readFile(join(shared, 'made', 'moved.txt'), 'utf8')).toBe('to move');
    // Into the folder from a stored one: refused too, the stored file stays.
    expect((await dav('PUT', `/webdav/${jean}/Documents/stored.txt`, 'stored')).status).toBe(201);
    for (const destination of [`${folder}/stored.txt`, `${folder}/made/stored.txt`]) {
      expect((await dav('MOVE', `/webdav/${jean}/Documents/stored.txt`, undefined, { Destination: `${server.url}${destination}` })).status).toBe(403);
    }
    expect((await dav('GET', `/webdav/${jean}/Documents/stored.txt`)).text).toBe('stored');
    await expect(stat(join(shared, 'stored.txt'))).rejects.toThrow();
  });

  it('refuses dead properties on its entries', async () => {
    const patch = await dav(
      'PROPPATCH',
      `${folder}/a.txt`,
      '<D:propertyupdate xmlns:D="DAV:" xmlns:Z="urn:x"><D:set><D:prop><Z:color>red</Z:color></D:prop></D:set></D:propertyupdate>',
      { 'Content-Type': 'application/xml' },
    );
    expect([207, 403]).toContain(patch.status);
    if (patch.status === 207) expect(patch.text).toContain('403');
  });
});

describe('confinement', () => {
  it('refuses links that lead out, by name and through a directory link', async () => {
    expect((await dav('GET', `${folder}/link-out.txt`)).status).toBe(403);
    expect((await dav('GET', `${folder}/dir-out/secret.txt`)).status).toBe(403);
    expect((await dav('PUT', `${folder}/dir-out/planted.txt`, 'x')).status).toBe(403);
    await expect(stat(join(outside, 'planted.txt'))).rejects.toThrow();
    expect((await dav('GET', `${folder}/link-in.txt`)).text).toBe('abcdefghij');
  });

  it('refuses traversal sent as raw bytes: .., encoded dots, encoded slashes, NUL', async () => {
    for (const target of [
      `${folder}/../../../../etc/passwd`,
      `${folder}/sub/../../Documents/`,
      `${folder}/%2e%2e/%2e%2e/outside/secret.txt`,
      `${folder}/%2E%2E%2F%2E%2E%2Foutside%2Fsecret.txt`,
      `${folder}/sub%2f..%2f..%2foutside`,
      `${folder}/a.txt%00.png`,
      `${folder}/..%5c..%5coutside`,
    ]) {
      const reply = await raw('GET', target);
      expect({ target, status: reply.status }).toEqual({ target, status: 400 });
      expect(reply.text).not.toContain('top secret');
    }
  });

  it('refuses a file swapped for a link that leads out', async () => {
    await writeFile(join(shared, 'swap.txt'), 'harmless');
    expect((await dav('GET', `${folder}/swap.txt`)).text).toBe('harmless');
    await unlink(join(shared, 'swap.txt'));
    await symlink(join(outside, 'secret.txt'), join(shared, 'swap.txt'));
    const reply = await dav('GET', `${folder}/swap.txt`);
    expect(reply.status).toBe(403);
    expect(reply.text).not.toContain('top secret');
    // PUT replaces the link itself, never writes through it.
    expect((await dav('PUT', `${folder}/link-in.txt`, 'replaced')).status).toBe(204);
    expect(await readFile(join(shared, 'a.txt'), 'utf8')).toBe('abcdefghij');
    expect(await readFile(join(outside, 'secret.txt'), 'utf8')).toBe('top secret');
  });
});

describe('a non-recursive server-path folder', () => {
  it('serves only the top-level files', async () => {
    const listing = await dav('PROPFIND', `${flat}/`, undefined, { Depth: '1' });
    expect(listing.status).toBe(207);
    expect(hrefs(listing.text)).toContain(`${flat}/a.txt`);
    expect(hrefs(listing.text).some((h) => h.startsWith(`${flat}/sub`))).toBe(false);
    expect((await dav('GET', `${flat}/sub/b.txt`)).status).toBe(404);
    expect((await dav('MKCOL', `${flat}/other/`)).status).toBe(403);
    expect((await dav('PUT', `${flat}/top.txt`, 'top')).status).toBe(201);
    expect(await readFile(join(shared, 'top.txt'), 'utf8')).toBe('top');
  });
});

describe('rights on a server-path folder', () => {
  it('apply as to any folder: nothing without a grant, read only with read', async () => {
    expect((await dav('GET', `${folder}/a.txt`, undefined, {}, francois)).status).toBe(404);
    const grant = await api('PUT', `/api/v1/accounts/${jean}/grants`, { folder: 'Serveur', grantee: francois, rights: ['read'] });
    expect(grant.status).toBe(201);
    expect((await dav('GET', `${folder}/a.txt`, undefined, {}, francois)).text).toBe('abcdefghij');
    expect((await dav('GET', `${folder}/sub/b.txt`, undefined, {}, francois)).status).toBe(200);
    const refused = await dav('PUT', `${folder}/sub/by-francois.txt`, 'x', {}, francois);
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('need-privileges');
    await expect(stat(join(shared, 'sub', 'by-francois.txt'))).rejects.toThrow();
    expect((await dav('DELETE', `${folder}/a.txt`, undefined, {}, francois)).status).toBe(403);
  });

  it('follows the WebDAV policy', async () => {
    expect((await api('PUT', `/api/v1/accounts/${jean}/policies`, { webdavEnabled: false })).status).toBe(200);
    expect((await dav('GET', `${folder}/a.txt`)).status).toBe(403);
    expect((await api('PUT', `/api/v1/accounts/${jean}/policies`, { webdavEnabled: null })).status).toBe(200);
    expect((await dav('GET', `${folder}/a.txt`)).status).toBe(200);
  });

  it('detaches the folder on DELETE and leaves the directory alone', async () => {
    expect((await api('POST', `/api/v1/accounts/${jean}/server-folders`, { name: 'Jetable', path: join(shared, 'sub') })).status).toBe(201);
    expect((await dav('DELETE', `/webdav/${jean}/Jetable/`)).status).toBe(204);
    expect(await readFile(join(shared, 'sub', 'b.txt'), 'utf8')).toBe('in sub');
  });
});
