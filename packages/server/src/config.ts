import { readFileSync } from 'node:fs';
import { z } from 'zod';

const flag = z
  .union([z.boolean(), z.string()])
  .transform((v) => (typeof v === 'boolean' ? v : ['1', 'true', 'yes', 'on'].includes(v.toLowerCase())));

const schema = z.object({
  PARTAGE_HOST: z.string().default('127.0.0.1'),
  PARTAGE_PORT: z.coerce.number().int().min(0).max(65535).default(8008),
  PARTAGE_DATA_DIR: z.string().default('./data'),
  DATABASE_URL: z.string().optional(),
  PARTAGE_TLS_CERT: z.string().optional(),
  PARTAGE_TLS_KEY: z.string().optional(),
  PARTAGE_TLS_SELF_SIGNED: flag.default(false),
  PARTAGE_ADMIN_PASSWORD: z.string().optional(),
  PARTAGE_ADMIN_EMAIL: z.string().default('admin@localhost'),
  PARTAGE_SMTP_URL: z.union([z.literal(''), z.url()]).optional(),
  PARTAGE_MAIL_FROM: z.string().default('Partage <partage@localhost>'),
  PARTAGE_PUBLIC_URL: z.union([z.literal(''), z.url()]).optional(),
  PARTAGE_SHARED_PREFIX: z.string().default('Shared/accounts'),
  PARTAGE_TRUSTED_PROXIES: z.string().default(''),
  PARTAGE_SERVER_PATH_ROOTS: z.string().default(''),
  PARTAGE_MAX_XML_BYTES: z.coerce.number().int().positive().default(2 * 1024 * 1024),
  PARTAGE_MAX_XML_DEPTH: z.coerce.number().int().positive().default(64),
  PARTAGE_MAX_RESOURCE_BYTES: z.coerce.number().int().positive().default(5 * 1024 * 1024),
  PARTAGE_MAX_LOCK_SECONDS: z.coerce.number().int().positive().default(3600),
  PARTAGE_DEFAULT_QUOTA_BYTES: z.coerce.number().int().nonnegative().optional(),
  PARTAGE_LOGIN_MAX_FAILURES: z.coerce.number().int().positive().default(10),
  PARTAGE_LOGIN_WINDOW_SECONDS: z.coerce.number().int().positive().default(600),
  PARTAGE_LOGIN_BLOCK_SECONDS: z.coerce.number().int().positive().default(600),
  PARTAGE_CREDENTIAL_CACHE_SECONDS: z.coerce.number().int().nonnegative().default(300),
  PARTAGE_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

/** Server settings (SPEC §7), from the environment or a JSON config file named by `PARTAGE_CONFIG`. */
export interface Config {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  readonly tls: { readonly certFile: string; readonly keyFile: string } | 'self-signed' | undefined;
  readonly adminPassword: string | undefined;
  readonly adminEmail: string;
  /** The SMTP relay for invitation e-mails; none: no e-mail is sent. */
  readonly smtpUrl: string | undefined;
  /** The sender of the server's e-mails (`PARTAGE_MAIL_FROM`). */
  readonly mailFrom: string;
  /** The server's address as users reach it, for links in e-mails; default: the address it listens on. */
  readonly publicUrl: string | undefined;
  readonly sharedPrefix: string;
  readonly trustedProxies: readonly string[];
  /**
   * Directories under which an administrator may back server-path folders (SPEC §5);
   * none by default, which turns the feature off.
   */
  readonly serverPathRoots: readonly string[];
  readonly maxXmlBytes: number;
  readonly maxXmlDepth: number;
  readonly maxLockSeconds: number;
  /** Largest calendar object or card (`max-resource-size`). */
  readonly maxResourceBytes: number;
  readonly defaultQuotaBytes: number | undefined;
  readonly login: { readonly maxFailures: number; readonly windowMs: number; readonly blockMs: number };
  readonly credentialCacheMs: number;
  readonly logLevel: z.infer<typeof schema>['PARTAGE_LOG_LEVEL'];
}

/** Reads and validates the settings; a bad value stops the server with a message naming it. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  let fromFile: Record<string, unknown> = {};
  if (env['PARTAGE_CONFIG']) {
    const parsed: unknown = JSON.parse(readFileSync(env['PARTAGE_CONFIG'], 'utf8'));
    if (typeof parsed !== 'object' || parsed === null) throw new Error('PARTAGE_CONFIG must hold a JSON object');
    fromFile = Object.fromEntries(Object.entries(parsed));
  }
  const result = schema.safeParse({ ...fromFile, ...env });
  if (!result.success) {
    throw new Error(`invalid configuration: ${result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const c = result.data;
  if ((c.PARTAGE_TLS_CERT === undefined) !== (c.PARTAGE_TLS_KEY === undefined)) {
    throw new Error('invalid configuration: PARTAGE_TLS_CERT and PARTAGE_TLS_KEY go together');
  }
  return {
    host: c.PARTAGE_HOST,
    port: c.PARTAGE_PORT,
    dataDir: c.PARTAGE_DATA_DIR,
    databaseUrl: c.DATABASE_URL || undefined,
    tls:
      c.PARTAGE_TLS_CERT && c.PARTAGE_TLS_KEY
        ? { certFile: c.PARTAGE_TLS_CERT, keyFile: c.PARTAGE_TLS_KEY }
        : c.PARTAGE_TLS_SELF_SIGNED
          ? 'self-signed'
          : undefined,
    adminPassword: c.PARTAGE_ADMIN_PASSWORD,
    adminEmail: c.PARTAGE_ADMIN_EMAIL.toLowerCase(),
    smtpUrl: c.PARTAGE_SMTP_URL || undefined,
    mailFrom: c.PARTAGE_MAIL_FROM,
    publicUrl: c.PARTAGE_PUBLIC_URL || undefined,
    sharedPrefix: c.PARTAGE_SHARED_PREFIX,
    trustedProxies: c.PARTAGE_TRUSTED_PROXIES.split(',').map((s) => s.trim()).filter(Boolean),
    serverPathRoots: c.PARTAGE_SERVER_PATH_ROOTS.split(',').map((s) => s.trim()).filter(Boolean),
    maxXmlBytes: c.PARTAGE_MAX_XML_BYTES,
    maxXmlDepth: c.PARTAGE_MAX_XML_DEPTH,
    maxLockSeconds: c.PARTAGE_MAX_LOCK_SECONDS,
    maxResourceBytes: c.PARTAGE_MAX_RESOURCE_BYTES,
    defaultQuotaBytes: c.PARTAGE_DEFAULT_QUOTA_BYTES,
    login: {
      maxFailures: c.PARTAGE_LOGIN_MAX_FAILURES,
      windowMs: c.PARTAGE_LOGIN_WINDOW_SECONDS * 1000,
      blockMs: c.PARTAGE_LOGIN_BLOCK_SECONDS * 1000,
    },
    credentialCacheMs: c.PARTAGE_CREDENTIAL_CACHE_SECONDS * 1000,
    logLevel: c.PARTAGE_LOG_LEVEL,
  };
}
