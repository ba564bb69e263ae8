import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestServer, type TestServer } from '../support/test-server.js';

const user = 'bad-input@example.test';
let server: TestServer;
let auth: string;
const docs = `/webdav/${user}/Documents`;

beforeAll(async () => {
  server = await startTestServer({ PARTAGE_MAX_XML_BYTES: '65536' });
  await server.createUser(user);
  auth = server.basic(user);
  await send('PUT', `${docs}/keep.txt`, 'precious content\n');
});
afterAll(async () => {
  await server.stop();
});

async function send(method: string, path: string, body?: string, headers: Record<string, string> = {}) {
  const response = await fetch(server.url + path, {
    method,
    headers: { Authorization: auth, ...headers },
    ...(body === undefined ? {} : { body }),
  });
  return { status: response.status, text: await response.text(), headers: response.headers };
}

/** Sends a raw request line, so that paths reach the server exactly as written. */
function raw(method: string, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const url = new URL(server.url);
    const req = httpRequest({ host: url.hostname, port: url.port, method, path, headers: { Authorization: auth } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

async function keptIntact() {
  const response = await send('GET', `${docs}/keep.txt`);
  expect(response.status).toBe(200);
  expect(response.text).toBe('precious content\n');
  const listing = await send('PROPFIND', `${docs}/`, undefined, { Depth: '1' });
  expect((listing.text.match(/<D:response>/g) ?? []).length).toBe(2);
}

describe('hostile XML', () => {
  it('refuses a DOCTYPE with entity expansion with 400 and changes nothing', async () => {
    const body = `<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>
<D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><x xmlns="urn:x">&b;</x></D:prop></D:set></D:propertyupdate>`;
    expect((await send('PROPPATCH', `${docs}/keep.txt`, body)).status).toBe(400);
    await keptIntact();
  });

  it('refuses an external entity', async () => {
    const body = `<?xml version="1.0"?><!DOCTYPE d SYSTEM "file:///etc/passwd"><D:propfind xmlns:D="DAV:"><D:allprop/></D:propfind>`;
    expect((await send('PROPFIND', `${docs}/`, body, { Depth: '0' })).status).toBe(400);
  });

  it('refuses nesting deeper than 64 levels', async () => {
    const deep = `${'<a>'.repeat(70)}${'</a>'.repeat(70)}`;
    const body = `<D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><x xmlns="urn:x">${deep}</x></D:prop></D:set></D:propertyupdate>`;
    expect((await send('PROPPATCH', `${docs}/keep.txt`, body)).status).toBe(400);
    await keptIntact();
  });

  it('refuses a body over the XML size limit with 413', async () => {
    const body = `<D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><x xmlns="urn:x">${'y'.repeat(70000)}</x></D:prop></D:set></D:propertyupdate>`;
    expect((await send('PROPPATCH', `${docs}/keep.txt`, body)).status).toBe(413);
    await keptIntact();
  });

  it('refuses malformed XML with 400', async () => {
    expect((await send('PROPFIND', `${docs}/`, '<D:propfind xmlns:D="DAV:"><D:prop>', { Depth: '0' })).status).toBe(400);
    expect((await send('LOCK', `${docs}/keep.txt`, '<not-xml')).status).toBe(400);
  });
});

describe('paths', () => {
  it('refuses dot-dot segments, even encoded', async () => {
    expect(await raw('GET', `${docs}/../../webdav/${user}/Documents/keep.txt`)).toBe(400);
    expect(await raw('GET', `${docs}/%2e%2e/keep.txt`)).toBe(400);
    expect(await raw('DELETE', `${docs}/..`)).toBe(400);
    await keptIntact();
  });

  it('refuses an encoded slash with 400 (SPEC §7)', async () => {
    expect(await raw('PUT', `${docs}/a%2Fb.txt`)).toBe(400);
    expect(await raw('MKCOL', `${docs}/a%2fb`)).toBe(400);
    await keptIntact();
  });

  it('refuses invalid percent-encoding and control characters', async () => {
    expect(await raw('GET', `${docs}/%E0%A4%A`)).toBe(400);
    expect(await raw('GET', `${docs}/a%00b`)).toBe(400);
  });

  it('treats names that differ only in Unicode normalisation as one name', async () => {
    const nfc = encodeURIComponent('café.txt'.normalize('NFC'));
    const nfd = encodeURIComponent('café.txt'.normalize('NFD'));
    expect((await send('PUT', `${docs}/${nfc}`, 'one')).status).toBe(201);
    expect((await send('MKCOL', `${docs}/${nfd}`)).status).toBe(405);
    const got = await send('GET', `${docs}/${nfd}`);
    expect(got.text).toBe('one');
    const listing = await send('PROPFIND', `${docs}/`, undefined, { Depth: '1' });
    expect(listing.text).toContain(`${docs}/caf%C3%A9.txt`);
    expect((await send('DELETE', `${docs}/${nfd}`)).status).toBe(204);
    await keptIntact();
  });

  it('refuses a Destination on another host with 502', async () => {
    const response = await send('MOVE', `${docs}/keep.txt`, undefined, { Destination: `http://elsewhere.example/webdav/${user}/Documents/x.txt` });
    expect(response.status).toBe(502);
    await keptIntact();
  });

  it('refuses PROPFIND Depth infinity with DAV:propfind-finite-depth', async () => {
    const response = await send('PROPFIND', `${docs}/`, undefined, { Depth: 'infinity' });
    expect(response.status).toBe(403);
    expect(response.text).toContain('propfind-finite-depth');
  });
});

describe('interrupted upload', () => {
  it('keeps the previous content when the client disconnects mid-body', async () => {
    const url = new URL(server.url);
    await new Promise<void>((resolve) => {
      const req = httpRequest({
        host: url.hostname,
        port: url.port,
        method: 'PUT',
        path: `${docs}/keep.txt`,
        headers: { Authorization: auth, 'Content-Length': String(10 * 1024 * 1024) },
      });
      req.on('error', () => {
        resolve();
      });
      req.write(Buffer.alloc(256 * 1024, 120));
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 200);
    });
    await new Promise((r) => setTimeout(r, 300));
    await keptIntact();
  });
});

describe('protected properties', () => {
  it('refuses to change getetag and resourcetype, atomically with the rest', async () => {
    const body = `<?xml version="1.0"?><D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><D:getetag>"x"</D:getetag><Z:color xmlns:Z="urn:x">red</Z:color></D:prop></D:set></D:propertyupdate>`;
    const response = await send('PROPPATCH', `${docs}/keep.txt`, body);
    expect(response.status).toBe(207);
    expect(response.text).toContain('cannot-modify-protected-property');
    expect(response.text).toMatch(/424 Failed Dependency/);
    const after = await send('PROPFIND', `${docs}/keep.txt`, '<D:propfind xmlns:D="DAV:"><D:prop><Z:color xmlns:Z="urn:x"/></D:prop></D:propfind>', { Depth: '0' });
    expect(after.text).toContain('404 Not Found');
  });
});
