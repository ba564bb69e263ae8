import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { SMTPServer } from 'smtp-server';
import { startTestServer, type TestServer } from '../support/test-server.js';

/** Invitation e-mails (SPEC §5) through an in-process SMTP sink, and the links they carry. */
interface Received {
  readonly from: string;
  readonly to: readonly string[];
  readonly raw: string;
}

const email = (who: string) => `${who}@mail.test`;
const received: Received[] = [];
const logLines: string[] = [];
let sink: SMTPServer;
let server: TestServer;

beforeAll(async () => {
  sink = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const from = session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address;
        received.push({ from, to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => {
    sink.listen(0, '127.0.0.1', () => {
      resolve();
    });
  });
  const { port } = sink.server.address() as AddressInfo; // a TCP listener always has an AddressInfo
  const logger = pino({ level: 'info' }, new Writable({ write: (chunk: Buffer, _enc, done) => { logLines.push(chunk.toString('utf8')); done(); } }));
  server = await startTestServer({ PARTAGE_SMTP_URL: `smtp://127.0.0.1:${port}`, PARTAGE_MAIL_FROM: 'Partage <noreply@mail.test>' }, { logger });
  for (const who of ['jean', 'francois', 'marius']) await server.createUser(email(who));
});
afterAll(async () => {
  await server.stop();
  await new Promise<void>((resolve) => {
    sink.close(() => {
      resolve();
    });
  });
});

async function as(who: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(server.url + path, {
    method,
    headers: { Authorization: server.basic(email(who)), ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, text: await response.text() };
}

/** Waits (bounded) for the n-th message to reach the sink; the mail leaves after the grant answers. */
async function message(n: number): Promise<Received> {
  for (let i = 0; i < 200 && received.length < n; i++) await new Promise((resolve) => setTimeout(resolve, 25));
  const found = received[n - 1];
  if (!found) throw new Error(`no message ${n} after 5 s`);
  return found;
}

/** The message as text: quoted-printable soft breaks and escapes undone. */
const decoded = (raw: string): string =>
  raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));

const linksOf = (text: string) => ({
  folder: /Subscribe to this folder: (\S+)/.exec(text)?.[1] ?? '',
  account: /Subscribe to the account: (\S+)/.exec(text)?.[1] ?? '',
});

const homeListing = '<A:propfind xmlns:A="DAV:"><A:prop><A:displayname/></A:prop></A:propfind>';
async function bindings(who: string): Promise<string[]> {
  const response = await fetch(`${server.url}/webdav/${email(who)}/`, {
    method: 'PROPFIND',
    headers: { Authorization: server.basic(email(who)), Depth: '1', 'Content-Type': 'text/xml' },
    body: homeListing,
  });
  expect(response.status).toBe(207);
  return [...(await response.text()).matchAll(/<D:href>[^<]*~([^<]+)<\/D:href>/g)].map((m) => m[1] ?? '');
}

describe('invitation e-mail', () => {
  let links = { folder: '', account: '' };

  it('sends the sharee an e-mail with both links when a grant is new', async () => {
    // A domain grant on Tasks makes the account link show more than the folder.
    expect((await as('jean', 'PUT', `/api/v1/accounts/${email('jean')}/grants`, { folder: 'Tasks', grantee: '@mail.test', rights: ['read'] })).status).toBeLessThan(300);
    expect((await as('jean', 'PUT', `/api/v1/accounts/${email('jean')}/grants`, { folder: 'Calendar', grantee: email('francois'), rights: ['read', 'create', 'modify', 'delete'] })).status).toBeLessThan(300);
    const mail = await message(1);
    expect(mail.to).toEqual([email('francois')]);
    expect(mail.from).toBe('noreply@mail.test');
    const text = decoded(mail.raw);
    expect(text).toMatch(/^Subject: .*jean@mail\.test.*Calendar/m);
    expect(text).toMatch(/^To: francois@mail\.test/m);
    links = linksOf(text);
    expect(links.folder).toMatch(new RegExp(`^${server.url}/invitations/\\d+/subscribe\\?scope=folder$`));
    expect(links.account).toMatch(new RegExp(`^${server.url}/invitations/\\d+/subscribe\\?scope=account$`));
    expect(text).toContain(`<a href="${links.folder}">Subscribe to this folder</a>`);
    expect(text).toContain(`<a href="${links.account}">Subscribe to the account</a>`);
  });

  it('sends nothing when an existing grant changes, nor for a grant to a domain', async () => {
    expect((await as('jean', 'PUT', `/api/v1/accounts/${email('jean')}/grants`, { folder: 'Calendar', grantee: email('francois'), rights: ['read'] })).status).toBeLessThan(300);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(received).toHaveLength(1);
  });

  it('lets no one but the invited account follow the links', async () => {
    const noAuth = await fetch(links.folder);
    expect(noAuth.status).toBe(401);
    expect(noAuth.headers.get('www-authenticate')).toContain('Basic');
    const other = await fetch(links.folder, { headers: { Authorization: server.basic(email('marius')) } });
    expect(other.status).toBe(404);
    expect(await bindings('marius')).toEqual([]);
    expect(await bindings('francois')).toEqual([]);
    const altered = await fetch(links.folder.replace(/\/invitations\/\d+/, '/invitations/999999'), { headers: { Authorization: server.basic(email('francois')) } });
    expect(altered.status).toBe(404);
    const badScope = await fetch(links.folder.replace('scope=folder', 'scope=everything'), { headers: { Authorization: server.basic(email('francois')) } });
    expect(badScope.status).toBe(400);
    // An id past the store's integer range is refused as a malformed link, not a server error.
    const huge = await fetch(links.folder.replace(/\/invitations\/\d+/, '/invitations/99999999999'), { headers: { Authorization: server.basic(email('francois')) } });
    expect(huge.status).toBe(400);
    const hugeNotification = await fetch(`${server.url}/webdav/notifications/${email('francois')}/99999999999.xml`, { headers: { Authorization: server.basic(email('francois')) } });
    expect(hugeNotification.status).toBe(404);
  });

  it('subscribes to the folder through the first link, then to the account through the second', async () => {
    const folder = await fetch(links.folder, { headers: { Authorization: server.basic(email('francois')) } });
    expect(folder.status).toBe(200);
    expect(await folder.text()).toMatch(/subscribed to the folder &quot;Calendar&quot; of jean@mail\.test/);
    expect(await bindings('francois')).toEqual(['Calendar/']);
    expect(JSON.parse((await as('francois', 'GET', '/api/v1/invitations')).text)).toEqual([]);
    const account = await fetch(links.account, { headers: { Authorization: server.basic(email('francois')) } });
    expect(account.status).toBe(200);
    expect(await account.text()).toMatch(/subscribed to every folder of jean@mail\.test/);
    expect((await bindings('francois')).sort()).toEqual(['Calendar/', 'Tasks/']);
  });

  it('logs a relay failure without failing the grant or showing the relay credentials', async () => {
    const failing = await startTestServer(
      { PARTAGE_SMTP_URL: 'smtp://relayuser:relay-secret-77@127.0.0.1:1' },
      { logger: pino({ level: 'info' }, new Writable({ write: (chunk: Buffer, _enc, done) => { logLines.push(chunk.toString('utf8')); done(); } })) },
    );
    try {
      await failing.createUser(email('jean'));
      await failing.createUser(email('francois'));
      const response = await fetch(`${failing.url}/api/v1/accounts/${email('jean')}/grants`, {
        method: 'PUT',
        headers: { Authorization: failing.basic(email('jean')), 'Content-Type': 'application/json' },
        body: JSON.stringify({ folder: 'Calendar', grantee: email('francois'), rights: ['read'] }),
      });
      expect(response.status).toBeLessThan(300);
      for (let i = 0; i < 200 && !logLines.some((l) => l.includes('invitation e-mail not sent')); i++) await new Promise((resolve) => setTimeout(resolve, 25));
      expect(logLines.some((l) => l.includes('invitation e-mail not sent'))).toBe(true);
      expect(logLines.join('')).not.toContain('relay-secret-77');
      const invitations = await fetch(`${failing.url}/api/v1/invitations`, { headers: { Authorization: failing.basic(email('francois')) } });
      expect(((await invitations.json()) as unknown[]).length).toBe(1);
    } finally {
      await failing.stop();
    }
  });
});
