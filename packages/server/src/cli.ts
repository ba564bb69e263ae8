#!/usr/bin/env -S node --max-semi-space-size=32
import { setFlagsFromString } from 'node:v8';
import { Command } from 'commander';
import { StoreBusyError } from '@partage/storage';
import { ShareError } from '@partage/sharing';
import { AccountError, AccountService, type AccountUpdate, type NewAccount } from './accounts.js';
import { storeAdminBackend, type AdminBackend } from './api/admin-backend.js';
import { RestClientError, restAdminBackend, type RestTarget } from './api/rest-admin-backend.js';
import type { AccountJson } from './api/representations.js';
import { openStore } from './compose.js';
import { loadConfig } from './config.js';
import { startServer } from './serve.js';
import { runExport, runImport } from './calendar-cli.js';
import { runGalList, runGalSet } from './gal-cli.js';
import { galAccountHooks } from './gal-service.js';
import { runShareGrant, runShareList, runSharePublicFolders, runShareRevoke } from './share-cli.js';

/** A failure the user can fix, reported as one line and exit status 2. */
class CliError extends Error {
  override readonly name = 'CliError';
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Uint8Array)); // stdin yields Buffers
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** The running server's REST API and administrator login, from the environment, if a password is set. */
function restTarget(env: NodeJS.ProcessEnv): RestTarget | undefined {
  const password = env['PARTAGE_ADMIN_PASSWORD'];
  if (!password) return undefined;
  const url = env['PARTAGE_URL'] || `http://127.0.0.1:${env['PARTAGE_PORT'] || '8008'}`;
  return { url, user: env['PARTAGE_ADMIN_USER'] || 'admin', password };
}

/**
 * Runs `work` against the store when no server holds it, else against the REST API of the
 * server that does (SPEC §7). Without administrator credentials for that API it stops with
 * a message saying how to proceed.
 */
async function withBackend<T>(work: (backend: AdminBackend) => Promise<T>): Promise<T> {
  const config = loadConfig();
  let database: Awaited<ReturnType<typeof openStore>>;
  try {
    database = await openStore(config);
  } catch (error) {
    if (!(error instanceof StoreBusyError)) throw error;
    const target = restTarget(process.env);
    if (!target) {
      throw new CliError(
        `a running server (process ${error.pid}) holds the embedded store in ${error.dataDir}.\n` +
          'Set PARTAGE_ADMIN_PASSWORD (with PARTAGE_ADMIN_USER if the administrator is not "admin", and PARTAGE_URL ' +
          'if the server is not at http://127.0.0.1:$PARTAGE_PORT) to go through its REST API, or stop the server.',
      );
    }
    console.error(`partage: a running server holds the store; using the REST API at ${target.url}`);
    return work(restAdminBackend(target));
  }
  try {
    return await work(
      storeAdminBackend(
        new AccountService(
          database.db,
          database.blobStore,
          { quotaBytes: config.defaultQuotaBytes, serverPathRoots: config.serverPathRoots },
          galAccountHooks(),
        ),
      ),
    );
  } finally {
    await database.close();
  }
}

/** Reads `--password` or `--password-stdin`; never echoes it. */
async function passwordFrom(options: {
  password?: string;
  passwordStdin?: boolean;
}): Promise<string | undefined> {
  if (options.passwordStdin) return readStdin();
  return options.password;
}

/** Reads an `on|off` (or, where allowed, `inherit`: null) option; undefined when not given. */
function switchOption(name: string, value: string | undefined, allowInherit: boolean): boolean | null | undefined {
  if (value === undefined) return undefined;
  const v = value.trim().toLowerCase();
  if (v === 'on') return true;
  if (v === 'off') return false;
  if (allowInherit && v === 'inherit') return null;
  throw new CliError(`${name} takes on${allowInherit ? ', off or inherit' : ' or off'}, not ${value}`);
}

const onOff = (enabled: boolean): string => (enabled ? 'on' : 'off');

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** Creates an account and prints one line naming it. */
const addAccount = (noun: string, input: NewAccount) =>
  withBackend(async (backend) => {
    const account: AccountJson = await backend.createAccount(input);
    console.log(`${noun} ${account.email} added`);
  });

