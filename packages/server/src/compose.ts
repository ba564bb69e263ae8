import { createDavServer, type DavServer } from '@partage/dav-core';
import { calendarModule } from '@partage/calendar';
import { contactsModule } from '@partage/contacts';
import { filesKind, filesModule } from '@partage/files';
import { openDatabase, type OpenedDatabase } from '@partage/storage';
import { join } from 'node:path';
import { AccountService } from './accounts.js';
import { createApp } from './app.js';
import { Authenticator } from './authenticator.js';
import { withDirectoryAccess } from './gal-authorizer.js';
import { galScope } from './gal-scope.js';
import { galAccountHooks, GalService } from './gal-service.js';
import { galTree } from './gal-tree.js';
import type { Config } from './config.js';
import { createLockStore } from './lock-store.js';
import { createLogger, type Logger } from './logger.js';
import { Metrics } from './metrics.js';
import { invitationMailer } from './invitation-mail.js';
import { createSmtpMailer, type Mailer } from './mailer.js';
import { aclModule, createShareAuthorizer, NotificationTree, ProxyPrincipals, ShareService, sharingModule, SubscriptionBindings } from '@partage/sharing';
import { principalHref, principalsModule } from './principals.js';
import { PartageTree } from './resource-tree.js';
import { withServicePolicies } from './service-policies.js';

/** A composed server: the express app and the services behind it. */
export interface Partage {
  readonly app: ReturnType<typeof createApp>;
  readonly dav: DavServer;
  readonly database: OpenedDatabase;
  readonly accounts: AccountService;
  readonly gal: GalService;
  readonly logger: Logger;
  /** Tells where the server listens, for the links of e-mails when `PARTAGE_PUBLIC_URL` is unset. */
  listeningAt(url: string): void;
  close(): Promise<void>;
}

/** Opens the store the configuration names (embedded in the data dir, or PostgreSQL). */
export function openStore(config: Config, schema?: string): Promise<OpenedDatabase> {
  return config.databaseUrl
    ? openDatabase({ databaseUrl: config.databaseUrl, ...(schema ? { schema } : {}) })
    : openDatabase({ dataDir: config.dataDir });
}

/**
 * The composition root (STYLE §1): every port gets its implementation here and nowhere
 * else. Pass `database` to reuse an open store (tests).
 */
export async function createPartage(
  config: Config,
  options: { database?: OpenedDatabase; logger?: Logger; mailer?: Mailer } = {},
): Promise<Partage> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const database = options.database ?? (await openStore(config));
  const { db, blobStore } = database;
  const accounts = new AccountService(db, blobStore, { quotaBytes: config.defaultQuotaBytes, serverPathRoots: config.serverPathRoots }, galAccountHooks());
  const scope = galScope(db, database.readCache);
  const gal = new GalService(db, scope);
  const calendar = calendarModule({ db, limits: { maxResourceBytes: config.maxResourceBytes } });
  const contacts = contactsModule({ db, limits: { maxResourceBytes: config.maxResourceBytes }, galScope: scope });
  const tree = new PartageTree(db, blobStore, database.readCache, [filesKind(blobStore), calendar.kind, contacts.kind]);
  tree.bindings = new SubscriptionBindings(db, tree.resources, config.sharedPrefix.split('/').filter(Boolean));
  tree.gal = galTree(db, scope);
  tree.notifications = new NotificationTree(db, principalHref);
  let listeningUrl = `http://${config.host}:${config.port}`;
  const mail = config.smtpUrl
    ? invitationMailer({ db, mailer: options.mailer ?? createSmtpMailer(config.smtpUrl), from: config.mailFrom, baseUrl: () => config.publicUrl ?? listeningUrl, logger })
    : undefined;
  const sharing = new ShareService(db, mail ? { onInvitation: mail.onInvitation } : {});
  const proxies = new ProxyPrincipals(db, sharing);
  tree.proxies = proxies;
  const dav = createDavServer({
    tree,
    authorizer: withServicePolicies(withDirectoryAccess(createShareAuthorizer(db, database.readCache)), db, database.readCache),
    locks: createLockStore(db, database.readCache),
    modules: [
      filesModule,
      principalsModule(db),
      aclModule(db),
      sharingModule(db, sharing, tree.bindings),
      proxies.module(),
      calendar.davModule(tree.resources),
      contacts.davModule(tree.resources),
    ],
    limits: { xml: { maxBytes: config.maxXmlBytes, maxDepth: config.maxXmlDepth }, maxLockSeconds: config.maxLockSeconds },
    principalCollections: ['/webdav/principals/'],
    logger,
  });
  const authenticator = new Authenticator(db, database.readCache, {
    adminEmail: config.adminEmail,
    cacheMs: config.credentialCacheMs,
    login: config.login,
  });
  const app = createApp({
    config,
    dav,
    accounts,
    sharing,
    gal,
    authenticator,
    logger,
    metrics: new Metrics(),
    isReady: () => true,
  });
  return {
    app,
    dav,
    database,
    accounts,
    gal,
    logger,
    listeningAt: (url) => {
      listeningUrl = url;
    },
    close: () => database.close(),
  };
}

/** Where the embedded store lives, for messages. */
export const embeddedStorePath = (config: Config): string => join(config.dataDir, 'db');
