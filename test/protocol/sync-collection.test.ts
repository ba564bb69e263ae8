import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;
const user = 'sync@example.test';
const folder = `/webdav/${user}/Documents`;

beforeAll(async () => {
  server = await startTestServer();
  await server.createUser(user);
});
afterAll(async () => {
  await server.stop();
});

async function send(method: string, path: string, body?: string, headers: Record<string, string> = {}) {
  const response = await fetch(server.url + path, { method, headers: { Authorization: server.basic(user), ...headers }, ...(body === undefined ? {} : { body }) });
  return { status: response.status, text: await response.text() };
}

const syncBody = (token: string, limit?: number) =>
  `<?xml version="1.0" encoding="utf-8"?><D:sync-collection xmlns:D="DAV:"><D:sync-token>${token}</D:sync-token><D:sync-level>1</D:sync-level>${
    limit ? `<D:limit><D:nresults>${limit}</D:nresults></D:limit>` : ''
  }<D:prop><D:getetag/></D:prop></D:sync-collection>`;
const tokenOf = (text: string) => /<D:sync-token>([^<]+)<\/D:sync-token>/.exec(text)?.[1] ?? '';
const hrefs = (text: string) => [...text.matchAll(/<D:href>([^<]+)<\/D:href>/g)].map((m) => m[1]);

describe('sync-collection (RFC 6578) on a files folder', () => {
  it('reports every member initially, then only changes and removals', async () => {
    await send('PUT', `${folder}/a.txt`, 'a');
    await send('PUT', `${folder}/b.txt`, 'b');
    const initial = await send('REPORT', `${folder}/`, syncBody(''));
    expect(initial.status).toBe(207);
    expect(hrefs(initial.text).sort()).toEqual([`${folder}/a.txt`, `${folder}/b.txt`]);
    const first = tokenOf(initial.text);
    expect(first).toMatch(/^http:/);

    const unchanged = await send('REPORT', `${folder}/`, syncBody(first));
    expect(hrefs(unchanged.text)).toEqual([]);
    expect(tokenOf(unchanged.text)).toBe(first);

    await send('PUT', `${folder}/a.txt`, 'a2');
    await send('DELETE', `${folder}/b.txt`);
    await send('PUT', `${folder}/c.txt`, 'c');
    const delta = await send('REPORT', `${folder}/`, syncBody(first));
    expect(delta.text).toContain(`<D:href>${folder}/a.txt</D:href><D:propstat>`);
    expect(delta.text).toContain(`<D:href>${folder}/b.txt</D:href><D:status>HTTP/1.1 404 Not Found</D:status>`);
    expect(delta.text).toContain(`<D:href>${folder}/c.txt</D:href><D:propstat>`);
    expect(tokenOf(delta.text)).not.toBe(first);
  });

  it('truncates with a limit, answers 507 for the collection, and resumes', async () => {
    const start = tokenOf((await send('REPORT', `${folder}/`, syncBody(''))).text);
    for (const name of ['d', 'e', 'f']) await send('PUT', `${folder}/${name}.txt`, name);
    const page = await send('REPORT', `${folder}/`, syncBody(start, 2));
    expect(page.text).toContain(`<D:href>${folder}/</D:href><D:status>HTTP/1.1 507 Insufficient Storage</D:status>`);
    const seen = hrefs(page.text).filter((h) => h !== `${folder}/`);
    expect(seen).toEqual([`${folder}/d.txt`, `${folder}/e.txt`]);
    const rest = await send('REPORT', `${folder}/`, syncBody(tokenOf(page.text), 2));
    expect(hrefs(rest.text)).toEqual([`${folder}/f.txt`]);
  });

  it('refuses a token it did not issue with DAV:valid-sync-token', async () => {
    for (const token of ['http://partage.invalid/ns/sync/999999/1', 'urn:nonsense', 'http://partage.invalid/ns/sync/1/99999999']) {
      const response = await send('REPORT', `${folder}/`, syncBody(token));
      expect(response.status).toBe(403);
      expect(response.text).toContain('valid-sync-token');
    }
  });

  it('reports the sync token as a property, and supported-report-set lists the report', async () => {
    const response = await send(
      'PROPFIND',
      `${folder}/`,
      '<D:propfind xmlns:D="DAV:"><D:prop><D:sync-token/><D:supported-report-set/></D:prop></D:propfind>',
      { Depth: '0' },
    );
    expect(response.text).toMatch(/<D:sync-token>http:\/\/partage\.invalid\/ns\/sync\/\d+\/\d+\/\d+<\/D:sync-token>/);
    expect(response.text).toContain('<D:report><D:sync-collection/></D:report>');
  });

  it('answers an unknown report with 403 supported-report', async () => {
    const response = await send('REPORT', `${folder}/`, '<x:unknown xmlns:x="urn:x"/>');
    expect(response.status).toBe(403);
    expect(response.text).toContain('supported-report');
  });
});
