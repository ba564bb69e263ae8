import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestServer, type TestServer } from '../support/test-server.js';

const admin = 'root@example.test';
const alice = 'alice@example.test';
let server: TestServer;

/** Sends a JSON request as `as` (an email created with createUser), or without credentials. */
async function call(method: string, path: string, as: string | undefined, body?: unknown) {
  const headers: Record<string, string> = {};
  if (as) headers['authorization'] = server.basic(as);
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${server.url}/api/v1${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  const json: unknown = response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text;
  return { status: response.status, body: json };
}

const errorCode = (body: unknown): unknown =>
  typeof body === 'object' &&
  body !== null &&
  'error' in body &&
  typeof body.error === 'object' &&
  body.error !== null &&
  'code' in body.error
    ? body.error.code
    : undefined;

beforeAll(async () => {
  server = await startTestServer();
  await server.createUser(admin, undefined, { isAdmin: true });
  await server.createUser(alice);
});
afterAll(() => server.stop());

describe('/api/v1/domains', () => {
  it('creates a domain with 201 and lists it with its policies', async () => {
    const created = await call('POST', '/domains', admin, { name: 'Empty.Example' });
    expect(created).toEqual({
      status: 201,
      body: {
        name: 'empty.example',
        groupwareEnabled: true,
        webdavEnabled: true,
        createdAt: expect.any(String),
      },
    });
    const listed = await call('GET', '/domains', admin);
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual([
      expect.objectContaining({ name: 'empty.example' }),
      { name: 'example.test', groupwareEnabled: true, webdavEnabled: true, createdAt: expect.any(String) },
    ]);
  });

  it('answers 409 exists for a domain that exists', async () => {
    const again = await call('POST', '/domains', admin, { name: 'example.test' });
    expect([again.status, errorCode(again.body)]).toEqual([409, 'exists']);
  });

  it('answers 400 for a body that violates the schema or an invalid name', async () => {
    for (const body of [{}, { name: 42 }, { name: 'a.example', extra: true }, { name: 'not a domain' }]) {
      const refused = await call('POST', '/domains', admin, body);
      expect([refused.status, errorCode(refused.body)]).toEqual([400, 'invalid-request']);
    }
  });

  it('refuses to remove a domain while it has accounts (409), removes an empty one (204), then 404', async () => {
    const busy = await call('DELETE', '/domains/example.test', admin);
    expect([busy.status, errorCode(busy.body)]).toEqual([409, 'has-accounts']);
    expect((await call('DELETE', '/domains/empty.example', admin)).status).toBe(204);
    const missing = await call('DELETE', '/domains/empty.example', admin);
    expect([missing.status, errorCode(missing.body)]).toEqual([404, 'not-found']);
  });

  it('is for administrators only: 403 for an account, 401 without credentials', async () => {
    for (const [method, path, body] of [
      ['GET', '/domains', undefined],
      ['POST', '/domains', { name: 'other.example' }],
      ['DELETE', '/domains/example.test', undefined],
    ] as const) {
      // a literal tuple, so each entry keeps its element types
      const refused = await call(method, path, alice, body);
      expect([refused.status, errorCode(refused.body)]).toEqual([403, 'forbidden']);
      expect((await call(method, path, undefined, body)).status).toBe(401);
    }
  });
});
