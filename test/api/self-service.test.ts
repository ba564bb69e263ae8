import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestServer, type TestServer } from '../support/test-server.js';

const admin = 'root@example.test';
const alice = 'alice@example.test';
const bob = 'bob@example.test';
const team = 'team@example.test';
let server: TestServer;

/** Sends a JSON request with the given `Authorization` header (or none). */
async function call(method: string, path: string, authorization: string | undefined, body?: unknown) {
  const headers: Record<string, string> = {};
  if (authorization) headers['authorization'] = authorization;
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
  await server.createUser(bob);
  await server.partage.accounts.create({ email: team, kind: 'group' });
});
afterAll(() => server.stop());

describe('group members', () => {
  it('sets and reads the members of a group', async () => {
    const set = await call('PUT', `/accounts/${team}/members`, server.basic(admin), [bob, alice]);
    expect(set).toEqual({ status: 200, body: [alice, bob] });
    expect(await call('GET', `/accounts/${team}/members`, server.basic(admin))).toEqual({
      status: 200,
      body: [alice, bob],
    });
    const cleared = await call('PUT', `/accounts/${team}/members`, server.basic(admin), []);
    expect(cleared).toEqual({ status: 200, body: [] });
  });

  it('answers 409 not-a-group for a user, 404 for a missing group and 400 for an unknown member', async () => {
    const user = await call('PUT', `/accounts/${alice}/members`, server.basic(admin), [bob]);
    expect([user.status, errorCode(user.body)]).toEqual([409, 'not-a-group']);
    const missing = await call('GET', '/accounts/nothing@example.test/members', server.basic(admin));
    expect([missing.status, errorCode(missing.body)]).toEqual([404, 'not-found']);
    const unknown = await call('PUT', `/accounts/${team}/members`, server.basic(admin), [
      'ghost@example.test',
    ]);
    expect([unknown.status, errorCode(unknown.body)]).toEqual([400, 'invalid-request']);
  });

  it('refuses a body that is not an array of emails with 400 and a non-administrator with 403', async () => {
    const notArray = await call('PUT', `/accounts/${team}/members`, server.basic(admin), {
      members: [alice],
    });
    expect([notArray.status, errorCode(notArray.body)]).toEqual([400, 'invalid-request']);
    const notEmail = await call('PUT', `/accounts/${team}/members`, server.basic(admin), ['not an email']);
    expect([notEmail.status, errorCode(notEmail.body)]).toEqual([400, 'invalid-request']);
    const refused = await call('PUT', `/accounts/${team}/members`, server.basic(alice), [alice]);
    expect([refused.status, errorCode(refused.body)]).toEqual([403, 'forbidden']);
    expect((await call('GET', `/accounts/${team}/members`, server.basic(alice))).status).toBe(403);
  });
});

describe('PUT /api/v1/accounts/{email}/password', () => {
  it('lets an account change its own password, ending the old one at once', async () => {
    await server.createUser('erin@example.test');
    const changed = await call(
      'PUT',
      '/accounts/erin@example.test/password',
      server.basic('erin@example.test'),
      {
        password: 'a brand new password',
      },
    );
    expect(changed.status).toBe(204);
    expect((await call('GET', '/accounts/erin@example.test', server.basic('erin@example.test'))).status).toBe(
      401,
    );
    const withNew = await call(
      'GET',
      '/accounts/erin@example.test',
      server.basic('erin@example.test', 'a brand new password'),
    );
    expect(withNew.status).toBe(200);
  });

  it('lets an administrator change any password, but not an account another one', async () => {
    await server.createUser('frank@example.test');
    const byAdmin = await call('PUT', '/accounts/frank@example.test/password', server.basic(admin), {
      password: 'set by the admin',
    });
    expect(byAdmin.status).toBe(204);
    const byOther = await call('PUT', '/accounts/frank@example.test/password', server.basic(bob), {
      password: 'set by bob!!',
    });
    expect([byOther.status, errorCode(byOther.body)]).toEqual([403, 'forbidden']);
  });

  it('answers 400 for a short password and 404 for a missing account', async () => {
    const short = await call('PUT', `/accounts/${bob}/password`, server.basic(bob), { password: 'short' });
    expect([short.status, errorCode(short.body)]).toEqual([400, 'invalid-request']);
    const missing = await call('PUT', '/accounts/ghost@example.test/password', server.basic(admin), {
      password: 'long enough',
    });
    expect([missing.status, errorCode(missing.body)]).toEqual([404, 'not-found']);
    expect(
      (await call('PUT', `/accounts/${bob}/password`, undefined, { password: 'long enough' })).status,
    ).toBe(401);
  });
});

describe('app passwords', () => {
  it('creates an app password whose token logs in, lists it without the token, and revokes it', async () => {
    const created = await call('POST', `/accounts/${alice}/app-passwords`, server.basic(alice), {
      label: 'phone',
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(Number),
      label: 'phone',
      token: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    const { id, token } = created.body as { id: number; token: string }; // matched just above
    expect(
      (
        await call(
          'GET',
          `/accounts/${alice}`,
          `Basic ${Buffer.from(`${alice}:${token}`).toString('base64')}`,
        )
      ).status,
    ).toBe(200);

    const listed = await call('GET', `/accounts/${alice}/app-passwords`, server.basic(alice));
    expect(listed).toEqual({ status: 200, body: [{ id, label: 'phone', createdAt: expect.any(String) }] });
    expect(JSON.stringify(listed.body)).not.toContain(token);

    expect((await call('DELETE', `/accounts/${alice}/app-passwords/${id}`, server.basic(alice))).status).toBe(
      204,
    );
    expect(
      (
        await call(
          'GET',
          `/accounts/${alice}`,
          `Basic ${Buffer.from(`${alice}:${token}`).toString('base64')}`,
        )
      ).status,
    ).toBe(401);
    const again = await call('DELETE', `/accounts/${alice}/app-passwords/${id}`, server.basic(alice));
    expect([again.status, errorCode(again.body)]).toEqual([404, 'not-found']);
  });

  it("refuses another account's app passwords with 403, but lets an administrator manage them", async () => {
    expect(
      (await call('POST', `/accounts/${bob}/app-passwords`, server.basic(alice), { label: 'x' })).status,
    ).toBe(403);
    expect((await call('GET', `/accounts/${bob}/app-passwords`, server.basic(alice))).status).toBe(403);
    expect((await call('DELETE', `/accounts/${bob}/app-passwords/1`, server.basic(alice))).status).toBe(403);
    const byAdmin = await call('POST', `/accounts/${bob}/app-passwords`, server.basic(admin), {
      label: 'laptop',
    });
    expect(byAdmin.status).toBe(201);
    expect((await call('GET', `/accounts/${bob}/app-passwords`, server.basic(admin))).body).toEqual([
      expect.objectContaining({ label: 'laptop' }),
    ]);
  });

  it('answers 400 for a missing label or a non-numeric id', async () => {
    const noLabel = await call('POST', `/accounts/${alice}/app-passwords`, server.basic(alice), {});
    expect([noLabel.status, errorCode(noLabel.body)]).toEqual([400, 'invalid-request']);
    const badId = await call('DELETE', `/accounts/${alice}/app-passwords/abc`, server.basic(alice));
    expect([badId.status, errorCode(badId.body)]).toEqual([400, 'invalid-request']);
  });
});
