import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestServer, type TestServer } from '../support/test-server.js';

/** Regression: many cards sharing one email must not hide other addresses that contain the query. */
let server: TestServer;
const owner = 'annuaire@ac.test';

beforeAll(async () => {
  server = await startTestServer();
  await server.createUser(owner);
  const flagged = await fetch(`${server.url}/api/v1/accounts/${owner}/gal`, {
    method: 'PUT',
    headers: { Authorization: server.basic(owner), 'Content-Type': 'application/json' },
    body: JSON.stringify({ folder: 'Contacts', enabled: true }),
  });
  expect(flagged.status).toBeLessThan(300);
  const cards: [string, string][] = [
    ...Array.from({ length: 25 }, (_, i): [string, string] => [`Membre ${i}`, 'team-7@entreprise.test']),
    ['Opérations', 'ops.team-7@entreprise.test'],
  ];
  for (const [i, [name, email]] of cards.entries()) {
    const card = ['BEGIN:VCARD', 'VERSION:3.0', `UID:card-${i}`, `FN:${name}`, `N:${name};;;;`, `EMAIL:${email}`, 'END:VCARD', ''].join('\r\n');
    const put = await fetch(`${server.url}/webdav/${owner}/Contacts/card-${i}.vcf`, {
      method: 'PUT',
      headers: { Authorization: server.basic(owner), 'Content-Type': 'text/vcard' },
      body: card,
    });
    expect(put.status).toBe(201);
  }
});
afterAll(async () => {
  await server.stop();
});

describe('autocomplete', () => {
  it('offers every distinct address, the exact one first', async () => {
    const response = await fetch(`${server.url}/api/v1/autocomplete?q=${encodeURIComponent('team-7@')}`, {
      headers: { Authorization: server.basic(owner) },
    });
    const matches = (await response.json()) as { email: string }[];
    expect(matches.map((m) => m.email)).toEqual(['team-7@entreprise.test', 'ops.team-7@entreprise.test']);
  });
});
