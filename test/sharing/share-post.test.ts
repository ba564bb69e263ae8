import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestServer, type TestServer } from '../support/test-server.js';

/** Sharing by POST as Apple Calendar (CalendarServer `CS:share`) and WebDAV resource sharing clients do it. */
let server: TestServer;
const email = (who: string) => `${who}@post.test`;

beforeAll(async () => {
  server = await startTestServer();
  for (const who of ['jean', 'francois', 'marius']) await server.createUser(email(who));
});
afterAll(async () => {
  await server.stop();
});

async function as(who: string, method: string, path: string, body?: string, headers: Record<string, string> = {}) {
  const response = await fetch(server.url + path, { method, headers: { Authorization: server.basic(email(who)), ...headers }, ...(body === undefined ? {} : { body }) });
  return { status: response.status, text: await response.text() };
}

describe('sharing by POST', () => {
  it('shares a calendar read-write with CS:share, shows the sharee in CS:invite, and invites it', async () => {
    const share = `<?xml version="1.0" encoding="UTF-8"?><CS:share xmlns:D="DAV:" xmlns:CS="http://calendarserver.org/ns/"><CS:set><D:href>mailto:${email('francois')}</D:href><CS:summary>Agenda de Jean</CS:summary><CS:read-write/></CS:set></CS:share>`;
    const posted = await as('jean', 'POST', `/webdav/${email('jean')}/Calendar/`, share, { 'Content-Type': 'application/xml; charset=utf-8', 'User-Agent': 'macOS/14.1 (23B74) CalendarAgent/1019' });
    expect(posted.status).toBe(200);
    const invite = await as('jean', 'PROPFIND', `/webdav/${email('jean')}/Calendar/`, '<D:propfind xmlns:D="DAV:" xmlns:CS="http://calendarserver.org/ns/"><D:prop><CS:invite/><CS:allowed-sharing-modes/></D:prop></D:propfind>', { Depth: '0' });
    expect(invite.text).toContain(`<D:href>mailto:${email('francois')}</D:href>`);
    expect(invite.text).toContain('<CS:read-write/>');
    expect(invite.text).toContain('<CS:can-be-shared/>');
    const event = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:x', 'BEGIN:VEVENT', 'UID:p1', 'DTSTAMP:20261101T000000Z', 'DTSTART:20261201T100000Z', 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');
    expect((await as('francois', 'PUT', `/webdav/${email('jean')}/Calendar/p1.ics`, event, { 'Content-Type': 'text/calendar' })).status).toBe(201);
    const invitations = await as('francois', 'GET', '/api/v1/invitations');
    expect(invitations.text).toContain(email('jean'));
  });

  it('removes the sharee with CS:remove', async () => {
    const remove = `<CS:share xmlns:D="DAV:" xmlns:CS="http://calendarserver.org/ns/"><CS:remove><D:href>mailto:${email('francois')}</D:href></CS:remove></CS:share>`;
    expect((await as('jean', 'POST', `/webdav/${email('jean')}/Calendar/`, remove, { 'Content-Type': 'application/xml' })).status).toBe(200);
    expect((await as('francois', 'GET', `/webdav/${email('jean')}/Calendar/p1.ics`)).status).toBe(404);
  });

  it('shares a files folder read-only with DAV:share-resource', async () => {
    const body = `<D:share-resource xmlns:D="DAV:"><D:sharee><D:href>mailto:${email('marius')}</D:href><D:share-access><D:read/></D:share-access></D:sharee></D:share-resource>`;
    expect((await as('jean', 'POST', `/webdav/${email('jean')}/Documents/`, body, { 'Content-Type': 'application/davsharing+xml' })).status).toBe(200);
    expect((await as('jean', 'PUT', `/webdav/${email('jean')}/Documents/a.txt`, 'a')).status).toBe(201);
    expect((await as('marius', 'GET', `/webdav/${email('jean')}/Documents/a.txt`)).status).toBe(200);
    expect((await as('marius', 'PUT', `/webdav/${email('jean')}/Documents/b.txt`, 'b')).status).toBe(403);
  });

  it('refuses sharing by someone without admin on the folder', async () => {
    const body = `<CS:share xmlns:D="DAV:" xmlns:CS="http://calendarserver.org/ns/"><CS:set><D:href>mailto:${email('marius')}</D:href><CS:read/></CS:set></CS:share>`;
    const refused = await as('marius', 'POST', `/webdav/${email('jean')}/Documents/`, body, { 'Content-Type': 'application/xml' });
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('need-privileges');
  });

  it('refuses a sharee href that names no account, never a server error', async () => {
    const body = '<CS:share xmlns:D="DAV:" xmlns:CS="http://calendarserver.org/ns/"><CS:set><D:href>/webdav/principals/%ZZ/</D:href><CS:read/></CS:set></CS:share>';
    expect((await as('jean', 'POST', `/webdav/${email('jean')}/Documents/`, body, { 'Content-Type': 'application/xml' })).status).toBe(403);
  });

  it('refuses other POST bodies with 415', async () => {
    expect((await as('jean', 'POST', `/webdav/${email('jean')}/Documents/`, '<x xmlns="urn:x"/>', { 'Content-Type': 'application/xml' })).status).toBe(415);
  });
});
