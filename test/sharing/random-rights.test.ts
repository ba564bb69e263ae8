import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestServer, type TestServer } from '../support/test-server.js';
import {
  deniedStatus,
  hrefOf,
  isHidden,
  isRestricted,
  listing,
  mayRead,
  mayReadSubtree,
  parentOf,
  type ModelCaller,
  type ModelFolder,
  type ModelItem,
  type ModelOwner,
  type Target,
  type World,
} from './rights-model.js';
import {
  aclBody,
  adminEmail,
  adminPassword,
  addressbookQuery,
  buildWorld,
  calendarQuery,
  clientOf,
  compare,
  contentFor,
  createStatus,
  extensionOf,
  freshName,
  lockBody,
  may,
  multiget,
  okHrefs,
  propfindBody,
  proppatch,
  putItem,
  sorted,
  syncBody,
  type Client,
} from './rights-world.js';

/**
 * For random share configurations, every (caller, resource, method) sent over HTTP the way
 * clients send it, against the reference model of SPEC §4 in rights-model.ts. The seeds are
 * fixed; `RIGHTS_SEED=n` (or `n,m,…`) replays or tries others. Writes that succeed are undone by the
 * administrator, so the world stays the one the model describes; denied writes must change
 * nothing.
 */
const seeds = process.env['RIGHTS_SEED'] ? process.env['RIGHTS_SEED'].split(',').map(Number) : [101, 202, 303];

let server: TestServer;
let client: Client;
beforeAll(async () => {
  server = await startTestServer({ PARTAGE_LOGIN_MAX_FAILURES: '100000' });
  await server.createUser(adminEmail, adminPassword, { isAdmin: true });
  client = clientOf(server);
}, 120_000);
afterAll(async () => {
  await server.stop();
});

/** One world: its model, and what every request found. */
class Run {
  readonly failures: string[] = [];
  requests = 0;
  constructor(
    readonly world: World,
    readonly seed: number,
  ) {}

  async send(who: string, method: string, path: string, body?: string, headers: Record<string, string> = {}) {
    this.requests++;
    return client.send(who, method, path, body, headers);
  }

  expect(caller: ModelCaller, what: string, actual: unknown, expected: unknown): void {
    try {
      compare(`${caller.email} ${what}`, actual, expected);
    } catch (error) {
      this.failures.push((error as Error).message); // compare only throws Mismatch
    }
  }
}

const admin = (run: Run, method: string, path: string, body?: string, headers: Record<string, string> = {}) =>
  run.send(adminEmail, method, path, body, headers);

async function restoreItem(run: Run, owner: ModelOwner, item: ModelItem): Promise<void> {
  await putItem(client, owner, item);
}

