import { StoreBusyError } from '@partage/storage';
import { parseTarget } from './calendar-cli.js';
import { openStore } from './compose.js';
import { loadConfig } from './config.js';
import { galScope } from './gal-scope.js';
import { GalService, type GalJson } from './gal-service.js';

/** The GAL calls of the CLI, over the store or the running server's REST API. */
interface GalBackend {
  setGal(owner: string, folder: string, isEnabled: boolean): Promise<GalJson>;
  listGals(): Promise<GalJson[]>;
}

/** The CLI acts as an administrator: it holds the store, or the administrator's password. */
const administrator = { id: 0, isAdmin: true };

function restBackend(url: string, user: string, password: string): GalBackend {
  const authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  const call = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(`${url}/api/v1${path}`, {
      method,
      headers: { authorization, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const parsed: unknown = await response.json();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(parsed)}`);
    return parsed;
  };
  const at = (email: string) => `/accounts/${encodeURIComponent(email)}/gal`;
  return {
    // The server validates its responses against openapi.yaml (Gal, Account, GalList).
    setGal: async (owner, folder, isEnabled) => (await call('PUT', at(owner), { folder, enabled: isEnabled })) as GalJson,
    listGals: async () => {
      const accounts = (await call('GET', '/accounts')) as { email: string }[]; // validated as Account[]
      const all: GalJson[] = [];
      for (const account of accounts) all.push(...((await call('GET', at(account.email))) as { folders: GalJson[] }).folders); // GalList
      return all;
    },
  };
}

/** Runs `work` over the store, or over the REST API when a running server holds the store. */
async function withGalBackend<T>(work: (backend: GalBackend) => Promise<T>): Promise<T> {
  const config = loadConfig();
  let database;
  try {
    database = await openStore(config);
  } catch (error) {
    const password = process.env['PARTAGE_ADMIN_PASSWORD'];
    if (!(error instanceof StoreBusyError) || !password) throw error;
    const url = process.env['PARTAGE_URL'] || `http://127.0.0.1:${process.env['PARTAGE_PORT'] || '8008'}`;
    console.error(`partage: a running server holds the store; using the REST API at ${url}`);
    return work(restBackend(url, process.env['PARTAGE_ADMIN_USER'] || 'admin', password));
  }
  try {
    const gal = new GalService(database.db, galScope(database.db, database.readCache));
    return await work({
      setGal: (owner, folder, isEnabled) => gal.setGal(administrator, owner, folder, isEnabled),
      listGals: () => gal.list(administrator),
    });
  } finally {
    await database.close();
  }
}

/** `partage gal enable|disable <email>/<folder>`: prints the new state. */
export async function runGalSet(target: string, isEnabled: boolean): Promise<void> {
  const { email, folder } = parseTarget(target);
  const result = await withGalBackend((b) => b.setGal(email, folder, isEnabled));
  console.log(`${result.owner}/${result.folder} ${result.enabled ? 'is a GAL' : 'is no longer a GAL'}`);
}

/** `partage gal list`: one `<owner>/<folder>` per line. */
export async function runGalList(): Promise<void> {
  for (const gal of await withGalBackend((b) => b.listGals())) console.log(`${gal.owner}/${gal.folder}`);
}
