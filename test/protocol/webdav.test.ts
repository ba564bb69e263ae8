import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;
const user = 'isalie@iw.test';
const docs = `/webdav/${user}/Documents`;

beforeAll(async () => {
  server = await startTestServer();
  await server.createUser(user, undefined, { quotaBytes: 4096 });
});
afterAll(async () => {
  await server.stop();
});

async function send(method: string, path: string, body?: string, headers: Record<string, string> = {}) {
  const response = await fetch(server.url + path, {
    method,
    headers: { Authorization: server.basic(user), ...headers },
    ...(body === undefined ? {} : { body }),
  });
  return { status: response.status, text: await response.text(), headers: response.headers };
}

describe('GET with Range', () => {
  it('serves a byte range with 206 and refuses an unsatisfiable one with 416', async () => {
    await send('PUT', `${docs}/digits.txt`, '0123456789');
    const part = await send('GET', `${docs}/digits.txt`, undefined, { Range: 'bytes=2-5' });
    expect(part.status).toBe(206);
    expect(part.text).toBe('2345');
    expect(part.headers.get('content-range')).toBe('bytes 2-5/10');
    const suffix = await send('GET', `${docs}/digits.txt`, undefined, { Range: 'bytes=-3' });
    expect(suffix.text).toBe('789');
    expect((await send('GET', `${docs}/digits.txt`, undefined, { Range: 'bytes=50-60' })).status).toBe(416);
  });
});

describe('conditional writes', () => {
  it('lets exactly one of two writers with the same If-Match win', async () => {
    const created = await send('PUT', `${docs}/shared.txt`, 'v1');
    const etag = created.headers.get('etag') ?? '';
    const results = await Promise.all(
      ['writer A', 'writer B'].map((who) => send('PUT', `${docs}/shared.txt`, who, { 'If-Match': etag })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([204, 412]);
    const final = await send('GET', `${docs}/shared.txt`);
    const winner = results.findIndex((r) => r.status === 204);
    expect(final.text).toBe(winner === 0 ? 'writer A' : 'writer B');
  });

  it('refuses If-None-Match: * on an existing resource', async () => {
    expect((await send('PUT', `${docs}/shared.txt`, 'again', { 'If-None-Match': '*' })).status).toBe(412);
  });

  it('keeps the ETag when the same bytes are written again, and changes it otherwise', async () => {
    const a = await send('PUT', `${docs}/stable.txt`, 'same');
    const b = await send('PUT', `${docs}/stable.txt`, 'same');
    const c = await send('PUT', `${docs}/stable.txt`, 'different');
    expect(b.headers.get('etag')).toBe(a.headers.get('etag'));
    expect(c.headers.get('etag')).not.toBe(a.headers.get('etag'));
  });
});

describe('quota (RFC 4331)', () => {
  it('reports used and available bytes', async () => {
    const response = await send(
      'PROPFIND',
      `${docs}/`,
      '<D:propfind xmlns:D="DAV:"><D:prop><D:quota-used-bytes/><D:quota-available-bytes/></D:prop></D:propfind>',
      { Depth: '0' },
    );
    const used = Number(/<D:quota-used-bytes>(\d+)</.exec(response.text)?.[1]);
    const available = Number(/<D:quota-available-bytes>(\d+)</.exec(response.text)?.[1]);
    expect(used).toBeGreaterThan(0);
    expect(used + available).toBe(4096);
  });

  it('refuses a write past the quota with 507 and keeps the old content', async () => {
    await send('PUT', `${docs}/small.txt`, 'small');
    const big = 'x'.repeat(5000);
    const response = await send('PUT', `${docs}/small.txt`, big);
    expect(response.status).toBe(507);
    expect(response.text).toContain('quota-not-exceeded');
    expect((await send('GET', `${docs}/small.txt`)).text).toBe('small');
  });

  it('frees space on delete', async () => {
    const before = await server.partage.accounts.get(user);
    await send('DELETE', `${docs}/small.txt`);
    const after = await server.partage.accounts.get(user);
    expect(before.usedBytes - after.usedBytes).toBe(5);
  });
});

describe('discovery', () => {
  it('redirects /.well-known/caldav and carddav to /webdav/', async () => {
    for (const name of ['caldav', 'carddav']) {
      const response = await fetch(`${server.url}/.well-known/${name}`, { redirect: 'manual' });
      expect(response.status).toBe(301);
      expect(response.headers.get('location')).toBe('/webdav/');
    }
  });

  it('answers current-user-principal on /webdav/ and the principal', async () => {
    const response = await send(
      'PROPFIND',
      '/webdav/',
      '<D:propfind xmlns:D="DAV:"><D:prop><D:current-user-principal/></D:prop></D:propfind>',
      { Depth: '0' },
    );
    expect(response.text).toContain(`<D:current-user-principal><D:href>/webdav/principals/${user}/</D:href>`);
    const principal = await send('PROPFIND', `/webdav/principals/${user}/`, undefined, { Depth: '0' });
    expect(principal.status).toBe(207);
    expect(principal.text).toContain('<D:principal/>');
  });

  it('gives a new user the default folders of SPEC §2', async () => {
    const response = await send('PROPFIND', `/webdav/${user}/`, undefined, { Depth: '1' });
    for (const folder of ['Documents', 'Calendar', 'Tasks', 'Notes', 'Contacts']) {
      expect(response.text).toContain(`<D:href>/webdav/${user}/${folder}/</D:href>`);
    }
  });
});

describe('COPY and MOVE of trees', () => {
  it('copies a folder with its members and properties, then moves it', async () => {
    await send('MKCOL', `${docs}/tree`);
    await send('MKCOL', `${docs}/tree/sub`);
    await send('PUT', `${docs}/tree/sub/leaf.txt`, 'leaf');
    await send(
      'PROPPATCH',
      `${docs}/tree/sub/leaf.txt`,
      '<D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><Z:tag xmlns:Z="urn:x">t1</Z:tag></D:prop></D:set></D:propertyupdate>',
    );
    expect((await send('COPY', `${docs}/tree`, undefined, { Destination: `${docs}/tree2` })).status).toBe(201);
    expect((await send('GET', `${docs}/tree2/sub/leaf.txt`)).text).toBe('leaf');
    const props = await send(
      'PROPFIND',
      `${docs}/tree2/sub/leaf.txt`,
      '<D:propfind xmlns:D="DAV:"><D:prop><Z:tag xmlns:Z="urn:x"/></D:prop></D:propfind>',
      { Depth: '0' },
    );
    expect(props.text).toMatch(/<ns\d:tag[^>]*>t1</);
    expect((await send('MOVE', `${docs}/tree2`, undefined, { Destination: `${docs}/tree`, Overwrite: 'F' })).status).toBe(412);
    expect((await send('MOVE', `${docs}/tree2`, undefined, { Destination: `${docs}/tree` })).status).toBe(204);
    expect((await send('GET', `${docs}/tree2/sub/leaf.txt`)).status).toBe(404);
    expect((await send('MOVE', `${docs}/tree`, undefined, { Destination: `${docs}/tree/sub/inside` })).status).toBe(403);
  });
});
