import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;
const user = 'utf8@iw.test';

beforeAll(async () => {
  server = await startTestServer();
  await server.createUser(user);
});
afterAll(async () => {
  await server.stop();
});

const put = (path: string, body: Buffer, type: string) =>
  fetch(`${server.url}/webdav/${user}/${path}`, { method: 'PUT', headers: { Authorization: server.basic(user), 'Content-Type': type }, body });

describe('text bodies must be UTF-8', () => {
  it('refuses a Latin-1 calendar object with valid-calendar-data and stores nothing', async () => {
    const latin1 = Buffer.from('BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:l1\r\nDTSTAMP:20261101T000000Z\r\nDTSTART:20261201T100000Z\r\nSUMMARY:Réunion\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n', 'latin1');
    const response = await put('Calendar/l1.ics', latin1, 'text/calendar');
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('valid-calendar-data');
    expect((await fetch(`${server.url}/webdav/${user}/Calendar/l1.ics`, { headers: { Authorization: server.basic(user) } })).status).toBe(404);
  });

  it('refuses a Latin-1 vCard with valid-address-data', async () => {
    const latin1 = Buffer.from('BEGIN:VCARD\r\nVERSION:3.0\r\nUID:c1\r\nFN:Élodie\r\nN:;Élodie;;;\r\nEND:VCARD\r\n', 'latin1');
    const response = await put('Contacts/c1.vcf', latin1, 'text/vcard');
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('valid-address-data');
  });

  it('refuses a NUL character in a vCard or a calendar object with the format\'s precondition, and stores nothing', async () => {
    const get = (path: string) => fetch(`${server.url}/webdav/${user}/${path}`, { headers: { Authorization: server.basic(user) } });
    const card = Buffer.from('BEGIN:VCARD\r\nVERSION:3.0\r\nUID:n1\r\nFN:A\u0000B\r\nN:;A;;;\r\nEND:VCARD\r\n', 'utf8');
    const refusedCard = await put('Contacts/n1.vcf', card, 'text/vcard');
    expect(refusedCard.status).toBe(403);
    expect(await refusedCard.text()).toContain('valid-address-data');
    expect((await get('Contacts/n1.vcf')).status).toBe(404);
    const event = Buffer.from('BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:n2\r\nDTSTAMP:20261101T000000Z\r\nDTSTART:20261201T100000Z\r\nSUMMARY:a\u0000b\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n', 'utf8');
    const refusedEvent = await put('Calendar/n2.ics', event, 'text/calendar');
    expect(refusedEvent.status).toBe(403);
    expect(await refusedEvent.text()).toContain('valid-calendar-data');
    expect((await get('Calendar/n2.ics')).status).toBe(404);
  });

  it('accepts the same text in UTF-8', async () => {
    const utf8 = Buffer.from('BEGIN:VCARD\r\nVERSION:3.0\r\nUID:c2\r\nFN:Élodie\r\nN:;Élodie;;;\r\nEND:VCARD\r\n', 'utf8');
    expect((await put('Contacts/c2.vcf', utf8, 'text/vcard')).status).toBe(201);
  });
});
