import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestServer, defaultPassword, type TestServer } from '../support/test-server.js';

let server: TestServer;
const user = 'jean@iw.test';

beforeAll(async () => {
  server = await startTestServer({ PARTAGE_TRUSTED_PROXIES: '127.0.0.1', PARTAGE_LOGIN_MAX_FAILURES: '10' });
  await server.createUser(user);
});
afterAll(async () => {
  await server.stop();
});

const propfind = (authorization: string | undefined, from = '203.0.113.1') =>
  fetch(`${server.url}/webdav/${user}/`, {
    method: 'PROPFIND',
    headers: { Depth: '0', 'X-Forwarded-For': from, ...(authorization ? { Authorization: authorization } : {}) },
  });

describe('HTTP Basic authentication', () => {
  it('asks for credentials with WWW-Authenticate', async () => {
    const response = await propfind(undefined);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Basic realm="Partage"/);
  });

  it('answers a wrong password and an unknown account identically', async () => {
    const wrong = await propfind(server.basic(user, 'wrong password'), '203.0.113.50');
    const unknown = await propfind(server.basic('nobody@iw.test', 'wrong password'), '203.0.113.50');
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    expect(await wrong.text()).toBe(await unknown.text());
    expect(wrong.headers.get('www-authenticate')).toBe(unknown.headers.get('www-authenticate'));
  });

  it('accepts the right password', async () => {
    expect((await propfind(server.basic(user))).status).toBe(207);
  });

  it('blocks one account from one address after 10 failures, while another address still logs in', async () => {
    const attacker = '198.51.100.7';
    for (let i = 0; i < 10; i++) expect((await propfind(server.basic(user, `guess ${i}`), attacker)).status).toBe(401);
    const blocked = await propfind(server.basic(user), attacker);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await propfind(server.basic(user), '192.0.2.99')).status).toBe(207);
  });

  it('ignores X-Forwarded-For from an untrusted peer', async () => {
    const other = await startTestServer({ PARTAGE_TRUSTED_PROXIES: '' });
    try {
      await other.createUser('marie@iw.test');
      for (let i = 0; i < 10; i++) {
        await fetch(`${other.url}/webdav/marie@iw.test/`, {
          method: 'PROPFIND',
          headers: { Depth: '0', 'X-Forwarded-For': `192.0.2.${i}`, Authorization: other.basic('marie@iw.test', 'bad') },
        });
      }
      const response = await fetch(`${other.url}/webdav/marie@iw.test/`, {
        method: 'PROPFIND',
        headers: { Depth: '0', 'X-Forwarded-For': '192.0.2.200', Authorization: other.basic('marie@iw.test') },
      });
      expect(response.status).toBe(429);
    } finally {
      await other.stop();
    }
  });

  it('accepts an app password and stops accepting the old password after a change', async () => {
    const { token } = await server.partage.accounts.addAppPassword(user, 'phone');
    expect((await propfind(server.basic(user, token), '192.0.2.10')).status).toBe(207);
    expect((await propfind(server.basic(user), '192.0.2.10')).status).toBe(207);
    await server.partage.accounts.setPassword(user, 'a brand new password');
    expect((await propfind(server.basic(user, defaultPassword), '192.0.2.10')).status).toBe(401);
    expect((await propfind(server.basic(user, 'a brand new password'), '192.0.2.10')).status).toBe(207);
  });

  it('logs in the administrator by its alias', async () => {
    await server.createUser('root@iw.test', 'root password 1', { isAdmin: true });
    const response = await fetch(`${server.url}/webdav/${user}/`, {
      method: 'PROPFIND',
      headers: { Depth: '0', Authorization: server.basic('root@iw.test', 'root password 1') },
    });
    expect(response.status).toBe(207);
  });

  it('hides other accounts\' homes with 404', async () => {
    await server.createUser('francois@iw.test');
    const response = await fetch(`${server.url}/webdav/${user}/Documents/`, {
      method: 'PROPFIND',
      headers: { Depth: '0', Authorization: server.basic('francois@iw.test') },
    });
    expect(response.status).toBe(404);
  });

  it('answers a missing login in plain text, and counts DAV and other requests in /metrics', async () => {
    const refused = await propfind(undefined, '192.0.2.30');
    expect(refused.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await refused.text()).toBe('authentication required\n');
    const count = async (method: string, status: number) => {
      const text = await (await fetch(`${server.url}/metrics`)).text();
      return Number(new RegExp(`partage_http_requests_total\\{method="${method}",status="${status}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
    };
    const before = { propfind: await count('PROPFIND', 207), refused: await count('PROPFIND', 401), health: await count('GET', 200) };
    await server.createUser('mesure@iw.test');
    const own = await fetch(`${server.url}/webdav/mesure@iw.test/`, { method: 'PROPFIND', headers: { Depth: '0', Authorization: server.basic('mesure@iw.test') } });
    expect(own.status).toBe(207);
    expect((await propfind(undefined, '192.0.2.31')).status).toBe(401);
    const after = { propfind: await count('PROPFIND', 207), refused: await count('PROPFIND', 401), health: await count('GET', 200) };
    // The /metrics reads themselves are GETs answered 200: one after `before` was read.
    expect(after).toEqual({ propfind: before.propfind + 1, refused: before.refused + 1, health: before.health + 3 });
  });
});
