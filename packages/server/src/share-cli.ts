import { ShareService, type GrantView, type PublicFolderGroupView, type Right } from '@partage/sharing';
import { StoreBusyError } from '@partage/storage';
import { openStore } from './compose.js';
import { loadConfig } from './config.js';
import { invitationMailer } from './invitation-mail.js';
import { createLogger } from './logger.js';
import { createSmtpMailer } from './mailer.js';

/** The sharing calls the CLI makes, over the store or the running server's REST API. */
interface ShareBackend {
  list(owner: string): Promise<GrantView[]>;
  grant(owner: string, grant: GrantView): Promise<void>;
  revoke(owner: string, folder: string | null, grantee: string): Promise<void>;
  publicFolders(): Promise<PublicFolderGroupView[]>;
}

/** The administrator acts for the CLI (SPEC §5: an administrator can grant for any account). */
const administrator = { id: 0, isAdmin: true };

async function withShareBackend<T>(work: (backend: ShareBackend) => Promise<T>): Promise<T> {
  const config = loadConfig();
  let database;
  try {
    database = await openStore(config);
  } catch (error) {
    const password = process.env['PARTAGE_ADMIN_PASSWORD'];
    if (!(error instanceof StoreBusyError) || !password) throw error;
    const url = process.env['PARTAGE_URL'] || `http://127.0.0.1:${process.env['PARTAGE_PORT'] || '8008'}`;
    const authorization = `Basic ${Buffer.from(`${process.env['PARTAGE_ADMIN_USER'] || 'admin'}:${password}`).toString('base64')}`;
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(url + path, {
        method,
        headers: { Authorization: authorization, 'Content-Type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${text}`);
      return text === '' ? undefined : (JSON.parse(text) as unknown);
    };
    console.error(`partage: a running server holds the store; going through ${url}`);
    return work({
      list: async (owner) => (await call('GET', `/api/v1/accounts/${encodeURIComponent(owner)}/grants`)) as GrantView[], // the API answers GrantView[] (openapi.yaml)
      grant: async (owner, grant) => {
        await call('PUT', `/api/v1/accounts/${encodeURIComponent(owner)}/grants`, grant);
      },
      revoke: async (owner, folder, grantee) => {
        const query = new URLSearchParams({ grantee, ...(folder === null ? {} : { folder }) });
        await call('DELETE', `/api/v1/accounts/${encodeURIComponent(owner)}/grants?${query.toString()}`);
      },
      publicFolders: async () => (await call('GET', '/api/v1/public-folders')) as PublicFolderGroupView[], // the API answers PublicFolderGroup[] (openapi.yaml)
    });
  }
  // A new grant invites by e-mail here too (SPEC §5); the CLI waits for the mail before it exits.
  const mail = config.smtpUrl
    ? invitationMailer({
        db: database.db,
        mailer: createSmtpMailer(config.smtpUrl),
        from: config.mailFrom,
        baseUrl: () => config.publicUrl ?? `http://${config.host}:${config.port}`,
        logger: createLogger(config.logLevel),
      })
    : undefined;
  try {
    const sharing = new ShareService(database.db, mail ? { onInvitation: mail.onInvitation } : {});
    return await work({
      list: (owner) => sharing.listGrants(owner, administrator),
      grant: async (owner, grant) => {
        await sharing.setGrant(owner, grant, administrator);
      },
      revoke: (owner, folder, grantee) => sharing.removeGrant(owner, folder, grantee, administrator),
      publicFolders: () => sharing.publicFolders(administrator),
    });
  } finally {
    await mail?.settled();
    await database.close();
  }
}

/** `owner/folder/path` or a bare `owner` (the whole account). */
function splitTarget(target: string): { owner: string; folder: string | null } {
  const slash = target.indexOf('/');
  return slash < 0 ? { owner: target, folder: null } : { owner: target.slice(0, slash), folder: target.slice(slash + 1).replace(/\/+$/, '') || null };
}

const levels: Readonly<Record<string, readonly Right[]>> = {
  'read-only': ['read'],
  'read-write': ['read', 'create', 'modify', 'delete'],
  all: ['read', 'create', 'modify', 'delete', 'admin'],
  'free-busy': ['freebusy'],
  none: [],
};

/** Reads `--rights`: a named level (read-only, read-write, all, free-busy, none) or a comma list of rights. */
export function parseRights(text: string): Right[] {
  const level = levels[text];
  if (level) return [...level];
  return text.split(',').map((r) => r.trim()).filter(Boolean) as Right[]; // the service refuses unknown rights
}

/** `partage share grant <owner[/folder]> <grantee> --rights …`. */
export async function runShareGrant(target: string, grantee: string, rights: string): Promise<void> {
  const { owner, folder } = splitTarget(target);
  await withShareBackend((b) => b.grant(owner, { folder, grantee, rights: parseRights(rights) }));
  console.log(`granted ${rights} on ${target} to ${grantee}`);
}

/** `partage share revoke <owner[/folder]> <grantee>`. */
export async function runShareRevoke(target: string, grantee: string): Promise<void> {
  const { owner, folder } = splitTarget(target);
  await withShareBackend((b) => b.revoke(owner, folder, grantee));
  console.log(`revoked the grant on ${target} to ${grantee}`);
}

/** `partage share list <owner>`: one line per grant. */
export async function runShareList(owner: string): Promise<void> {
  const grants = await withShareBackend((b) => b.list(owner));
  for (const grant of grants) {
    console.log(`${grant.folder ?? '(whole account)'}\t${grant.grantee}\t${grant.rights.length === 0 ? '(denied)' : grant.rights.join(',')}`);
  }
}

/**
 * `partage share public-folders`: one line per grant that applies to a public folder
 * (SPEC §5), `<group>/<folder>`, grantee, rights (or `(denied)`) and where it is set — the
 * folder, an ancestor, the whole account, or the members' implicit read.
 */
export async function runSharePublicFolders(): Promise<void> {
  const groups = await withShareBackend((b) => b.publicFolders());
  for (const group of groups) {
    for (const folder of group.folders) {
      for (const grant of folder.grants) {
        const rights = grant.denied ? '(denied)' : grant.rights.join(',');
        const where = grant.implicit ? '(implicit, members)' : grant.setOn === null ? '(whole account)' : grant.setOn;
        console.log(`${group.group}/${folder.folder}\t${grant.grantee}\t${rights}\t${where}`);
      }
    }
  }
}
