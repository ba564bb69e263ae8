import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestServer, type TestServer } from '../support/test-server.js';

const admin = 'root@example.test';
const alice = 'alice@example.test';
const bob = 'bob@example.test';
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
  return { status: response.status, body: json, headers: response.headers };
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
  await server.createUser(bob);
});
afterAll(() => server.stop());

describe('POST /api/v1/accounts', () => {
  it('creates a user in an unknown domain, creating the domain, and answers 201 with the account', async () => {
    const created = await call('POST', '/accounts', admin, {
      email: 'Carol@New.Example',
      password: 'a long password',
      displayName: 'Carol',
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      email: 'carol@new.example',
      kind: 'user',
      displayName: 'Carol',
      isAdmin: false,
      quotaBytes: null,
      usedBytes: 0,
      publicFolder: false,
      createdAt: expect.any(String),
    });
    expect(JSON.stringify(created.body)).not.toMatch(/hash|argon/i);
    const domains = await call('GET', '/domains', admin);
    expect(domains.body).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'new.example' })]));
    const login = await fetch(`${server.url}/api/v1/accounts/carol@new.example`, {
      headers: { authorization: server.basic('carol@new.example', 'a long password') },
    });
    expect(login.status).toBe(200);
  });

  it('creates a group with members and a public folder', async () => {
    const created = await call('POST', '/accounts', admin, {
      email: 'team@example.test',
      kind: 'group',
      members: [alice, bob],
      publicFolder: true,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ kind: 'group', publicFolder: true, members: [alice, bob] });
  });

  it('creates a resource without a password', async () => {
    const created = await call('POST', '/accounts', admin, { email: 'room@example.test', kind: 'resource' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ email: 'room@example.test', kind: 'resource' });
  });

  it('answers 409 exists when the account exists', async () => {
    const again = await call('POST', '/accounts', admin, { email: alice, password: 'another password' });
    expect(again.status).toBe(409);
    expect(again.body).toEqual({ error: { code: 'exists', message: expect.any(String) } });
  });

  it('answers 400 invalid-request for a body that violates the schema', async () => {
    for (const body of [
      { email: 'x@example.test', password: 'short' },
      { email: 'x@example.test', password: 'a long password', kind: 'robot' },
      { email: 'x@example.test', password: 'a long password', colour: 'blue' },
      { password: 'a long password' },
      ['x@example.test'],
    ]) {
      const refused = await call('POST', '/accounts', admin, body);
      expect([refused.status, errorCode(refused.body)]).toEqual([400, 'invalid-request']);
    }
  });

  it('answers 400 invalid-request for a user without a password or a malformed JSON body', async () => {
    const noPassword = await call('POST', '/accounts', admin, { email: 'x@example.test' });
    expect([noPassword.status, errorCode(noPassword.body)]).toEqual([400, 'invalid-request']);
    const malformed = await fetch(`${server.url}/api/v1/accounts`, {
      method: 'POST',
      headers: { authorization: server.basic(admin), 'content-type': 'application/json' },
      body: '{"email": "x@example.test", "password": "secret passw',
    });
    expect(malformed.status).toBe(400);
    const text = await malformed.text();
    expect(JSON.parse(text)).toMatchObject({ error: { code: 'invalid-request' } });
    expect(text).not.toContain('secret');
  });

  it('answers 415 for a body that is not JSON and 413 for a body past 1 MiB', async () => {
    const plain = await fetch(`${server.url}/api/v1/accounts`, {
      method: 'POST',
      headers: { authorization: server.basic(admin), 'content-type': 'text/plain' },
      body: 'email=x@example.test',
    });
    expect(plain.status).toBe(415);
    expect(await plain.json()).toMatchObject({ error: { code: 'unsupported-media-type' } });
    const huge = await call('POST', '/accounts', admin, {
      email: 'x@example.test',
      displayName: 'x'.repeat(1_100_000),
    });
    expect([huge.status, errorCode(huge.body)]).toEqual([413, 'payload-too-large']);
  });

  it('answers 403 forbidden to a non-administrator', async () => {
    const refused = await call('POST', '/accounts', alice, {
      email: 'y@example.test',
      password: 'a long password',
    });
    expect([refused.status, errorCode(refused.body)]).toEqual([403, 'forbidden']);
  });

  it('answers 401 with WWW-Authenticate without credentials', async () => {
    const refused = await call('POST', '/accounts', undefined, {
      email: 'y@example.test',
      password: 'a long password',
    });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toMatch(/^Basic/);
  });
});