/** The reads: PROPFIND Depth 0 and 1, GET, and the reports of the folder's kind. */
async function checkReads(run: Run, caller: ModelCaller, target: Target): Promise<void> {
  const { world } = run;
  const href = hrefOf(target);
  const readStatus = mayRead(world, caller, target) ? undefined : deniedStatus(world, caller, target);
  const depth0 = await run.send(caller.email, 'PROPFIND', href, propfindBody, { Depth: '0' });
  run.expect(caller, `PROPFIND 0 ${href}`, depth0.status, readStatus ?? 207);
  const got = await run.send(caller.email, 'GET', href);
  run.expect(caller, `GET ${href}`, got.status, readStatus ?? 200);
  if (target.kind === 'item' && readStatus === undefined) {
    run.expect(caller, `GET ${href} shows the confidential details`, got.text.includes('details of CONFIDENTIAL'), target.item.classification === 'CONFIDENTIAL' && !isRestricted(world, caller, target));
  }
  if (target.kind === 'item') return;
  const depth1 = await run.send(caller.email, 'PROPFIND', href, propfindBody, { Depth: '1' });
  run.expect(caller, `PROPFIND 1 ${href}`, depth1.status, readStatus ?? 207);
  if (readStatus === undefined) run.expect(caller, `PROPFIND 1 ${href} listing`, okHrefs(depth1.text), sorted([href, ...listing(world, caller, target)]));
  if (target.kind !== 'folder') return;
  const members = listing(world, caller, target);
  const items = members.filter((h) => !h.endsWith('/'));
  const sync = await run.send(caller.email, 'REPORT', href, syncBody);
  run.expect(caller, `REPORT sync-collection ${href}`, sync.status, readStatus ?? 207);
  if (readStatus === undefined) run.expect(caller, `REPORT sync-collection ${href} members`, okHrefs(sync.text), sorted(items));
  const kind = target.folder.kind;
  if (kind === 'files') return;
  const everyItem = target.owner.items.filter((i) => i.folder === target.folder.path).map((item) => hrefOf({ kind: 'item', owner: target.owner, item }));
  const query = await run.send(caller.email, 'REPORT', href, kind === 'calendar' ? calendarQuery : addressbookQuery, { Depth: '1' });
  run.expect(caller, `REPORT query ${href}`, query.status, readStatus ?? 207);
  const shown = target.folder.path === 'Calendar' || kind === 'contacts' ? items : [];
  if (readStatus === undefined) {
    run.expect(caller, `REPORT query ${href} members`, okHrefs(query.text), sorted(shown));
    const seesDetails = may(run.world, caller, target, 'admin');
    if (!seesDetails) run.expect(caller, `REPORT query ${href} shows confidential details`, query.text.includes('details of CONFIDENTIAL'), false);
  }
  if (everyItem.length === 0) return;
  const got2 = await run.send(caller.email, 'REPORT', href, multiget(kind, everyItem), { Depth: '1' });
  run.expect(caller, `REPORT multiget ${href}`, got2.status, readStatus ?? 207);
  if (readStatus === undefined) run.expect(caller, `REPORT multiget ${href} members`, okHrefs(got2.text), sorted(items));
}

/** PROPPATCH and LOCK: `modify` on the target. */
async function checkPatchAndLock(run: Run, caller: ModelCaller, target: Target): Promise<void> {
  const { world } = run;
  const href = hrefOf(target);
  const expected = may(world, caller, target, 'modify') ? undefined : deniedStatus(world, caller, target);
  const patched = await run.send(caller.email, 'PROPPATCH', href, proppatch('x'), { 'Content-Type': 'application/xml' });
  run.expect(caller, `PROPPATCH ${href}`, patched.status, expected ?? 207);
  if (patched.status === 207) {
    run.expect(caller, `PROPPATCH ${href} applied`, okHrefs(patched.text), expected === undefined ? [href] : []);
    await admin(run, 'PROPPATCH', href, proppatch(null), { 'Content-Type': 'application/xml' });
  }
  const locked = await run.send(caller.email, 'LOCK', href, lockBody, { 'Content-Type': 'application/xml', Depth: '0' });
  run.expect(caller, `LOCK ${href}`, locked.status, expected ?? 200);
  const token = locked.headers.get('lock-token');
  if (token) run.expect(caller, `UNLOCK ${href}`, (await run.send(caller.email, 'UNLOCK', href, undefined, { 'Lock-Token': token })).status, 204);
}

/** Creations in a collection: PUT of a new item, MKCOL in files folders and homes. */
async function checkCreations(run: Run, caller: ModelCaller, target: Target): Promise<void> {
  const { world } = run;
  if (target.kind === 'item') return;
  const href = hrefOf(target);
  const expected = createStatus(world, caller, target);
  if (target.kind === 'folder') {
    const name = freshName(extensionOf(target.folder));
    const { body, contentType } = contentFor(target.folder, name);
    const put = await run.send(caller.email, 'PUT', href + name, body, { 'Content-Type': contentType });
    run.expect(caller, `PUT new ${href}${name}`, put.status, expected ?? 201);
    if (put.status === 201) await admin(run, 'DELETE', href + name);
    else run.expect(caller, `PUT new ${href}${name} left nothing`, (await admin(run, 'GET', href + name)).status, 404);
  }
  if (target.kind === 'home' || target.folder.kind === 'files') {
    const name = freshName('d').replace('.', '-');
    const made = await run.send(caller.email, 'MKCOL', `${href}${name}/`);
    run.expect(caller, `MKCOL ${href}${name}/`, made.status, expected ?? 201);
    if (made.status === 201) await admin(run, 'DELETE', `${href}${name}/`);
  }
}

