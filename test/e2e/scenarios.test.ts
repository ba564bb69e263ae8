import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { childElements, parseXml, splitClark, type XmlElement } from '@partage/dav-xml';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { parseScenario, type Step } from './scenario-format.js';

const root = join(import.meta.dirname, 'scenarios');
const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.http')).sort();

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.stop();
});

function select(root: XmlElement, path: string): XmlElement[] {
  const [first, ...rest] = path.split('/');
  if (splitClark(root.name).local !== first) return [];
  let current = [root];
  for (const local of rest) current = current.flatMap((e) => childElements(e).filter((c) => splitClark(c.name).local === local));
  return current;
}
const text = (e: XmlElement): string => e.children.map((c) => (typeof c === 'string' ? c : text(c))).join('');

async function run(step: Step, vars: Map<string, string>, user: string): Promise<void> {
  const fill = (s: string) => s.replace(/\{\{(\w+)\}\}/g, (_, name: string) => vars.get(name) ?? `{{${name}}}`);
  const headers: Record<string, string> = {};
  for (const [name, value] of step.headers) headers[name] = fill(value);
  if (!Object.keys(headers).some((h) => h.toLowerCase() === 'authorization')) headers['Authorization'] = server.basic(user);
  // fetch forbids Transfer-Encoding; a streamed body is sent chunked, as macOS Finder does.
  const chunked = Object.entries(headers).some(([n, v]) => n.toLowerCase() === 'transfer-encoding' && v === 'chunked');
  const sent = Object.fromEntries(Object.entries(headers).filter(([n]) => n.toLowerCase() !== 'transfer-encoding'));
  const payload = fill(step.body);
  const init =
    step.body === ''
      ? {}
      : chunked
        ? { body: new Blob([payload]).stream(), duplex: 'half' as const }
        : { body: payload };
  const response = await fetch(server.url + fill(step.path), { method: step.method, headers: sent, redirect: 'manual', ...init });
  const body = await response.text();
  const where = `${step.title}: ${step.method} ${fill(step.path)} → ${response.status}\n${body.slice(0, 800)}`;
  for (const assertion of step.assertions) {
    const [kind = '', ...args] = assertion.split(/\s+/);
    const rest = assertion.slice(kind.length).trim();
    if (kind === 'status') {
      expect({ where, status: response.status }).toEqual({ where, status: Number(args[0]) });
    } else if (kind === 'header') {
      const [name = '', , ...pattern] = args;
      expect({ where, value: response.headers.get(name) ?? '' }).toEqual({ where, value: expect.stringMatching(new RegExp(pattern.join(' '))) });
    } else if (kind === 'no-header') {
      expect({ where, value: response.headers.get(args[0] ?? '') }).toEqual({ where, value: null });
    } else if (kind === 'body') {
      expect({ where, body }).toEqual({ where, body: expect.stringMatching(new RegExp(rest.replace(/^~\s*/, ''))) });
    } else if (kind === 'xml-count') {
      const [path = '', count = ''] = args;
      expect({ where, count: select(parseXml(body), path).length }).toEqual({ where, count: Number(count) });
    } else if (kind === 'xml-text') {
      const [path = '', , ...pattern] = args;
      const texts = select(parseXml(body), path).map(text);
      expect({ where, texts }).toEqual({ where, texts: expect.arrayContaining([expect.stringMatching(new RegExp(pattern.join(' ')))]) });
    } else if (kind === 'capture') {
      const [name = '', source = '', header = '', ...pattern] = args;
      const value = source === 'header' ? (response.headers.get(header) ?? '') : body;
      const regex = pattern.length > 0 ? new RegExp(pattern.join(' ')) : source === 'body' ? new RegExp(header) : undefined;
      const match = regex ? regex.exec(value) : undefined;
      const captured = regex ? match?.[1] : value;
      expect({ where, captured: captured !== undefined && captured !== '' }).toEqual({ where, captured: true });
      vars.set(name, captured ?? '');
    } else {
      throw new Error(`unknown assertion ${assertion}`);
    }
  }
}

/**
 * `# @account <name> [user|resource|admin]` lines before the first step create more
 * accounts, in a domain of the scenario's own: `{{name}}` is the email and
 * `{{basic_name}}` the Authorization header for it.
 */
async function createAccounts(text: string, slug: string, vars: Map<string, string>): Promise<void> {
  for (const match of text.split(/^###/m)[0]?.matchAll(/^# @account (\w+)(?: (user|resource|admin))?\s*$/gm) ?? []) {
    const [, name = '', kind = 'user'] = match;
    const email = `${name}@${slug}.test`;
    if (kind === 'resource') await server.partage.accounts.create({ email, kind: 'resource', displayName: name });
    else await server.createUser(email, undefined, { isAdmin: kind === 'admin' });
    vars.set(name, email);
    vars.set(`basic_${name}`, server.basic(email));
  }
}

describe.each(files)('client scenario %s', (file) => {
  it('replays with the expected answers', async () => {
    const slug = file.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
    const user = `${slug}@scenarios.test`;
    await server.createUser(user);
    const vars = new Map([
      ['user', user],
      ['home', `/webdav/${user}`],
      ['host', new URL(server.url).host],
    ]);
    const text = readFileSync(join(root, file), 'utf8');
    await createAccounts(text, slug, vars);
    if (text.includes('{{sharee')) {
      // A second account for sharing sequences: its requests carry `Authorization: {{shareeAuth}}`.
      const sharee = `sharee-${user}`;
      await server.createUser(sharee);
      vars.set('sharee', sharee);
      vars.set('shareeHome', `/webdav/${sharee}`);
      vars.set('shareeAuth', server.basic(sharee));
    }
    for (const step of parseScenario(text)) await run(step, vars, user);
  });
});