describe('GET /api/v1/accounts', () => {
  it('lists the accounts for an administrator, optionally of one domain', async () => {
    const all = await call('GET', '/accounts', admin);
    expect(all.status).toBe(200);
    const emails = (all.body as { email: string }[]).map((a) => a.email); // checked against the Account schema
    expect(emails).toEqual(expect.arrayContaining([admin, alice, bob, 'carol@new.example']));
    const one = await call('GET', '/accounts?domain=new.example', admin);
    expect(one.body).toEqual([expect.objectContaining({ email: 'carol@new.example' })]);
  });

  it('refuses a non-administrator with 403 and an anonymous caller with 401', async () => {
    expect((await call('GET', '/accounts', alice)).status).toBe(403);
    expect((await call('GET', '/accounts', undefined)).status).toBe(401);
  });

  it('answers 400 for an unknown query parameter', async () => {
    const refused = await call('GET', '/accounts?colour=blue', admin);
    expect([refused.status, errorCode(refused.body)]).toEqual([400, 'invalid-request']);
  });
});

describe('GET and DELETE /api/v1/accounts/{email}', () => {
  it('lets an account read itself but not another account', async () => {
    const self = await call('GET', `/accounts/${alice}`, alice);
    expect(self.status).toBe(200);
    expect(self.body).toMatchObject({ email: alice, kind: 'user', isAdmin: false });
    const other = await call('GET', `/accounts/${bob}`, alice);
    expect([other.status, errorCode(other.body)]).toEqual([403, 'forbidden']);
    const missing = await call('GET', '/accounts/nobody@example.test', alice);
    expect(missing.status).toBe(403);
  });

  it('lets an administrator read any account and answers 404 for a missing one', async () => {
    expect((await call('GET', `/accounts/${encodeURIComponent(bob)}`, admin)).status).toBe(200);
    const group = await call('GET', '/accounts/team@example.test', admin);
    expect(group.body).toMatchObject({ members: [alice, bob] });
    const missing = await call('GET', '/accounts/nobody@example.test', admin);
    expect([missing.status, errorCode(missing.body)]).toEqual([404, 'not-found']);
  });

  it('removes an account for an administrator only', async () => {
    await server.createUser('dave@example.test');
    const refused = await call('DELETE', '/accounts/dave@example.test', alice);
    expect(refused.status).toBe(403);
    const removed = await call('DELETE', '/accounts/dave@example.test', admin);
    expect(removed.status).toBe(204);
    expect((await call('GET', '/accounts/dave@example.test', admin)).status).toBe(404);
    const again = await call('DELETE', '/accounts/dave@example.test', admin);
    expect([again.status, errorCode(again.body)]).toEqual([404, 'not-found']);
  });
});

describe('undocumented API paths', () => {
  it('answers 404 not-found for an unknown path and 405 for an unknown method', async () => {
    const unknown = await call('GET', '/nothing-here', admin);
    expect([unknown.status, errorCode(unknown.body)]).toEqual([404, 'not-found']);
    const method = await call('PUT', `/accounts/${alice}`, admin, {});
    expect([method.status, errorCode(method.body)]).toEqual([405, 'method-not-allowed']);
    expect(method.headers.get('allow')).toMatch(/GET/i);
  });
});