/** PUT over an item and DELETE of it (or of a subfolder), then the item as it was. */
async function checkItemWrites(run: Run, caller: ModelCaller, target: Target & { kind: 'item' }): Promise<void> {
  const { world } = run;
  const href = hrefOf(target);
  const item = target.item;
  const modify = may(world, caller, target, 'modify') ? undefined : deniedStatus(world, caller, target);
  const changed = item.body.replace(/SUMMARY:[^\r]*|FN:[^\r]*|^[a-z] of .*$/, (m) => (m.startsWith('SUMMARY') ? 'SUMMARY:changed' : m.startsWith('FN') ? 'FN:Changed' : 'changed'));
  const put = await run.send(caller.email, 'PUT', href, changed, { 'Content-Type': item.contentType });
  run.expect(caller, `PUT over ${href}`, put.status, modify ?? 204);
  const after = await admin(run, 'GET', href);
  run.expect(caller, `PUT over ${href} result`, after.text === changed, put.status === 204);
  if (put.status === 204) await restoreItem(run, target.owner, item);
  const parent = parentOf(target);
  // A holder of delete on the folder reaches its members: a confidential one is refused (403), a private one does not exist (404).
  const mayUnbind = parent !== undefined && may(world, caller, parent, 'delete') && !isHidden(world, caller, target);
  const deleteStatus = !mayUnbind ? deniedStatus(world, caller, target) : isRestricted(world, caller, target) ? 403 : 204;
  const removed = await run.send(caller.email, 'DELETE', href);
  run.expect(caller, `DELETE ${href}`, removed.status, deleteStatus);
  const still = await admin(run, 'GET', href);
  run.expect(caller, `DELETE ${href} result`, still.status, removed.status === 204 ? 404 : 200);
  if (still.status === 404) await restoreItem(run, target.owner, item);
}

/** A folder of the same kind elsewhere in the world to copy or move into (none inside the source). */
function destinationFor(run: Run, pick: () => number, source: Target & { kind: 'folder' | 'item' }): Target & { kind: 'folder' } {
  const kind = source.kind === 'item' ? source.owner.folders.find((f) => f.path === source.item.folder)?.kind : source.folder.kind;
  const sourcePath = source.kind === 'item' ? source.item.folder : source.folder.path;
  const candidates = run.world.owners.flatMap((owner) =>
    owner.folders
      .filter((f) => f.kind === kind && (f.kind !== 'calendar' || f.path === 'Calendar'))
      .filter((f) => owner !== source.owner || (source.kind === 'item' ? f.path !== sourcePath : f.path !== sourcePath && !f.path.startsWith(`${sourcePath}/`)))
      .map((folder) => ({ kind: 'folder' as const, owner, folder })),
  );
  const chosen = candidates[Math.floor(pick() * candidates.length)];
  if (!chosen) throw new Error('no destination');
  return chosen;
}

/** COPY and MOVE across folders: read (all of it) at the source, create at the destination, delete at the source's parent for MOVE. */
async function checkTransfers(run: Run, caller: ModelCaller, target: Target & { kind: 'folder' | 'item' }, pick: () => number): Promise<void> {
  const { world } = run;
  const href = hrefOf(target);
  const destination = destinationFor(run, pick, target);
  const name = target.kind === 'item' ? freshName(target.item.name.split('.').pop() ?? 'x') : freshName('d').replace('.', '-');
  const to = hrefOf(destination) + name + (target.kind === 'folder' ? '/' : '');
  const sourceReadable = target.kind === 'folder' ? mayReadSubtree(world, caller, target.owner, target.folder) : mayRead(world, caller, target) && !isRestricted(world, caller, target);
  const readStatus = !mayRead(world, caller, target) ? deniedStatus(world, caller, target) : sourceReadable ? undefined : 403;
  const copyStatus = readStatus ?? createStatus(world, caller, destination) ?? 201;
  const copied = await run.send(caller.email, 'COPY', href, undefined, { Destination: server.url + to, Depth: 'infinity' });
  run.expect(caller, `COPY ${href} to ${to}`, copied.status, copyStatus);
  if (copied.status === 201) await admin(run, 'DELETE', to);
  if (target.kind !== 'item') return;
  const parent = parentOf(target);
  const moveStatus = copyStatus !== 201 ? copyStatus : parent && may(world, caller, parent, 'delete') ? 201 : 403;
  const moved = await run.send(caller.email, 'MOVE', href, undefined, { Destination: server.url + to });
  run.expect(caller, `MOVE ${href} to ${to}`, moved.status, moveStatus);
  if (moved.status === 201) await admin(run, 'MOVE', to, undefined, { Destination: server.url + href });
  run.expect(caller, `MOVE ${href} left the source`, (await admin(run, 'GET', href)).status, 200);
}

