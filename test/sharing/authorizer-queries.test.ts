import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import { openTestDatabase, type OpenedDatabase } from '@partage/storage';
import { createPartage, loadConfig, type Partage } from '@partage/server';

/** Counts the statements sent to the store. */
class StatementCounter implements KyselyPlugin {
  count = 0;
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    this.count++;
    return args.node;
  }
  transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return Promise.resolve(args.result);
  }
}

const counter = new StatementCounter();
const email = (who: string) => `${who}@queries.test`;
const calendar = `/webdav/${email('owner')}/Calendar/`;
const password = 'correct horse battery';
let database: OpenedDatabase;
let partage: Partage;
let server: Server;
let url: string;

beforeAll(async () => {
  const opened = await openTestDatabase();
  database = { ...opened, db: opened.db.withPlugin(counter) };
  partage = await createPartage(loadConfig({ PARTAGE_PORT: '0', PARTAGE_LOG_LEVEL: 'silent' }), { database });
  server = createServer(partage.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`; // a TCP listener has an AddressInfo
  for (const who of ['owner', 'sharee']) await partage.accounts.create({ email: email(who), password });
  await partage.accounts.create({ email: email('team'), kind: 'group', members: [email('sharee')] });
  const grant = (folder: string | null, grantee: string, rights: string[]) =>
    send('owner', 'PUT', `/api/v1/accounts/${email('owner')}/grants`, JSON.stringify({ folder, grantee, rights }), { 'Content-Type': 'application/json' });
  await grant(null, '@queries.test', ['read']);
  await grant('Calendar', email('team'), ['read', 'create', 'modify', 'delete']);
}, 120_000);
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => {
    server.close(() => {
      resolve();
    });
  });
  await partage.close();
});

async function send(who: string, method: string, path: string, body?: string, headers: Record<string, string> = {}) {
  const response = await fetch(url + path, {
    method,
    headers: { Authorization: `Basic ${Buffer.from(`${email(who)}:${password}`).toString('base64')}`, ...headers },
    ...(body === undefined ? {} : { body }),
  });
  return { status: response.status, text: await response.text() };
}

const ics = (i: number, classification: string) =>
  ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:x', 'BEGIN:VEVENT', `UID:q-${i}`, 'DTSTAMP:20270101T000000Z', `DTSTART:202701${String(10 + (i % 15)).padStart(2, '0')}T100000Z`, 'DURATION:PT1H', `CLASS:${classification}`, `SUMMARY:event ${i}`, 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');
const query =
  '<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/><C:calendar-data/></D:prop><C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:time-range start="20270101T000000Z" end="20270201T000000Z"/></C:comp-filter></C:comp-filter></C:filter></C:calendar-query>';
const propfind = '<D:propfind xmlns:D="DAV:"><D:prop><D:getetag/><D:resourcetype/></D:prop></D:propfind>';

/** Statements a request costs (sent twice: the second one, with the credential cache warm). */
async function statements(who: string, method: string, body: string): Promise<{ count: number; text: string }> {
  await send(who, method, calendar, body, { Depth: '1' });
  const before = counter.count;
  const reply = await send(who, method, calendar, body, { Depth: '1' });
  expect(reply.status).toBe(207);
  return { count: counter.count - before, text: reply.text };
}

describe('the authorizer costs a sharee a few statements per request, not one per item (issue 5)', () => {
  it('answers a calendar-query and a PROPFIND Depth 1 of 40 events to a sharee in about as many statements as to the owner', async () => {
    for (let i = 0; i < 40; i++) {
      const classification = i % 10 === 0 ? 'PRIVATE' : i % 10 === 1 ? 'CONFIDENTIAL' : 'PUBLIC';
      expect((await send('owner', 'PUT', `${calendar}e${i}.ics`, ics(i, classification), { 'Content-Type': 'text/calendar' })).status).toBe(201);
    }
    for (const [method, body] of [['REPORT', query], ['PROPFIND', propfind]] as const) {
      const owner = await statements('owner', method, body);
      const sharee = await statements('sharee', method, body);
      expect((owner.text.match(/<D:response>/g) ?? []).length).toBe(method === 'REPORT' ? 40 : 41);
      expect((sharee.text.match(/<D:response>/g) ?? []).length).toBe(method === 'REPORT' ? 36 : 37);
      if (method === 'REPORT') expect(sharee.text).toContain('SUMMARY:Busy');
      expect(sharee.count).toBeLessThanOrEqual(owner.count + 8);
    }
  });
});
