#!/usr/bin/env node
import { Command } from 'commander';
import { AccountError } from './accounts.js';
import { loadConfig } from './config.js';
import { openStore } from './compose.js';
import { AccountService } from './accounts.js';
import { startServer } from './serve.js';
import { StoreBusyError } from '@partage/storage';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Uint8Array)); // stdin yields Buffers
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** Runs `work` with the account service over the store, closing it after. */
async function withAccounts<T>(work: (accounts: AccountService) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const database = await openStore(config);
  try {
    return await work(new AccountService(database.db, database.blobStore, { quotaBytes: config.defaultQuotaBytes }));
  } finally {
    await database.close();
  }
}

async function passwordFrom(options: { password?: string; passwordStdin?: boolean }): Promise<string | undefined> {
  if (options.passwordStdin) return readStdin();
  return options.password;
}

const program = new Command('partage').description('Partage groupware server').showHelpAfterError();

program
  .command('serve')
  .description('run the server (settings from the environment, see README)')
  .action(async () => {
    const running = await startServer(loadConfig());
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
domain
  .command('add <name>')
  .action((name: string) => withAccounts(async (a) => console.log(`domain ${(await a.createDomain(name)).name} added`)));
domain.command('list').action(() =>
  withAccounts(async (a) => {
    for (const d of await a.listDomains()) console.log(d.name);
  }),
);
domain.command('remove <name>').action((name: string) => withAccounts(async (a) => {
  await a.removeDomain(name);
  console.log(`domain ${name} removed`);
}));

const user = program.command('user').description('manage user accounts');
user
  .command('add <email>')
  .option('--password <password>', 'the password (prefer --password-stdin: arguments are visible to other users)')
  .option('--password-stdin', 'read the password from standard input')
  .option('--display-name <name>', 'the name shown to others')
  .option('--admin', 'make the account a server administrator')
  .option('--quota-bytes <bytes>', 'storage quota in bytes')
  .action((email: string, options: { password?: string; passwordStdin?: boolean; displayName?: string; admin?: boolean; quotaBytes?: string }) =>
    withAccounts(async (a) => {
      const password = await passwordFrom(options);
      const account = await a.create({
        email,
        password,
        displayName: options.displayName,
        isAdmin: options.admin ?? false,
        ...(options.quotaBytes === undefined ? {} : { quotaBytes: Number(options.quotaBytes) }),
      });
      console.log(`user ${account.email} added`);
    }),
  );
user
  .command('list')
  .option('--domain <domain>', 'only this domain')
  .action((options: { domain?: string }) =>
    withAccounts(async (a) => {
      for (const account of await a.list(options.domain)) {
        console.log(`${account.email}\t${account.kind}${account.isAdmin ? '\tadmin' : ''}`);
      }
    }),
  );
user.command('remove <email>').action((email: string) => withAccounts(async (a) => {
  await a.remove(email);
  console.log(`user ${email} removed`);
}));
user
  .command('passwd <email>')
  .option('--password <password>', 'the new password')
  .option('--password-stdin', 'read the new password from standard input')
  .action((email: string, options: { password?: string; passwordStdin?: boolean }) =>
    withAccounts(async (a) => {
      const password = await passwordFrom(options);
      if (!password) throw new AccountError('invalid', 'give --password or --password-stdin');
      await a.setPassword(email, password);
      console.log(`password of ${email} changed`);
    }),
  );

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof StoreBusyError || error instanceof AccountError) {
    console.error(`partage: ${error.message}`);
    process.exit(2);
  }
  console.error(error);
  process.exit(1);
});