/** ACL (stating the folder's grants again) and DELETE of the folder. */
async function checkFolderAdmin(run: Run, caller: ModelCaller, target: Target & { kind: 'folder' }): Promise<void> {
  const { world } = run;
  const href = hrefOf(target);
  const acl = await run.send(caller.email, 'ACL', href, aclBody(target.owner, target.folder), { 'Content-Type': 'application/xml' });
  run.expect(caller, `ACL ${href}`, acl.status, may(world, caller, target, 'admin') ? 200 : deniedStatus(world, caller, target));
  const parent = parentOf(target);
  if (!parent) return;
  const removed = await run.send(caller.email, 'DELETE', href);
  run.expect(caller, `DELETE ${href}`, removed.status, may(world, caller, parent, 'delete') ? 204 : deniedStatus(world, caller, target));
  if (removed.status === 204) await recreateFolder(run, target.owner, target.folder);
}

async function recreateFolder(run: Run, owner: ModelOwner, folder: ModelFolder): Promise<void> {
  const target: Target = { kind: 'folder', owner, folder };
  expect((await admin(run, 'MKCOL', hrefOf(target))).status).toBe(201);
  for (const item of owner.items.filter((i) => i.folder === folder.path)) await putItem(client, owner, item);
  for (const grant of owner.grants.filter((g) => g.folder === folder.path)) {
    expect([200, 201]).toContain((await admin(run, 'PUT', `/api/v1/accounts/${owner.account.email}/grants`, JSON.stringify(grant))).status);
  }
}

function targetsOf(owner: ModelOwner): Target[] {
  return [
    { kind: 'home', owner },
    ...owner.folders.filter((f) => f.path !== 'Tasks' && f.path !== 'Notes').map((folder) => ({ kind: 'folder' as const, owner, folder })),
    ...owner.items.map((item) => ({ kind: 'item' as const, owner, item })),
  ];
}

describe('random share configurations against the reference model of SPEC §4', () => {
  for (const seed of seeds) {
    it(`answers every caller, resource and method as the model predicts (seed ${seed})`, async () => {
      const started = Date.now();
      const { world, callers } = await buildWorld(server, client, seed);
      const run = new Run(world, seed);
      let turn = seed;
      const pick = () => ((turn = (turn * 48271) % 2147483647) % 1000) / 1000;
      for (const owner of world.owners) {
        for (const target of targetsOf(owner)) {
          for (const caller of callers) {
            await checkReads(run, caller, target);
            // The owner holds every right (SPEC §4, rule 3): its writes are not worth their undoing.
            if (caller.email === owner.account.email) continue;
            await checkPatchAndLock(run, caller, target);
            await checkCreations(run, caller, target);
            if (target.kind === 'item') {
              await checkItemWrites(run, caller, target);
              await checkTransfers(run, caller, target, pick);
            }
            if (target.kind === 'folder') {
              if (target.folder.kind === 'files') await checkTransfers(run, caller, target, pick);
              await checkFolderAdmin(run, caller, target);
            }
          }
        }
      }
      const summary = `seed ${seed} (replay with RIGHTS_SEED=${seed}): ${run.requests} requests in ${Date.now() - started} ms, ${run.failures.length} differ from the model`;
      if (run.failures.length > 0) {
        const grants = world.owners.map((o) => `${o.account.email}: ${JSON.stringify(o.grants)}`).join('\n');
        const groups = world.accounts.filter((a) => a.kind === 'group').map((g) => `${g.email}${g.isPublicGroup ? ' (public)' : ''}: ${g.members.join(', ')}`).join('\n');
        throw new Error(`${summary}\n${groups}\n${grants}\n${run.failures.slice(0, 40).join('\n')}`);
      }
      expect(run.requests).toBeGreaterThan(500);
    }, 300_000);
  }
});