/** Changes an account and prints one line naming it. */
const updateAccount = (email: string, update: AccountUpdate) =>
  withBackend(async (b) => {
    if (update.displayName === undefined && update.membersInGal === undefined) throw new CliError('nothing to change');
    const account = await b.updateAccount(email, update);
    console.log(`${account.email} updated`);
  });

const program = new Command('partage').description('Partage groupware server').showHelpAfterError();

program
  .command('serve')
  .description('run the server (settings from the environment, see README)')
  .action(async () => {
    const config = loadConfig();
    // The embedded store is PostgreSQL compiled to WebAssembly. By default V8 optimizes its
    // functions one by one as they get hot, so every kind of query runs slowly for its first
    // dozen executions; a server compiles all of them in the background at start instead
    // (about 1 s of CPU and 16 MB; ADR 0020). Set before the store's module is compiled.
    if (!config.databaseUrl) setFlagsFromString('--no-wasm-dynamic-tiering');
    const running = await startServer(config);
    const stop = () => {
      running.stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });

const domain = program.command('domain').description('manage mail domains');
domain.command('add <name>').action((name: string) =>
  withBackend(async (b) => {
    console.log(`domain ${(await b.createDomain(name)).name} added`);
  }),
);
domain.command('list').action(() =>
  withBackend(async (b) => {
    for (const d of await b.listDomains()) console.log(d.name);
  }),
);
domain.command('remove <name>').action((name: string) =>
  withBackend(async (b) => {
    await b.removeDomain(name);
    console.log(`domain ${name} removed`);
  }),
);

domain
  .command('policy <name>')
  .description('show or set the service policies of a domain (SPEC §2)')
  .option('--groupware <on|off>', 'calendars and address books (CalDAV, CardDAV)')
  .option('--webdav <on|off>', 'the DAV tree under /webdav/')
  .action(async (name: string, options: { groupware?: string; webdav?: string }) => {
    const groupwareEnabled = switchOption('--groupware', options.groupware, false);
    const webdavEnabled = switchOption('--webdav', options.webdav, false);
    await withBackend(async (b) => {
      const policies = {
        ...(groupwareEnabled === undefined || groupwareEnabled === null ? {} : { groupwareEnabled }),
        ...(webdavEnabled === undefined || webdavEnabled === null ? {} : { webdavEnabled }),
      };
      const d =
        Object.keys(policies).length > 0
          ? await b.setDomainPolicies(name, policies)
          : (await b.listDomains()).find((candidate) => candidate.name === name.trim().toLowerCase());
      if (!d) throw new CliError(`no domain ${name}`);
      console.log(`${d.name}\tgroupware ${onOff(d.groupwareEnabled)}\twebdav ${onOff(d.webdavEnabled)}`);
    });
  });

const user = program.command('user').description('manage user accounts');
user
  .command('add <email>')
  .option(
    '--password <password>',
    'the password (prefer --password-stdin: arguments are visible to other users)',
  )
  .option('--password-stdin', 'read the password from standard input')
  .option('--display-name <name>', 'the name shown to others')
  .option('--admin', 'make the account a server administrator')
  .option('--quota-bytes <bytes>', 'storage quota in bytes')
  .action(
    async (
      email: string,
      options: {
        password?: string;
        passwordStdin?: boolean;
        displayName?: string;
        admin?: boolean;
        quotaBytes?: string;
      },
    ) => {
      const password = await passwordFrom(options);
      const quotaBytes = options.quotaBytes === undefined ? undefined : Number(options.quotaBytes);
      if (quotaBytes !== undefined && !(Number.isSafeInteger(quotaBytes) && quotaBytes >= 0)) {
        throw new CliError(`--quota-bytes takes a whole number of bytes, not ${options.quotaBytes ?? ''}`);
      }
      await addAccount('user', {
        email,
        password,
        displayName: options.displayName,
        isAdmin: options.admin ?? false,
        ...(quotaBytes === undefined ? {} : { quotaBytes }),
      });
    },
  );
user
  .command('list')
  .option('--domain <domain>', 'only this domain')
  .action((options: { domain?: string }) =>
    withBackend(async (b) => {
      for (const account of await b.listAccounts(options.domain)) {
        console.log(`${account.email}\t${account.kind}${account.isAdmin ? '\tadmin' : ''}`);
      }
    }),
  );
user
  .command('set <email>')
  .description("change a user's display name (the member cards of its GAL groups follow)")
  .option('--display-name <name>', 'the name shown to others')
  .option('--no-display-name', 'remove the display name')
  .action((email: string, options: { displayName?: string | false }) =>
    updateAccount(email, { displayName: options.displayName === false ? null : options.displayName }),
  );
user.command('remove <email>').action((email: string) =>
  withBackend(async (b) => {
    await b.removeAccount(email);
    console.log(`user ${email} removed`);
  }),
);
user
  .command('passwd <email>')
  .option('--password <password>', 'the new password')
  .option('--password-stdin', 'read the new password from standard input')
  .action(async (email: string, options: { password?: string; passwordStdin?: boolean }) => {
    const password = await passwordFrom(options);
    if (!password) throw new CliError('give --password or --password-stdin');
    await withBackend((b) => b.setPassword(email, password));
    console.log(`password of ${email} changed`);
  });
user
  .command('app-password <email> <label>')
  .description('create a per-device app password; the token is printed once, on standard output')
  .action((email: string, label: string) =>
    withBackend(async (b) => {
      const created = await b.addAppPassword(email, label);
      console.error(`app password ${created.id} "${created.label}" of ${email} (shown only this once):`);
      console.log(created.token);
    }),
  );

user
  .command('policy <email>')
  .description('show or set the service policies of an account; inherit follows its domain (SPEC §2)')
  .option('--groupware <on|off|inherit>', 'calendars and address books (CalDAV, CardDAV)')
  .option('--webdav <on|off|inherit>', 'the DAV tree under /webdav/')
  .action(async (email: string, options: { groupware?: string; webdav?: string }) => {
    const groupwareEnabled = switchOption('--groupware', options.groupware, true);
    const webdavEnabled = switchOption('--webdav', options.webdav, true);
    await withBackend(async (b) => {
      const overrides = {
        ...(groupwareEnabled === undefined ? {} : { groupwareEnabled }),
        ...(webdavEnabled === undefined ? {} : { webdavEnabled }),
      };
      const p = Object.keys(overrides).length > 0 ? await b.setAccountPolicies(email, overrides) : await b.accountPolicies(email);
      const show = (effective: boolean, override: boolean | null) => `${onOff(effective)} (${override === null ? 'domain' : 'account'})`;
      console.log(
        `${email}\tgroupware ${show(p.effective.groupwareEnabled, p.groupwareEnabled)}\twebdav ${show(p.effective.webdavEnabled, p.webdavEnabled)}`,
      );
    });
  });

program
  .command('folder')
  .description('manage folders')
  .command('server-path <email> <name> <directory>')
  .description('back a new files folder of the account with a directory of the server, under PARTAGE_SERVER_PATH_ROOTS (SPEC §5)')
  .option('--recursive', 'serve the subdirectories too (otherwise only the top-level files)')
  .action((email: string, name: string, directory: string, options: { recursive?: boolean }) =>
    withBackend(async (b) => {
      const created = await b.createServerFolder(email, { name, path: directory, recursive: options.recursive ?? false });
      console.log(`folder ${created.owner}/${created.folder} serves ${created.path}${created.recursive ? ' recursively' : ''}`);
    }),
  );

const group = program.command('group').description('manage group accounts');
group
  .command('add <email>')
  .option('--member <email>', 'a member (repeat for several)', collect, [])
  .option('--public-folder', 'give the group folders that its members see')
  .option('--display-name <name>', 'the name shown to others')
  .option('--members-in-gal', 'keep one card per member in the group\'s Contacts folder, a GAL')
  .action(
    (email: string, options: { member: string[]; publicFolder?: boolean; displayName?: string; membersInGal?: boolean }) =>
      addAccount('group', {
        email,
        kind: 'group',
        members: options.member,
        publicFolder: options.publicFolder ?? false,
        displayName: options.displayName,
        ...(options.membersInGal ? { membersInGal: true } : {}),
      }),
  );
group
  .command('set <email>')
  .description("change a group's display name or whether it keeps its members in the GAL")
  .option('--display-name <name>', 'the name shown to others')
  .option('--members-in-gal', "keep one card per member in the group's Contacts folder, a GAL")
  .option('--no-members-in-gal', 'remove the member cards')
  .action((email: string, options: { displayName?: string; membersInGal?: boolean }) =>
    updateAccount(email, { displayName: options.displayName, membersInGal: options.membersInGal }),
  );
group
  .command('members <email> [emails...]')
  .description('show the members of a group, or set them to the emails given')
  .option('--none', 'remove every member')
  .action((email: string, emails: string[], options: { none?: boolean }) =>
    withBackend(async (b) => {
      if (options.none && emails.length > 0) throw new CliError('give either member emails or --none');
      const members =
        options.none || emails.length > 0 ? await b.setMembers(email, emails) : await b.members(email);
      for (const member of members) console.log(member);
    }),
  );

program
  .command('resource')
  .description('manage resource accounts (rooms, equipment)')
  .command('add <email>')
  .option('--display-name <name>', 'the name shown to others')
  .action((email: string, options: { displayName?: string }) =>
    addAccount('resource', { email, kind: 'resource', displayName: options.displayName }),
  );

const share = program.command('share').description('grant, revoke and list rights (SPEC §4, §5)');
share
  .command('grant <target> <grantee>')
  .description('target: owner or owner/folder; grantee: an email, @domain or authenticated')
  .requiredOption('--rights <rights>', 'read-only, read-write, all, free-busy, none, or a list like read,create')
  .action((target: string, grantee: string, options: { rights: string }) => runShareGrant(target, grantee, options.rights));
share.command('revoke <target> <grantee>').action((target: string, grantee: string) => runShareRevoke(target, grantee));
share.command('list <owner>').action((owner: string) => runShareList(owner));
share
  .command('public-folders')
  .description('list every public folder of every group with the grants that apply to it')
  .action(() => runSharePublicFolders());

const gal = program.command('gal').description('manage Global Address Lists (contacts folders searched by autocomplete)');
gal
  .command('enable <email/folder>')
  .description('flag a contacts folder as a GAL, e.g. jean@iw.fr/Contacts')
  .action((target: string) => runGalSet(target, true));
gal
  .command('disable <email/folder>')
  .description('remove the GAL flag of a contacts folder')
  .action((target: string) => runGalSet(target, false));
gal
  .command('list')
  .description('list every GAL as <email>/<folder>')
  .action(() => runGalList());

program
  .command('import <file>')
  .description('import an iCalendar file into a calendar, one object per UID (re-running resumes)')
  .requiredOption('--to <email/folder>', 'the calendar, e.g. jean@iw.fr/Calendar')
  .option('--all-or-nothing', 'import nothing if any object is rejected')
  .action(async (file: string, options: { to: string; allOrNothing?: boolean }) => {
    const report = await runImport(file, options.to, options.allOrNothing ?? false);
    if (report.rejected.length > 0) process.exitCode = 3;
  });

program
  .command('export <source>')
  .description('export a calendar (email/folder) as one iCalendar file')
  .option('--output <file>', 'write to this file instead of standard output')
  .action((source: string, options: { output?: string }) => runExport(source, options.output));

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof StoreBusyError || error instanceof AccountError || error instanceof CliError || error instanceof ShareError) {
    console.error(`partage: ${error.message}`);
    process.exit(2);
  }
  if (error instanceof RestClientError) {
    console.error(`partage: ${error.message}`);
    process.exit(error.status !== undefined && error.status < 500 ? 2 : 1);
  }
  console.error(error);
  process.exit(1);
});
